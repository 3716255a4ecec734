// Streams planar float audio into a WAV file (PCM 16/24-bit or 32-bit float) without holding it
// in memory: the header is written with placeholder sizes and patched on close. Used for stems.
// The file is written under a temporary name (core/fsAtomic) and appears under its own name only
// when close() has completed it, so a file of that name is never half-written or left truncated.
import fs from 'node:fs';
import { AtomicFile } from '../fsAtomic';

export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

export class WavWriter {
  private readonly out: AtomicFile;
  private readonly fd: number;
  private dataBytes = 0;
  private readonly bytesPerSample: number;

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
    if (planar.length !== this.channels) throw new Error(`expected ${this.channels} channels, got ${planar.length}`);
    const frames = planar[0]!.length;
    const c = this.channels;
    let buf: Buffer;
    if (this.format === 'float32') {
      const out = new Float32Array(frames * c);
      for (let ch = 0; ch < c; ch++) for (let i = 0, src = planar[ch]!; i < frames; i++) out[i * c + ch] = src[i]!;
      buf = Buffer.from(out.buffer);
    } else if (this.format === 'pcm16') {
      const out = new Int16Array(frames * c);
      for (let ch = 0; ch < c; ch++) for (let i = 0, src = planar[ch]!; i < frames; i++) out[i * c + ch] = toInt(src[i]!, 0x8000, 0x7fff);
      buf = Buffer.from(out.buffer);
    } else {
      buf = Buffer.alloc(frames * c * 3);
      for (let i = 0, o = 0; i < frames; i++) for (let ch = 0; ch < c; ch++, o += 3) buf.writeIntLE(toInt(planar[ch]![i]!, 0x800000, 0x7fffff), o, 3);
    }
    fs.writeSync(this.fd, buf);
    this.dataBytes += buf.length;
  }

  /** Completes the header, then fsyncs and renames the file into place. */
  close(): void {
    try {
      fs.writeSync(this.fd, this.header(this.dataBytes), 0, 44, 0);
    } catch (err) {
      this.out.abort();
      throw err;
    }
    this.out.commitSync();
  }

  /** Deletes the half-written temporary file (cancelled or failed job); `file` is left as it was. */
  abort(): void {
    this.out.abort();
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

function toInt(x: number, neg: number, pos: number): number {
  const c = x > 1 ? 1 : x < -1 ? -1 : x;
  return Math.round(c < 0 ? c * neg : c * pos);
}
