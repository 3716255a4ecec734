// A synthetic stereo song with known stems, for testing and benchmarking the built-in separator
// (builtin/centerSeparator.ts): a centred voice-like source (harmonics under moving vowel formants, f0
// gliding between notes with 5.5 Hz vibrato, syllable-like envelope, breaths between phrases)
// over a partly panned repeating drum loop, a chord pad panned left, plucked arpeggios panned
// right and a centred bass below the voice's band. Everything is deterministic (seeded noise), so
// the separator's SDR on it is a reproducible number; `sdr` is the usual 10·log10(‖s‖²/‖s−ŝ‖²).
// Synthesised by hand because the point is known ground truth; no library makes test music.

export interface SyntheticMix {
  sampleRate: number;
  /** The mix, planar [left, right]. */
  mix: [Float32Array, Float32Array];
  /** The voice as it sits in the mix (centred: the same in both channels). */
  vocals: [Float32Array, Float32Array];
  /** Everything else. */
  accompaniment: [Float32Array, Float32Array];
  /** The accompaniment's instruments as they sit in the mix. */
  parts: Record<'drums' | 'pad' | 'pluck' | 'bass', [Float32Array, Float32Array]>;
}

const BPM = 104;
const VOICE = 0.21;
// Chord roots (MIDI) per bar, and the melody as [midi, beats] (0 = rest), one 4-bar phrase.
const ROOTS = [45, 41, 36, 43]; // A2 F2 C2 G2 (the bass plays them an octave lower)
const CHORDS = [[57, 60, 64], [53, 57, 60], [55, 60, 64], [55, 59, 62]];
// Held notes instead: four bars each (the hardest case for REPET: a voice that repeats too).
const HELD: [number, number][] = [[57, 15], [0, 1], [60, 15], [0, 1], [64, 15], [0, 1], [55, 15], [0, 1]];
const MELODY: [number, number][] = [
  [64, 1], [67, 0.5], [69, 0.5], [67, 1], [64, 1],
  [65, 1.5], [64, 0.5], [62, 1], [0, 1],
  [60, 0.5], [62, 0.5], [64, 1], [67, 1.5], [64, 0.5],
  [62, 1], [59, 1], [62, 1], [0, 1],
];
// Vowel formants (Hz) cycled per syllable: /a/, /e/, /i/, /o/, /u/.
const VOWELS = [[730, 1090, 2440], [530, 1840, 2480], [390, 1990, 2550], [570, 840, 2410], [440, 1020, 2240]];

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function formantGain(f: number, formants: number[]): number {
  let g = 0;
  formants.forEach((fc, i) => {
    const bw = 80 + 40 * i;
    g += (1 / (i + 1)) / (1 + ((f - fc) / bw) ** 2);
  });
  return 0.15 + g;
}

/** The voice: melody notes with 60 ms glides, vibrato after each onset, one vowel per note. */
function voice(n: number, sr: number, transpose: number, melody: [number, number][]): Float32Array {
  const out = new Float32Array(n);
  const beat = 60 / BPM;
  const phraseLen = melody.reduce((a, [, b]) => a + b, 0) * beat;
  const notes: { t0: number; t1: number; midi: number; vowel: number }[] = [];
  for (let p = 0, k = 0; p * phraseLen < n / sr; p++) {
    let t = p * phraseLen;
    for (const [midi, beats] of melody) {
      if (midi) notes.push({ t0: t, t1: t + beats * beat, midi: midi + transpose + (p % 2 ? 2 : 0), vowel: k++ % VOWELS.length });
      t += beats * beat;
    }
  }
  const H = 16;
  let theta = 0;
  let prevF = hz(notes[0]!.midi);
  for (const [idx, note] of notes.entries()) {
    const i0 = Math.round(note.t0 * sr);
    const i1 = Math.min(n, Math.round(note.t1 * sr));
    const f = hz(note.midi);
    const gains = Array.from({ length: H }, (_, h) => formantGain(f * (h + 1), VOWELS[note.vowel]!) / (h + 1) ** 0.7);
    const legato = idx > 0 && Math.abs(notes[idx - 1]!.t1 - note.t0) < 1e-6;
    for (let i = i0; i < i1; i++) {
      const t = (i - i0) / sr;
      const glide = legato ? Math.min(1, t / 0.06) : 1;
      const base = prevF * (f / prevF) ** glide;
      const vib = 1 + 0.025 * Math.min(1, Math.max(0, (t - 0.12) / 0.15)) * Math.sin(2 * Math.PI * 5.5 * t);
      theta = (theta + (2 * Math.PI * base * vib) / sr) % (2 * Math.PI);
      const left = (i1 - i) / sr;
      const env = Math.min(1, t / 0.03) * Math.min(1, left / 0.05) * (0.8 + 0.2 * Math.sin(2 * Math.PI * 1.3 * t));
      out[i] = env * harmonicSum(Math.sin(theta), Math.cos(theta), gains);
    }
    prevF = f;
  }
  return out;
}

