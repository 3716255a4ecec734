// Brightness and breathiness on signals whose answer is known: pure tones and white noise for
// the centroid, a harmonic tone with white noise at a known SNR for the HNR (a periodic part plus
// white noise has HNR = SNR), silence and noise for "no number, no confidence".
import { describe, expect, it } from 'vitest';
import type { Audio, PitchTrack } from './types';
import { measureTimbre } from './timbre';

/** Deterministic Gaussian noise (mulberry32 + Box–Muller). */
function gaussian(n: number, sigma: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigma * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  return out;
}

function sine(hz: number, sec: number, sr: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(sec * sr));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * hz * i) / sr);
  return out;
}

/** Harmonics 1..10 of f0 with amplitudes 0.3/k; returns the signal and its power. */
function harmonic(f0: number, sec: number, sr: number): { x: Float32Array; power: number } {
  const x = new Float32Array(Math.round(sec * sr));
  let power = 0;
  for (let k = 1; k <= 10; k++) {
    const a = 0.3 / k;
    power += (a * a) / 2;
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + a * Math.sin((2 * Math.PI * k * f0 * i) / sr + k);
  }
  return { x, power };
}

function withNoise(x: Float32Array, power: number, snrDb: number): Float32Array {
  const n = gaussian(x.length, Math.sqrt(power / 10 ** (snrDb / 10)), 7);
  return x.map((v, i) => v + n[i]!);
}

/** A hand-built track: f0 `hz` with probability `prob` over [from, to) s, unvoiced elsewhere. */
function track(sec: number, hz: number, from = 0, to = sec, prob = 0.95): PitchTrack {
  const hopSec = 0.01;
  const n = Math.floor(sec / hopSec);
  const f0Hz = new Float32Array(n);
  const voicedProb = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * hopSec;
    if (t >= from && t < to) {
      f0Hz[i] = hz;
      voicedProb[i] = prob;
    } else voicedProb[i] = 0.05;
  }
  return { hopSec, startSec: 0, f0Hz, voicedProb };
}

const mono = (x: Float32Array, sampleRate = 44100): Audio => ({ sampleRate, channels: [x] });

describe('brightness (spectral centroid)', () => {
  it('orders a 200 Hz tone below a 3 kHz tone below white noise', () => {
    const low = measureTimbre(mono(sine(200, 2, 44100))).centroidHz!;
    const high = measureTimbre(mono(sine(3000, 2, 44100))).centroidHz!;
    const noise = measureTimbre(mono(gaussian(88200, 0.2))).centroidHz!;
    expect(low).toBeLessThan(high);
    expect(high).toBeLessThan(noise);
    // A flat magnitude spectrum's centroid is half the Nyquist frequency (11 025 Hz here).
    expect(Math.abs(noise - 11025)).toBeLessThan(500);
  });

  it('puts a 1 kHz sine at 1 kHz, at any sample rate and on a stereo downmix', () => {
    for (const sr of [44100, 48000, 22050, 16000]) {
      const c = measureTimbre(mono(sine(1000, 2, sr), sr)).centroidHz!;
      expect(Math.abs(c - 1000) / 1000, `${sr} Hz: ${c}`).toBeLessThan(0.05);
    }
    const s = sine(1000, 2, 48000);
    const stereo = measureTimbre({ sampleRate: 48000, channels: [s, s.map((v) => v * 0.5)] });
    expect(Math.abs(stereo.centroidHz! - 1000)).toBeLessThan(50);
  });

  it('weights frames by energy: a quiet noise tail barely moves a loud tone', () => {
    const tone = sine(500, 2, 44100, 0.5);
    const tail = gaussian(88200, 0.005);
    const x = new Float32Array(tone.length + tail.length);
    x.set(tone);
    x.set(tail, tone.length);
    const c = measureTimbre(mono(x)).centroidHz!;
    expect(c).toBeGreaterThan(450);
    expect(c).toBeLessThan(700);
  });

  it('averages long audio evenly (frames spread over all of it)', () => {
    // 100 s of 500 Hz then 100 s of 2 kHz at equal level: more frames than are analysed, so a
    // sample of them must come from all of it to give the mean.
    const sr = 16000;
    const x = new Float32Array(sr * 200);
    for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * (i < 100 * sr ? 500 : 2000) * i) / sr);
    const c = measureTimbre(mono(x, sr)).centroidHz!;
    expect(Math.abs(c - 1250) / 1250, `${c}`).toBeLessThan(0.05);
  });

  it('gives no number and no confidence for silence', () => {
    const r = measureTimbre(mono(new Float32Array(44100 * 3)));
    expect(r).toEqual({ centroidHz: null, hnrDb: null, confidence: 0 });
    const empty = measureTimbre({ sampleRate: 44100, channels: [new Float32Array(0), new Float32Array(0)] });
    expect(empty.centroidHz).toBeNull();
  });

  it('refuses malformed audio and tracks with a one-line reason', () => {
    expect(() => measureTimbre({ sampleRate: 0, channels: [new Float32Array(10)] })).toThrow(/^measureTimbre: sample rate/);
    expect(() => measureTimbre({ sampleRate: 8000, channels: [new Float32Array(10), new Float32Array(9)] })).toThrow(/measureTimbre: channels differ/);
    const bad: PitchTrack = { hopSec: 0.01, startSec: 0, f0Hz: new Float32Array(5), voicedProb: new Float32Array(4) };
    expect(() => measureTimbre(mono(sine(200, 1, 8000), 8000), bad)).toThrow(/measureTimbre: pitch track has 5 f0 values but 4/);
  });
});

