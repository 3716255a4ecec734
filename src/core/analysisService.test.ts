// getAnalysis through a real studio: computed once on the worker, cached under the library's data
// folder (a second call, concurrent calls and a reopened library compute nothing), recomputed when
// the vocal stem changes, and from the mix when the stem's file is lost; getAttributeThresholds gives the defaults for a new library.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { synthSong } from './testing/songSynth';
import { DEFAULT_THRESHOLDS } from './analysis/thresholds';
import { WavWriter } from './audio/wavWriter';
import { createStudio } from './studio';
import { freshStudio } from './testing/freshLibrary';

const lib = freshStudio({ runJobs: false });

function writeWav(file: string, channels: Float32Array[], sr: number): string {
  const w = new WavWriter(file, sr, channels.length);
  w.write(channels);
  w.close();
  return file;
}

describe('getAnalysis', () => {
  it('computes a track analysis once, caches it on disk, and recomputes when the vocal stem changes', async () => {
    const sr = 44100;
    const song = synthSong({ sampleRate: sr, seconds: 16, bpm: 120, notesHz: [220, 246.94], noteSec: 0.5, vibratoCents: 30, phraseSec: 6, restSec: 2, gain: 0.3 });
    const mix = writeWav(path.join(lib.dir, 'song.wav'), song.mix.channels, sr);
    const vocals = writeWav(path.join(lib.dir, 'vocals.wav'), song.vocals.channels, sr);
    const studio = lib.it;
    const trackId = (await studio.importPaths({ paths: [mix] })).imported[0]!.id;
    const run = vi.spyOn(studio.pool, 'run');
    const analyses = () => run.mock.calls.filter(([task]) => task === 'analyzeTrack').length;

    // Two concurrent requests share one computation.
    const [a, b] = await Promise.all([studio.getAnalysis({ trackId }), studio.getAnalysis({ trackId })]);
    expect(analyses()).toBe(1);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ trackId, pitch: { source: 'mix' } });
    expect(a.durationSec).toBeCloseTo(16, 3);
    expect(Math.abs(a.tempoBpm! / 120 - 1)).toBeLessThan(0.02);
    expect(a.loudness.values.length).toBeGreaterThan(150);
    const cacheDir = path.join(studio.dataDir, 'cache', 'analysis');
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    // A second call reads the cache.
    expect(await studio.getAnalysis({ trackId })).toEqual(a);
    expect(analyses()).toBe(1);

    // So does another studio on the same library (a restart).
    const again = await createStudio({ dbPath: path.join(lib.dir, 'lib.db'), runJobs: false });
    try {
      const run2 = vi.spyOn(again.pool, 'run');
      expect(await again.getAnalysis({ trackId })).toEqual(a);
      expect(run2).not.toHaveBeenCalled();
    } finally {
      await again.close();
    }

    // A vocal stem: a new key, the voice's pitch.
    await studio.attachStem({ trackId, name: 'vocals', path: vocals });
    const withStem = await studio.getAnalysis({ trackId });
    expect(analyses()).toBe(2);
    expect(withStem.pitch.source).toBe('vocals');
    const sung = withStem.pitch.values.filter((v): v is number => v !== null);
    expect(sung.every((v) => v > 200 && v < 265)).toBe(true);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(2);

    // A stem whose file went missing: the evidence comes from the mix instead of failing.
    const stem = (await studio.openTrack({ id: trackId })).stems.find((s) => s.name === 'vocals')!;
    fs.rmSync(stem.path);
    const lost = await studio.getAnalysis({ trackId });
    expect(lost.pitch.source).toBe('mix');
    expect(lost).toEqual(a);

    await expect(studio.getAnalysis({ trackId: 999 })).rejects.toThrow(/999/);
  });

  it('getAttributeThresholds: the defaults until the library has enough approved captions', async () => {
    expect(await lib.it.getAttributeThresholds()).toEqual(DEFAULT_THRESHOLDS);
  });
});
