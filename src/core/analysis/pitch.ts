// Vocal f0 with a voicing probability, pYIN-style (Mauch & Dixon 2014, as in librosa.pyin), and its
// summary (median, 5th/95th percentile, voiced ratio). The pitch attributes, the vibrato measure and
// the pitch contour drawn over the vocal lane all come from this track.
//
// Why hand-written: the npm pitch libraries (pitchfinder, pitchy) give one YIN/MPM guess per buffer,
// without a voicing probability or a smoothing decoder, and run the difference function in the
// time domain; essentia.js has pYIN but is AGPL-3.0 (a wasm build of the whole Essentia library).
// This file is the framing, the FFT difference function and pYIN's candidate probabilities;
// pitchViterbi.ts is the decoder. Cost: ~0.6 s of one core for 4 min of 44.1 kHz mono (0.15 s of
// it decimation), ~0.8 s at 16 kHz (measured as process CPU time on the 2-core dev machine).
//
// How:
//  1. downmix and decimate to 10–20 kHz by an integer factor (decimate.ts: 44.1 kHz → 11.025 kHz,
//     48 kHz → 12 kHz, 32 kHz → 10.67 kHz; 16 kHz stays);
//  2. every 10 ms a frame of W + τmax samples (τmax = one period of 60 Hz; the window W = max(1.5
//     periods of 60 Hz, 25 ms), so a frame spans 2.5 periods); the YIN difference
//     d(τ) = Σ_{j<W} (x_j − x_{j+τ})² comes from one FFT cross-correlation (zero-padded to a power of
//     two; two frames share one inverse FFT) plus running energies; then the cumulative-mean-
//     normalised difference (CMND);
//  3. pYIN: the CMND troughs under 100 thresholds weighted by a Beta(2, 18) prior, each threshold
//     favouring the earliest trough below it (Boltzmann prior, as YIN's "first dip"), give every
//     trough a probability; their sum is the frame's voicing probability; the deepest trough keeps
//     a small share when none is under a threshold (no_trough_prob). Parabolic interpolation of
//     d(τ) (not of the CMND, whose τ/mean factor skews the vertex: 0.7 % at 880 Hz) refines each
//     trough's lag, and its depth is taken at that vertex (librosa uses the sampled depth, which
//     at 880 Hz / 11 kHz sits between samples and loses to the trough at twice the period);
//  4. the Viterbi pass (pitchViterbi.ts) picks a smooth path with a limited pitch jump per frame
//     (35.92 octaves/s, librosa's default) and a voiced/unvoiced switch probability of 0.01 (its
//     observation model differs from librosa's; see there); a voiced frame reports its chosen
//     candidate's interpolated f0 (not a bin centre);
//  5. frames whose window is below −80 dBFS are unvoiced with probability 0 (digital silence).
// Audio recorded below 10 kHz (8 kHz telephone audio) is analysed as it is; there, voices above
// ~900 Hz can come out an octave low.
import FFT from 'fft.js';
import { quantileOfSorted } from '../../shared/quantiles';
import { downmixDecimate } from './decimate';
import { decodePitchPath, type PitchCandidates } from './pitchViterbi';
import type { Audio, PitchSummary, PitchTrack } from './types';

export const PITCH_HOP_SEC = 0.01;
export const PITCH_MIN_HZ = 60;
export const PITCH_MAX_HZ = 1100;
/**
 * Decimate by the largest integer factor that keeps the rate ≥ this (so 10–20 kHz). Not lower: at
 * 8 kHz a 930–1050 Hz voice has a period of under 9 samples and its sampled troughs are too coarse
 * (measured: 932 and 1047 Hz tones came out an octave or more low), so 16 kHz input stays 16 kHz.
 */
