// Timbre hints of a vocal stem (or a mix): brightness as the spectral centroid and breathiness as
// the harmonic-to-noise ratio. Written by hand over fft.js (already a dependency) because no
// maintained npm library computes Boersma's HNR, and the centroid is a few sums over the same FFT
// frames (Meyda would add a dependency and one FFT allocation per frame for the same numbers).
//
// Brightness: magnitude-spectrum centroid (the librosa / Meyda definition) of Hann frames of ~46 ms
// over the channel downmix, averaged over non-silent frames weighted by frame energy. A whole-span
// average needs no overlap, and on long audio an even spread of MAX_CENTROID_FRAMES frames (about
// two minutes of it) estimates it as well as every frame would, at half the cost for 4 minutes.
//
// Breathiness: Boersma (1993), "Accurate short-term analysis of the fundamental frequency and the
// harmonics-to-noise ratio of a sampled sound": per frame, subtract the mean, apply a Hann window
// of 4.5 periods of the lowest pitch (60 ms), take the normalised autocorrelation r_a(τ)/r_a(0) and
// divide by the window's own normalised autocorrelation r_w(τ)/r_w(0); r at the period lag gives
// HNR = 10·log10(r / (1 − r)). The lag comes from the PitchTrack's f0 (refined to the local peak),
// or without a track from the best peak in 75–1100 Hz with Boersma's 0.45 voicing threshold. The
// report is the median over voiced frames. HNR runs at the full sample rate (decimation would
// discard the noise above the new Nyquist and overstate the ratio); for speed it analyses at most
// MAX_HNR_FRAMES frames spread evenly over the voiced ones, which leaves a median unchanged.
import { median } from '../../shared/quantiles';
import { toMono } from '../audio/channels';
import FFT from 'fft.js';
import { checkAudio } from './decimate';
import type { Audio, PitchTrack, TimbreResult } from './types';

/** The window is 4.5 periods of WINDOW_F0 (Praat's defaults, 60 ms); a track's f0 is used down to
 * TRACK_F0_MIN (pitch.ts's floor; its lag still fits in half the window, where the correction holds),
 * the search without a track covers WINDOW_F0–F0_MAX. */
const WINDOW_F0 = 75;
const TRACK_F0_MIN = 60;
const F0_MAX = 1100;
/** Boersma's voicing threshold for the autocorrelation peak (Praat's default). */
const VOICING_R = 0.45;
/** Track-voiced frames whose audio peak stays under this are counted as disagreeing (noise). */
const AGREE_R = 0.3;
const MAX_HNR_FRAMES = 800;
/** Centroid frames (46 ms each) analysed at most, spread evenly: ~2 min of audio. */
const MAX_CENTROID_FRAMES = 2600;
/** Frames quieter than this (mean square, ≈ −80 dBFS) or 60 dB under the loudest are silence. */
const ABS_SILENCE = 1e-8;
const REL_SILENCE = 1e-6;
/** r is clamped so that HNR stays within about −30…+40 dB. */
const R_MIN = 1e-3;
const R_MAX = 0.9999;

/** Mean of the channels (a copy only when there is more than one). */
export function downmix(audio: Audio, who: string): Float32Array {
  checkAudio(audio, who);
  return toMono(audio.channels);
}

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
  return w;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Energy-weighted spectral centroid (Hz) of non-silent frames; null when every frame is silent. */
export function spectralCentroid(x: Float32Array, sampleRate: number): { centroidHz: number | null; nonSilentShare: number; maxMs: number } {
  const N = Math.max(256, nextPow2(Math.round(sampleRate * 0.046)));
  const all = Math.floor(x.length / N);
  const frames = Math.min(all, MAX_CENTROID_FRAMES);
  if (frames === 0) return { centroidHz: null, nonSilentShare: 0, maxMs: 0 };
  const starts = new Int32Array(frames);
  for (let f = 0; f < frames; f++) starts[f] = Math.floor(((f + 0.5) * all) / frames) * N;
  const win = hann(N);
  const fft = new FFT(N);
  const out = fft.createComplexArray();
  const buf = new Float64Array(N);
  const energy = new Float64Array(frames);
  let maxE = 0;
  for (let f = 0; f < frames; f++) {
    let e = 0;
    for (let i = starts[f]!, end = i + N; i < end; i++) e += x[i]! * x[i]!;
    energy[f] = e / N;
    if (energy[f]! > maxE) maxE = energy[f]!;
  }
  const floor = Math.max(ABS_SILENCE, maxE * REL_SILENCE);
  const binHz = sampleRate / N;
  let num = 0;
  let den = 0;
  let loud = 0;
  for (let f = 0; f < frames; f++) {
    if (energy[f]! < floor) continue;
    loud++;
    const off = starts[f]!;
    for (let i = 0; i < N; i++) buf[i] = x[off + i]! * win[i]!;
    fft.realTransform(out, buf);
    let mNum = 0;
    let mDen = 0;
    for (let k = 1; k <= N / 2; k++) {
      const re = out[2 * k]!;
      const im = out[2 * k + 1]!;
      const m = Math.sqrt(re * re + im * im);
      mNum += m * k;
      mDen += m;
    }
    if (mDen <= 0) continue;
    num += energy[f]! * ((mNum / mDen) * binHz);
    den += energy[f]!;
  }
  return { centroidHz: den > 0 ? num / den : null, nonSilentShare: loud / frames, maxMs: maxE };
}

