// Tempo and beats of a mix, as librosa.beat.beat_track does it: the onset strength envelope
// (onset.ts), a global tempo from the autocorrelation tempogram weighted by a log-normal prior
// around 120 BPM, then Ellis's (2007) dynamic-programming beat tracker.
//
// Why hand-written: the npm beat trackers either count peak intervals (web-audio-beat-detector,
// realtime-bpm-analyzer, bpm-detective: no beat times at any rate, no confidence, no octave
// check), follow BeatRoot agents (music-tempo: no confidence), or are AGPL (essentia.js).
//
// Tempogram: the envelope, smoothed by a 5-frame Hann (so a period that is not a whole number of
// frames, or ±10 ms of jitter, still lines up), in 8 s windows (hop 2 s); per window and lag τ the
// Pearson correlation of the envelope with itself τ frames later (mean removed, normalised over
// the overlap: unbiased in τ, 1 for a perfect pulse, ~0 for noise); the mean over the windows that
// are not silent. A pulse with period τ also correlates at 2τ, 3τ…, so the slower octave always
// looks as strong as the beat and a log-normal prior alone would halve every fast pulse (a 180 BPM
// click track would read 90). The evidence for a lag is therefore r(τ) − ¼·r(τ/2): enough to break
// that tie in favour of the level the events are on, small enough that a beat with 8th-note
// subdivisions keeps most of its score. The score is evidence × exp(−½·(log2(bpm/120)/0.8)²),
// librosa's prior a little narrower (0.8 octave instead of 1) so that a four-on-the-floor with a
// backbeat reads 128, not 64; searched over 40–240 BPM, refined by a parabola through r's peak.
//
// Octave ambiguity: the same score at the chosen tempo's half and double (each the best lag within
// ±4 %), i.e. evidence and prior together, as a listener weighs them. When the partner scores at
// least OCTAVE_RATIO = 0.7 of the winner, the winner's share of the pair is under 1/1.7 ≈ 59 %:
// close enough to a coin toss that octaveAmbiguous is set and the partner leads `alternatives`.
// On the test material this flags 180 BPM clicks (90 is as plausible a tap), 8th-note hats over
// quarter kicks, and leaves clicks up to 150 and a quarter-note backbeat unflagged (ratio ≤ 0.6).
//
// Confidence: the pulse clarity r(τ) at the chosen period (≤ 0.1 for noise, ~1 for a metronome),
// times a ramp on how sharp the onsets are (median over 2 s blocks of the block's envelope maximum,
// 0 at ≤ 0.5 dB, 1 at ≥ 2 dB): a sustained pad's beating partials and a held tone's frame flicker
// are periodic but are tenths of a dB, not onsets. SuperFlux's frequency max-filter in onset.ts
// keeps a sung vibrato from looking like a pulse. Under MIN_CONFIDENCE = 0.2 the bpm is null and no
// beats are given: never a confident wrong number.
//
// Beats: librosa's __beat_tracker: the envelope over its standard deviation, smoothed by a Gaussian
// of std period/32 (the local score), cumulative score with transition cost
// −tightness·log²(Δ/period) over Δ ∈ [period/2, 2·period] (tightness 100), backtrack from the last
// beat whose cumulative score reaches half the median of the cumulative score's local maxima, and
// leading/trailing beats whose smoothed local score is under half the RMS trimmed. The reported
// bpm is then refined by a least-squares line through the beat times (beat index against time),
// which averages out the 10 ms frame grid and any jitter, when it agrees with the tempogram.
import { onsetEnvelope, type OnsetEnvelope } from './onset';
import type { Audio, TempoResult } from './types';

const MIN_BPM = 40;
const MAX_BPM = 240;
const PRIOR_BPM = 120;
const PRIOR_OCTAVES = 0.8;
const WINDOW_SEC = 8;
const WINDOW_HOP_SEC = 2;
const SUBHARMONIC = 0.25;
const OCTAVE_RATIO = 0.7;
const MIN_CONFIDENCE = 0.2;
const TIGHTNESS = 100;
/**
 * Onset salience ramp (dB): the median over 2 s blocks of the envelope's block maximum. Drums and
 * clicks give 10–50 dB, white noise ~0.7, a sustained pad's beating partials ~0.3, a held sine 0;
 * the confidence is scaled by 0 at or under the low end, 1 at or over the high end.
 */
const SALIENCE_DB: [number, number] = [0.5, 2];
const HANN5 = [0.25, 0.75, 1, 0.75, 0.25];