const ANALYSIS_MIN_RATE = 10000;
const BETA_A = 2;
const BETA_B = 18;
const N_THRESHOLDS = 100;
const BOLTZMANN = 2;
const NO_TROUGH_PROB = 0.01;
const SWITCH_PROB = 0.01;
/** Unvoiced observation weight (pitchViterbi.ts): frames lean voiced above a voicing probability of 1/3. */
const UNVOICED_WEIGHT = 0.5;
const MAX_TRANSITION_OCTAVES_PER_SEC = 35.92;
/** Frames quieter than this RMS (−80 dBFS) are silence. */
const GATE_RMS = 1e-4;
/** At most this many candidates per frame enter the decoder (the most probable). */
const MAX_CANDIDATES = 12;
const MIN_CANDIDATE_PROB = 1e-5;
/** Voiced time below which the summary gives no median. */
const MIN_VOICED_SEC = 0.5;
/** Voiced time at which the summary's confidence stops growing. */
const FULL_CONFIDENCE_VOICED_SEC = 2;

/** Regularised incomplete beta I_x(a, b) for integer a, b (the Beta CDF). */
function betaCdfInt(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const n = a + b - 1;
  // I_x(a, b) = Σ_{j=a}^{n} C(n, j) x^j (1−x)^{n−j}
  let sum = 0;
  let binom = 1; // C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j >= a) sum += binom * x ** j * (1 - x) ** (n - j);
    binom = (binom * (n - j)) / (j + 1);
  }
  return Math.min(1, sum);
}

/** Probability mass of the Beta prior between consecutive thresholds (i+1)/N_THRESHOLDS. */
const BETA_PROBS = (() => {
  const p = new Float64Array(N_THRESHOLDS);
  for (let i = 0; i < N_THRESHOLDS; i++) {
    p[i] = betaCdfInt((i + 1) / N_THRESHOLDS, BETA_A, BETA_B) - betaCdfInt(i / N_THRESHOLDS, BETA_A, BETA_B);
  }
  return p;
})();
/** Thresholds above this index carry no mass worth a loop (Beta(2,18) is ~0 above 0.6). */
const LAST_THRESHOLD = (() => {
  let last = N_THRESHOLDS - 1;
  while (last > 0 && BETA_PROBS[last]! < 1e-9) last--;
  return last;
})();

interface FrameGeometry {
  rate: number;
  n: number; // FFT size (≥ frame length; the rest is zero padding)
  frame: number; // samples read per frame = w + tauMax
  w: number; // integration window
  tauMin: number;
  tauMax: number;
}

function geometry(rate: number): FrameGeometry {
  const tauMax = Math.ceil(rate / PITCH_MIN_HZ);
  const tauMin = Math.max(2, Math.floor(rate / PITCH_MAX_HZ));
  // The window is as short as YIN allows (≥ 1.5 periods of the lowest f0, ≥ 25 ms): it averages f0
  // over its length, and a longer one flattens vibrato (a 46 ms window loses 12 % of a 6.5 Hz extent).
  const w = Math.max(Math.ceil(1.5 * tauMax), Math.round(0.025 * rate));
  let n = 64;
  while (n < w + tauMax) n *= 2;
  return { rate, n, frame: w + tauMax, w, tauMin, tauMax };
}

/** Upper edge of the highest threshold with prior mass: troughs above it never take a share. */
const TOP_THRESHOLD = (LAST_THRESHOLD + 1) / N_THRESHOLDS;
/** Boltzmann prior over trough positions: pmf(k; λ, n) = BOLTZMANN_POW[k] · BOLTZMANN_NORM[n]. */
const MAX_TROUGHS = 1024;
const BOLTZMANN_POW = Float64Array.from({ length: MAX_TROUGHS }, (_, k) => Math.exp(-BOLTZMANN * k));
const BOLTZMANN_NORM = Float64Array.from({ length: MAX_TROUGHS + 1 }, (_, n) =>
  n === 0 ? 0 : (1 - Math.exp(-BOLTZMANN)) / (1 - Math.exp(-BOLTZMANN * n)),
);

/** Per-frame working arrays, allocated once per track. */
interface Scratch {
  cm: Float64Array;
  diff: Float64Array;
  lags: Int32Array;
  heights: Float64Array;
  shifts: Float64Array;
  probs: Float64Array;
}

