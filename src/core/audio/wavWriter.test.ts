// WavWriter's typed-array conversion and queued writes against the plain per-sample writer it
// replaced (kept here as the reference): the bytes must be the same, clipping and rounding included.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { WavWriter, type WavSampleFormat } from './wavWriter';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The sample data of the writer before it was made fast: Buffer.writeIntLE per 24-bit sample. */
function referenceData(blocks: Float32Array[][], format: WavSampleFormat): Buffer {
  const toInt = (x: number, neg: number, pos: number) => {
    const c = x > 1 ? 1 : x < -1 ? -1 : x;
    return Math.round(c < 0 ? c * neg : c * pos);
  };
  return Buffer.concat(
    blocks.map((planar) => {
      const frames = planar[0]!.length;
      const c = planar.length;
      if (format === 'float32') {
        const out = new Float32Array(frames * c);
        for (let ch = 0; ch < c; ch++) for (let i = 0; i < frames; i++) out[i * c + ch] = planar[ch]![i]!;
        return Buffer.from(out.buffer);
      }
      if (format === 'pcm16') {
        const out = new Int16Array(frames * c);
        for (let ch = 0; ch < c; ch++) for (let i = 0; i < frames; i++) out[i * c + ch] = toInt(planar[ch]![i]!, 0x8000, 0x7fff);
        return Buffer.from(out.buffer);
      }
      const buf = Buffer.alloc(frames * c * 3);
      for (let i = 0, o = 0; i < frames; i++) for (let ch = 0; ch < c; ch++, o += 3) buf.writeIntLE(toInt(planar[ch]![i]!, 0x800000, 0x7fffff), o, 3);
      return buf;
    }),
  );
}

function blocks(channels: number): Float32Array[][] {
  let s = 12345;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const edge = [0, -0, 1, -1, 1.5, -1.5, 1e9, -1e9, 0.5 / 0x7fffff, -0.5 / 0x800000, 0.5 / 0x7fff, -0.5 / 0x8000, 1e-12, -1e-12, NaN, 0.9999999, -0.9999999];
  // Uneven block sizes, so that reused buffers of other lengths are exercised.
  return [edge.length, 1000, 1, 4096, 333].map((n, b) =>
    Array.from({ length: channels }, (_, c) =>
      Float32Array.from({ length: n }, (_, i) => (b === 0 ? edge[(i + c) % edge.length]! : (rnd() * 2 - 1) * (1 + 0.3 * rnd()))),
    ),
  );
}

describe('WavWriter bytes', () => {
  it.each([
    ['pcm16', 2],
    ['pcm24', 2],
    ['float32', 2],
    ['pcm24', 1],
    ['pcm16', 3],
  ] as const)('%s × %i channels equal the per-sample writer, through write() and through queue()', async (format, channels) => {
    const bl = blocks(channels);
    const want = referenceData(bl, format);
    const sync = path.join(tmp.dir, `sync-${format}-${channels}.wav`);
    const w = new WavWriter(sync, 44100, channels, format);
    for (const b of bl) w.write(b);
    w.close();
    const queued = path.join(tmp.dir, `queued-${format}-${channels}.wav`);
    const q = new WavWriter(queued, 44100, channels, format);
    const scratch = bl.map((b) => b.map((ch) => ch.slice()));
    const writes = scratch.map((b) => {
      const p = q.queue(b);
      b.forEach((ch) => ch.fill(0.25)); // the block may be reused as soon as queue() returns
      return p;
    });
    await q.commit();
    await Promise.all(writes);
    for (const file of [sync, queued]) {
      const bytes = fs.readFileSync(file);
      expect(bytes.readUInt32LE(40)).toBe(want.length);
      expect(bytes.readUInt32LE(4)).toBe(36 + want.length);
      expect(bytes.subarray(44).equals(want)).toBe(true);
    }
  });

  it('aborting with writes queued removes the temporary file once they are done, leaving the old file', async () => {
    const dir = path.join(tmp.dir, 'abort');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'vocals.wav');
    fs.writeFileSync(file, 'old');
    const w = new WavWriter(file, 44100, 2, 'pcm24');
    for (const b of blocks(2)) void w.queue(b);
    await w.abort();
    expect(fs.readdirSync(dir)).toEqual(['vocals.wav']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });
});
