// Synthetic songs with known truth, for the analysis tests and the attributes benchmark: a
// voice-like source (harmonic, with vibrato, sung in phrases on given notes) centred in a stereo
// mix over a drum pattern at a known tempo (rhythmSynth) and a panned bass line, plus the voice
// alone as its "vocal stem". Deterministic, any sample rate.
import { drumPattern, rng } from './rhythmSynth';
import type { Audio } from '../analysis/types';

export interface VoiceOptions {
  sampleRate: number;
  seconds: number;
  /** Notes sung in turn, Hz (each held `noteSec`). */
  notesHz: number[];
  noteSec?: number;
  vibratoHz?: number;
  /** ± cents around the note. */
  vibratoCents?: number;
  /** Phrases of `phraseSec` sung, then `restSec` of silence (default: no rests). */
  phraseSec?: number;
  restSec?: number;
  /** Peak amplitude. */
  gain?: number;
  /** Breath noise relative to the harmonics (0 = none). */
  breath?: number;
  seed?: number;
}

/** A sung voice: 12 harmonics falling 6 dB/octave with a formant bump near 3 kHz, vibrato, soft note edges. */
export function singingVoice(o: VoiceOptions): Float32Array {
  const sr = o.sampleRate;
  const n = Math.round(o.seconds * sr);
  const out = new Float32Array(n);
  const noteSec = o.noteSec ?? 1;
  const vibHz = o.vibratoHz ?? 5.5;
  const vibDepth = (o.vibratoCents ?? 0) / 1200;
  const rand = rng(o.seed ?? 3);
  const harmonics = 12;
  const amps = Array.from({ length: harmonics }, (_, k) => (1 / (k + 1)) * (1 + 0.8 * Math.exp(-(((k + 1) * 250 - 3000) ** 2) / 1e6)));
  const norm = amps.reduce((s, a) => s + a, 0);
  let phase = 0;
  const gain = o.gain ?? 0.3;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const cycle = o.phraseSec ? (o.phraseSec + (o.restSec ?? 0)) : Infinity;
    const inPhrase = o.phraseSec ? t % cycle : t;
    if (o.phraseSec && inPhrase >= o.phraseSec) {
      out[i] = 0;
      continue;
    }
    const note = o.notesHz[Math.floor(t / noteSec) % o.notesHz.length]!;
    const f = note * 2 ** (vibDepth * Math.sin(2 * Math.PI * vibHz * t));
    phase += (2 * Math.PI * f) / sr;
    let v = 0;
    for (let k = 0; k < harmonics; k++) {
      if ((k + 1) * f > sr / 2 - 500) break;
      v += amps[k]! * Math.sin((k + 1) * phase);
    }
    // Soft edges at each note and phrase boundary (20 ms), so onsets are not clicks.
    const inNote = t % noteSec;
    const edge = Math.min(1, inNote / 0.02, (noteSec - inNote) / 0.02, o.phraseSec ? Math.min(inPhrase / 0.02, (o.phraseSec - inPhrase) / 0.02) : 1);
    out[i] = gain * edge * (v / norm + (o.breath ?? 0) * (rand() * 2 - 1));
  }
  return out;
}

export interface SongOptions extends VoiceOptions {
  bpm: number;
  /** Gain of the accompaniment (drums, bass) relative to the voice's. */
  band?: number;
}

/** A stereo mix (voice centred, drums, bass panned left) and the voice alone as a stereo stem. */
export function synthSong(o: SongOptions): { mix: Audio; vocals: Audio; beats: number[] } {
  const sr = o.sampleRate;
  const voice = singingVoice(o);
  const drums = drumPattern(o.bpm, o.seconds, sr, { kick: 'x...x...x...x...', snare: '....x.......x...', hat: 'x.x.x.x.x.x.x.x.' });
  const band = o.band ?? 1;
  const n = voice.length;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  const beat = 60 / o.bpm;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const bassF = [55, 55, 73.42, 65.41][Math.floor(t / (4 * beat)) % 4]!;
    const bass = 0.12 * Math.sin(2 * Math.PI * bassF * t) * Math.exp(-((t % beat) / beat) * 2);
    l[i] = voice[i]! + band * (0.5 * drums.audio.channels[0]![i]! + bass);
    r[i] = voice[i]! + band * (0.5 * drums.audio.channels[1]![i]! + 0.3 * bass);
  }
  return { mix: { sampleRate: sr, channels: [l, r] }, vocals: { sampleRate: sr, channels: [voice, voice.slice()] }, beats: drums.beats };
}

/** The audio scaled by `gain` (a copy). */
export function scaled(a: Audio, gain: number): Audio {
  return { sampleRate: a.sampleRate, channels: a.channels.map((ch) => ch.map((x) => x * gain)) };
}
