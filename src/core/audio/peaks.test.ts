import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../testing/tmp';
import { WorkerPool } from '../worker/pool';
import { BASE_SAMPLES_PER_PEAK, decodePeaks, encodePeaks, PeaksBuilder, pickLevel, pickRange } from './peaks';

describe('PeaksBuilder', () => {
  it('tracks min/max over all channels per bucket, across chunk boundaries', () => {
    const b = new PeaksBuilder(8000, 4);
    b.add([Float32Array.from([0, 0.5, -0.25, 0.1, 0.2]), Float32Array.from([0, 0, 0, -0.9, 0])]);
    b.add([Float32Array.from([0.3, 0, 1]), Float32Array.from([0, 0, 0])]);
    const p = b.finish();
    expect(p.frames).toBe(8);
    const base = p.levels[0]!;
    expect(base.samplesPerPeak).toBe(4);
    expect(Array.from(base.minMax)).toEqual([-29490, 16384, 0, 32767]);
  });

  it('builds coarser levels ×4 down to a few dozen peaks, and picks by wanted count', () => {
    const b = new PeaksBuilder(44100);
    const x = new Float32Array(44100 * 30).map((_, i) => Math.sin(i / 10) * (i / (44100 * 30)));
    b.add([x]);
    const p = b.finish();
    expect(p.levels.map((l) => l.samplesPerPeak)).toEqual([256, 1024, 4096, 16384, 65536]);
    expect(p.levels[0]!.minMax.length / 2).toBe(Math.ceil(x.length / BASE_SAMPLES_PER_PEAK));
    // The loudest bucket of every level is the same (≈ the end of the ramp).
    for (const l of p.levels) expect(Math.max(...l.minMax)).toBeGreaterThan(32000);
    expect(pickLevel(p, 1000).samplesPerPeak).toBe(1024);
    expect(pickLevel(p, 300).samplesPerPeak).toBe(4096);
    expect(pickLevel(p, 10).samplesPerPeak).toBe(65536);
    expect(pickLevel(p, 1e9).samplesPerPeak).toBe(256);
    const back = decodePeaks(encodePeaks(p));
    expect(back.frames).toBe(p.frames);
    expect(back.levels.map((l) => Array.from(l.minMax.subarray(0, 50)))).toEqual(p.levels.map((l) => Array.from(l.minMax.subarray(0, 50))));
  });

  it('serves a narrow span from a finer level than the whole file, covering exactly that span', () => {
    const sr = 8000;
    const b = new PeaksBuilder(sr);
    // 20 minutes, silent except a 1-second burst at 600 s.
    const x = new Float32Array(sr * 1200);
    x.fill(0.5, sr * 600, sr * 601);
    b.add([x]);
    const p = b.finish();
    const whole = pickRange(p, 0, 1200, 1000);
    expect(whole.end - whole.first).toBeGreaterThanOrEqual(1000);
    expect(whole.level.samplesPerPeak).toBe(4096); // 2344 peaks: the coarsest with ≥ 1000
    // The same number of peaks asked for 10 s around the burst comes from the finest level.
    const near = pickRange(p, 595, 605, 1000);
    expect(near.level.samplesPerPeak).toBe(256);
    expect(near.first).toBe(Math.floor((595 * sr) / 256));
    expect(near.end).toBe(Math.ceil((605 * sr) / 256));
    // Detail: the burst spans ≈ 31 peaks of the span, but two or three of the whole view.
    const loud = (r: ReturnType<typeof pickRange>) => {
      let n = 0;
      for (let i = r.first; i < r.end; i++) if (r.level.minMax[2 * i + 1]! > 16000) n++;
      return n;
    };
    expect(loud(near)).toBeGreaterThanOrEqual(31);
    expect(loud(whole)).toBeLessThanOrEqual(3);
    // A span past the end is empty; a wide span behaves like pickLevel.
    const past = pickRange(p, 1300, 1400, 100);
    expect(past.end - past.first).toBe(0);
    expect(pickRange(p, 0, 1200, 300).level).toBe(pickLevel(p, 300));
  });

  it('refuses a corrupt peaks file', () => {
    expect(() => decodePeaks(Buffer.from('nonsense that is not a peaks file'))).toThrow(/not a peaks file/);
  });
});

describe('peaks task on the worker thread', () => {
  const pool = new WorkerPool();
  afterAll(() => pool.close());

  it('computes a file’s peaks off the main thread with progress', async () => {
    const progress: number[] = [];
    const bytes = await pool.run('peaks', { file: fixture('aria.flac'), durationSec: 2 }, { onProgress: (f) => progress.push(f) });
    const p = decodePeaks(Buffer.from(bytes));
    expect(p.sampleRate).toBe(44100);
    expect(p.frames).toBe(88200);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeCloseTo(1, 5);
  });

  it('reports a decode failure as an error, and keeps working afterwards', async () => {
    await expect(pool.run('peaks', { file: '/nonexistent/file.wav' })).rejects.toThrow('/nonexistent/file.wav: file not found');
    const bytes = await pool.run('peaks', { file: fixture('lullaby.wav') });
    expect(decodePeaks(Buffer.from(bytes)).frames).toBe(33075);
  });

  it('cancels a running task', async () => {
    const ac = new AbortController();
    const run = pool.run('peaks', { file: fixture('aria.ogg') }, { signal: ac.signal });
    ac.abort();
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
