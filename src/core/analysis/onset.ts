// The onset strength envelope of a mix (librosa.onset.onset_strength's recipe): how much the
// log-magnitude mel spectrum rises from one ~10 ms frame to the next, half-wave rectified and
// averaged over the bands. The rise is measured against the previous frame's maximum over the band
// and its two neighbours (SuperFlux, Böck & Widmer 2013; librosa's max_size=3), so a sung vibrato,
// whose partials sway across a band edge 5–7 times a second, does not look like a train of onsets.
// It is the input of the tempo and beat tracker (beats.ts) and a curve the UI can draw under the
// beat markers.
//
// Why hand-written: no maintained npm library computes a mel spectral-flux envelope at an arbitrary
// sample rate (Meyda's spectralFlux is linear-magnitude, one allocation per frame and fixed
// buffer sizes; essentia.js is AGPL). It is one fft.js loop (fft.js is already a dependency).
//
// How, at any sample rate: the channels are averaged and block-averaged by an integer factor q down
// to a rate R ≥ 11.025 kHz (44.1 kHz → 11.025, 48 → 12, 16 → 16). A boxcar is a poor anti-alias
// filter (−4 dB at R/2), but what folds down is the 5–11 kHz band of hats and cymbals, which lands in
// the top mel bands as the same broadband rise: the envelope keeps its onsets, and the decimation
// costs one add per sample instead of a ~50-tap FIR (decimate.ts) — the difference is a third of the
// beat tracker's whole budget. Frames: Hann ~46 ms (librosa's 2048 @ 44.1 kHz), zero-padded to a
// power of two, hop round(R/100) (≈10 ms, ~100 frames/s), centred (frame t at t·hop, zeros beyond the
// edges). 40 triangular mel bands (HTK scale) from 30 Hz to min(R/2, 6 kHz), so the envelope is the
// same at every rate; power → dB with librosa's top_db = 80 below the loudest band-frame and an
// absolute floor at −100 dB re full scale (dither and digital silence give a flat envelope).
import FFT from 'fft.js';
import { checkAudio } from './decimate';
import type { Audio } from './types';

/** The envelope: values[i] is the onset strength (mean dB rise per band) at startSec + i / fps. */
export interface OnsetEnvelope {
  fps: number;
  startSec: number;
  values: Float32Array;
}

const MIN_RATE = 11025;
const WIN_SEC = 0.046;
const N_MELS = 40;
const F_MIN = 30;
const F_MAX = 6000;
const TOP_DB = 80;
const ABS_FLOOR_DB = -100;
/**
 * A centred 46 ms frame's log energy rises most while an attack enters the window's leading flank,
 * so the flux peaks ~10 ms (clicks 14, drums 8–11) before the attack: frame t is reported at
 * t·hop/R + this lead, which puts beat times on the attacks.
 */
const ATTACK_LEAD_SEC = 0.011;

const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);

/** Triangular mel filters over FFT bins: for band b, weights over bins lo[b] … lo[b]+w[b].length-1. */
function melBank(rate: number, nfft: number): { lo: Int32Array; w: Float32Array[] } {
  const fMax = Math.min(rate / 2, F_MAX);
  const mMin = hzToMel(F_MIN);
  const mMax = hzToMel(fMax);
  const edges: number[] = [];
  for (let i = 0; i < N_MELS + 2; i++) edges.push(melToHz(mMin + ((mMax - mMin) * i) / (N_MELS + 1)));
  const binHz = rate / nfft;
  const lo = new Int32Array(N_MELS);
  const w: Float32Array[] = [];
  for (let b = 0; b < N_MELS; b++) {
    const [f0, f1, f2] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
    // At least the nearest bin, so narrow low bands (wider than a bin apart only above ~1 kHz) are never empty.
    const k0 = Math.min(Math.ceil(f0 / binHz), Math.round(f1 / binHz));
    const k2 = Math.max(Math.floor(f2 / binHz), Math.round(f1 / binHz));
    const ws = new Float32Array(k2 - k0 + 1);
    for (let k = k0; k <= k2; k++) {
      const f = k * binHz;
      const v = f <= f1 ? (f - f0) / (f1 - f0) : (f2 - f) / (f2 - f1);
      ws[k - k0] = Math.max(v, 0);
    }
    if (ws.every((v) => v === 0)) ws[Math.round(f1 / binHz) - k0] = 1;
    lo[b] = k0;
    w.push(ws);
  }
  return { lo, w };
}