/** Collects candidates frame by frame into the flat arrays the decoder reads. */
class CandidateSink {
  offsets: Int32Array;
  semitones: number[] = [];
  hz: number[] = [];
  prob: number[] = [];
  voicedProb: Float32Array;
  constructor(frames: number) {
    this.offsets = new Int32Array(frames + 1);
    this.voicedProb = new Float32Array(frames);
  }
}

/**
 * pYIN candidates of one frame from its correlation r(τ) (τ = 0 … τmax) and the frame's samples
 * `s` (length n, the window is s[0 … w)); appends to `sink` as frame `t`.
 */
function frameCandidates(t: number, s: Float64Array, r: Float64Array, g: FrameGeometry, sink: CandidateSink, scratch: Scratch): void {
  const { cm, diff } = scratch;
  sink.offsets[t] = sink.prob.length;
  const { w, tauMax, tauMin, rate } = g;
  // Running energies e(τ) = Σ_{j<w} s_{j+τ}²; d(τ) = e(0) + e(τ) − 2 r(τ).
  let e = 0;
  for (let j = 0; j < w; j++) e += s[j]! * s[j]!;
  const e0 = e;
  if (e0 / w < GATE_RMS * GATE_RMS) {
    sink.offsets[t + 1] = sink.prob.length;
    return; // silence: unvoiced, probability 0
  }
  let cum = 0;
  cm[0] = 1;
  for (let tau = 1; tau <= tauMax; tau++) {
    e += s[tau + w - 1]! * s[tau + w - 1]! - s[tau - 1]! * s[tau - 1]!;
    const d = Math.max(0, e0 + e - 2 * r[tau]!);
    diff[tau] = d;
    cum += d;
    cm[tau] = cum > 0 ? (d * tau) / cum : 1;
  }
  // Troughs in [τmin, τmax): local minima, and τmin itself when the curve rises after it. Only
  // troughs under the highest threshold can take a share, plus the deepest one (no_trough_prob).
  const { lags, heights, shifts, probs } = scratch;
  let k = 0;
  let minH = Infinity;
  let minLag = -1;
  let minShift = 0;
  for (let tau = tauMin; tau < tauMax; tau++) {
    const sampled = cm[tau]!;
    if (sampled <= cm[tau + 1]! && (tau === tauMin ? sampled < cm[tau + 1]! : sampled < cm[tau - 1]!)) {
      // The trough's depth at its interpolated vertex: between samples (a high f0 has a period of
      // only ~10 samples) the sampled value can sit far above the true minimum and lose the trough
      // to the exactly sampled one at twice the period.
      const a = diff[tau - 1]!;
      const b = diff[tau]!;
      const c = diff[tau + 1]!;
      const den = a - 2 * b + c;
      let shift = den > 0 ? (a - c) / (2 * den) : 0;
      if (!(Math.abs(shift) <= 1)) shift = 0;
      const vertex = shift ? Math.max(0, b - (den * shift * shift) / 2) : b;
      const h = b > 0 ? (sampled * vertex) / b : sampled;
      if (h < minH) {
        minH = h;
        minLag = tau;
        minShift = shift;
      }
      if (h < TOP_THRESHOLD) {
        lags[k] = tau;
        heights[k] = h;
        shifts[k] = shift;
        probs[k] = 0;
        k++;
      }
    }
  }
  if (minLag < 0) {
    sink.offsets[t + 1] = sink.prob.length;
    return;
  }
  if (minH >= TOP_THRESHOLD) {
    // No trough under any threshold: the deepest keeps no_trough_prob × (all the prior's mass).
    lags[k] = minLag;
    heights[k] = minH;
    shifts[k] = minShift;
    probs[k] = 0;
    k++;
  }
  // Each threshold spreads its Beta mass over the troughs below it, earliest first (Boltzmann).
  let massBelowMin = 0;
  for (let i = 0; i <= LAST_THRESHOLD; i++) {
    const thr = (i + 1) / N_THRESHOLDS;
    if (minH >= thr) {
      massBelowMin += BETA_PROBS[i]!;
      continue;
    }
    let below = 0;
    for (let j = 0; j < k; j++) if (heights[j]! < thr) below++;
    const mass = BETA_PROBS[i]! * BOLTZMANN_NORM[below]!;
    let pos = 0;
    for (let j = 0; j < k; j++) if (heights[j]! < thr) probs[j]! += mass * BOLTZMANN_POW[pos++]!;
  }
  for (let j = 0; j < k; j++) if (lags[j] === minLag) probs[j]! += NO_TROUGH_PROB * massBelowMin;
  // The most probable troughs become candidates, their lags refined by parabolic interpolation.
  let vp = 0;
  for (let taken = 0; taken < MAX_CANDIDATES; taken++) {
    let j = -1;
    for (let m = 0; m < k; m++) if (probs[m]! >= MIN_CANDIDATE_PROB && (j < 0 || probs[m]! > probs[j]!)) j = m;
    if (j < 0) break;
    const hz = rate / (lags[j]! + shifts[j]!);
    sink.hz.push(hz);
    sink.semitones.push(12 * Math.log2(hz / PITCH_MIN_HZ));
    sink.prob.push(probs[j]!);
    vp += probs[j]!;
    probs[j] = -1; // taken
  }
  sink.voicedProb[t] = Math.min(1, vp);
  sink.offsets[t + 1] = sink.prob.length;
}

