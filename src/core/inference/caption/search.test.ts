// The search against step models whose right answer is known by construction: a table of
// next-token probabilities where greedy and beam search must disagree, checked against an
// exhaustive enumeration of every sequence; and each processor of generation_config.
import { describe, expect, it } from 'vitest';
import { parseGenerationConfig, type GenerationConfig } from './generationConfig';
import { processorsFor } from './logitsProcessors';
import { generate, type StepModel } from './search';

const START = 2;
const EOS = 1;
const V = 5; // 0 pad, 1 eos, 2 start, 3 "a", 4 "b"

/** A Markov model over the last token (plus how long the row is), with a real row cache. */
class TableModel implements StepModel {
  rows: number[][] = [];
  calls = 0;
  constructor(private readonly table: (seq: number[]) => number[], rows: number) {
    this.rows = Array.from({ length: rows }, () => [START]);
  }
  async step(last: number[]): Promise<Float32Array[]> {
    this.calls++;
    return last.map((tok, r) => {
      const seq = this.rows[r]!;
      if (seq.length > 1 || tok !== START) seq.push(tok);
      const p = this.table(seq);
      return Float32Array.from(p.map((x) => Math.log(x)));
    });
  }
  select(rows: number[]): void {
    this.rows = rows.map((r) => [...this.rows[r]!]);
  }
}

// From the start: "a" 0.6, "b" 0.4. After "a": a/b/eos spread thin (each ≤ 0.34).
// After "b": eos 0.9. Greedy takes "a" and ends worse than "b eos".
const trap = (seq: number[]): number[] => {
  const last = seq.at(-1)!;
  if (last === START) return [1e-9, 1e-9, 1e-9, 0.6, 0.4];
  if (last === 3) return [1e-9, 0.34, 1e-9, 0.33, 0.33];
  if (last === 4) return [1e-9, 0.9, 1e-9, 0.05, 0.05];
  return [0.2, 0.2, 0.2, 0.2, 0.2];
};

const cfg = (over: Partial<Record<string, unknown>> = {}): GenerationConfig =>
  parseGenerationConfig({ decoder_start_token_id: START, eos_token_id: EOS, pad_token_id: 0, max_length: 6, num_beams: 3, length_penalty: 1, ...over });

/** Every sequence up to max_length (ended by EOS, or cut at max_length), scored as hypotheses are. */
function bruteForce(table: (seq: number[]) => number[], c: GenerationConfig): number[] {
  let best = { score: -Infinity, seq: [] as number[] };
  const walk = (seq: number[], sum: number) => {
    if (seq.length === c.max_length) {
      const score = sum / (seq.length - 1) ** c.length_penalty;
      if (score > best.score) best = { score, seq: seq.slice(1) };
      return;
    }
    const p = table(seq);
    for (let v = 3; v < V; v++) walk([...seq, v], sum + Math.log(p[v]!));
    const end = [...seq, EOS];
    const score = (sum + Math.log(p[EOS]!)) / (end.length - 1) ** c.length_penalty;
    if (score > best.score) best = { score, seq: end.slice(1) };
  };
  walk([START], 0);
  return best.seq;
}

describe('search', () => {
  it('greedy falls into the trap; beam search finds the best sequence, as enumeration says', async () => {
    const g = await generate(new TableModel(trap, 1), 1, cfg(), 1);
    expect(g[0]!.tokens[0]).toBe(3);
    const b = await generate(new TableModel(trap, 3), 1, cfg(), 3);
    expect(b[0]!.tokens).toEqual(bruteForce(trap, cfg()));
    expect(b[0]!.tokens).toEqual([4, EOS]);
    expect(b[0]!.tokenLogprobs[0]).toBeCloseTo(Math.log(0.4), 5);
    expect(b[0]!.meanLogprob).toBeCloseTo((Math.log(0.4) + Math.log(0.9)) / 2, 5);
  });

  it('searches several items at once, each as if alone', async () => {
    const both = await generate(new TableModel(trap, 6), 2, cfg(), 3);
    expect(both.map((r) => r.tokens)).toEqual([[4, EOS], [4, EOS]]);
  });

  it('matches enumeration on random tables for several length penalties', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 20; trial++) {
      const memo = new Map<string, number[]>();
      const table = (seq: number[]) => {
        const key = seq.join(',');
        if (!memo.has(key)) {
          const w = [1e-9, rnd(), 1e-9, rnd(), rnd()];
          const s = w.reduce((a, x) => a + x, 0);
          memo.set(key, w.map((x) => x / s));
        }
        return memo.get(key)!;
      };
      for (const lp of [0, 1, 2]) {
        // Enough beams to be exhaustive for this vocabulary and length.
        const c = cfg({ length_penalty: lp, max_length: 5, num_beams: 8, early_stopping: 'never' });
        const res = await generate(new TableModel(table, 8), 1, c, 8);
        expect(res[0]!.tokens, `trial ${trial} lp ${lp}`).toEqual(bruteForce(table, c));
      }
    }
  });

  it('stops at max_length and is deterministic', async () => {
    const flat = () => [0.2, 0.2, 0.2, 0.2, 0.2];
    const c = cfg({ max_length: 4, min_length: 4, num_beams: 2 });
    const a = await generate(new TableModel(flat, 2), 1, c, 2);
    const b = await generate(new TableModel(flat, 2), 1, c, 2);
    expect(a).toEqual(b);
    expect(a[0]!.tokens.length).toBe(3);
  });
});