/** Mono mean of the channels, block-averaged by q (see the header for why a boxcar suffices). */
function downmixBoxcar(audio: Audio, n: number, q: number): Float32Array {
  const m = Math.floor(n / q);
  const out = new Float32Array(m);
  const g = 1 / (q * audio.channels.length);
  for (const ch of audio.channels) {
    for (let j = 0, i = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < q; k++, i++) s += ch[i]!;
      out[j]! += s * g;
    }
  }
  return out;
}

/** Onset strength envelope of the whole mix at ~100 frames/s (see the file header). */
export function onsetEnvelope(audio: Audio): OnsetEnvelope {
  const n = checkAudio(audio, 'onset envelope');
  const q = Math.max(1, Math.floor(audio.sampleRate / MIN_RATE));
  const rate = audio.sampleRate / q;
  const x = downmixBoxcar(audio, n, q);
  const hop = Math.max(1, Math.round(rate / 100));
  const fps = rate / hop;
  const win = Math.round(WIN_SEC * rate);
  let nfft = 16;
  while (nfft < win) nfft *= 2;
  const frames = x.length === 0 ? 0 : Math.floor((x.length - 1) / hop) + 1;
  const values = new Float32Array(frames);
  if (frames < 2) return { fps, startSec: ATTACK_LEAD_SEC, values };

  const hann = new Float64Array(win);
  for (let i = 0; i < win; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / win);
  const { lo, w } = melBank(rate, nfft);
  const fft = new FFT(nfft);
  const spec = fft.createComplexArray() as number[];
  const frame = new Float64Array(nfft);
  const pow = new Float64Array(nfft / 2 + 1);
  const mel = new Float32Array(frames * N_MELS);
  // 0 dB = a full-scale sine's peak bin (amplitude 1 → |X| = Σhann / 2).
  const ref = (win / 4) ** 2;
  let maxDb = -Infinity;
  const half = Math.floor(win / 2);
  for (let t = 0; t < frames; t++) {
    const start = t * hop - half;
    for (let i = 0; i < win; i++) {
      const j = start + i;
      frame[i] = j >= 0 && j < x.length ? x[j]! * hann[i]! : 0;
    }
    fft.realTransform(spec, frame);
    for (let k = 0; k <= nfft / 2; k++) pow[k] = spec[2 * k]! * spec[2 * k]! + spec[2 * k + 1]! * spec[2 * k + 1]!;
    for (let b = 0; b < N_MELS; b++) {
      const ws = w[b]!;
      const k0 = lo[b]!;
      let e = 0;
      for (let k = 0; k < ws.length; k++) e += ws[k]! * pow[k0 + k]!;
      const db = 10 * Math.log10(e / ref + 1e-30);
      mel[t * N_MELS + b] = db;
      if (db > maxDb) maxDb = db;
    }
  }
  const floor = Math.max(maxDb - TOP_DB, ABS_FLOOR_DB);
  for (let i = 0; i < mel.length; i++) if (mel[i]! < floor) mel[i] = floor;
  for (let t = 1; t < frames; t++) {
    let s = 0;
    const p = (t - 1) * N_MELS;
    for (let b = 0; b < N_MELS; b++) {
      // SuperFlux: the previous frame's maximum over the band and its neighbours.
      let ref = mel[p + b]!;
      if (b > 0 && mel[p + b - 1]! > ref) ref = mel[p + b - 1]!;
      if (b + 1 < N_MELS && mel[p + b + 1]! > ref) ref = mel[p + b + 1]!;
      const d = mel[t * N_MELS + b]! - ref;
      if (d > 0) s += d;
    }
    values[t] = s / N_MELS;
  }
  return { fps, startSec: ATTACK_LEAD_SEC, values };
}