describe('breathiness (harmonic-to-noise ratio)', () => {
  const sr = 44100;
  const sec = 3;
  const { x: clean, power } = harmonic(220, sec, sr);
  const t = track(sec, 220);

  it('reads a clean harmonic tone as clearly harmonic, with and without a track', () => {
    const withTrack = measureTimbre(mono(clean), t);
    expect(withTrack.hnrDb!).toBeGreaterThan(20);
    expect(withTrack.confidence).toBeGreaterThan(0.8);
    const searched = measureTimbre(mono(clean));
    expect(searched.hnrDb!).toBeGreaterThan(20);
    expect(searched.confidence).toBeGreaterThan(0.8);
  });

  it('follows the SNR of tone + white noise: 10 dB reads about 10 dB, 0 dB lower', () => {
    const at10 = measureTimbre(mono(withNoise(clean, power, 10)), t);
    const at0 = measureTimbre(mono(withNoise(clean, power, 0)), t);
    const clear = measureTimbre(mono(clean), t);
    console.log(`HNR clean ${clear.hnrDb!.toFixed(1)} dB, SNR 10 → ${at10.hnrDb!.toFixed(1)} dB, SNR 0 → ${at0.hnrDb!.toFixed(1)} dB`);
    expect(Math.abs(at10.hnrDb! - 10)).toBeLessThanOrEqual(4);
    expect(Math.abs(at0.hnrDb! - 0)).toBeLessThanOrEqual(4);
    expect(clear.hnrDb!).toBeGreaterThan(at10.hnrDb!);
    expect(at10.hnrDb!).toBeGreaterThan(at0.hnrDb! + 5);
    // The search without a track finds the same peak at 10 dB.
    const searched = measureTimbre(mono(withNoise(clean, power, 10)));
    expect(Math.abs(searched.hnrDb! - 10)).toBeLessThanOrEqual(4);
  });

  it('uses the track only where it is voiced, and at other sample rates', () => {
    // Tone in [0, 1.5) s, noise after: with the track voiced only on the tone, HNR is the tone's.
    const half = Math.round(1.5 * 48000);
    const { x: tone48 } = harmonic(300, 3, 48000);
    const noise = gaussian(tone48.length, 0.2, 5);
    const x = tone48.map((v, i) => (i < half ? v : noise[i]!));
    const r = measureTimbre(mono(x, 48000), track(3, 300, 0, 1.5));
    expect(r.hnrDb!).toBeGreaterThan(20);
  });

  it('gives no HNR for white noise without a track, and low confidence when a track claims voice', () => {
    const noise = mono(gaussian(sr * sec, 0.2, 3));
    const alone = measureTimbre(noise);
    expect(alone.hnrDb === null || alone.confidence < 0.2, JSON.stringify(alone)).toBe(true);
    const fooled = measureTimbre(noise, t);
    expect(fooled.confidence).toBeLessThan(0.2);
    expect(fooled.hnrDb ?? -Infinity).toBeLessThan(0);
  });

  it('has low confidence when the audio is mostly silence or little is voiced', () => {
    const x = new Float32Array(sr * 20);
    x.set(clean.subarray(0, sr * 0.5), sr * 5);
    const sparse = measureTimbre(mono(x), track(20, 220, 5, 5.5));
    expect(sparse.hnrDb!).toBeGreaterThan(15);
    expect(sparse.confidence).toBeLessThan(0.3);
    const unvoiced = measureTimbre(mono(clean), track(sec, 220, 0, 0));
    expect(unvoiced.hnrDb).toBeNull();
    expect(unvoiced.confidence).toBe(0);
  });

  it('measures 4 minutes of 44.1 kHz mono (timing logged, not asserted)', () => {
    const min4 = 240;
    // 10 s of tone + noise at 15 dB SNR, tiled (220 Hz fits whole periods in 10 s): quick to make.
    const piece = withNoise(harmonic(220, 10, sr).x, power, 15);
    const noisy = new Float32Array(sr * min4);
    for (let off = 0; off < noisy.length; off += piece.length) noisy.set(piece.subarray(0, noisy.length - off), off);
    const tr = track(min4, 220);
    const t0 = performance.now();
    const r = measureTimbre(mono(noisy), tr);
    const ms = performance.now() - t0;
    console.log(`measureTimbre, 4 min mono 44.1 kHz with track: ${ms.toFixed(0)} ms (HNR ${r.hnrDb!.toFixed(1)} dB)`);
    expect(Math.abs(r.hnrDb! - 15)).toBeLessThanOrEqual(4);
  });
});
