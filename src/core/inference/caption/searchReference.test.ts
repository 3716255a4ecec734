// The fast search (bounded candidate heap, in-place processing) against the plain algorithm it
// replaced, kept here as the oracle: every k·V candidate built, processed and sorted. Random
// Markov tables with every processor switched on must give identical tokens, log-probs and
// scores; and greedy runs the processors on raw logits as transformers does.
import { describe, expect, it } from 'vitest';
import { parseGenerationConfig, type GenerationConfig } from './generationConfig';
import { processorsFor } from './logitsProcessors';
import { generate, logSumExp, type SearchResult, type StepModel } from './search';
import { TopCandidates } from './topCandidates';

const START = 2;
const EOS = 1;

/** Scores depend on the last two tokens (a seeded table), so beams really diverge. */
class RandomModel implements StepModel {
  rows: number[][];
  constructor(private readonly V: number, private readonly seed: number, rows: number, private readonly logits = false) {
    this.rows = Array.from({ length: rows }, () => [START]);
  }
  async step(last: number[]): Promise<Float32Array[]> {
    return last.map((tok, r) => {
      const seq = this.rows[r]!;
      if (seq.length > 1 || tok !== START) seq.push(tok);
      return this.scores(seq);
    });
  }
  scores(seq: number[]): Float32Array {
    let h = (this.seed * 2654435761 + (seq.at(-1)! + 1) * 40503 + (seq.at(-2) ?? 7) * 97) >>> 0;
    const out = new Float32Array(this.V);
    for (let v = 0; v < this.V; v++) {
      h = (h * 1664525 + 1013904223) >>> 0;
      // Quantised to make ties common (ties must resolve as the reference does).
      out[v] = Math.round(((h / 2 ** 32) * 6 - 4) * 4) / 4;
    }
    if (!this.logits) {
      const lse = logSumExp(out);
      for (let v = 0; v < this.V; v++) out[v] = out[v]! - lse;
    }
    return out;
  }
  select(rows: number[]): void {
    this.rows = rows.map((r) => [...this.rows[r]!]);
  }
}

/** The original beam search: all candidates, sorted. */
async function referenceBeam(model: StepModel, items: number, cfg: GenerationConfig, k: number): Promise<SearchResult[]> {
  type Beam = { seq: number[]; raw: number[]; sum: number };
  const proc = processorsFor(cfg);
  let beams: Beam[][] = Array.from({ length: items }, () => Array.from({ length: k }, (_, j) => ({ seq: [cfg.decoder_start_token_id], raw: [], sum: j === 0 ? 0 : -Infinity })));
  const hyps: { beam: Beam; score: number }[][] = Array.from({ length: items }, () => []);
  const add = (i: number, b: Beam, sum: number) => {
    const score = sum / Math.max(1, b.seq.length - 1) ** cfg.length_penalty;
    const h = hyps[i]!;
    if (h.length < k || score > h.at(-1)!.score) {
      h.push({ beam: b, score });
      h.sort((x, y) => y.score - x.score);
      if (h.length > k) h.pop();
    }
  };
  const done = (i: number, best: number, len: number) => {
    const h = hyps[i]!;
    if (h.length < k) return false;
    if (cfg.early_stopping === true) return true;
    const l = cfg.early_stopping === 'never' && cfg.length_penalty > 0 ? cfg.max_length - 1 : len - 1;
    return h.at(-1)!.score >= best / Math.max(1, l) ** cfg.length_penalty;
  };
  const pool = Math.max(2, 1 + cfg.eos_token_id.length) * k;
  const results: (SearchResult | null)[] = new Array(items).fill(null);
  let active = Array.from({ length: items }, (_, i) => i);
  const fin = (b: Beam, score: number): SearchResult => ({ tokens: b.seq.slice(1), tokenLogprobs: b.raw, meanLogprob: b.raw.reduce((a, x) => a + x, 0) / Math.max(1, b.raw.length), score });
  while (active.length) {
    const lps = await model.step(active.flatMap((it) => beams[it]!.map((b) => b.seq.at(-1)!)));
    const still: number[] = [];
    const rows: number[] = [];
    active.forEach((item, a) => {
      const cur = beams[item]!;
      const curLen = cur[0]!.seq.length;
      const cands: { j: number; v: number; s: number; raw: number }[] = [];
      cur.forEach((b, j) => {
        if (b.sum === -Infinity) return;
        const row = lps[a * k + j]!;
        const lse = logSumExp(row);
        const raw = Float32Array.from(row, (x) => x - lse);
        const p = Float32Array.from(raw);
        proc.process(b.seq, p);
        for (let v = 0; v < p.length; v++) if (p[v]! > -Infinity) cands.push({ j, v, s: b.sum + p[v]!, raw: raw[v]! });
      });
      cands.sort((x, y) => y.s - x.s || x.j - y.j || x.v - y.v);
      const next: Beam[] = [];
      const parents: number[] = [];
      for (let r = 0; r < Math.min(cands.length, pool) && next.length < k; r++) {
        const c = cands[r]!;
        const child = { seq: [...cur[c.j]!.seq, c.v], raw: [...cur[c.j]!.raw, c.raw], sum: c.s };
        if (cfg.eos_token_id.includes(c.v)) {
          if (r < k) add(item, child, c.s);
        } else {
          next.push(child);
          parents.push(c.j);
        }
      }
      const atMax = curLen + 1 >= cfg.max_length;
      if (atMax || next.length === 0 || done(item, next[0]!.sum, curLen + 1)) {
        if (atMax || hyps[item]!.length === 0) for (const b of next) add(item, b, b.sum);
        results[item] = fin(hyps[item]![0]!.beam, hyps[item]![0]!.score);
        return;
      }
      while (next.length < k) {
        next.push({ seq: [...next[0]!.seq], raw: [...next[0]!.raw], sum: -Infinity });
        parents.push(parents[0]!);
      }
      beams[item] = next;
      still.push(item);
      rows.push(...parents.map((j) => a * k + j));
    });
    if (still.length) model.select(rows);
    active = still;
  }
  beams = [];
  return results as SearchResult[];
}

