// The captioning loop's search: greedy and beam search over any step model, honouring
// generation_config.json (num_beams, length_penalty, no_repeat_ngram_size, repetition_penalty,
// bad_words_ids, min/max_length, early_stopping, forced BOS/EOS, decoder start, EOS ids) with
// Hugging Face's semantics: greedy runs the logits processors on raw logits, beam search on
// log-probs. Costs about what greedy does per row: each row is normalised and processed in place
// in one scratch array, and beam search keeps its 2·k best candidates in a bounded heap
// (topCandidates.ts) instead of sorting k·V of them. Deterministic: ties go to the lower beam,
// then the lower token id.
import type { GenerationConfig } from './generationConfig';
import { processorsFor } from './logitsProcessors';
import { stoppingCriteriaFor } from './stoppingCriteria';
import { TopCandidates } from './topCandidates';

export interface StepModel {
  /**
   * Feeds one token per row; resolves to each row's next-token scores: logits (log-probs are fine
   * too, the search normalises). The search may overwrite the arrays.
   */
  step(lastTokens: number[]): Promise<Float32Array[]>;
  /** Rebuilds the rows (and their caches) from these current rows, in this order. */
  select(rows: number[]): void;
}

export interface SearchResult {
  /** Generated ids after the decoder start token, including a final EOS when one was produced. */
  tokens: number[];
  /** The model's log-probability of each generated token (before any forcing or bans). */
  tokenLogprobs: number[];
  /** Mean of tokenLogprobs: the caption's confidence. */
  meanLogprob: number;
  /** Beam search: its ranking score (length-normalised sum of processed log-probs); greedy: the sum of tokenLogprobs. */
  score: number;
}

interface Beam {
  seq: number[]; // starts with decoder_start_token_id
  raw: number[];
  sum: number;
}

const NEG = -Infinity;

/** log(sum(exp(row))), stable. */
export function logSumExp(row: Float32Array): number {
  let max = NEG;
  for (let v = 0; v < row.length; v++) if (row[v]! > max) max = row[v]!;
  if (max === NEG) return NEG;
  let sum = 0;
  for (let v = 0; v < row.length; v++) sum += Math.exp(row[v]! - max);
  return max + Math.log(sum);
}

/** One reusable row-sized Float32Array per search (the vocabulary size is known at the first step). */
class RowScratch {
  private data = new Float32Array(0);
  of(n: number): Float32Array {
    if (this.data.length !== n) this.data = new Float32Array(n);
    return this.data;
  }
}

const finish = (b: Beam, score: number): SearchResult => {
  const tokens = b.seq.slice(1);
  return { tokens, tokenLogprobs: b.raw, meanLogprob: b.raw.length ? b.raw.reduce((a, x) => a + x, 0) / b.raw.length : 0, score };
};

/** Generates one sequence per item; the model starts with `items × numBeams` rows. */
export async function generate(model: StepModel, items: number, cfg: GenerationConfig, numBeams = cfg.num_beams): Promise<SearchResult[]> {
  return numBeams <= 1 ? greedy(model, items, cfg) : beam(model, items, cfg, numBeams);
}

async function greedy(model: StepModel, items: number, cfg: GenerationConfig): Promise<SearchResult[]> {
  const processors = processorsFor(cfg);
  const stopping = stoppingCriteriaFor(cfg);
  const scratch = new RowScratch();
  const beams: Beam[] = Array.from({ length: items }, () => ({ seq: [cfg.decoder_start_token_id], raw: [], sum: 0 }));
  const results: (SearchResult | null)[] = new Array(items).fill(null);
  let active = beams.map((_, i) => i);
  while (active.length) {
    const rows = await model.step(active.map((i) => beams[i]!.seq.at(-1)!));
    const next: number[] = [];
    const keep: number[] = [];
    active.forEach((item, r) => {
      const b = beams[item]!;
      const row = rows[r]!;
      const rawLse = logSumExp(row);
      // Processors edit a scratch copy (allocated once): the model's row keeps the raw log-prob.
      let scores = row;
      if (processors.processors.length) (scores = scratch.of(row.length)).set(row);
      processors.process(b.seq, scores);
      let best = 0;
      for (let v = 1; v < scores.length; v++) if (scores[v]! > scores[best]!) best = v;
      const raw = row[best]! - rawLse;
      // Greedy's score is the sum of the picked tokens' model log-probs (nothing ranks greedy results).
      b.sum += raw;
      b.seq.push(best);
      b.raw.push(raw);
      if (stopping.done(b.seq)) results[item] = finish(b, b.sum);
      else {
        next.push(item);
        keep.push(r);
      }
    });
    if (next.length && next.length !== active.length) model.select(keep);
    active = next;
  }
  return results as SearchResult[];
}

