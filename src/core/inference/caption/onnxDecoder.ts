// A StepModel over ONNX decoders in Optimum's layout, with a KV cache: either one merged graph
// (use_cache_branch chooses the first step or a cached step) or the decoder_model +
// decoder_with_past_model pair. Only the inputs a graph declares are fed; cache rows are
// gathered when beams are reordered.
import ort from 'onnxruntime-node';
import { countLayers, metadataOf } from '../packs/contract';
import type { StepModel } from './search';

export interface DecoderSessions {
  merged?: ort.InferenceSession;
  first?: ort.InferenceSession;
  withPast?: ort.InferenceSession;
}

interface Cached {
  data: Float32Array;
  dims: number[];
}

export class OnnxDecoder implements StepModel {
  private past: Map<string, Cached> | null = null;
  private rowItem: number[];
  private hiddenRows: { key: string; data: Float32Array } | null = null;
  private readonly layers: number;
  private readonly heads: number;
  private readonly headDim: number;
  /** Milliseconds spent in session.run, for timings. */
  runMs = 0;

  /**
   * @param hidden encoder output per item, [items, S, D] flattened
   * @param rowsPerItem rows (beams) each item starts with
   */
  constructor(
    private readonly s: DecoderSessions,
    private readonly hidden: { data: Float32Array; items: number; seq: number; width: number },
    rowsPerItem: number,
  ) {
    this.rowItem = Array.from({ length: hidden.items * rowsPerItem }, (_, r) => Math.floor(r / rowsPerItem));
    const any = (s.merged ?? s.withPast ?? s.first)!;
    this.layers = Math.max(countLayers(any.inputNames, 'past_key_values'), countLayers(any.outputNames, 'present'));
    const kvShape = [...metadataOf(any, 'input'), ...metadataOf(any, 'output')].find((m) => /\.decoder\.key$/.test(m.name))?.shape ?? [];
    this.heads = typeof kvShape[1] === 'number' ? kvShape[1] : 0;
    this.headDim = typeof kvShape[3] === 'number' ? kvShape[3] : 0;
  }

  async step(lastTokens: number[]): Promise<Float32Array[]> {
    const rows = lastTokens.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(lastTokens, (t) => BigInt(t)), [rows, 1]),
      encoder_attention_mask: new ort.Tensor('int64', new BigInt64Array(rows * this.hidden.seq).fill(1n), [rows, this.hidden.seq]),
      encoder_hidden_states: new ort.Tensor('float32', this.gatherHidden(), [rows, this.hidden.seq, this.hidden.width]),
    };
    let session: ort.InferenceSession;
    if (this.s.merged) {
      session = this.s.merged;
      feeds.use_cache_branch = new ort.Tensor('bool', [this.past !== null], [1]);
      for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
        const c = this.past?.get(name);
        // The first step still needs every input: an empty cache of length 0.
        feeds[name] = c ? new ort.Tensor('float32', c.data, c.dims) : new ort.Tensor('float32', new Float32Array(0), [rows, this.heads, 0, this.headDim]);
      }
    } else {
      session = this.past ? this.s.withPast! : this.s.first!;
      if (this.past) for (const [name, c] of this.past) feeds[name] = new ort.Tensor('float32', c.data, c.dims);
    }
    const wanted = Object.fromEntries(Object.entries(feeds).filter(([k]) => session.inputNames.includes(k)));
    const t0 = performance.now();
    const out = await session.run(wanted);
    this.runMs += performance.now() - t0;

    const next = new Map<string, Cached>(this.past ?? []);
    for (const name of session.outputNames) {
      if (!name.startsWith('present.')) continue;
      // Optimum's merged graph returns empty placeholders for the cross-attention cache on cached
      // steps (it never changes): keep the one from the first step.
      if (this.past && name.includes('.encoder.')) continue;
      const t = out[name]!;
      next.set(name.replace(/^present\./, 'past_key_values.'), { data: t.data as Float32Array, dims: [...t.dims] });
    }
    this.past = next;
    return lastLogits(out.logits!);
  }

  select(rows: number[]): void {
    const before = this.rowItem;
    this.rowItem = rows.map((r) => before[r]!);
    if (!this.past) return;
    // Beams of one item share its cross-attention cache, so reordering beams within items (the
    // usual case) leaves the encoder cache as it is; only dropping finished items regathers it.
    const sameItems = this.rowItem.length === before.length && this.rowItem.every((it, i) => it === before[i]);
    for (const [name, c] of this.past) {
      if (sameItems && name.includes('.encoder.')) continue;
      const per = c.dims.slice(1).reduce((a, b) => a * b, 1);
      const data = new Float32Array(rows.length * per);
      rows.forEach((r, i) => data.set(c.data.subarray(r * per, (r + 1) * per), i * per));
      this.past.set(name, { data, dims: [rows.length, ...c.dims.slice(1)] });
    }
  }

  get layerCount(): number {
    return this.layers;
  }

  private gatherHidden(): Float32Array {
    const key = this.rowItem.join(',');
    if (this.hiddenRows?.key === key) return this.hiddenRows.data;
    const per = this.hidden.seq * this.hidden.width;
    const out = new Float32Array(this.rowItem.length * per);
    this.rowItem.forEach((item, r) => out.set(this.hidden.data.subarray(item * per, (item + 1) * per), r * per));
    this.hiddenRows = { key, data: out };
    return out;
  }
}

/** The last position's logits of each row, as views of the output tensor (no copy; the search normalises). */
export function lastLogits(logits: ort.Tensor): Float32Array[] {
  const [rows, T, V] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  return Array.from({ length: rows }, (_, r) => data.subarray((r * T + T - 1) * V, (r * T + T) * V));
}
