// Order statistics of plain numbers, in one place for the whole studio: the median (the Stats
// view's time per caption, a timbre measure's frame HNRs) and quantiles with linear interpolation
// between order statistics, numpy's and pandas' default (the pitch summary's 5th / 50th / 95th
// percentiles, the library's per-gender pitch boundaries), so that numbers match what the Python
// side computes. Shared so that the renderer can use them too. Hand-written: a dozen lines of
// arithmetic do not justify a dependency. Measures that define their own rank rule (EBU Tech
// 3342's loudness range, a beat tracker's upper median) keep it where they are.

/** The middle value, or the mean of the two middle ones; NaN for no values. */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  if (!s.length) return NaN;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (q from 0 to 1) with linear interpolation (numpy's default); NaN for no values. */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileOfSorted(Float64Array.from(values).sort(), q);
}

/** quantile() of values already in ascending order (several quantiles of one set, one sort). */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