/** f0 track (10 ms hop, frame 0 centred at 0 s) with voicing probability; f0 0 where unvoiced. */
export function trackPitch(audio: Audio): PitchTrack {
  const sampleCount = audio?.channels?.[0]?.length ?? 0;
  const { sampleRate: rate, samples: x } = downmixDecimate(audio, ANALYSIS_MIN_RATE, 'trackPitch');
  const g = geometry(rate);
  const durationSec = sampleCount / audio.sampleRate;
  const frames = sampleCount > 0 ? Math.floor(durationSec / PITCH_HOP_SEC + 1e-9) + 1 : 0;
  const { n, tauMax } = g;
  // Zero-padded copy so every frame reads n samples without bounds checks.
  const pad = n;
  const xp = new Float64Array(x.length + 2 * pad);
  for (let i = 0; i < x.length; i++) xp[i + pad] = x[i]!;
  const fft = new FFT(n);
  const half = n / 2;
  const sBuf = [new Float64Array(n), new Float64Array(n)];
  const wBuf = new Float64Array(n);
  const sSpec = fft.createComplexArray() as number[];
  const wSpec = fft.createComplexArray() as number[];
  const prod = [new Float64Array(half + 1), new Float64Array(half + 1)];
  const prodIm = [new Float64Array(half + 1), new Float64Array(half + 1)];
  const q = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  const r = [new Float64Array(tauMax + 1), new Float64Array(tauMax + 1)];
  const troughCap = Math.ceil(tauMax / 2) + 2;
  const scratch: Scratch = {
    cm: new Float64Array(tauMax + 2),
    diff: new Float64Array(tauMax + 2),
    lags: new Int32Array(troughCap),
    heights: new Float64Array(troughCap),
    shifts: new Float64Array(troughCap),
    probs: new Float64Array(troughCap),
  };
  const sink = new CandidateSink(frames);

  for (let t0 = 0; t0 < frames; t0 += 2) {
    const count = Math.min(2, frames - t0);
    for (let u = 0; u < 2; u++) {
      const s = sBuf[u]!;
      if (u >= count) {
        prod[u]!.fill(0);
        prodIm[u]!.fill(0);
        continue;
      }
      const start = pad + Math.round((t0 + u) * PITCH_HOP_SEC * rate) - (g.frame >> 1);
      for (let i = 0; i < g.frame; i++) s[i] = xp[start + i]!;
      for (let i = 0; i < g.w; i++) wBuf[i] = s[i]!;
      fft.realTransform(sSpec, s);
      fft.realTransform(wSpec, wBuf);
      const pr = prod[u]!;
      const pi = prodIm[u]!;
      // conj(W)·S, bins 0 … n/2 (the rest follows by Hermitian symmetry).
      for (let k = 0; k <= half; k++) {
        const wr = wSpec[2 * k]!;
        const wi = wSpec[2 * k + 1]!;
        const sr = sSpec[2 * k]!;
        const si = sSpec[2 * k + 1]!;
        pr[k] = wr * sr + wi * si;
        pi[k] = wr * si - wi * sr;
      }
    }
    // One inverse FFT for both frames: Q = P_a + i·P_b, real part → r_a, imaginary part → r_b.
    const [ar, ai, br, bi] = [prod[0]!, prodIm[0]!, prod[1]!, prodIm[1]!];
    for (let k = 0; k <= half; k++) {
      q[2 * k] = ar[k]! - bi[k]!;
      q[2 * k + 1] = ai[k]! + br[k]!;
    }
    for (let k = half + 1; k < n; k++) {
      const m = n - k; // P(k) = conj(P(n−k))
      q[2 * k] = ar[m]! + bi[m]!;
      q[2 * k + 1] = -ai[m]! + br[m]!;
    }
    fft.inverseTransform(out, q);
    for (let u = 0; u < count; u++) {
      const ru = r[u]!;
      for (let tau = 0; tau <= tauMax; tau++) ru[tau] = out[2 * tau + u]!;
      frameCandidates(t0 + u, sBuf[u]!, ru, g, sink, scratch);
    }
  }

  const candidates: PitchCandidates = {
    offsets: sink.offsets,
    semitones: Float64Array.from(sink.semitones),
    prob: Float64Array.from(sink.prob),
    voicedProb: sink.voicedProb,
  };
  const path = decodePitchPath(candidates, {
    maxJumpSemitones: MAX_TRANSITION_OCTAVES_PER_SEC * 12 * PITCH_HOP_SEC,
    switchProb: SWITCH_PROB,
    unvoicedWeight: UNVOICED_WEIGHT,
  });
  const f0Hz = new Float32Array(frames);
  for (let t = 0; t < frames; t++) if (path[t]! >= 0) f0Hz[t] = sink.hz[path[t]!]!;
  return { hopSec: PITCH_HOP_SEC, startSec: 0, f0Hz, voicedProb: sink.voicedProb };
}