interface HnrFrames {
  /** Per analysed voiced frame: HNR (dB) and the autocorrelation peak r. */
  hnr: number[];
  r: number[];
  /** Share of the span that is voiced (track frames or, without one, sampled candidates). */
  voicedShare: number;
  voicedSec: number;
  /** Mean voicing probability of the voiced track frames (1 without a track). */
  meanProb: number;
}

/** Evenly spaced subset of `items`, at most `max` long. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(((i + 0.5) * items.length) / max)]!);
  return out;
}

/** Boersma autocorrelation peak of frames centred at `centres` (samples); `f0` null: search the f0 range. */
function hnrFrames(x: Float32Array, sr: number, centres: { c: number; f0: number | null }[], globalMaxMs: number) {
  const W = Math.round((4.5 / WINDOW_F0) * sr);
  const lagMax = Math.ceil(sr / TRACK_F0_MIN) + 2;
  const lagMin = Math.max(2, Math.floor(sr / F0_MAX));
  const searchMax = Math.ceil(sr / WINDOW_F0);
  const N = nextPow2(W + lagMax + 1);
  const fft = new FFT(N);
  const spec = fft.createComplexArray();
  const ac = fft.createComplexArray();
  const buf = new Float64Array(N);
  const pow = new Float64Array(N);
  const win = hann(W);
  // The window's own autocorrelation, normalised: the correction r_x ≈ r_a / r_w.
  buf.set(win);
  fft.realTransform(spec, buf);
  for (let k = 0; k <= N / 2; k++) {
    pow[k] = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
    if (k > 0 && k < N / 2) pow[N - k] = pow[k]!;
  }
  fft.realTransform(ac, pow);
  const rw = new Float64Array(lagMax + 2);
  for (let t = 0; t < rw.length; t++) rw[t] = ac[2 * t]! / ac[0]!;

  const floor = Math.max(ABS_SILENCE, globalMaxMs * REL_SILENCE);
  const r = new Float64Array(lagMax + 2);
  const results: { r: number; voiced: boolean }[] = [];
  for (const { c, f0 } of centres) {
    const start = Math.round(c - W / 2);
    if (start < 0 || start + W > x.length) continue;
    let mean = 0;
    for (let i = 0; i < W; i++) mean += x[start + i]!;
    mean /= W;
    let ms = 0;
    for (let i = 0; i < W; i++) {
      const v = x[start + i]! - mean;
      ms += v * v;
      buf[i] = v * win[i]!;
    }
    if (ms / W < floor) {
      results.push({ r: 0, voiced: false });
      continue;
    }
    buf.fill(0, W);
    fft.realTransform(spec, buf);
    for (let k = 0; k <= N / 2; k++) {
      pow[k] = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
      if (k > 0 && k < N / 2) pow[N - k] = pow[k]!;
    }
    fft.realTransform(ac, pow);
    const r0 = ac[0]!;
    for (let t = 0; t < r.length; t++) r[t] = ac[2 * t]! / r0 / rw[t]!;
    // The peak: near the track's period, or the best local maximum in the f0 range.
    let lo = lagMin;
    let hi = searchMax;
    if (f0 !== null) {
      const T = sr / f0;
      lo = Math.max(2, Math.floor(T / 1.06));
      hi = Math.min(lagMax, Math.ceil(T * 1.06));
    }
    let best = -1;
    for (let t = lo; t <= hi; t++) if (r[t]! >= r[t - 1]! && r[t]! >= r[t + 1]! && (best < 0 || r[t]! > r[best]!)) best = t;
    if (best < 0) {
      results.push({ r: R_MIN, voiced: f0 !== null });
      continue;
    }
    const a = r[best - 1]!;
    const b = r[best]!;
    const d = r[best + 1]!;
    const denom = a - 2 * b + d;
    const peak = denom < 0 ? b - ((a - d) * (a - d)) / (8 * denom) : b;
    results.push({ r: peak, voiced: f0 !== null || peak > VOICING_R });
  }
  return results;
}

