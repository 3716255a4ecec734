import { describe, expect, it } from 'vitest';
import { BandStft } from './bandStft';

const SR = 44100;
const tones = (n: number, freqs: number[], amp: number) =>
  Float32Array.from({ length: n }, (_, i) => freqs.reduce((a, f) => a + amp * Math.sin((2 * Math.PI * f * i) / SR + f), 0));
// Compared away from the ends: there a frame is cut mid-window, and the cut's energy above the
// kept band is (rightly) dropped. (The separator's stems still add back exactly: the
// accompaniment is the mix minus the vocals.)
const maxErr = (a: Float32Array, b: Float32Array) => {
  let m = 0;
  for (let i = 2048; i < a.length - 2048; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('band STFT', () => {
  it('gives back a signal inside the band with a mask of ones, both channels apart', async () => {
    const stft = await BandStft.create(2048, 419); // up to 9 kHz at 44.1 kHz
    const n = 3 * SR + 123;
    const left = tones(n, [110, 440, 3000], 0.2);
    const right = tones(n, [220, 1000, 8000], 0.2);
    const [XL, XR] = stft.forward(left, right);
    const ones = new Float32Array(stft.frames(n) * stft.bins).fill(1);
    const [l, r] = stft.inverse(XL, XR, ones, n);
    expect(maxErr(l, left)).toBeLessThan(1e-4);
    expect(maxErr(r, right)).toBeLessThan(1e-4);
    // a mask of zeros is silence; a mask on one channel's bins leaves the other's alone
    const [zl, zr] = stft.inverse(XL, XR, new Float32Array(ones.length), n);
    expect(maxErr(zl, new Float32Array(n))).toBe(0);
    expect(maxErr(zr, new Float32Array(n))).toBe(0);
  });

  it('a half mask halves, and a low band keeps only the low tone', async () => {
    const stft = await BandStft.create(2048, 419);
    const n = 2 * SR;
    const x = tones(n, [200, 5000], 0.3);
    const [X, Y] = stft.forward(x, x);
    const T = stft.frames(n);
    const half = new Float32Array(T * stft.bins).fill(0.5);
    const [h] = stft.inverse(X, Y, half, n);
    expect(maxErr(h, x.map((v) => v / 2))).toBeLessThan(1e-4);
    const low = new Float32Array(T * stft.bins);
    for (let t = 0; t < T; t++) for (let k = 0; k < 47; k++) low[t * stft.bins + k] = 1; // < 1 kHz
    const [lo] = stft.inverse(X, Y, low, n);
    expect(maxErr(lo, tones(n, [200], 0.3))).toBeLessThan(1e-3);
  });
});
