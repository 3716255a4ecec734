// Logits processors of generation_config.json, one small class each, as transformers has them
// (MinLengthLogitsProcessor, NoRepeatNGramLogitsProcessor, RepetitionPenaltyLogitsProcessor,
// NoBadWordsLogitsProcessor, ForcedBOSTokenLogitsProcessor, ForcedEOSTokenLogitsProcessor). Each
// edits one row's scores in place (a typed array the search owns), so the hot loop allocates
// nothing; a new option is a new class added to `processorsFor`, not an edit of the search.
// Greedy search hands them raw logits and beam search log-probs, as transformers does.
import type { GenerationConfig } from './generationConfig';

export interface LogitsProcessor {
  /** Edits `scores` (one row, vocabulary-sized) for the sequence `seq` (decoder start token first). */
  process(seq: readonly number[], scores: Float32Array): void;
}

/** No EOS before the sequence (start token included) is `minLength` long. */
export class MinLengthProcessor implements LogitsProcessor {
  constructor(
    private readonly minLength: number,
    private readonly eos: readonly number[],
  ) {}
  process(seq: readonly number[], scores: Float32Array): void {
    if (seq.length < this.minLength) for (const e of this.eos) scores[e] = -Infinity;
  }
}

/** No token that would complete an n-gram already in the sequence. */
export class NoRepeatNGramProcessor implements LogitsProcessor {
  constructor(private readonly n: number) {}
  process(seq: readonly number[], scores: Float32Array): void {
    const n = this.n;
    const len = seq.length;
    if (len + 1 < n) return;
    const start = len - n + 1;
    for (let i = 0; i + n <= len; i++) {
      let same = true;
      for (let j = 0; j < n - 1 && same; j++) same = seq[i + j] === seq[start + j];
      if (same) scores[seq[i + n - 1]!] = -Infinity;
    }
  }
}

/** CTRL's penalty on every token already generated (start token included): negative scores × p, positive ÷ p. */
export class RepetitionPenaltyProcessor implements LogitsProcessor {
  constructor(private readonly penalty: number) {}
  process(seq: readonly number[], scores: Float32Array): void {
    // Each distinct token once, as transformers' gather/scatter does.
    const seen = new Set<number>();
    for (const t of seq) {
      if (seen.has(t)) continue;
      seen.add(t);
      const s = scores[t]!;
      scores[t] = s < 0 ? s * this.penalty : s / this.penalty;
    }
  }
}

/** Bans each bad word: a single token always, a longer one when the sequence ends with its prefix. EOS is never a bad word. */
export class NoBadWordsProcessor implements LogitsProcessor {
  private readonly single: number[];
  private readonly multi: number[][];
  constructor(badWords: readonly (readonly number[])[], eos: readonly number[]) {
    const words = badWords.filter((w) => w.length > 0 && !(w.length === 1 && eos.includes(w[0]!)));
    this.single = words.filter((w) => w.length === 1).map((w) => w[0]!);
    this.multi = words.filter((w) => w.length > 1).map((w) => [...w]);
  }
  process(seq: readonly number[], scores: Float32Array): void {
    for (const t of this.single) scores[t] = -Infinity;
    for (const w of this.multi) {
      const p = w.length - 1;
      if (seq.length < p) continue;
      let match = true;
      for (let i = 0; i < p && match; i++) match = seq[seq.length - p + i] === w[i];
      if (match) scores[w[p]!] = -Infinity;
    }
  }
}

function force(scores: Float32Array, id: number): void {
  scores.fill(-Infinity);
  scores[id] = 0;
}

/** The first generated token is `bos`. */
export class ForcedBosProcessor implements LogitsProcessor {
  constructor(private readonly bos: number) {}
  process(seq: readonly number[], scores: Float32Array): void {
    if (seq.length === 1) force(scores, this.bos);
  }
}

/** The token that reaches max_length is `eos`. */
export class ForcedEosProcessor implements LogitsProcessor {
  constructor(
    private readonly maxLength: number,
    private readonly eos: number,
  ) {}
  process(seq: readonly number[], scores: Float32Array): void {
    if (seq.length === this.maxLength - 1) force(scores, this.eos);
  }
}

/** Processors run in a fixed order; forcing comes last so a forced token is never banned (EOS wins over BOS). */
export class LogitsProcessorList implements LogitsProcessor {
  constructor(readonly processors: readonly LogitsProcessor[]) {}
  process(seq: readonly number[], scores: Float32Array): void {
    for (const p of this.processors) p.process(seq, scores);
  }
}

/** The processors a generation config asks for, in transformers' order. */
export function processorsFor(cfg: GenerationConfig): LogitsProcessorList {
  const list: LogitsProcessor[] = [];
  if (cfg.repetition_penalty !== 1) list.push(new RepetitionPenaltyProcessor(cfg.repetition_penalty));
  if (cfg.no_repeat_ngram_size > 0) list.push(new NoRepeatNGramProcessor(cfg.no_repeat_ngram_size));
  if (cfg.bad_words_ids?.length) list.push(new NoBadWordsProcessor(cfg.bad_words_ids, cfg.eos_token_id));
  if (cfg.min_length > 0) list.push(new MinLengthProcessor(cfg.min_length, cfg.eos_token_id));
  if (cfg.forced_bos_token_id != null) list.push(new ForcedBosProcessor(cfg.forced_bos_token_id));
  if (cfg.forced_eos_token_id != null) list.push(new ForcedEosProcessor(cfg.max_length, cfg.forced_eos_token_id));
  return new LogitsProcessorList(list);
}
