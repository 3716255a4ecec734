// The captioning loop's search: greedy and beam search over any step model, honouring
// generation_config.json (num_beams, length_penalty, no_repeat_ngram_size, min/max_length,
// early_stopping, forced BOS/EOS, decoder start, EOS ids) with Hugging Face's semantics.
// Deterministic: ties go to the lower beam, then the lower token id.
import type { GenerationConfig } from './generationConfig';

export interface StepModel {
  /** Feeds one token per row; resolves to each row's next-token log-probabilities. */
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
  /** Ranking score of the search (length-normalised sum of search log-probs). */
  score: number;
}

interface Beam {
  seq: number[]; // starts with decoder_start_token_id
  raw: number[];
  sum: number;
}

const NEG = -Infinity;

/** Log-probs after the generation config's processors, for a sequence of current length seq.length. */
export function processLogprobs(lp: Float32Array, seq: number[], cfg: GenerationConfig): Float64Array {
  const out = Float64Array.from(lp);
  const curLen = seq.length;
  const force = (id: number) => {
    out.fill(NEG);
    out[id] = 0;
  };
  if (curLen < cfg.min_length) for (const e of cfg.eos_token_id) out[e] = NEG;
  const n = cfg.no_repeat_ngram_size;
  if (n > 0 && curLen + 1 >= n) {
    const prefix = seq.slice(curLen - n + 1);
    for (let i = 0; i + n <= curLen; i++) {
      let same = true;
      for (let j = 0; j < n - 1 && same; j++) same = seq[i + j] === prefix[j];
      if (same) out[seq[i + n - 1]!] = NEG;
    }
  }
  // Forcing comes last, as in transformers, so a forced token is never banned; EOS wins over BOS.
  if (curLen === 1 && cfg.forced_bos_token_id != null) force(cfg.forced_bos_token_id);
  if (curLen === cfg.max_length - 1 && cfg.forced_eos_token_id != null) force(cfg.forced_eos_token_id);
  return out;
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
  const beams: Beam[] = Array.from({ length: items }, () => ({ seq: [cfg.decoder_start_token_id], raw: [], sum: 0 }));
  const results: (SearchResult | null)[] = new Array(items).fill(null);
  let active = beams.map((_, i) => i);
  while (active.length) {
    const lps = await model.step(active.map((i) => beams[i]!.seq.at(-1)!));
    const next: number[] = [];
    const keep: number[] = [];
    active.forEach((item, row) => {
      const b = beams[item]!;
      const p = processLogprobs(lps[row]!, b.seq, cfg);
      let best = 0;
      for (let v = 1; v < p.length; v++) if (p[v]! > p[best]!) best = v;
      b.seq.push(best);
      b.raw.push(lps[row]![best]!);
      b.sum += p[best]!;
      if (cfg.eos_token_id.includes(best) || b.seq.length >= cfg.max_length) results[item] = finish(b, b.sum);
      else {
        next.push(item);
        keep.push(row);
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
  // Only the first beam of each item is live at the start, so the K beams do not all repeat it.
  let beams: Beam[][] = Array.from({ length: items }, () =>
    Array.from({ length: k }, (_, j) => ({ seq: [cfg.decoder_start_token_id], raw: [], sum: j === 0 ? 0 : NEG })),
  );
  const hyps = Array.from({ length: items }, () => new Hypotheses(k, cfg.length_penalty, cfg.max_length));
  // transformers keeps enough candidates that EOS ones cannot starve the live beams.
  const pool = Math.max(2, 1 + cfg.eos_token_id.length) * k;
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
      const cands: { j: number; v: number; s: number; raw: number }[] = [];
      for (let j = 0; j < k; j++) {
        const b = cur[j]!;
        if (b.sum === NEG) continue;
        const raw = lps[a * k + j]!;
        const p = processLogprobs(raw, b.seq, cfg);
        for (let v = 0; v < p.length; v++) if (p[v]! > NEG) cands.push({ j, v, s: b.sum + p[v]!, raw: raw[v]! });
      }
      cands.sort((x, y) => y.s - x.s || x.j - y.j || x.v - y.v);
      const next: Beam[] = [];
      const parents: number[] = [];
      for (let r = 0; r < Math.min(cands.length, pool) && next.length < k; r++) {
        const c = cands[r]!;
        const parent = cur[c.j]!;
        const child: Beam = { seq: [...parent.seq, c.v], raw: [...parent.raw, c.raw], sum: c.s };
        if (cfg.eos_token_id.includes(c.v)) {
          if (r < k) hyps[item]!.add(child, c.s);
        } else {
          next.push(child);
          parents.push(c.j);
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