/** Mean over windows of the per-window Pearson autocorrelation, lags 0 … maxLag. */
function tempogram(env: Float32Array, fps: number, maxLag: number): Float64Array {
  const acc = new Float64Array(maxLag + 1);
  const W = Math.min(env.length, Math.round(WINDOW_SEC * fps));
  const hop = Math.max(1, Math.round(WINDOW_HOP_SEC * fps));
  const seg = new Float64Array(W);
  const cum = new Float64Array(W + 1);
  let windows = 0;
  for (let s = 0; s + W <= env.length; s += hop) {
    let mean = 0;
    for (let i = 0; i < W; i++) mean += env[s + i]!;
    mean /= W;
    for (let i = 0; i < W; i++) {
      seg[i] = env[s + i]! - mean;
      cum[i + 1] = cum[i]! + seg[i]! * seg[i]!;
    }
    if (cum[W]! <= 1e-12 * W) continue; // a silent window says nothing
    windows++;
    for (let lag = 0; lag <= maxLag && lag < W - 1; lag++) {
      let num = 0;
      for (let i = 0; i + lag < W; i++) num += seg[i]! * seg[i + lag]!;
      const den = Math.sqrt(cum[W - lag]! * (cum[W]! - cum[lag]!));
      acc[lag]! += den > 0 ? num / den : 0;
    }
    if (s + W === env.length) break;
  }
  if (windows) for (let i = 0; i <= maxLag; i++) acc[i]! /= windows;
  return acc;
}

const interp = (a: Float64Array, x: number): number => {
  const i = Math.floor(x);
  if (i < 0 || i + 1 >= a.length) return a[Math.max(0, Math.min(a.length - 1, i))] ?? 0;
  return a[i]! + (a[i + 1]! - a[i]!) * (x - i);
};

const prior = (bpm: number): number => Math.exp(-0.5 * (Math.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2);

interface TempoPick {
  bpm: number;
  lag: number;
  clarity: number;
  partners: { bpm: number; ratio: number }[];
}

/** Global tempo from the envelope (see the header); null when the envelope has no variation. */
function estimateTempo(env: OnsetEnvelope): TempoPick | null {
  const { fps, values } = env;
  const minLag = Math.ceil((60 * fps) / MAX_BPM);
  const maxLag = Math.ceil((60 * fps) / MIN_BPM) + 2;
  if (values.length < 2 * maxLag) return null;
  // A 5-frame Hann smoothing makes r robust to a period that is not a whole number of frames and to jitter.
  const sm = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let s = 0;
    for (let k = -2; k <= 2; k++) s += (HANN5[k + 2] ?? 0) * (values[i + k] ?? 0);
    sm[i] = s;
  }
  const r = tempogram(sm, fps, maxLag);
  if (r[0] === 0) return null;
  const score = new Float64Array(maxLag + 1);
  for (let lag = 1; lag <= maxLag; lag++) {
    const ev = r[lag]! - SUBHARMONIC * Math.max(0, interp(r, lag / 2));
    score[lag] = Math.max(0, ev) * prior((60 * fps) / lag);
  }
  let best = -1;
  for (let lag = Math.max(2, minLag); lag <= Math.floor((60 * fps) / MIN_BPM); lag++) {
    if (best < 0 || score[lag]! > score[best]!) best = lag;
  }
  if (best < 0 || score[best]! <= 0) return null;
  // Parabola through the peak of r (the evidence; the prior moves the peak by far less than a frame).
  let lag = best;
  const [a, b, c] = [r[best - 1]!, r[best]!, r[best + 1]!];
  const den = a - 2 * b + c;
  if (den < 0) lag += Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  const bpm = (60 * fps) / lag;
  const bestAround = (l: number) => {
    let m = 0;
    for (let k = Math.floor(l * 0.96); k <= Math.ceil(l * 1.04); k++) if (k >= 1 && k <= maxLag) m = Math.max(m, score[k]!);
    return m;
  };
  const partners: { bpm: number; ratio: number }[] = [];
  for (const f of [0.5, 2]) {
    const pb = bpm * f;
    if (pb < MIN_BPM || pb > MAX_BPM) continue;
    partners.push({ bpm: pb, ratio: bestAround(lag / f) / score[best]! });
  }
  partners.sort((x, y) => y.ratio - x.ratio);
  return { bpm, lag, clarity: Math.max(0, b), partners };
}

