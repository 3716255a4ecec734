import { describe, expect, it } from 'vitest';
import { OverlapAdd, transitionWeights } from './overlapAdd';

function signal(n: number, ch: number): Float32Array[] {
  return Array.from({ length: ch }, (_, c) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.013 + c) + ((i * 31) % 17) / 40));
}

async function runAll(x: Float32Array[], chunk: number, L: number, run: (s: Float32Array[]) => Promise<Float32Array[][]>, sources = 2) {
  const oa = new OverlapAdd({ segment: L, channels: x.length, sources }, run);
  const parts: Float32Array[][][] = [];
  for (let i = 0; i < x[0]!.length; i += chunk) parts.push(await oa.push(x.map((c) => c.subarray(i, i + chunk))));
  parts.push(await oa.end());
  return { out: Array.from({ length: sources }, (_, s) => x.map((_, c) => Float32Array.from(parts.flatMap((p) => Array.from(p[s]![c]!))))), oa };
}

describe('OverlapAdd (demucs apply_model, split=True)', () => {
  it('uses demucs triangular weights', () => {
    expect(Array.from(transitionWeights(6))).toEqual([1 / 3, 2 / 3, 1, 1, 2 / 3, 1 / 3].map(Math.fround));
    expect(Array.from(transitionWeights(5))).toEqual([1 / 3, 2 / 3, 1, 2 / 3, 1 / 3].map(Math.fround));
  });

  it.each([
    [10_000, 1000, 333],
    [10_000, 1000, 5000],
    [2_345, 1000, 100], // shorter than three segments, odd length
    [700, 1000, 64], // shorter than one segment
  ])('an identity model reconstructs %i samples exactly (segment %i, fed %i at a time)', async (n, L, chunk) => {
    const x = signal(n, 2);
    const { out, oa } = await runAll(x, chunk, L, async (seg) => [seg, seg.map((c) => c.map(() => 0))]);
    expect(out[0]![0]!.length).toBe(n);
    for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) expect(out[0]![c]![i]).toBeCloseTo(x[c]![i]!, 5);
    expect(Math.max(...out[1]![0]!.map(Math.abs))).toBe(0);
    expect(oa.stride).toBe(Math.floor(0.75 * L));
  });

  it('pads short segments with their neighbours and zeros, as TensorChunk.padded does', async () => {
    const L = 8;
    const x = [Float32Array.from({ length: 10 }, (_, i) => i + 1)];
    const seen: number[][] = [];
    await runAll(x, 10, L, async (seg) => {
      seen.push(Array.from(seg[0]!));
      return [seg];
    }, 1);
    // offsets 0 and 6 (stride 6): the second holds 4 real samples, centred: 2 before, 2 zeros after
    expect(seen).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8],
      [5, 6, 7, 8, 9, 10, 0, 0],
    ]);
  });
});
