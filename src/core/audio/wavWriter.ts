// Streams planar float audio into a WAV file (PCM 16/24-bit or 32-bit float) without holding it
// in memory: the header is written with placeholder sizes and patched on close. Used for stems.
// The file is written under a temporary name (core/fsAtomic) and appears under its own name only
// when close() or commit() has completed it, so a file of that name is never half-written or left truncated.
// Samples are converted with typed-array stores into one reused Buffer per block (24-bit as three
// byte stores), not per-sample Buffer calls: a stem costs ~10× less to write. Multi-byte samples
// are stored in the machine's byte order, which is little-endian on every platform Electron ships.
// queue() hands the block to the thread pool (fs.write) so that a separation's writes do not hold
// up its model loop; commit() waits for them, then completes the file as close() does.
import fs from 'node:fs';
import { promisify } from 'node:util';
import { AtomicFile } from '../fsAtomic';

const writeAsync = promisify(fs.write);

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

export class WavWriter {
  private readonly out: AtomicFile;
  private readonly fd: number;
  private dataBytes = 0;
  private readonly bytesPerSample: number;
  /** Block buffers whose writes have completed, for reuse. */
  private readonly pool: ArrayBuffer[] = [];
  private pending: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private failed: Error | null = null;

  constructor(
    readonly file: string,
    readonly sampleRate: number,
    readonly channels: number,
    readonly format: WavSampleFormat = 'pcm16',
  ) {
    this.bytesPerSample = format === 'pcm16' ? 2 : format === 'pcm24' ? 3 : 4;
    this.out = new AtomicFile(file);
    this.fd = this.out.fd;
    try {
      fs.writeSync(this.fd, this.header(0));
    } catch (err) {
      this.out.abort();
      throw err;
    }
  }

  write(planar: Float32Array[]): void {
    this.ensureIdle('write');
    const buf = this.encode(planar, this.spare());
    fs.writeSync(this.fd, buf, 0, buf.length, 44 + this.dataBytes);
    this.dataBytes += buf.length;
    this.pool.push(buf.buffer as ArrayBuffer);
  }

  /** Converts the block now (the caller may reuse `planar` at once) and writes it in the
   *  background, after the blocks queued before it; resolves when it is written. */
  queue(planar: Float32Array[]): Promise<void> {
    const buf = this.encode(planar, this.spare());
    const at = 44 + this.dataBytes;
    this.dataBytes += buf.length;
    const done = this.pending.then(async () => {
      if (this.failed) throw this.failed;
      for (let o = 0; o < buf.length; ) o += (await writeAsync(this.fd, buf, o, buf.length - o, at + o)).bytesWritten;
      this.pool.push(buf.buffer as ArrayBuffer);
    });
    this.pending = done.catch((err: Error) => {
      this.failed ??= err;
    });
    this.inFlight++;
    void this.pending.then(() => this.inFlight--);
    return done;
  }

  /** Completes the header, then fsyncs and renames the file into place. */
  close(): void {
    this.ensureIdle('close');
    this.completeHeader();
    this.out.commitSync();
  }

  /** close() after the queued writes, with the fsync off the event loop. */
  async commit(): Promise<void> {
    await this.pending;
    this.completeHeader();
    await this.out.commit();
  }

  /** Writes the final sizes into the header; when that or an earlier queued write failed, removes
   *  the temporary file and throws. */
  private completeHeader(): void {
    try {
      if (this.failed) throw this.failed;
      fs.writeSync(this.fd, this.header(this.dataBytes), 0, 44, 0);
    } catch (err) {
      this.out.abort();
      throw err;
    }
  }

  /** Deletes the half-written temporary file (cancelled or failed job); `file` is left as it was.
   *  With writes queued, the descriptor is closed once they have finished (so that no write can
   *  land in a file that reuses its number): await the result to know the file is gone. */
  abort(): Promise<void> {
    if (this.inFlight === 0) {
      this.out.abort();
      return Promise.resolve();
    }
    return this.pending.then(() => this.out.abort());
  }

  private ensureIdle(what: string): void {
    if (this.inFlight > 0) throw new Error(`${this.file}: ${what}() while queued writes are pending (use commit())`);
  }

  /** A free block buffer from earlier writes (any size: encode grows it). */
  private spare(): ArrayBuffer | undefined {
    return this.pool.pop();
  }

  /** Interleaves and converts `planar` into `into` (or a larger buffer); returns the bytes. */
  private encode(planar: Float32Array[], into?: ArrayBuffer): Buffer {
    if (planar.length !== this.channels) throw new Error(`expected ${this.channels} channels, got ${planar.length}`);
    const frames = planar[0]!.length;
    const c = this.channels;
    const bytes = frames * c * this.bytesPerSample;
    const ab = into && into.byteLength >= bytes ? into : new ArrayBuffer(Math.max(bytes, 2 * (into?.byteLength ?? 0)));
    if (this.format === 'float32') {
      const out = new Float32Array(ab, 0, frames * c);
      for (let ch = 0; ch < c; ch++) for (let i = 0, src = planar[ch]!; i < frames; i++) out[i * c + ch] = src[i]!;
    } else if (this.format === 'pcm16') {
      const out = new Int16Array(ab, 0, frames * c);
      for (let ch = 0; ch < c; ch++) for (let i = 0, src = planar[ch]!; i < frames; i++) out[i * c + ch] = toInt(src[i]!, 0x8000, 0x7fff);
    } else {
      const out = new Uint8Array(ab, 0, bytes);
      for (let i = 0, o = 0; i < frames; i++) {
        for (let ch = 0; ch < c; ch++, o += 3) {
          const v = toInt(planar[ch]![i]!, 0x800000, 0x7fffff); // −2^23 … 2^23 − 1, or NaN → 0 as writeIntLE
          out[o] = v; // a Uint8Array keeps the low 8 bits
          out[o + 1] = v >> 8;
          out[o + 2] = v >> 16;
        }
      }
    }
    return Buffer.from(ab, 0, bytes);
  }

  private header(dataBytes: number): Buffer {
    const h = Buffer.alloc(44);
    const blockAlign = this.channels * this.bytesPerSample;
    h.write('RIFF', 0, 'ascii');
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write('WAVE', 8, 'ascii');
    h.write('fmt ', 12, 'ascii');
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(this.format === 'float32' ? 3 : 1, 20);
    h.writeUInt16LE(this.channels, 22);
    h.writeUInt32LE(this.sampleRate, 24);
    h.writeUInt32LE(this.sampleRate * blockAlign, 28);
    h.writeUInt16LE(blockAlign, 32);
    h.writeUInt16LE(this.bytesPerSample * 8, 34);
    h.write('data', 36, 'ascii');
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
}

/** Math.round(clamped x · scale), written as floor(y + 0.5), which V8 compiles to fewer
 *  instructions: y + 0.5 is exact for every float32 x in [−1, 1] at these scales, so the two agree
 *  (checked for all float32 with |x| ≥ 2^−30; below that both give 0), ties toward +∞ included. */
function toInt(x: number, neg: number, pos: number): number {
  const c = x > 1 ? 1 : x < -1 ? -1 : x;
  return Math.floor((c < 0 ? c * neg : c * pos) + 0.5);
}