/**
 * Median and 5th/95th percentiles of the voiced f0, the voiced share, and a confidence: the mean
 * voicing probability of the voiced frames times min(1, voiced seconds / 2 s). Under 0.5 s voiced
 * (silence, noise, a breath) there is no pitch: nulls and confidence 0.
 */
export function summarizePitch(t: PitchTrack): PitchSummary {
  const frames = t.f0Hz.length;
  const voiced: number[] = [];
  let probSum = 0;
  for (let i = 0; i < frames; i++) {
    if (t.f0Hz[i]! > 0) {
      voiced.push(t.f0Hz[i]!);
      probSum += t.voicedProb[i]!;
    }
  }
  const voicedRatio = frames ? voiced.length / frames : 0;
  const voicedSec = voiced.length * t.hopSec;
  if (voicedSec < MIN_VOICED_SEC) return { medianHz: null, lowHz: null, highHz: null, voicedRatio, confidence: 0 };
  const sorted = Float64Array.from(voiced).sort();
  const confidence = (probSum / voiced.length) * Math.min(1, voicedSec / FULL_CONFIDENCE_VOICED_SEC);
  return {
    medianHz: quantileOfSorted(sorted, 0.5),
    lowHz: quantileOfSorted(sorted, 0.05),
    highHz: quantileOfSorted(sorted, 0.95),
    voicedRatio,
    confidence: Math.max(0, Math.min(1, confidence)),
  };
}
