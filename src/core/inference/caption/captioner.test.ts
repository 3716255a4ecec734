// The captioning loop on the tiny fixture pack (real ONNX graphs in Optimum's layout): the KV
// cache path must give exactly what recomputing the whole sequence every step gives, the merged
// and split decoders must agree, and batching must not change any caption.
import path from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { AST_FRAMES, AST_MEL_BINS } from '../features/fbank';
import { validatePack } from '../packs/validate';
import { Captioner } from './captioner';
import { lastLogits } from './onnxDecoder';
import { generate, type StepModel } from './search';

const PACK = path.resolve(__dirname, '../../../../test/fixtures/packs/tiny-captioner');

function features(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: AST_FRAMES * AST_MEL_BINS }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
}

/** Reference: no cache at all, the whole sequence through decoder_model.onnx every step. */
class Recompute implements StepModel {
  private seqs: number[][];
  constructor(private readonly s: ort.InferenceSession, private readonly hidden: ort.Tensor, rows: number, private rowItem: number[]) {
    this.seqs = Array.from({ length: rows }, () => []);
  }
  async step(last: number[]): Promise<Float32Array[]> {
    last.forEach((t, r) => this.seqs[r]!.push(t));
    const out: Float32Array[] = [];
    const [, S, D] = this.hidden.dims as number[];
    for (let r = 0; r < last.length; r++) {
      const seq = this.seqs[r]!;
      const item = this.rowItem[r]!;
      const h = (this.hidden.data as Float32Array).subarray(item * S! * D!, (item + 1) * S! * D!);
      const res = await this.s.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(seq, BigInt), [1, seq.length]),
        encoder_attention_mask: new ort.Tensor('int64', new BigInt64Array(S!).fill(1n), [1, S!]),
        encoder_hidden_states: new ort.Tensor('float32', Float32Array.from(h), [1, S!, D!]),
      });
      out.push(lastLogits(res.logits!)[0]!);
    }
    return out;
  }
  select(rows: number[]): void {
    this.seqs = rows.map((r) => [...this.seqs[r]!]);
    this.rowItem = rows.map((r) => this.rowItem[r]!);
  }
}

let cap: Captioner;
let merged: Captioner;
beforeAll(async () => {
  const manifest = await validatePack(PACK);
  cap = await Captioner.load(PACK, manifest.captioner!, { threads: 1, encoderEp: 'cpu' });
  merged = await Captioner.load(PACK, manifest.captioner!, { threads: 1, encoderEp: 'cpu', decoder: 'merged' });
});

describe('Captioner on the fixture pack', () => {
  it.each(['split', 'merged'])('caches keys and values exactly (%s decoder): same tokens and log-probs as recomputing every step', async (which) => {
    const f = [features(1), features(2)];
    const cached = await (which === 'split' ? cap : merged).caption(f, { numBeams: 3 });
    const enc = await ort.InferenceSession.create(path.join(PACK, 'encoder_model.onnx'));
    const hidden = (await enc.run({ input_values: new ort.Tensor('float32', Float32Array.from([...f[0]!, ...f[1]!]), [2, AST_FRAMES, AST_MEL_BINS]) })).last_hidden_state!;
    const first = await ort.InferenceSession.create(path.join(PACK, 'decoder_model.onnx'));
    const ref = await generate(new Recompute(first, hidden, 6, [0, 0, 0, 1, 1, 1]), 2, cap.generation, 3);
    expect(cached.captions.map((c) => c.tokens)).toEqual(ref.map((r) => r.tokens));
    cached.captions.forEach((c, i) => c.tokenLogprobs.forEach((lp, j) => expect(lp).toBeCloseTo(ref[i]!.tokenLogprobs[j]!, 4)));
  });

  it('gives the same captions with the merged decoder and the split pair, greedy and beam', async () => {
    for (const numBeams of [1, 4]) {
      const m = await merged.caption([features(3)], { numBeams });
      const split = await cap.caption([features(3)], { numBeams });
      expect(split.captions[0]!.tokens).toEqual(m.captions[0]!.tokens);
      expect(split.captions[0]!.score).toBeCloseTo(m.captions[0]!.score, 5);
    }
    // Items finishing at different steps shrink the batch; results must not change.
    const both = await merged.caption([features(6), features(7), features(8)], { numBeams: 3 });
    for (const [i, seed] of [6, 7, 8].entries()) {
      expect(both.captions[i]!.tokens).toEqual((await cap.caption([features(seed)], { numBeams: 3 })).captions[0]!.tokens);
    }
  });

  it('batches without changing results, is deterministic, and reports providers and timings', async () => {
    const a = await cap.caption([features(4)]);
    const b = await cap.caption([features(5)]);
    const both = await cap.caption([features(4), features(5)]);
    expect(both.captions.map((c) => c.text)).toEqual([a.captions[0]!.text, b.captions[0]!.text]);
    expect((await cap.caption([features(4)])).captions[0]).toEqual(a.captions[0]);
    const c = a.captions[0]!;
    expect(c.text.length).toBeGreaterThan(0);
    expect(c.tokens[0]).toBe(0); // forced BOS
    expect(c.tokens.length).toBeGreaterThanOrEqual(cap.generation.min_length - 1);
    expect(c.tokens.length).toBeLessThanOrEqual(cap.generation.max_length - 1);
    expect(c.score).toBeLessThan(0);
    expect(c.score).toBeCloseTo(c.tokenLogprobs.reduce((x, y) => x + y, 0) / c.tokenLogprobs.length, 6);
    expect(a.ep).toEqual({ encoder: 'cpu', decoder: 'cpu' });
    expect(a.ms.total).toBeGreaterThan(0);
  });
});
