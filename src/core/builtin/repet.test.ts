import { describe, expect, it } from 'vitest';
import { beatSpectrum, repeatingModel, repeatingPeriod, type Magnitudes } from './repet';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A loop of `period` random frames repeated over `frames`, plus a non-repeating part. */
function loop(frames: number, bins: number, period: number, extra?: (t: number, k: number) => number): Magnitudes {
  const rnd = rng(3);
  const pattern = Float32Array.from({ length: period * bins }, () => (rnd() < 0.2 ? 1 + rnd() : 0.05 * rnd()));
  const data = new Float32Array(frames * bins);
  for (let t = 0; t < frames; t++) for (let k = 0; k < bins; k++) data[t * bins + k] = pattern[(t % period) * bins + k]! + (extra?.(t, k) ?? 0);
  return { data, frames, bins };
}

describe('REPET', () => {
  it('finds the period of a repeating pattern in the beat spectrum', () => {
    const mag = loop(1200, 40, 130);
    const period = repeatingPeriod(beatSpectrum(mag, 400), 60, 400, 0.2);
    expect(period).not.toBeNull();
    expect(period! % 130).toBe(0);
  });

  it('finds no period in a steady spectrum, nor in one that changes without repeating', () => {
    const steady = { data: new Float32Array(600 * 20).fill(1), frames: 600, bins: 20 };
    expect(repeatingPeriod(beatSpectrum(steady, 200), 50, 200, 0.2)).toBeNull();
    const rnd = rng(9);
    const random = { data: Float32Array.from({ length: 600 * 20 }, () => rnd()), frames: 600, bins: 20 };
    expect(repeatingPeriod(beatSpectrum(random, 200), 50, 200, 0.2)).toBeNull();
  });

  it('models the repeating part and leaves out what does not repeat', () => {
    // a 2-frame-wide "note" in bin 5 every 300 frames never lines up with the 130-frame loop
    const note = (t: number, k: number) => (k === 5 && t % 300 < 2 ? 3 : 0);
    const mag = loop(1200, 40, 130, note);
    const W = repeatingModel(mag, 130, 0);
    let rep = 0;
    let err = 0;
    for (let t = 0; t < 1200; t++)
      for (let k = 0; k < 40; k++) {
        const i = t * 40 + k;
        const repeating = mag.data[i]! - note(t, k);
        rep += repeating ** 2;
        err += (W[i]! - repeating) ** 2;
      }
    expect(err / rep).toBeLessThan(1e-6);
  });

  it('compares a frame only with frames `far` away, so a long held note is not a repetition', () => {
    // bin 7 holds a note over the first 1400 of 2400 frames: most frames whole periods away from
    // one in the note are in it too, so REPET takes the note for the loop; not so the frames ≥ 800 away
    const held = (t: number, k: number) => (k === 7 && t < 1400 ? 2 : 0);
    const mag = loop(2400, 40, 100, held);
    const noteTaken = (W: Float32Array) => {
      let s = 0;
      for (let t = 300; t < 600; t++) s += W[t * 40 + 7]! - (mag.data[t * 40 + 7]! - 2);
      return s / 300; // 2: all of the note taken as repeating; 0: none
    };
    expect(noteTaken(repeatingModel(mag, 100, 0))).toBeGreaterThan(1.9);
    expect(Math.abs(noteTaken(repeatingModel(mag, 100, 800)))).toBeLessThan(0.1);
  });

  it('leaves out frames flagged as padding', () => {
    const mag = loop(600, 10, 100);
    const skip = new Uint8Array(600);
    for (let t = 400; t < 600; t++) {
      skip[t] = 1;
      for (let k = 0; k < 10; k++) mag.data[t * 10 + k] = 0;
    }
    const W = repeatingModel(mag, 100, 0, skip);
    for (let t = 0; t < 400; t++) for (let k = 0; k < 10; k++) expect(W[t * 10 + k]).toBeCloseTo(mag.data[t * 10 + k]!, 6);
  });
});
