// CIDEr-D as pycocoevalcap v1.2 computes it (cider/cider_scorer.py, n = 4, sigma = 6): TF-IDF
// vectors of 1..4-grams with document frequencies counted over the references of the evaluated
// set (one document per item) and idf = log(number of items) − log(max(1, df)); per n, the
// candidate's weights clipped to the reference's, cosine against each reference, a Gaussian
// penalty on the length difference (pycocoevalcap measures "length" as the number of bigrams),
// averaged over n and references and scaled by 10; the corpus score is the mean over items.
// Written by hand: no npm package implements CIDEr-D.
import { ngramCounts, ngramOrder, pySplitWhitespace } from './pySplit';

const N = 4;
const SIGMA = 6;

interface Vec {
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

export function ciderD(items: { candidate: string; references: string[] }[]): { corpus: number; perItem: number[] } {
  const crefs = items.map((it) => it.references.map((r) => ngramCounts(pySplitWhitespace(r), N)));
  const ctest = items.map((it) => ngramCounts(pySplitWhitespace(it.candidate), N));
  const df = new Map<string, number>();
  for (const refs of crefs) {
    const seen = new Set<string>();
    for (const r of refs) for (const g of r.keys()) seen.add(g);
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const refLen = Math.log(crefs.length);

  const toVec = (counts: Map<string, number>): Vec => {
    const vec = Array.from({ length: N }, () => new Map<string, number>());
    const sq = new Array<number>(N).fill(0);
    let length = 0;
    for (const [g, tf] of counts) {
      const n = ngramOrder(g) - 1;
      const w = tf * (refLen - Math.log(Math.max(1, df.get(g) ?? 0)));
      vec[n]!.set(g, w);
      sq[n]! += w ** 2;
      if (n === 1) length += tf;
    }
    return { vec, norm: sq.map(Math.sqrt), length };
  };

  const sim = (h: Vec, r: Vec): number[] => {
    const delta = h.length - r.length;
    const val = new Array<number>(N).fill(0);
    for (let n = 0; n < N; n++) {
      for (const [g, w] of h.vec[n]!) {
        const rw = r.vec[n]!.get(g) ?? 0;
        val[n]! += Math.min(w, rw) * rw;
      }
      if (h.norm[n] !== 0 && r.norm[n] !== 0) val[n]! /= h.norm[n]! * r.norm[n]!;
      val[n]! *= Math.E ** (-(delta ** 2) / (2 * SIGMA ** 2));
    }
    return val;
  };

  const perItem = ctest.map((test, i) => {
    const h = toVec(test);
    const score = new Array<number>(N).fill(0);
    for (const ref of crefs[i]!) {
      const s = sim(h, toVec(ref));
      for (let n = 0; n < N; n++) score[n]! += s[n]!;
    }
    return ((score.reduce((a, b) => a + b, 0) / N) / crefs[i]!.length) * 10;
  });
  return { corpus: perItem.reduce((a, b) => a + b, 0) / perItem.length, perItem };
}
