// Stopping criteria of greedy generation, one small class each as in transformers
// (MaxLengthCriteria, EosTokenCriteria): a row stops when any criterion says so. Beam search
// stops through its finished-hypotheses bookkeeping (search.ts) and uses max length only.
import type { GenerationConfig } from './generationConfig';

export interface StoppingCriterion {
  /** Whether a sequence (decoder start token first, newest token last) is finished. */
  done(seq: readonly number[]): boolean;
}

export class MaxLengthCriterion implements StoppingCriterion {
  constructor(private readonly maxLength: number) {}
  done(seq: readonly number[]): boolean {
    return seq.length >= this.maxLength;
  }
}

export class EosTokenCriterion implements StoppingCriterion {
  constructor(private readonly eos: readonly number[]) {}
  done(seq: readonly number[]): boolean {
    return seq.length > 1 && this.eos.includes(seq[seq.length - 1]!);
  }
}

export class StoppingCriteriaList implements StoppingCriterion {
  constructor(readonly criteria: readonly StoppingCriterion[]) {}
  done(seq: readonly number[]): boolean {
    return this.criteria.some((c) => c.done(seq));
  }
}

export function stoppingCriteriaFor(cfg: GenerationConfig): StoppingCriteriaList {
  return new StoppingCriteriaList([new MaxLengthCriterion(cfg.max_length), new EosTokenCriterion(cfg.eos_token_id)]);
}
