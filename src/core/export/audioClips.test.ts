// cutClips against real decoding: a 40 s stereo FLAC made with sox (different content per channel),
// the committed MP3/22.05 kHz fixtures. Clips are decoded back and compared with the source decoded
// whole by the studio's decoder (decodeFile, not the streaming path the cutter uses) and resampled
// in one go: equal within PCM16 quantisation. The decoder is wrapped to count passes per file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toChannels } from '../audio/channels';
import * as decodeModule from '../audio/decode';
import { decodeFile } from '../audio/decode';
import { StreamResampler } from '../audio/resampler';
import { decodeCallsOf } from '../testing/decodeCounting';
import { fixture, tempDir } from '../testing/tmp';
import { cutClips, type ClipSpan } from './audioClips';

vi.mock('../audio/decode', async (original) => (await import('../testing/decodeCounting')).countingDecode(await original()));
const decodeCalls = (): string[] => decodeCallsOf(decodeModule);

const tmp = tempDir();
afterAll(tmp.cleanup);
let long: string;
beforeAll(() => {
  long = path.join(tmp.dir, 'long.flac');
  // Left: a 440 Hz tone with a slow tremolo; right: pink noise. 40 s at 44.1 kHz, 16 bit.
  execFileSync('sox', ['-R', '-n', '-r', '44100', '-b', '16', '-c', '2', long, 'synth', '40', 'sine', '440', 'pinknoise', 'tremolo', '0.5', '60', 'vol', '0.5']);
});

