// The merged decoder as Optimum really exports it: on cached steps its If-branch returns empty
// placeholders for the cross-attention cache; the decoder must keep the first step's cache.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxDecoder } from './onnxDecoder';

const H = 2;
const D = 4;
const S = 3;
const V = 5;

function optimumLikeMerged(fed: Record<string, number[]>[]): ort.InferenceSession {
  const kv = ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'];
  const inputs = ['input_ids', 'encoder_attention_mask', 'encoder_hidden_states', ...kv.map((k) => `past_key_values.0.${k}`), 'use_cache_branch'];
  const outputs = ['logits', ...kv.map((k) => `present.0.${k}`)];
  const meta = (names: string[]) => names.map((name) => ({ name, isTensor: true, type: 'float32', shape: name.includes('key') || name.includes('value') ? ['b', H, 'len', D] : [] }));
  return {
    inputNames: inputs,
    outputNames: outputs,
    inputMetadata: meta(inputs),
    outputMetadata: meta(outputs),
    async run(feeds: Record<string, ort.Tensor>) {
      fed.push(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [...t.dims]])));
      const rows = feeds.input_ids!.dims[0]!;
      const cached = (feeds.use_cache_branch!.data as unknown as boolean[])[0];
      const past = feeds['past_key_values.0.decoder.key']!.dims[2]!;
      const t = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
      return {
        logits: new ort.Tensor('float32', Float32Array.from({ length: rows * V }, (_, i) => i % V), [rows, 1, V]),
        'present.0.decoder.key': t([rows, H, past + 1, D]),
        'present.0.decoder.value': t([rows, H, past + 1, D]),
        'present.0.encoder.key': cached ? t([0, H, 1, D]) : t([rows, H, S, D]),
        'present.0.encoder.value': cached ? t([0, H, 1, D]) : t([rows, H, S, D]),
      };
    },
  } as unknown as ort.InferenceSession;
}

describe('OnnxDecoder with an Optimum merged decoder', () => {
  it('keeps the first step’s cross-attention cache when later steps return placeholders', async () => {
    const fed: Record<string, number[]>[] = [];
    const dec = new OnnxDecoder({ merged: optimumLikeMerged(fed) }, { data: new Float32Array(2 * S * 8), items: 2, seq: S, width: 8 }, 1);
    for (let step = 0; step < 4; step++) await dec.step([2, 2]);
    expect(fed.map((f) => f['past_key_values.0.encoder.key'])).toEqual([
      [2, H, 0, D],
      [2, H, S, D],
      [2, H, S, D],
      [2, H, S, D],
    ]);
    expect(fed.map((f) => f['past_key_values.0.decoder.key']![2])).toEqual([0, 1, 2, 3]);
    dec.select([1]);
    await dec.step([2]);
    expect(fed.at(-1)!['past_key_values.0.encoder.key']).toEqual([1, H, S, D]);
  });
});
