import { describe, expect, it } from 'vitest';
import type { PeaksView } from '../../../shared/types';
import { composePeaks, detailedEnough } from './composePeaks';

const view = (startSec: number, endSec: number, samplesPerPeak: number, value: (i: number) => number): PeaksView => {
  const n = Math.round(((endSec - startSec) * 8000) / samplesPerPeak);
  const peaks: number[] = [];
  for (let i = 0; i < n; i++) peaks.push(value(i), -value(i));
  return { durationSec: 100, sampleRate: 8000, samplesPerPeak, startSec, endSec, peaks };
};

describe('composePeaks', () => {
  it('lays the fine span over the overview at the fine rate, at the right time', () => {
    const overview = view(0, 100, 8000, () => 0.5); // 1 peak per second
    const fine = view(40, 42, 800, (i) => (i % 2 ? 1 : 0.1)); // 10 peaks per second
    const out = composePeaks(overview, fine);
    expect(out.length).toBe(100 * 10 * 2);
    expect(out[2 * 399]).toBe(0.5); // 39.9 s: overview
    expect(out[2 * 400]).toBeCloseTo(0.1, 6); // 40.0 s: fine
    expect(out[2 * 401]).toBe(1);
    expect(out[2 * 401 + 1]).toBe(-1);
    expect(out[2 * 420]).toBe(0.5); // 42.0 s: overview again
  });

  it('knows when the overview already has a peak per pixel', () => {
    const overview = view(0, 100, 800, () => 0.5); // 10 per second
    expect(detailedEnough(overview, 10)).toBe(true);
    expect(detailedEnough(overview, 20)).toBe(false);
  });
});
