// Synthetic tones with an exactly known f0 contour, for the pitch and vibrato tests: harmonic tones
// whose f0 is any function of time (steady, vibrato, glide), silence gaps, and seeded white noise
// at a chosen signal-to-noise ratio. Deterministic, any sample rate.
import { rng } from './rhythmSynth';

/** Harmonic amplitudes falling with the harmonic number (1, 0.6, 0.4, 0.25, 0.15). */
export const FALLING_HARMONICS = [1, 0.6, 0.4, 0.25, 0.15];

/**
 * Σ_k amps[k]·sin((k+1)·φ(t)) with φ' = 2π·f0(t), peak-normalised to `peak`; phase-continuous, so
 * f0(t) is the true instantaneous fundamental at every sample.
 */
export function harmonicTone(sampleRate: number, seconds: number, f0At: (t: number) => number, amps = FALLING_HARMONICS, peak = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  let phase = 0;
  let max = 0;
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let k = 0; k < amps.length; k++) v += amps[k]! * Math.sin((k + 1) * phase);
    out[i] = v;
    max = Math.max(max, Math.abs(v));
    phase += (2 * Math.PI * f0At(i / sampleRate)) / sampleRate;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI; // every harmonic is 2π-periodic in φ
  }
  if (max > 0) for (let i = 0; i < out.length; i++) out[i]! *= peak / max;
  return out;
}

/** f0(t) = hz · 2^(cents·sin(2π·rate·t)/1200): a vibrato of ± `cents` at `rate` Hz. */
export function vibratoContour(hz: number, rateHz: number, cents: number): (t: number) => number {
  return (t) => hz * 2 ** ((cents * Math.sin(2 * Math.PI * rateHz * t)) / 1200);
}

/** Gaussian white noise of the given RMS (Box–Muller over a seeded PRNG). */
export function whiteNoise(length: number, rms: number, seed = 1): Float32Array {
  const u = rng(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    out[i] = rms * r * Math.cos(2 * Math.PI * u());
  }
  return out;
}

/** The signal plus white noise at `snrDb` below the signal's mean power. */
export function withNoise(x: Float32Array, snrDb: number, seed = 1): Float32Array {
  let power = 0;
  for (const v of x) power += v * v;
  power /= Math.max(1, x.length);
  const noise = whiteNoise(x.length, Math.sqrt(power / 10 ** (snrDb / 10)), seed);
  return x.map((v, i) => v + noise[i]!);
}

/** Zeroes the last `share` of every `periodSec` (silence gaps). */
export function withGaps(x: Float32Array, sampleRate: number, periodSec: number, share: number): Float32Array {
  return x.map((v, i) => ((i / sampleRate) % periodSec < periodSec * (1 - share) ? v : 0));
}
