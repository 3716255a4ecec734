import { describe, expect, it } from 'vitest';
import { CenterSeparator } from './centerSeparator';

const SR = 44100;
const sine = (f: number, n: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / SR));
const rms = (x: Float32Array, a = 4096, b = x.length - 4096) => {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (b - a));
};

describe('built-in centre-channel separator', () => {
  it('takes the centred voice as vocals and leaves a hard-panned guitar in the accompaniment', async () => {
    const n = SR * 2;
    const voice = sine(440, n, 0.3);
    const guitar = sine(660, n, 0.3);
    const left = Float32Array.from(voice, (v, i) => v + guitar[i]!);
    const right = Float32Array.from(voice);
    const sep = new CenterSeparator();
    const out = await sep.runSegment([left, right]);
    const [vl, al, ar] = [out[0]![0]!, out[1]![0]!, out[1]![1]!];
    // vocals ≈ voice, accompaniment left ≈ guitar, accompaniment right ≈ 0
    const err = Float32Array.from(vl, (x: number, i: number) => x - voice[i]!);
    expect(rms(err)).toBeLessThan(0.15 * rms(voice));
    expect(rms(ar!)).toBeLessThan(0.15 * rms(voice));
    expect(rms(al!)).toBeGreaterThan(0.8 * rms(guitar));
  });

  it('vocals + accompaniment add back to the mix', async () => {
    const n = SR;
    const left = sine(300, n, 0.4);
    const right = sine(500, n, 0.2);
    const out = await new CenterSeparator().runSegment([left, right]);
    const [vl, vr, al, ar] = [out[0]![0], out[0]![1], out[1]![0], out[1]![1]];
    for (let i = 0; i < n; i += 997) {
      expect(vl![i]! + al![i]!).toBeCloseTo(left[i]!, 5);
      expect(vr![i]! + ar![i]!).toBeCloseTo(right[i]!, 5);
    }
  });
});
