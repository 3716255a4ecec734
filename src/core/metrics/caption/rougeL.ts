// ROUGE-L as pycocoevalcap v1.2 computes it (rouge/rouge.py): the longest common subsequence of
// words against each reference, precision and recall maximised separately over the references,
// F with beta = 1.2, averaged over captions. Words are split on single spaces as there (an empty
// candidate is one empty word and scores 0). Written by hand: npm ROUGE packages use other betas,
// pick the best reference by F, or stem.
import { pySplitSpace } from './pySplit';

const BETA = 1.2;

function lcs(a: string[], b: string[]): number {
  const [long, short] = a.length < b.length ? [b, a] : [a, b];
  let prev = new Array<number>(short.length + 1).fill(0);
  for (let i = 1; i <= long.length; i++) {
    const cur = new Array<number>(short.length + 1).fill(0);
    for (let j = 1; j <= short.length; j++) {
      cur[j] = long[i - 1] === short[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    prev = cur;
  }
  return prev[short.length]!;
}

/** ROUGE-L of one tokenized candidate against its tokenized references. */
export function rougeLItem(candidate: string, references: string[]): number {
  const c = pySplitSpace(candidate);
  let precMax = -Infinity;
  let recMax = -Infinity;
  for (const ref of references) {
    const r = pySplitSpace(ref);
    const l = lcs(r, c);
    precMax = Math.max(precMax, l / c.length);
    recMax = Math.max(recMax, l / r.length);
  }
  if (precMax !== 0 && recMax !== 0) return ((1 + BETA ** 2) * precMax * recMax) / (recMax + BETA ** 2 * precMax);
  return 0;
}

/** Mean ROUGE-L and the per-caption scores (pycocoevalcap's Rouge().compute_score). */
export function rougeL(items: { candidate: string; references: string[] }[]): { corpus: number; perItem: number[] } {
  const perItem = items.map((it) => rougeLItem(it.candidate, it.references));
  return { corpus: perItem.reduce((a, b) => a + b, 0) / perItem.length, perItem };
}