/** The source decoded whole (not streamed) and converted in one go: the reference. */
async function reference(file: string, rate: 16000 | 'original'): Promise<{ data: Float32Array[]; rate: number }> {
  const pcm = await decodeFile(file);
  if (rate === 'original') return { data: pcm.channelData, rate: pcm.sampleRate };
  const r = await StreamResampler.create(1, pcm.sampleRate, 16000);
  const a = r.process(toChannels(pcm.channelData, 1))[0]!;
  const b = r.flush()[0]!;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return { data: [out], rate: 16000 };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** PCM16 round trip: rounding (0.5 LSB) plus the 32767-vs-32768 scale on positive samples. */
const PCM16_TOL = 2.5 / 32768;

function spans(dir: string, list: [number, number][]): ClipSpan[] {
  fs.mkdirSync(dir, { recursive: true });
  return list.map(([begin, end], i) => ({ begin, end, out: path.join(dir, `${i}.wav`) }));
}

describe('cutClips', () => {
  it('cuts every span of a long file in one decode pass, 16 kHz mono, samples equal the source span', async () => {
    const list: [number, number][] = [
      [0, 5],
      [3.5, 12.25], // overlaps the first
      [20, 30.5],
      [33.3, 38.05],
      [1.25, 2.5], // out of order
    ];
    const sp = spans(path.join(tmp.dir, 'mono'), list);
    const before = decodeCalls().length;
    const done: number[] = [];
    const res = await cutClips(long, sp, { onClip: (i) => done.push(i) });
    expect(decodeCalls().slice(before)).toEqual([long]);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
    const ref = await reference(long, 16000);
    for (const [i, [b, e]] of list.entries()) {
      const clip = await decodeFile(sp[i]!.out);
      const want = ref.data[0]!.subarray(Math.round(b * 16000), Math.round(e * 16000));
      expect(clip.sampleRate).toBe(16000);
      expect(clip.channelData.length).toBe(1);
      expect(clip.channelData[0]!.length).toBe(want.length);
      expect(res.clips[i]).toEqual({ frames: want.length, sampleRate: 16000, channels: 1 });
      expect(maxDiff(clip.channelData[0]!, want), `span ${i}`).toBeLessThan(PCM16_TOL);
      // The header is PCM 16-bit.
      const head = fs.readFileSync(sp[i]!.out).subarray(0, 44);
      expect([head.readUInt16LE(20), head.readUInt16LE(34)]).toEqual([1, 16]);
    }
    // No temporary files left beside the clips.
    expect(fs.readdirSync(path.dirname(sp[0]!.out)).sort()).toEqual(['0.wav', '1.wav', '2.wav', '3.wav', '4.wav']);
  });

  it("'original' keeps the file's rate and channels, samples equal the decoded source", async () => {
    const list: [number, number][] = [
      [7, 9.5],
      [39, 40],
    ];
    const sp = spans(path.join(tmp.dir, 'orig'), list);
    await cutClips(long, sp, { sampleRate: 'original' });
    const ref = await reference(long, 'original');
    for (const [i, [b, e]] of list.entries()) {
      const clip = await decodeFile(sp[i]!.out);
      expect(clip.sampleRate).toBe(44100);
      expect(clip.channelData.length).toBe(2);
      for (const ch of [0, 1]) {
        const want = ref.data[ch]!.subarray(Math.round(b * 44100), Math.round(e * 44100));
        expect(clip.channelData[ch]!.length).toBe(want.length);
        expect(maxDiff(clip.channelData[ch]!, want)).toBeLessThan(PCM16_TOL);
      }
    }
    // The channels really differ (left is a tone, right noise): nothing was downmixed.
    const clip = await decodeFile(sp[0]!.out);
    expect(maxDiff(clip.channelData[0]!, clip.channelData[1]!)).toBeGreaterThan(0.1);
  });

  it('MP3 and a 22.05 kHz mono WAV, both layouts', async () => {
    for (const [name, rate, ch] of [
      ['aria.mp3', 44100, 2],
      ['lullaby.wav', 22050, 1],
    ] as const) {
      for (const target of [16000, 'original'] as const) {
        const sp = spans(path.join(tmp.dir, `${name}-${target}`), [[0.5, 1.25]]);
        await cutClips(fixture(name), sp, { sampleRate: target });
        const clip = await decodeFile(sp[0]!.out);
        const r = target === 'original' ? rate : 16000;
        expect(clip.sampleRate).toBe(r);
        expect(clip.channelData.length).toBe(target === 'original' ? ch : 1);
        expect(clip.channelData[0]!.length).toBe(Math.round(1.25 * r) - Math.round(0.5 * r));
        const ref = await reference(fixture(name), target);
        expect(maxDiff(clip.channelData[0]!, ref.data[0]!.subarray(Math.round(0.5 * r), Math.round(1.25 * r)))).toBeLessThan(PCM16_TOL);
      }
    }
  });

  it('a span past the end gets no clip; one reaching past it is cut short', async () => {
    const sp = spans(path.join(tmp.dir, 'past'), [
      [1, 3], // lullaby is 1.5 s
      [2, 4],
    ]);
    const res = await cutClips(fixture('lullaby.wav'), sp);
    expect(res.clips.map((c) => c.frames)).toEqual([8000, 0]);
    expect(res.decodedSec).toBeCloseTo(1.5, 3);
    expect(fs.existsSync(sp[0]!.out)).toBe(true);
    expect(fs.existsSync(sp[1]!.out)).toBe(false);
    expect(fs.readdirSync(path.dirname(sp[0]!.out))).toEqual(['0.wav']);
  });

  it('stops between clips when aborted, leaving completed clips and no temporary files', async () => {
    const sp = spans(path.join(tmp.dir, 'abort'), [
      [0, 2],
      [1, 30], // open when the first finishes
      [31, 33],
    ]);
    const ac = new AbortController();
    const run = cutClips(long, sp, { signal: ac.signal, onClip: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(fs.readdirSync(path.dirname(sp[0]!.out))).toEqual(['0.wav']);
  });

  it('a file that is not audio is a clear error naming it; one that decodes to nothing gets no clips', async () => {
    const text = path.join(tmp.dir, 'notes.wav');
    fs.writeFileSync(text, 'these are not samples\n'.repeat(100));
    const sp = spans(path.join(tmp.dir, 'bad'), [[0, 1]]);
    await expect(cutClips(text, sp)).rejects.toThrow(`cannot decode ${text}`);
    const empty = path.join(tmp.dir, 'empty.wav');
    fs.writeFileSync(empty, Buffer.from('RIFF\x10\x00\x00\x00WAVEjunkjunkjunk'));
    const res = await cutClips(empty, sp);
    expect(res.clips.map((c) => c.frames)).toEqual([0]);
    expect(res.decodedSec).toBe(0);
    expect(fs.readdirSync(path.dirname(sp[0]!.out))).toEqual([]);
  });
});