/** `maxMs`: the loudest centroid frame's mean square, which sets the relative silence floor. */
function hnrOf(x: Float32Array, sr: number, pitch: PitchTrack | undefined, maxMs: number): HnrFrames {
  const durSec = x.length / sr;
  const empty: HnrFrames = { hnr: [], r: [], voicedShare: 0, voicedSec: 0, meanProb: 0 };
  if (maxMs < ABS_SILENCE) return empty;
  if (pitch) {
    const voiced: { c: number; f0: number | null }[] = [];
    let total = 0;
    let probSum = 0;
    for (let i = 0; i < pitch.f0Hz.length; i++) {
      const t = pitch.startSec + i * pitch.hopSec;
      if (t < 0 || t > durSec) continue;
      total++;
      const f0 = pitch.f0Hz[i]!;
      const p = pitch.voicedProb[i]!;
      if (!(f0 >= TRACK_F0_MIN && f0 <= F0_MAX) || p < 0.5) continue;
      voiced.push({ c: t * sr, f0 });
      probSum += p;
    }
    if (!voiced.length) return empty;
    const sampled = spread(voiced, MAX_HNR_FRAMES);
    const res = hnrFrames(x, sr, sampled, maxMs).filter((f) => f.voiced);
    const rs = res.map((f) => f.r);
    return {
      r: rs,
      hnr: rs.map(hnrDb),
      voicedShare: voiced.length / Math.max(1, total),
      // Frames that turned out silent in the audio do not count as voiced time.
      voicedSec: voiced.length * pitch.hopSec * (res.length / sampled.length),
      meanProb: probSum / voiced.length,
    };
  }
  // No track: candidates every 10 ms (or sparser on long audio), voiced by the peak's height.
  const hop = Math.max(0.01, durSec / MAX_HNR_FRAMES);
  const cands: { c: number; f0: null }[] = [];
  for (let t = hop / 2; t < durSec; t += hop) cands.push({ c: t * sr, f0: null });
  const res = hnrFrames(x, sr, cands, maxMs);
  const voiced = res.filter((f) => f.voiced);
  const rs = voiced.map((f) => f.r);
  return { r: rs, hnr: rs.map(hnrDb), voicedShare: voiced.length / Math.max(1, res.length), voicedSec: voiced.length * hop, meanProb: 1 };
}

function hnrDb(r: number): number {
  const c = Math.min(R_MAX, Math.max(R_MIN, r));
  return 10 * Math.log10(c / (1 - c));
}

/** Validates a PitchTrack's shape; throws a one-line reason. */
export function checkTrack(t: PitchTrack, who: string): void {
  if (!(t.hopSec > 0) || !Number.isFinite(t.startSec)) throw new RangeError(`${who}: pitch track needs a positive hop and a start time`);
  if (t.f0Hz.length !== t.voicedProb.length) {
    throw new RangeError(`${who}: pitch track has ${t.f0Hz.length} f0 values but ${t.voicedProb.length} voicing values`);
  }
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Brightness (spectral centroid) and breathiness (HNR) of `audio`, using `pitch` for the voiced
 * frames and their period when given. Confidence is low when little is voiced, when the track's
 * voiced frames show no periodicity in the audio, or when the audio is mostly silence.
 */
export function measureTimbre(audio: Audio, pitch?: PitchTrack): TimbreResult {
  const x = downmix(audio, 'measureTimbre');
  if (pitch) checkTrack(pitch, 'measureTimbre');
  const sr = audio.sampleRate;
  const { centroidHz, nonSilentShare, maxMs } = spectralCentroid(x, sr);
  if (centroidHz === null) return { centroidHz: null, hnrDb: null, confidence: 0 };
  const h = hnrOf(x, sr, pitch, maxMs);
  if (!h.hnr.length) return { centroidHz, hnrDb: null, confidence: 0 };
  const agreement = h.r.filter((r) => r > AGREE_R).length / h.r.length;
  const confidence =
    clamp01(h.voicedShare / 0.3) * clamp01(h.voicedSec / 1.5) * clamp01(nonSilentShare / 0.3) * agreement * h.meanProb;
  return { centroidHz, hnrDb: median(h.hnr), confidence: Math.round(confidence * 100) / 100 };
}