const config = (over: Record<string, unknown>): GenerationConfig =>
  parseGenerationConfig({ decoder_start_token_id: START, eos_token_id: EOS, pad_token_id: 0, max_length: 9, ...over });

describe('fast beam search equals the full-sort reference', () => {
  const cases = [
    {},
    { no_repeat_ngram_size: 2, min_length: 4 },
    { repetition_penalty: 1.7, bad_words_ids: [[5], [3, 4]] },
    { forced_bos_token_id: 6, forced_eos_token_id: EOS, length_penalty: 0.6, early_stopping: true },
    { length_penalty: 2, early_stopping: 'never', no_repeat_ngram_size: 3, repetition_penalty: 1.3 },
  ];
  it.each(cases.flatMap((c, i) => [2, 4].map((k) => ({ c, k, i }))))('config $i, $k beams, 3 items', async ({ c, k, i }) => {
    for (let seed = 1; seed <= 6; seed++) {
      const cfg = config(c);
      const fast = await generate(new RandomModel(40, seed * 31 + i, 3 * k), 3, cfg, k);
      const ref = await referenceBeam(new RandomModel(40, seed * 31 + i, 3 * k), 3, cfg, k);
      expect(fast.map((r) => r.tokens)).toEqual(ref.map((r) => r.tokens));
      fast.forEach((r, j) => {
        expect(r.score).toBeCloseTo(ref[j]!.score, 5);
        r.tokenLogprobs.forEach((x, t) => expect(x).toBeCloseTo(ref[j]!.tokenLogprobs[t]!, 5));
      });
    }
  });
});

describe('greedy search', () => {
  it('applies the repetition penalty to raw logits, as transformers does (on log-probs it would choose otherwise)', async () => {
    // First step's logits: start token −1 (already in the sequence), token 3 −1.5, the rest −9.
    // On logits: start → −2, so 3 wins. On log-probs (−0.47 vs −0.97) the penalty would leave the start token ahead.
    const model: StepModel = {
      async step(last) {
        return last.map(() => Float32Array.from([-9, -9, -1, -1.5, -9]));
      },
      select() {},
    };
    const [r] = await generate(model, 1, config({ repetition_penalty: 2, max_length: 2 }), 1);
    expect(r!.tokens).toEqual([3]);
    // The reported log-prob is the model's, before the penalty.
    expect(r!.tokenLogprobs[0]).toBeCloseTo(-1.5 - logSumExp(Float32Array.from([-9, -9, -1, -1.5, -9])), 6);
  });
  it('gives the same tokens from logits as from their log-probs', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const cfg = config({ no_repeat_ngram_size: 2, min_length: 3 });
      const a = await generate(new RandomModel(30, seed, 2, true), 2, cfg, 1);
      const b = await generate(new RandomModel(30, seed, 2, false), 2, cfg, 1);
      expect(a.map((r) => r.tokens)).toEqual(b.map((r) => r.tokens));
    }
  });
});

describe('TopCandidates', () => {
  it('keeps exactly what a full sort would keep, ties by beam then token', () => {
    let h = 12345;
    for (let trial = 0; trial < 50; trial++) {
      const cap = 1 + (trial % 9);
      const top = new TopCandidates(cap);
      const all: { s: number; j: number; v: number }[] = [];
      for (let j = 0; j < 4; j++)
        for (let v = 0; v < 30; v++) {
          h = (h * 1664525 + 1013904223) >>> 0;
          const s = Math.floor((h / 2 ** 32) * 8); // many ties
          all.push({ s, j, v });
          top.offer(s, j, v);
        }
      all.sort((a, b) => b.s - a.s || a.j - b.j || a.v - b.v);
      const kept = top.sorted().map((i) => ({ s: top.score[i]!, j: top.beam[i]!, v: top.token[i]! }));
      expect(kept).toEqual(all.slice(0, cap));
    }
  });
});
