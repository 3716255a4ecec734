// Downmix planar audio to mono and decimate it by an integer factor with a proper anti-alias
// low-pass, so analyses that need only the lower band (pitch: harmonics up to ~4 kHz) run on a
// quarter of the samples at whatever rate the file has (44.1 kHz → 11.025 kHz, 48 kHz → 12 kHz)
// without the general resampler, which is slow (issue 13).
//
// Why not a resampler: the npm resamplers convert to an arbitrary rate (and are what is slow here),
// and the studio's own (core/audio/polyphase.ts) is built for ≥ 95 dB with 32 sinc zero crossings,
// ~250 taps per output at 44.1 → 11.025 kHz; pitch needs neither, so this is one short FIR loop.
//
// How: a Kaiser-windowed sinc cut at the new Nyquist frequency, with a transition band from 0.3·R
// to 0.7·R (R = the new rate), designed for 45 dB (≥ 42 dB measured for q = 3…6, 36 dB for q = 2):
// what aliases from the transition band folds onto 0.3–0.5·R, above the clean pass band (0–0.3·R,
// e.g. 0–3.3 kHz at 11.025 kHz), so the filter needs only ~6.5 taps per unit of decimation factor
// (27 for 44.1 → 11.025 kHz). Only every
// q-th output sample is computed, folding the symmetric taps. Zero phase (the filter is centred),
// zero-padded edges.
import { bessel0 } from '../audio/polyphase';
import type { Audio } from './types';

export interface MonoSignal {
  sampleRate: number;
  samples: Float32Array;
}

/** Validates planar audio and returns its channel length; throws a one-line reason. */
export function checkAudio(audio: Audio, who: string): number {
  if (!audio || !Number.isFinite(audio.sampleRate) || audio.sampleRate <= 0) {
    throw new RangeError(`${who}: sample rate must be a positive number, got ${audio?.sampleRate}`);
  }
  if (!Array.isArray(audio.channels) || audio.channels.length === 0) throw new RangeError(`${who}: audio has no channels`);
  const n = audio.channels[0]!.length;
  for (const ch of audio.channels) {
    if (!(ch instanceof Float32Array)) throw new TypeError(`${who}: channels must be Float32Array`);
    if (ch.length !== n) throw new RangeError(`${who}: channels differ in length (${n} vs ${ch.length} samples)`);
  }
  return n;
}

/**
 * Largest integer factor that keeps the rate at or above `minRate` (1 when already below): with
 * 10 kHz, 44.1 kHz → 11.025 kHz, 48 kHz → 12 kHz, 32 kHz → 10.67 kHz, 96 kHz → 10.67 kHz, and any
 * rate from 10 to 20 kHz (16 kHz, say) is kept as it is.
 */
export function decimationFactor(sampleRate: number, minRate: number): number {
  return Math.max(1, Math.floor(sampleRate / minRate + 1e-9));
}

/** Low-pass FIR for decimation by q (odd length, unit DC gain). */
export function decimationFilter(q: number, stopDb = 45): Float64Array {
  // Kaiser's formulas for β and the length (Oppenheim & Schafer 7.6).
  const beta = stopDb > 50 ? 0.1102 * (stopDb - 8.7) : stopDb >= 21 ? 0.5842 * (stopDb - 21) ** 0.4 + 0.07886 * (stopDb - 21) : 0;
  const transition = (2 * Math.PI * 0.4) / q; // rad/sample at the input rate
  let taps = Math.ceil((stopDb - 8) / (2.285 * transition));
  if (taps % 2 === 0) taps++;
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  const fc = 0.5 / q; // cycles/sample
  const i0b = bessel0(beta);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const m = i - mid;
    const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m);
    const r = m / mid;
    const w = bessel0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
    h[i] = sinc * w;
    sum += h[i]!;
  }
  for (let i = 0; i < taps; i++) h[i]! /= sum;
  return h;
}

/** Mono downmix (mean of the channels), decimated by the largest integer factor that stays ≥ minRate. */
export function downmixDecimate(audio: Audio, minRate: number, who = 'decimate', stopDb = 45): MonoSignal {
  const n = checkAudio(audio, who);
  const q = decimationFactor(audio.sampleRate, minRate);
  const chs = audio.channels;
  const gain = 1 / chs.length;
  if (q === 1) {
    const out = new Float32Array(n);
    for (const ch of chs) for (let i = 0; i < n; i++) out[i]! += ch[i]! * gain;
    return { sampleRate: audio.sampleRate, samples: out };
  }
  const h = decimationFilter(q, stopDb);
  const taps = h.length;
  const half = (taps - 1) / 2;
  const centre = h[half]!;
  // Mono, zero-padded by `half` on both sides so the inner loop needs no bounds checks.
  const padded = new Float32Array(n + 2 * half);
  for (const ch of chs) for (let i = 0; i < n; i++) padded[i + half]! += ch[i]! * gain;
  const m = Math.ceil(n / q);
  const out = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    // Output j is centred on input j·q, i.e. padded index j·q + half; taps span j·q … j·q + 2·half.
    const base = j * q;
    const last = base + taps - 1;
    let acc = centre * padded[base + half]!;
    for (let k = 0; k < half; k++) acc += h[k]! * (padded[base + k]! + padded[last - k]!);
    out[j] = acc;
  }
  return { sampleRate: audio.sampleRate / q, samples: out };
}
