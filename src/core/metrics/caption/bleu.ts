// BLEU-1..4 as pycocoevalcap v1.2's Bleu scorer computes it (bleu/bleu_scorer.py, option
// "closest"): clipped n-gram counts per caption, summed over the corpus; the brevity penalty from
// the summed candidate length against the summed closest reference lengths (ties to the shorter
// reference); its constants tiny = 1e-15 and small = 1e-9 in every ratio so an empty candidate
// scores ~0 instead of dividing by zero. Per-caption scores use the same formula on one caption.
// Written by hand: the npm BLEU packages compute sacrebleu/NLTK variants, whose smoothing and
// length choice give different numbers.
import { ngramCounts, ngramOrder, pySplitWhitespace } from './pySplit';

const N = 4;
const TINY = 1e-15;
const SMALL = 1e-9;

interface Cooked {
  testlen: number;
  reflen: number;
  guess: number[];
  correct: number[];
}

function cook(candidate: string, references: string[]): Cooked {
  const maxcounts = new Map<string, number>();
  const reflens: number[] = [];
  for (const ref of references) {
    const words = pySplitWhitespace(ref);
    reflens.push(words.length);
    for (const [g, c] of ngramCounts(words, N)) maxcounts.set(g, Math.max(maxcounts.get(g) ?? 0, c));
  }
  const words = pySplitWhitespace(candidate);
  const testlen = words.length;
  // min((abs(l - testlen), l) for l in reflen)[1]
  let reflen = reflens[0]!;
  for (const l of reflens) {
    const d = Math.abs(l - testlen);
    const bd = Math.abs(reflen - testlen);
    if (d < bd || (d === bd && l < reflen)) reflen = l;
  }
  const guess = Array.from({ length: N }, (_, k) => Math.max(0, testlen - k));
  const correct = new Array<number>(N).fill(0);
  for (const [g, c] of ngramCounts(words, N)) correct[ngramOrder(g) - 1]! += Math.min(maxcounts.get(g) ?? 0, c);
  return { testlen, reflen, guess, correct };
}

function bleuOf(correct: number[], guess: number[], testlen: number, reflen: number): number[] {
  const out: number[] = [];
  let bleu = 1;
  for (let k = 0; k < N; k++) {
    bleu *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    out.push(bleu ** (1 / (k + 1)));
  }
  const ratio = (testlen + TINY) / (reflen + SMALL);
  if (ratio < 1) for (let k = 0; k < N; k++) out[k]! *= Math.exp(1 - 1 / ratio);
  return out;
}

export interface BleuResult {
  /** Corpus BLEU-1..4. */
  corpus: [number, number, number, number];
  /** Per caption, BLEU-1..4 (same order as the input). */
  perItem: number[][];
}

/** BLEU over tokenized captions (pycocoevalcap's Bleu(4).compute_score). */
export function bleu(items: { candidate: string; references: string[] }[]): BleuResult {
  const total = { testlen: 0, reflen: 0, guess: new Array<number>(N).fill(0), correct: new Array<number>(N).fill(0) };
  const perItem: number[][] = [];
  for (const it of items) {
    const c = cook(it.candidate, it.references);
    total.testlen += c.testlen;
    total.reflen += c.reflen;
    for (let k = 0; k < N; k++) {
      total.guess[k]! += c.guess[k]!;
      total.correct[k]! += c.correct[k]!;
    }
    perItem.push(bleuOf(c.correct, c.guess, c.testlen, c.reflen));
  }
  const corpus = bleuOf(total.correct, total.guess, total.testlen, total.reflen);
  return { corpus: [corpus[0]!, corpus[1]!, corpus[2]!, corpus[3]!], perItem };
}
