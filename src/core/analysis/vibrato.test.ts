// Vibrato rate and extent from f0 tracks of synthetic tones with known modulation (through the real
// pitch tracker, at 44.1 kHz and 16 kHz), a glide with vibrato, and plain tones / noise that must
// give no vibrato; plus tracks built directly from a known contour.
import { describe, expect, it } from 'vitest';
import { trackPitch } from './pitch';
import type { PitchTrack } from './types';
import { detrend, measureVibrato } from './vibrato';
import { harmonicTone, vibratoContour, whiteNoise, withGaps } from '../testing/toneSynth';
import { rng } from '../testing/rhythmSynth';

const mono = (sampleRate: number, x: Float32Array) => ({ sampleRate, channels: [x] });

function trackOf(contour: (t: number) => number, seconds: number, jitterCents = 0): PitchTrack {
  const n = Math.round(seconds / 0.01);
  const u = rng(5);
  const f0Hz = Float32Array.from({ length: n }, (_, i) => contour(i * 0.01) * 2 ** ((jitterCents * (2 * u() - 1)) / 1200));
  return { hopSec: 0.01, startSec: 0, f0Hz, voicedProb: new Float32Array(n).fill(0.95) };
}

describe.each([44100, 16000])('measureVibrato on tracked tones at %i Hz', (sr) => {
  it.each([
    [5.5, 50],
    [6.5, 100],
  ])('measures a %f Hz, ±%f cent vibrato', (rate, cents) => {
    const v = measureVibrato(trackPitch(mono(sr, harmonicTone(sr, 3, vibratoContour(220, rate, cents)))));
    expect(Math.abs(v.rateHz! - rate)).toBeLessThan(0.5);
    expect(Math.abs(v.extentCents! / cents - 1)).toBeLessThan(0.2);
    expect(v.confidence).toBeGreaterThan(0.7);
  });

  it('separates the vibrato from a 2-semitone glide under it', () => {
    const vib = vibratoContour(1, 5.5, 50);
    const x = harmonicTone(sr, 3, (t) => 196 * 2 ** ((200 * t) / 3 / 1200) * vib(t));
    const v = measureVibrato(trackPitch(mono(sr, x)));
    expect(Math.abs(v.rateHz! - 5.5)).toBeLessThan(0.5);
    expect(Math.abs(v.extentCents! / 50 - 1)).toBeLessThan(0.2);
  });

  it('measures vibrato on notes separated by rests', () => {
    const x = withGaps(harmonicTone(sr, 4, vibratoContour(330, 6, 60)), sr, 1, 0.3);
    const v = measureVibrato(trackPitch(mono(sr, x)));
    expect(Math.abs(v.rateHz! - 6)).toBeLessThan(0.5);
    expect(Math.abs(v.extentCents! / 60 - 1)).toBeLessThan(0.2);
  });

  it('gives no vibrato for a plain tone, silence or noise', () => {
    for (const x of [harmonicTone(sr, 3, () => 220), new Float32Array(sr * 2), whiteNoise(sr * 2, 0.1, 9)]) {
      expect(measureVibrato(trackPitch(mono(sr, x)))).toEqual({ rateHz: null, extentCents: null, confidence: 0 });
    }
  });
});

describe('measureVibrato on f0 tracks', () => {
  it('reads rate and extent of an exact contour', () => {
    const v = measureVibrato(trackOf(vibratoContour(440, 4.2, 80), 2.5));
    expect(v.rateHz).toBeCloseTo(4.2, 1);
    expect(Math.abs(v.extentCents! / 80 - 1)).toBeLessThan(0.05);
  });

  it('ignores random jitter without a periodic modulation', () => {
    expect(measureVibrato(trackOf(() => 300, 3, 8)).rateHz).toBeNull();
  });

  it('ignores voiced runs shorter than 0.5 s', () => {
    const t = trackOf(vibratoContour(440, 5.5, 80), 3);
    for (let i = 0; i < t.f0Hz.length; i++) if (i % 40 === 0) t.f0Hz[i] = 0; // 0.39 s runs
    expect(measureVibrato(t)).toEqual({ rateHz: null, extentCents: null, confidence: 0 });
  });

  it('weights runs by duration', () => {
    const a = trackOf(vibratoContour(440, 5, 50), 1.5);
    const b = trackOf(vibratoContour(440, 7, 50), 0.6);
    const f0Hz = new Float32Array(a.f0Hz.length + 20 + b.f0Hz.length);
    f0Hz.set(a.f0Hz);
    f0Hz.set(b.f0Hz, a.f0Hz.length + 20);
    const v = measureVibrato({ ...a, f0Hz, voicedProb: new Float32Array(f0Hz.length).fill(0.9) });
    expect(v.rateHz!).toBeGreaterThan(5.2);
    expect(v.rateHz!).toBeLessThan(6);
  });

  it('detrends a straight glide to zero, ends included', () => {
    const r = detrend(Float64Array.from({ length: 80 }, (_, i) => 3 * i - 40), 13);
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-9);
  });
});
