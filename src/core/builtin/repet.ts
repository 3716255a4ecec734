// REPET (Rafii & Pardo, "REpeating Pattern Extraction Technique", IEEE TASLP 2013) for the
// built-in separator: the accompaniment of most music repeats (a drum bar, a riff) while the lead
// voice does not. The repeating period comes from the beat spectrum (the rows of the power
// spectrogram autocorrelated, averaged); the repeating model of each bin is the median of the
// magnitudes whole periods apart, capped by the magnitude itself; the voice keeps what does not
// repeat. Two changes to REPET: the beat spectrum is an autocovariance, so a period is taken only
// where the sound clearly repeats (a steady tone repeats at every lag and is left alone); and a
// frame is compared only with frames some seconds away (and itself), so a held note, which would
// otherwise count as repeating, survives. Hand-written (no maintained npm REPET exists; nussl is
// Python) over fft.js, which does the autocorrelations; each bin's values are sorted once per
// phase of the period, and each frame's median is read off that order.
import FFT from 'fft.js';

/** Magnitudes as [frame][bin], `bins` per frame. */
export interface Magnitudes {
  data: Float32Array;
  frames: number;
  bins: number;
}

const BAND = 8; // bins summed per beat-spectrum row (the period is a property of the whole mix)

/**
 * Beat spectrum b[lag] for lags 0…maxLag: each band's power over time, less its mean, autocorrelated
 * (unbiased), summed over bands — an autocovariance, so b[lag] / b[0] is how alike the spectrogram
 * is to itself `lag` frames later (1: the same; 0: unrelated, or steady). Frames in `skip` count
 * as the mean.
 */
export function beatSpectrum(mag: Magnitudes, maxLag: number, skip?: Uint8Array): Float64Array {
  const { data, frames: T, bins: K } = mag;
  let M = 1;
  while (M < 2 * T) M *= 2;
  const fft = new FFT(M);
  const row = new Float64Array(M);
  const spec = new Float64Array(2 * M);
  const full = new Float64Array(2 * M);
  const ac = new Float64Array(2 * M);
  const b = new Float64Array(maxLag + 1);
  for (let k0 = 0; k0 < K; k0 += BAND) {
    row.fill(0);
    const k1 = Math.min(K, k0 + BAND);
    let mean = 0;
    let active = 0;
    for (let t = 0; t < T; t++) {
      if (skip?.[t]) continue;
      let p = 0;
      for (let k = k0; k < k1; k++) p += data[t * K + k]! ** 2;
      row[t] = p;
      mean += p;
      active++;
    }
    mean /= Math.max(1, active);
    for (let t = 0; t < T; t++) row[t] = skip?.[t] ? 0 : row[t]! - mean;
    fft.realTransform(spec as unknown as number[], row); // fft.js indexes; typed arrays work
    // |X|² is real and even: fill the whole spectrum and transform back.
    for (let k = 0; k <= M / 2; k++) {
      const p = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
      full[2 * k] = p;
      full[2 * k + 1] = 0;
      if (k > 0 && k < M / 2) {
        full[2 * (M - k)] = p;
        full[2 * (M - k) + 1] = 0;
      }
    }
    fft.inverseTransform(ac as unknown as number[], full);
    for (let l = 0; l <= maxLag; l++) b[l]! += ac[2 * l]! / (T - l);
  }
  return b;
}

/**
 * The repeating period in frames: the strongest beat-spectrum peak in [minLag, maxLag], or null
 * when none reaches `minCorrelation` · b[0] (nothing clearly repeats: steady or random sound).
 */
export function repeatingPeriod(b: Float64Array, minLag: number, maxLag: number, minCorrelation = 0): number | null {
  let best: number | null = null;
  for (let l = Math.max(1, minLag); l <= Math.min(maxLag, b.length - 2); l++) {
    const isPeak = b[l]! >= b[l - 1]! && b[l]! >= b[l + 1]!;
    if (isPeak && (best === null || b[l]! > b[best]!)) best = l;
  }
  return best !== null && b[best]! > minCorrelation * b[0]! && b[best]! > 0 ? best : null;
}

/**
 * The repeating model: per frame and bin, the median of the magnitudes in the frames a whole
 * number of periods away — only those at least `far` frames away, so that a note held for up to
 * that long is not taken for a repetition of itself — and the frame's own; capped by the frame's
 * own magnitude. Frames flagged in `skip` (digital silence padding a segment) are left out.
 */
export function repeatingModel(mag: Magnitudes, period: number, far: number, skip?: Uint8Array): Float32Array {
  const { data, frames: T, bins: K } = mag;
  const W = new Float32Array(T * K);
  const most = Math.ceil(T / period) + 1;
  const rows = new Int32Array(most); // the phase's frames
  const lo = new Int32Array(most); // rows[lo[j]…hi[j]] are too close to rows[j] (itself aside)
  const hi = new Int32Array(most);
  const vals = new Float32Array(most);
  const order = new Int32Array(most); // indices into rows, by value
  const sorted = new Float32Array(most); // the values in that order
  for (let phase = 0; phase < period && phase < T; phase++) {
    let n = 0;
    for (let u = phase; u < T; u += period) if (!skip?.[u]) rows[n++] = u;
    for (let j = 0, a = 0, b = 0; j < n; j++) {
      while (a < j && rows[j]! - rows[a]! >= far) a++;
      b = Math.max(b, j);
      while (b + 1 < n && rows[b + 1]! - rows[j]! < far) b++;
      lo[j] = a;
      hi[j] = b;
    }
    for (let k = 0; k < K; k++) {
      // sort this bin's values over the phase's frames once (insertion sort: n is small)
      for (let j = 0; j < n; j++) {
        const v = data[rows[j]! * K + k]!;
        vals[j] = v;
        let q = j;
        while (q > 0 && sorted[q - 1]! > v) {
          sorted[q] = sorted[q - 1]!;
          order[q] = order[q - 1]!;
          q--;
        }
        sorted[q] = v;
        order[q] = j;
      }
      // then each frame's median walks the sorted list, skipping the frames too close to it
      for (let j = 0; j < n; j++) {
        const own = vals[j]!;
        const i = rows[j]! * K + k;
        if (own === 0) continue;
        const a = lo[j]!, b = hi[j]!;
        const count = n - (b - a); // the frames outside [a, b], and itself
        const r2 = count >> 1;
        const r1 = count & 1 ? r2 : r2 - 1;
        let rank = 0;
        let v1 = 0;
        let med = 0;
        for (let q = 0; q < n; q++) {
          const x = order[q]!;
          if (x !== j && x >= a && x <= b) continue;
          if (rank === r1) v1 = sorted[q]!;
          if (rank === r2) {
            med = 0.5 * (v1 + sorted[q]!);
            break;
          }
          rank++;
        }
        W[i] = med < own ? med : own;
      }
    }
  }
  return W;
}