/** Σ gains[h] · sin((h + 1)θ) from sin θ and cos θ (Chebyshev recurrence: no more trig). */
function harmonicSum(sin1: number, cos1: number, gains: ArrayLike<number>): number {
  let prev = 0;
  let cur = sin1;
  let s = 0;
  for (let h = 0; h < gains.length; h++) {
    s += gains[h]! * cur;
    const next = 2 * cos1 * cur - prev;
    prev = cur;
    cur = next;
  }
  return s;
}

/** Adds a harmonic tone of `f` Hz from sample i0 to i1, each sample scaled by env(seconds in). */
function addTone(out: Float32Array, i0: number, i1: number, f: number, sr: number, gains: number[], env: (t: number) => number): void {
  const w = (2 * Math.PI * f) / sr;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  let c = 1;
  let s = 0;
  for (let i = i0; i < i1; i++) {
    out[i]! += env((i - i0) / sr) * harmonicSum(s, c, gains);
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
}

/** Drums (kick, snare, hi-hat), one bar's pattern played over and over, as [left, right]. */
function drums(n: number, sr: number): [Float32Array, Float32Array] {
  const beat = 60 / BPM;
  const out: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  const rnd = rng(7);
  // A played loop: the same pattern every bar, each hit a few ms early or late and ±15 % in level.
  const hit = (t: number, fn: (x: number) => number, len: number, gl: number, gr: number) => {
    const i0 = Math.round((t + 0.004 * rnd()) * sr);
    const vel = 0.5 * (1 + 0.15 * rnd());
    for (let i = 0; i < len * sr && i0 + i < n; i++) {
      const x = vel * fn(i / sr);
      out[0][i0 + i]! += gl * x;
      out[1][i0 + i]! += gr * x;
    }
  };
  let kickPhase = 0;
  const kick = (t: number) => ((kickPhase += (2 * Math.PI * (50 + 90 * Math.exp(-t / 0.03))) / sr), Math.sin(kickPhase) * Math.exp(-t / 0.18));
  let lp = 0;
  const snare = (t: number) => ((lp = 0.6 * lp + 0.4 * rnd()), (0.7 * lp + 0.5 * Math.sin(2 * Math.PI * 190 * t)) * Math.exp(-t / 0.09));
  let prev = 0;
  const hat = (t: number) => {
    const w = rnd();
    const hp = w - prev;
    prev = w;
    return 0.25 * hp * Math.exp(-t / 0.03);
  };
  for (let t0 = 0; t0 < n / sr; t0 += 4 * beat) {
    for (const b of [0, 2, 2.5]) (kickPhase = 0), hit(t0 + b * beat, kick, 0.4, 0.7, 0.7);
    for (const b of [1, 3]) hit(t0 + b * beat, snare, 0.3, 0.68, 0.72);
    for (let b = 0; b < 4; b += 0.5) hit(t0 + b * beat, hat, 0.1, 0.35, 0.9);
  }
  return out;
}

/** Chord pad (left), plucked arpeggio (right) and a centred bass, chords changing per bar. */
function harmony(n: number, sr: number): { pad: Float32Array; pluck: Float32Array; bass: Float32Array } {
  const pad = new Float32Array(n);
  const pluck = new Float32Array(n);
  const bass = new Float32Array(n);
  const beat = 60 / BPM;
  const barLen = 4 * beat;
  const at = (t: number) => Math.min(n, Math.round(t * sr));
  const padGains = Array.from({ length: 8 }, (_, h) => 1 / (h + 1) ** 2);
  const pluckGains = Array.from({ length: 6 }, (_, h) => 1 / (h + 1) ** 1.5);
  const bassGains = Array.from({ length: 6 }, (_, h) => 1 / (h + 1));
  for (let bar = 0; bar * barLen < n / sr; bar++) {
    const t0 = bar * barLen;
    const chord = CHORDS[bar % CHORDS.length]!;
    const swell = (t: number) => 0.066 * Math.min(1, t / 0.3) * Math.min(1, (barLen - t) / 0.05);
    for (const m of chord) addTone(pad, at(t0), at(t0 + barLen), hz(m) * (1 + 0.0007 * (m % 3)), sr, padGains, swell);
    for (let step = 0; step < 8; step++) {
      const ts = t0 + (step * beat) / 2;
      addTone(pluck, at(ts), at(ts + beat / 2), hz(chord[step % 3]! + 12), sr, pluckGains, (t) => 0.145 * Math.exp(-t / 0.12) * Math.min(1, t / 0.003));
    }
    const fb = hz(ROOTS[bar % ROOTS.length]! - 12);
    for (let q = 0; q < 4; q++) {
      const tq = t0 + q * beat;
      addTone(bass, at(tq), at(tq + beat), fb, sr, bassGains, (t) => 0.17 * Math.exp(-t / 0.5) * Math.min(1, t / 0.01) * Math.min(1, (beat - t) / 0.02));
    }
  }
  return { pad, pluck, bass };
}

/**
 * `transpose`: the voice's shift in semitones (−12 puts it in a tenor's range, over the bass);
 * `held`: the voice holds one note for four bars at a time instead of singing the melody.
 */
export function syntheticMix(seconds: number, { sampleRate = 44100, transpose = 0, held = false } = {}): SyntheticMix {
  const n = Math.round(seconds * sampleRate);
  const v = voice(n, sampleRate, transpose, held ? HELD : MELODY);
  const [dl, dr] = drums(n, sampleRate);
  const { pad, pluck, bass } = harmony(n, sampleRate);
  // [left gain, right gain] per instrument
  const parts: [Float32Array, number, number][] = [
    [v, VOICE, VOICE],
    [pad, 1.0, 0.45],
    [pluck, 0.35, 1.0],
    [bass, 1, 1],
  ];
  const stereo = (list: [Float32Array, number, number][], extra?: [Float32Array, Float32Array]) =>
    [0, 1].map((c) => {
      const out = extra ? Float32Array.from(extra[c]!) : new Float32Array(n);
      for (const [x, gl, gr] of list) {
        const g = c ? gr : gl;
        for (let i = 0; i < n; i++) out[i]! += g * x[i]!;
      }
      return out;
    }) as [Float32Array, Float32Array];
  const vocals = stereo(parts.slice(0, 1));
  const accompaniment = stereo(parts.slice(1), [dl, dr]);
  const mix = stereo(parts, [dl, dr]);
  return { sampleRate, mix, vocals, accompaniment, parts: { drums: [dl, dr], pad: stereo([parts[1]!]), pluck: stereo([parts[2]!]), bass: stereo([parts[3]!]) } };
}

/** Signal-to-distortion ratio in dB of an estimate against the truth, over all channels given. */
export function sdr(truth: Float32Array[], estimate: Float32Array[]): number {
  let s = 0;
  let e = 0;
  truth.forEach((ch, c) => {
    const est = estimate[c]!;
    for (let i = 0; i < ch.length; i++) {
      s += ch[i]! * ch[i]!;
      e += (ch[i]! - est[i]!) ** 2;
    }
  });
  return 10 * Math.log10(s / Math.max(e, 1e-20));
}