class Hypotheses {
  list: { beam: Beam; score: number }[] = [];
  constructor(
    private readonly k: number,
    private readonly lp: number,
    private readonly maxLength: number,
  ) {}
  add(beam: Beam, sum: number): void {
    const score = sum / Math.max(1, beam.seq.length - 1) ** this.lp;
    if (this.list.length < this.k || score > this.worst()) {
      this.list.push({ beam, score });
      this.list.sort((a, b) => b.score - a.score);
      if (this.list.length > this.k) this.list.pop();
    }
  }
  worst(): number {
    return this.list.length ? this.list[this.list.length - 1]!.score : Infinity;
  }
  done(bestSum: number, curLen: number, early: GenerationConfig['early_stopping']): boolean {
    if (this.list.length < this.k) return false;
    if (early === true) return true;
    // 'never' with a positive length penalty: the best a running beam can still reach is at max_length.
    const len = early === 'never' && this.lp > 0 ? this.maxLength - 1 : curLen - 1;
    return this.worst() >= bestSum / Math.max(1, len) ** this.lp;
  }
}

async function beam(model: StepModel, items: number, cfg: GenerationConfig, k: number): Promise<SearchResult[]> {
  const processors = processorsFor(cfg);
  // Only the first beam of each item is live at the start, so the K beams do not all repeat it.
  let beams: Beam[][] = Array.from({ length: items }, () =>
    Array.from({ length: k }, (_, j) => ({ seq: [cfg.decoder_start_token_id], raw: [], sum: j === 0 ? 0 : NEG })),
  );
  const hyps = Array.from({ length: items }, () => new Hypotheses(k, cfg.length_penalty, cfg.max_length));
  // transformers keeps enough candidates that EOS ones cannot starve the live beams.
  const pool = Math.max(2, 1 + cfg.eos_token_id.length) * k;
  const top = new TopCandidates(pool);
  const scratch = new RowScratch();
  const rawLse = new Float64Array(k);
  const results: (SearchResult | null)[] = new Array(items).fill(null);
  let active = Array.from({ length: items }, (_, i) => i);

  while (active.length) {
    const lps = await model.step(active.flatMap((item) => beams[item]!.map((b) => b.seq.at(-1)!)));
    const stillActive: number[] = [];
    const rows: number[] = [];
    for (let a = 0; a < active.length; a++) {
      const item = active[a]!;
      const cur = beams[item]!;
      const curLen = cur[0]!.seq.length;
      top.reset();
      for (let j = 0; j < k; j++) {
        const b = cur[j]!;
        if (b.sum === NEG) continue;
        const row = lps[a * k + j]!;
        // log-probs, processed, in the scratch array; the model's row keeps the raw scores.
        const lse = logSumExp(row);
        rawLse[j] = lse;
        const lp = scratch.of(row.length);
        for (let v = 0; v < row.length; v++) lp[v] = row[v]! - lse;
        processors.process(b.seq, lp);
        const sum = b.sum;
        // Offer every token; once the heap is full only those beating its worst get in.
        let threshold = top.threshold - sum;
        for (let v = 0; v < lp.length; v++) {
          const p = lp[v]!;
          if (p > threshold && p > NEG) {
            top.offer(sum + p, j, v);
            threshold = top.threshold - sum;
          }
        }
      }
      const next: Beam[] = [];
      const parents: number[] = [];
      const order = top.sorted();
      for (let r = 0; r < order.length && next.length < k; r++) {
        const slot = order[r]!;
        const j = top.beam[slot]!;
        const v = top.token[slot]!;
        const s = top.score[slot]!;
        const parent = cur[j]!;
        const child: Beam = { seq: [...parent.seq, v], raw: [...parent.raw, lps[a * k + j]![v]! - rawLse[j]!], sum: s };
        if (cfg.eos_token_id.includes(v)) {
          if (r < k) hyps[item]!.add(child, s);
        } else {
          next.push(child);
          parents.push(j);
        }
      }
      const h = hyps[item]!;
      const atMax = curLen + 1 >= cfg.max_length;
      if (atMax || next.length === 0 || h.done(next[0]!.sum, curLen + 1, cfg.early_stopping)) {
        if (atMax || h.list.length === 0) for (const b of next) h.add(b, b.sum);
        const best = h.list[0]!;
        results[item] = finish(best.beam, best.score);
        continue;
      }
      while (next.length < k) {
        next.push({ seq: [...next[0]!.seq], raw: [...next[0]!.raw], sum: NEG });
        parents.push(parents[0]!);
      }
      beams[item] = next;
      stillActive.push(item);
      rows.push(...parents.map((j) => a * k + j));
    }
    if (stillActive.length) model.select(rows);
    active = stillActive;
  }
  beams = [];
  return results as SearchResult[];
}
