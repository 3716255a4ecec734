// Synthetic rhythm material with a known tempo, for the beat tracker's tests and benchmark: click
// tracks (optionally jittered or swung) and drum-like patterns (kick = decaying low sine sweep,
// snare = decaying noise burst over a short tone, hi-hat = short high-passed noise) over a sustained
// harmonic pad. Deterministic (seeded noise), planar stereo at any sample rate.
import type { Audio } from '../analysis/types';

/** mulberry32: a small seeded PRNG, so every run synthesises the same noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Voice = 'click' | 'kick' | 'snare' | 'hat';

/** One hit of a voice at `gain`, added into `out` from sample `at` on. */
function addHit(out: Float32Array, at: number, sr: number, voice: Voice, gain: number, rand: () => number): void {
  const len = Math.round((voice === 'kick' ? 0.35 : voice === 'snare' ? 0.25 : voice === 'hat' ? 0.06 : 0.03) * sr);
  let phase = 0;
  let prev = 0;
  let prev2 = 0;
  for (let i = 0; i < len && at + i < out.length; i++) {
    if (at + i < 0) continue;
    const t = i / sr;
    let v: number;
    if (voice === 'click') {
      v = Math.sin(2 * Math.PI * 1500 * t) * Math.exp(-t / 0.004);
    } else if (voice === 'kick') {
      const f = 50 + 100 * Math.exp(-t / 0.04); // 150 → 50 Hz sweep
      phase += (2 * Math.PI * f) / sr;
      v = Math.sin(phase) * Math.exp(-t / 0.12);
    } else if (voice === 'snare') {
      v = ((rand() * 2 - 1) * 0.7 + 0.3 * Math.sin(2 * Math.PI * 190 * t)) * Math.exp(-t / 0.07);
    } else {
      // Second difference of white noise: a high-pass (+12 dB/octave) hiss.
      const w = rand() * 2 - 1;
      v = (w - 2 * prev + prev2) * 0.25 * Math.exp(-t / 0.015);
      prev2 = prev;
      prev = w;
    }
    out[at + i]! += gain * v;
  }
}

export interface Hit {
  sec: number;
  voice: Voice;
  gain: number;
}

/** Renders hits (plus an optional pad) to stereo; hats slightly right, snare slightly left. */
export function render(hits: Hit[], seconds: number, sampleRate: number, opts: { pad?: number; seed?: number } = {}): Audio {
  const n = Math.round(seconds * sampleRate);
  const mono = new Float32Array(n);
  const rand = rng(opts.seed ?? 1);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (const h of hits) {
    const buf = h.voice === 'hat' ? right : h.voice === 'snare' ? left : mono;
    addHit(buf, Math.round(h.sec * sampleRate), sampleRate, h.voice, h.gain, rand);
  }
  if (opts.pad) addPad(mono, sampleRate, opts.pad);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = mono[i]! + left[i]! * 0.8 + right[i]! * 0.4;
    r[i] = mono[i]! + left[i]! * 0.4 + right[i]! * 0.8;
  }
  return { sampleRate, channels: [l, r] };
}

/** A sustained A-minor triad (5 harmonics per note, slowly fading in) at peak amplitude ≈ `gain`. */
export function addPad(out: Float32Array, sr: number, gain: number): void {
  const notes = [220, 261.63, 329.63];
  for (let i = 0; i < out.length; i++) {
    const t = i / sr;
    let v = 0;
    for (const f of notes) for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * f * h * t + h) / h;
    out[i]! += (gain / 6) * v * Math.min(1, t / 0.5);
  }
}

/** Clicks every beat from `offset` s, each moved by up to ±jitterSec (seeded) and with gain 0.8. */
export function clickTrack(bpm: number, seconds: number, sampleRate: number, opts: { jitterSec?: number; offset?: number; seed?: number } = {}): { audio: Audio; clicks: number[] } {
  const rand = rng(opts.seed ?? 7);
  const clicks: number[] = [];
  for (let t = opts.offset ?? 0.5; t < seconds - 0.1; t += 60 / bpm) clicks.push(t + (rand() * 2 - 1) * (opts.jitterSec ?? 0));
  return { audio: render(clicks.map((sec) => ({ sec, voice: 'click', gain: 0.8 })), seconds, sampleRate), clicks };
}

/**
 * A drum pattern: each voice's row is a string of steps per bar ('x' = full hit, 'o' = soft hit,
 * '.' = rest), all rows the same length; `beatsPerBar` beats span one row.
 */
export function drumPattern(bpm: number, seconds: number, sampleRate: number, rows: Partial<Record<Voice, string>>, opts: { pad?: number; beatsPerBar?: number } = {}): { audio: Audio; beats: number[] } {
  const beatsPerBar = opts.beatsPerBar ?? 4;
  const hits: Hit[] = [];
  const beat = 60 / bpm;
  const beats: number[] = [];
  const start = 0.25;
  for (let t = start; t < seconds - 0.1; t += beat) beats.push(t);
  for (const [voice, row] of Object.entries(rows) as [Voice, string][]) {
    const step = (beat * beatsPerBar) / row.length;
    for (let bar = 0; start + bar * beat * beatsPerBar < seconds; bar++) {
      for (let s = 0; s < row.length; s++) {
        const c = row[s];
        if (c !== 'x' && c !== 'o') continue;
        const sec = start + bar * beat * beatsPerBar + s * step;
        if (sec < seconds - 0.05) hits.push({ sec, voice, gain: (c === 'x' ? 1 : 0.35) * (voice === 'hat' ? 0.5 : voice === 'snare' ? 0.6 : 0.9) });
      }
    }
  }
  return { audio: render(hits, seconds, sampleRate, { pad: opts.pad ?? 0, seed: Math.round(bpm) }), beats };
}
