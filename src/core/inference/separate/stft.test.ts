import { describe, expect, it } from 'vitest';
import { htdemucsIspec, htdemucsSpec, reflectPad } from './stft';

describe('htdemucs STFT', () => {
  it('reflect-pads like torch (edge not repeated)', () => {
    expect(Array.from(reflectPad(Float32Array.from([1, 2, 3, 4]), 2, 3))).toEqual([3, 2, 1, 2, 3, 4, 3, 2, 1]);
  });

  it('gives 2048 bins × ceil(L/1024) frames, and the inverse reconstructs the input', () => {
    const L = 343980;
    const x = new Float32Array(L);
    for (let i = 0; i < L; i++) x[i] = 0.3 * Math.sin(i * 0.01) + 0.2 * Math.sin(i * 0.37) + (((i * 7919) % 1000) / 1000 - 0.5) * 0.1;
    const spec = htdemucsSpec(x);
    expect(spec.frames).toBe(336);
    expect(spec.re.length).toBe(2048 * 336);
    const back = htdemucsIspec(spec, L);
    const err = (a: number, b: number) => {
      let e = 0;
      for (let i = a; i < b; i++) e = Math.max(e, Math.abs(back[i]! - x[i]!));
      return e;
    };
    // Exact inside. Within 2.5 k samples of each end the two frames demucs trims (and restores as
    // zeros) are missing from the overlap-add, so the edges fade, in demucs exactly as here; the
    // model's time branch and the chunk overlap cover them.
    expect(err(2600, L - 2600)).toBeLessThan(1e-4); // the dropped Nyquist bin costs a hair of the top octave
    expect(err(0, 2600)).toBeGreaterThan(0.01);
  });

  it('finds a pure tone in the right bin with the normalised scale', () => {
    const L = 8192;
    const k = 100; // bin 100 of 4096 at 44.1 kHz ≈ 1077 Hz
    const x = Float32Array.from({ length: L }, (_, i) => Math.cos((2 * Math.PI * k * i) / 4096));
    const s = htdemucsSpec(x);
    const mid = Math.floor(s.frames / 2);
    const mag = (f: number) => Math.hypot(s.re[f * s.frames + mid]!, s.im[f * s.frames + mid]!);
    expect(mag(k)).toBeGreaterThan(10 * mag(k + 5));
    // Periodic Hann, amplitude 1 cosine: |X[k]| = N/4, normalised by 1/sqrt(N).
    expect(mag(k)).toBeCloseTo(4096 / 4 / Math.sqrt(4096), 1);
  });
});