/** One row through the config's processors (a copy; the input stays as it was). */
const processLogprobs = (lp: Float32Array, seq: number[], c: GenerationConfig): Float32Array => {
  const out = Float32Array.from(lp);
  processorsFor(c).process(seq, out);
  return out;
};

describe('processors', () => {
  const lp = Float32Array.from([-1, -1, -1, -1, -1, -1]);
  it('forces BOS on the first step and EOS on the last', () => {
    const c = cfg({ forced_bos_token_id: 0, forced_eos_token_id: EOS, max_length: 5 });
    expect(Array.from(processLogprobs(lp, [START], c))).toEqual([0, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity]);
    expect(processLogprobs(lp, [START, 0, 3, 4], c)[EOS]).toBe(0);
    expect(processLogprobs(lp, [START, 0, 3, 4], c)[3]).toBe(-Infinity);
  });
  it('forces after banning, so a forced token survives min_length and n-gram bans', () => {
    const c = cfg({ forced_eos_token_id: EOS, max_length: 4, min_length: 10, no_repeat_ngram_size: 1 });
    const p = processLogprobs(lp, [START, EOS, 3], c);
    expect(p[EOS]).toBe(0);
    // With max_length 2, forced EOS wins over forced BOS.
    expect(processLogprobs(lp, [START], cfg({ forced_bos_token_id: 0, forced_eos_token_id: EOS, max_length: 2 }))[EOS]).toBe(0);
  });

  it('bans EOS before min_length', () => {
    const c = cfg({ min_length: 3 });
    expect(processLogprobs(lp, [START, 3], c)[EOS]).toBe(-Infinity);
    expect(processLogprobs(lp, [START, 3, 4], c)[EOS]).toBe(-1);
  });
  it('bans tokens that would repeat an n-gram', () => {
    const c = cfg({ no_repeat_ngram_size: 2 });
    // "3 4 ... 3" → 4 would repeat the bigram (3, 4)
    const p = processLogprobs(lp, [START, 3, 4, 5, 3], c);
    expect(p[4]).toBe(-Infinity);
    expect(p[5]).toBe(-1);
    const c3 = cfg({ no_repeat_ngram_size: 3 });
    expect(processLogprobs(lp, [START, 3, 4, 5, 3, 4], c3)[5]).toBe(-Infinity);
  });
  it('penalises repeated tokens once each, dividing positive scores and multiplying negative ones (start token included)', () => {
    const scores = Float32Array.from([2, -1, 0.5, 3, -2, 1]);
    const p = processLogprobs(scores, [START, 3, 3, 4], cfg({ repetition_penalty: 2 }));
    expect(Array.from(p)).toEqual([2, -1, 0.25, 1.5, -4, 1]);
  });
  it('bans bad words: single tokens always, longer ones after their prefix, never EOS', () => {
    const c = cfg({ bad_words_ids: [[5], [3, 4], [EOS]] });
    expect(processLogprobs(lp, [START], c)[5]).toBe(-Infinity);
    expect(processLogprobs(lp, [START], c)[4]).toBe(-1);
    expect(processLogprobs(lp, [START, 3], c)[4]).toBe(-Infinity);
    expect(processLogprobs(lp, [START, 3], c)[EOS]).toBe(-1);
  });
});