/** Ellis's DP beat tracker over the envelope at a fixed period (frames); returns beat frames. */
function trackBeatFrames(values: Float32Array, period: number, tightness = TIGHTNESS): number[] {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let sd = 0;
  for (const v of values) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / Math.max(1, n - 1));
  if (!(sd > 0)) return [];
  // Local score: the normalised envelope convolved with a Gaussian of std period/32.
  const half = Math.round(period);
  const g = new Float64Array(2 * half + 1);
  for (let k = -half; k <= half; k++) g[k + half] = Math.exp(-0.5 * ((k * 32) / period) ** 2);
  const local = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const k0 = Math.max(-half, -i);
    const k1 = Math.min(half, n - 1 - i);
    for (let k = k0; k <= k1; k++) s += g[k + half]! * values[i + k]!;
    local[i] = s / sd;
  }
  // Transition window: predecessors between 2 periods and half a period back.
  const dMin = Math.max(1, Math.round(period / 2));
  const dMax = Math.round(2 * period);
  const txwt = new Float64Array(dMax + 1);
  for (let d = dMin; d <= dMax; d++) txwt[d] = -tightness * Math.log(d / period) ** 2;
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  let localMax = 0;
  for (const v of local) localMax = Math.max(localMax, v);
  const thresh = 0.01 * localMax;
  let first = true;
  for (let i = 0; i < n; i++) {
    let bestScore = -Infinity;
    let loc = -1;
    for (let d = dMin; d <= dMax && i - d >= 0; d++) {
      const s = cum[i - d]! + txwt[d]!;
      if (s > bestScore) {
        bestScore = s;
        loc = i - d;
      }
    }
    cum[i] = local[i]! + (loc >= 0 ? bestScore : 0);
    if (first && local[i]! < thresh) back[i] = -1;
    else {
      back[i] = loc;
      first = false;
    }
  }
  // Last beat: the latest frame whose cumulative score reaches half the median of its local maxima.
  const peaks: number[] = [];
  for (let i = 1; i < n - 1; i++) if (cum[i]! > cum[i - 1]! && cum[i]! >= cum[i + 1]!) peaks.push(cum[i]!);
  if (!peaks.length) return [];
  peaks.sort((x, y) => x - y);
  const med = peaks[Math.floor(peaks.length / 2)]!;
  let last = -1;
  for (let i = n - 2; i >= 1; i--) {
    if (cum[i]! > cum[i - 1]! && cum[i]! >= cum[i + 1]! && cum[i]! >= 0.5 * med) {
      last = i;
      break;
    }
  }
  if (last < 0) return [];
  const beats: number[] = [];
  for (let i = last; i >= 0; i = back[i]!) beats.push(i);
  beats.reverse();
  // Trim weak leading and trailing beats: Hann(5)-smoothed local score at the beats under half its RMS.
  const sm = beats.map((_, j) => {
    let s = 0;
    for (let k = -2; k <= 2; k++) if (j + k >= 0 && j + k < beats.length) s += HANN5[k + 2]! * local[beats[j + k]!]!;
    return s;
  });
  const rms = Math.sqrt(sm.reduce((a, v) => a + v * v, 0) / Math.max(1, sm.length));
  let lo = 0;
  let hi = beats.length;
  while (lo < hi && sm[lo]! <= 0.5 * rms) lo++;
  while (hi > lo && sm[hi - 1]! <= 0.5 * rms) hi--;
  return beats.slice(lo, hi);
}

/** Tempo from a least-squares line through beat times (index unwrapped by the expected period). */
function fitBpm(times: number[], bpm: number): number | null {
  if (times.length < 4) return null;
  const period = 60 / bpm;
  const idx = times.map((t) => Math.round((t - times[0]!) / period));
  const n = times.length;
  const mx = idx.reduce((a, v) => a + v, 0) / n;
  const my = times.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (idx[i]! - mx) * (times[i]! - my);
    sxx += (idx[i]! - mx) ** 2;
  }
  if (!(sxx > 0)) return null;
  return 60 / (sxy / sxx);
}

/** Median over 2 s blocks of the envelope's maximum in the block (dB): how sharp the onsets are. */
function onsetSalienceDb(env: OnsetEnvelope): number {
  const block = Math.max(1, Math.round(2 * env.fps));
  const maxima: number[] = [];
  for (let s = 0; s < env.values.length; s += block) {
    let m = 0;
    for (let i = s; i < Math.min(env.values.length, s + block); i++) m = Math.max(m, env.values[i]!);
    maxima.push(m);
  }
  maxima.sort((a, b) => a - b);
  return maxima.length ? maxima[Math.floor(maxima.length / 2)]! : 0;
}

const NONE: TempoResult = { bpm: null, confidence: 0, octaveAmbiguous: false, alternatives: [], beats: [] };

/** Tempo, octave check and beat times of a mix (see the file header). */
export function trackBeats(audio: Audio): TempoResult {
  const env = onsetEnvelope(audio);
  return trackBeatsFromEnvelope(env);
}

/** trackBeats on an envelope already computed (the UI draws the same envelope). */
export function trackBeatsFromEnvelope(env: OnsetEnvelope): TempoResult {
  const pick = estimateTempo(env);
  if (!pick) return { ...NONE };
  const salience = Math.max(0, Math.min(1, (onsetSalienceDb(env) - SALIENCE_DB[0]) / (SALIENCE_DB[1] - SALIENCE_DB[0])));
  const confidence = Math.max(0, Math.min(1, pick.clarity * salience));
  if (confidence < MIN_CONFIDENCE) return { ...NONE, confidence: Math.round(confidence * 100) / 100 };
  const frames = trackBeatFrames(env.values, pick.lag);
  const beats = frames.map((f) => env.startSec + f / env.fps);
  const fitted = fitBpm(beats, pick.bpm);
  const bpm = fitted !== null && Math.abs(fitted / pick.bpm - 1) < 0.04 ? fitted : pick.bpm;
  const amb = pick.partners.filter((p) => p.ratio >= OCTAVE_RATIO);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    bpm: round(bpm),
    confidence: round(confidence),
    octaveAmbiguous: amb.length > 0,
    alternatives: amb.map((p) => round((p.bpm * bpm) / pick.bpm)),
    beats: beats.map((t) => Math.round(t * 1000) / 1000),
  };
}
