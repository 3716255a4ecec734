// Separation end to end on the fixture packs: real decoding, demucs normalisation, chunking,
// ONNX sessions, STFT/iSTFT and stem files, checked against the input they must reconstruct.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFile } from '../../audio/decode';
import { readAudioAll } from '../../audio/read';
import { fixture, FIXTURE_DUET, tempDir } from '../../testing/tmp';
import { validatePack } from '../packs/validate';
import { separateFile, shiftOffsets } from './separateFile';
import { Separator } from './separator';

const PACKS = path.resolve(__dirname, '../../../../test/fixtures/packs');
const tmp = tempDir();
afterAll(tmp.cleanup);
let identity: Separator;
let htdemucs: Separator;
beforeAll(async () => {
  identity = await Separator.load(path.join(PACKS, 'identity-separator'), (await validatePack(path.join(PACKS, 'identity-separator'))).separator!, { ep: 'cpu' });
  htdemucs = await Separator.load(path.join(PACKS, 'passthrough-htdemucs'), (await validatePack(path.join(PACKS, 'passthrough-htdemucs'))).separator!, { ep: 'cpu' });
});

const peak = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxErr = (a: Float32Array, b: Float32Array, from = 0, to = a.length) => {
  let e = 0;
  for (let i = from; i < to; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
};

describe('separateFile', () => {
  it.each([0, 2])('an identity separator reconstructs its input through chunking (shifts %i)', async (shifts) => {
    const src = path.join(FIXTURE_DUET, 'duet.mp3');
    const progress: number[] = [];
    const res = await separateFile(src, identity, { outDir: path.join(tmp.dir, `id-${shifts}`), shifts, onProgress: (f) => progress.push(f) });
    const mix = await readAudioAll(src, { sampleRate: 44100, channels: 2 });
    expect(res.frames).toBe(mix[0]!.length);
    expect(res.stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    const vocals = await decodeFile(res.stems[0]!.path);
    expect(vocals.sampleRate).toBe(44100);
    for (let c = 0; c < 2; c++) expect(maxErr(vocals.channelData[c]!, mix[c]!)).toBeLessThan(1e-4);
    // The silent stem comes back as the mix's mean (demucs adds it to every stem): ~0.
    const acc = await decodeFile(res.stems[1]!.path);
    expect(peak(acc.channelData[0]!)).toBeLessThan(1e-3);
    expect(progress.at(-1)).toBeCloseTo(1, 5);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('the htdemucs layout reconstructs its input through STFT, model and iSTFT', async () => {
    const res = await separateFile(fixture('aria.wav'), htdemucs, { outDir: path.join(tmp.dir, 'ht') });
    expect(res.stems.map((s) => s.name)).toEqual(['vocals', 'drums', 'bass', 'other']);
    const mix = await readAudioAll(fixture('aria.wav'), { sampleRate: 44100, channels: 2 });
    const vocals = await decodeFile(res.stems[0]!.path);
    expect(vocals.channelData[0]!.length).toBe(88200);
    // Away from the track's first and last 2.6k samples (where demucs' trimmed frames fade).
    for (let c = 0; c < 2; c++) expect(maxErr(vocals.channelData[c]!, mix[c]!, 2600, 88200 - 2600)).toBeLessThan(1e-3);
    const drums = await decodeFile(res.stems[1]!.path);
    expect(peak(drums.channelData[0]!)).toBeLessThan(1e-3);
  });

  it('refuses mono input for a separator that needs stereo (the built-in one), with its reason', async () => {
    const { CenterSeparator } = await import('../../builtin/centerSeparator');
    await expect(separateFile(fixture('lullaby.wav'), new CenterSeparator(), { outDir: path.join(tmp.dir, 'mono') })).rejects.toThrow(
      /needs a stereo mix/,
    );
    expect(fs.existsSync(path.join(tmp.dir, 'mono'))).toBe(false);
  });

  it('leaves no partial stem files when cancelled', async () => {
    const ac = new AbortController();
    const out = path.join(tmp.dir, 'cancelled');
    const run = separateFile(path.join(FIXTURE_DUET, 'duet.mp3'), identity, {
      outDir: out,
      signal: ac.signal,
      onProgress: (f) => f > 0.2 && ac.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });

  it('a model failing mid-file fails the run with its error and leaves no partial stem files', async () => {
    const out = path.join(tmp.dir, 'failed');
    let calls = 0;
    const failing = {
      spec: identity.spec,
      sources: identity.sources,
      runSegment: async (seg: Float32Array[]) => {
        if (++calls === 5) throw new Error('model exploded');
        return identity.runSegment(seg);
      },
    };
    await expect(separateFile(path.join(FIXTURE_DUET, 'duet.mp3'), failing, { outDir: out })).rejects.toThrow('model exploded');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('runs one segment at a time, shift passes included, while the pipeline prepares the next', async () => {
    let running = 0;
    let most = 0;
    const slow = {
      spec: identity.spec,
      sources: identity.sources,
      runSegment: async (seg: Float32Array[]) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setImmediate(r)); // an asynchronous model, as session.run is
        try {
          return await identity.runSegment(seg);
        } finally {
          running--;
        }
      },
    };
    const res = await separateFile(path.join(FIXTURE_DUET, 'duet.mp3'), slow, { outDir: path.join(tmp.dir, 'serial'), shifts: 2 });
    expect(most).toBe(1);
    expect(res.modelMs).toBeGreaterThan(0);
    expect(res.modelMs).toBeLessThanOrEqual(res.ms);
  });

  it('draws demucs-style shift offsets within half a second, reproducibly', () => {
    const a = shiftOffsets(5, 22050, 1);
    expect(a).toEqual(shiftOffsets(5, 22050, 1));
    expect(a.every((d) => d >= 0 && d <= 22050)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(shiftOffsets(0, 22050, 1)).toEqual([0]);
  });
});
