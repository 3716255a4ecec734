// Integer decimation: the rates it picks, the pass band kept, what would alias removed, the
// stereo downmix, and malformed input refused.
import { describe, expect, it } from 'vitest';
import { decimationFactor, downmixDecimate } from './decimate';

const sine = (sr: number, hz: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(sr * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / sr));
const rms = (x: Float32Array, skip = 200) => {
  let s = 0;
  for (let i = skip; i < x.length - skip; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (x.length - 2 * skip));
};

describe('downmixDecimate', () => {
  it.each([
    [44100, 11025],
    [48000, 12000],
    [22050, 11025],
    [32000, 32000 / 3],
    [96000, 96000 / 9],
    [16000, 16000],
    [8000, 8000],
  ])('takes %i Hz to %i Hz', (sr, rate) => {
    expect(sr / decimationFactor(sr, 10000)).toBe(rate);
    const out = downmixDecimate({ sampleRate: sr, channels: [new Float32Array(sr)] }, 10000);
    expect(out.sampleRate).toBe(rate);
    expect(out.samples.length).toBe(Math.ceil(sr / (sr / rate)));
  });

  it.each([44100, 48000, 32000])('keeps the pass band and removes what would alias (%i Hz)', (sr) => {
    const { sampleRate: r } = downmixDecimate({ sampleRate: sr, channels: [new Float32Array(8)] }, 10000);
    const pass = downmixDecimate({ sampleRate: sr, channels: [sine(sr, 0.25 * r, 1)] }, 10000);
    expect(Math.abs(20 * Math.log10(rms(pass.samples) / (0.5 / Math.SQRT2)))).toBeLessThan(0.5);
    // 0.8·R would fold onto 0.2·R, inside the pass band: it must be ≥ 35 dB down.
    const alias = downmixDecimate({ sampleRate: sr, channels: [sine(sr, 0.8 * r, 1)] }, 10000);
    expect(20 * Math.log10(rms(alias.samples) / (0.5 / Math.SQRT2))).toBeLessThan(-35);
  });

  it('averages the channels', () => {
    const sr = 44100;
    const x = sine(sr, 500, 0.5);
    const out = downmixDecimate({ sampleRate: sr, channels: [x, new Float32Array(x.length)] }, 10000);
    expect(rms(out.samples) / (0.25 / Math.SQRT2)).toBeCloseTo(1, 2);
  });

  it('refuses malformed audio with a one-line reason', () => {
    expect(() => downmixDecimate({ sampleRate: 44100, channels: [new Float32Array(3), new Float32Array(4)] }, 10000, 'x')).toThrow(
      'x: channels differ in length (3 vs 4 samples)',
    );
    expect(() => downmixDecimate({ sampleRate: Number.NaN, channels: [new Float32Array(3)] }, 10000, 'x')).toThrow(/x: sample rate/);
  });
});
