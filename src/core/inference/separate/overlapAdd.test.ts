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

  it('equals a direct, whole-array implementation sample for sample, on random chunk sizes', async () => {
    const rnd = lcg(7);
    for (const [n, L, sources] of [[20_011, 1000, 2], [3_333, 1024, 3], [999, 1000, 1], [5_000, 7, 2]] as const) {
      const x = [0, 1].map(() => Float32Array.from({ length: n }, () => rnd() * 2 - 1));
      const oa = new OverlapAdd({ segment: L, channels: 2, sources }, async (seg) => model(seg, sources));
      const parts: Float32Array[][][] = [];
      for (let i = 0; i < n; ) {
        const k = 1 + Math.floor(rnd() * 2.5 * L);
        parts.push(await oa.push(x.map((c) => c.subarray(i, i + k))));
        i += k;
      }
      parts.push(await oa.end());
      const want = reference(x, L, sources, (seg) => model(seg, sources));
      for (let s = 0; s < sources; s++)
        for (let c = 0; c < 2; c++) expect(Float32Array.from(parts.flatMap((p) => Array.from(p[s]![c]!)))).toEqual(want[s]![c]);
    }
  });

  it('keeps one run in flight and starts the next segment before overlap-adding the last one', async () => {
    const L = 100;
    const gates: ((y: Float32Array[][]) => void)[] = [];
    let running = 0;
    let most = 0;
    const oa = new OverlapAdd({ segment: L, channels: 1, sources: 1 }, (seg) => {
      most = Math.max(most, ++running);
      return new Promise((resolve) => gates.push((y) => (running--, resolve(y)))).then(() => [seg]);
    });
    const x = [Float32Array.from({ length: 400 }, (_, i) => i)];
    // The first segment is ready: push hands it to the model and returns without waiting for it.
    let returned = false;
    const first = oa.push([x[0]!.subarray(0, 100)]).then((o) => ((returned = true), o));
    for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
    expect(returned).toBe(true);
    expect((await first)[0]![0]!.length).toBe(0);
    expect(gates).toHaveLength(1);
    // The second is ready: push waits for the first, starts the second, then emits the first's final part.
    const second = oa.push([x[0]!.subarray(100, 175)]);
    await new Promise((r) => setImmediate(r));
    expect(gates).toHaveLength(1); // not started while the first still runs
    gates[0]!([]);
    const out = await second;
    expect(gates).toHaveLength(2); // in flight while the first was overlap-added
    expect(out[0]![0]!.length).toBe(75); // identity model: the input back, up to rounding
    out[0]![0]!.forEach((v, i) => expect(v).toBeCloseTo(i, 4));
    const rest = oa.end();
    for (let k = 1; k < 6; k++) {
      await new Promise((r) => setImmediate(r));
      gates[k]?.([]);
    }
    expect((await rest)[0]![0]!.length).toBe(175 - 75);
    expect(most).toBe(1);
  });
});

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** A nonlinear, position-dependent stand-in model, so that padding and trimming errors show. */
function model(seg: Float32Array[], sources: number): Float32Array[][] {
  return Array.from({ length: sources }, (_, s) =>
    seg.map((ch, c) => Float32Array.from(ch, (v, i) => Math.tanh(v * (s + 1)) + 0.01 * i * seg[1 - c]![(i * 7) % ch.length]! + 0.1 * s)),
  );
}

/** demucs' apply_model(split=True) over the whole signal at once, the plain way. */
function reference(x: Float32Array[], L: number, sources: number, run: (seg: Float32Array[]) => Float32Array[][]): Float32Array[][] {
  const n = x[0]!.length;
  const stride = Math.floor(0.75 * L);
  const w = transitionWeights(L);
  const acc = Array.from({ length: sources }, () => x.map(() => new Float32Array(n)));
  const wsum = new Float32Array(n);
  for (let offset = 0; offset < n; offset += stride) {
    const length = Math.min(L, n - offset);
    const trim = Math.floor((L - length) / 2);
    const start = offset - trim;
    const y = run(x.map((ch) => Float32Array.from({ length: L }, (_, i) => (start + i >= 0 && start + i < n ? ch[start + i]! : 0))));
    for (let s = 0; s < sources; s++) for (let c = 0; c < x.length; c++) for (let i = 0; i < length; i++) acc[s]![c]![offset + i]! += w[i]! * y[s]![c]![trim + i]!;
    for (let i = 0; i < length; i++) wsum[offset + i]! += w[i]!;
  }
  return acc.map((s) => s.map((ch) => ch.map((v, i) => (wsum[i]! > 0 ? v / wsum[i]! : 0))));
}
