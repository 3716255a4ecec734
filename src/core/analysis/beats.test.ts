// Tempo and beat tracking on synthetic material with a known tempo (testing/rhythmSynth.ts): click tracks,
// jittered and swung clicks, drum patterns over a sustained pad (one genuinely octave-ambiguous,
// one clearly not), and signals without a pulse, which must give no tempo and a low confidence.
import { describe, expect, it } from 'vitest';
import { trackBeats } from './beats';
import { clickTrack, drumPattern, render, rng, addPad, type Hit } from '../testing/rhythmSynth';
import type { Audio, TempoResult } from './types';

const SR = 44100;
const within = (value: number | null, truth: number, tol = 0.02) => value !== null && Math.abs(value / truth - 1) <= tol;
/** Share of the true beats that have a tracked beat within `tol` seconds. */
const hitRate = (beats: number[], truth: number[], tol = 0.03) => truth.filter((t) => beats.some((b) => Math.abs(b - t) <= tol)).length / truth.length;
const summary = (r: TempoResult) => `bpm ${r.bpm} conf ${r.confidence} ambiguous ${r.octaveAmbiguous} alt [${r.alternatives.join(', ')}] ${r.beats.length} beats`;

describe('trackBeats: click tracks', () => {
  it.each([60, 90, 120, 150, 180])('%i BPM at 44.1 kHz: tempo within 2 percent, beats on the clicks', (bpm) => {
    const { audio, clicks } = clickTrack(bpm, 15, SR);
    const r = trackBeats(audio);
    console.log(`click ${bpm}: ${summary(r)}, hits ${hitRate(r.beats, clicks).toFixed(2)}`);
    expect(within(r.bpm, bpm)).toBe(true);
    expect(hitRate(r.beats, clicks)).toBeGreaterThanOrEqual(0.9);
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('works at 16 kHz and 48 kHz (the envelope stays ~100 frames/s)', () => {
    for (const [sr, bpm] of [[16000, 120], [48000, 137]] as const) {
      const { audio, clicks } = clickTrack(bpm, 12, sr);
      const r = trackBeats(audio);
      console.log(`click ${bpm} @ ${sr} Hz: ${summary(r)}`);
      expect(within(r.bpm, bpm)).toBe(true);
      expect(hitRate(r.beats, clicks)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('a click track jittered by ±10 ms keeps its tempo within 2 %', () => {
    const { audio, clicks } = clickTrack(100, 15, SR, { jitterSec: 0.01, seed: 2 });
    const r = trackBeats(audio);
    console.log(`jittered 100: ${summary(r)}`);
    expect(within(r.bpm, 100)).toBe(true);
    expect(hitRate(r.beats, clicks)).toBeGreaterThanOrEqual(0.9);
  });

  it('swung 8ths (off-beat at 2/3 of the beat, softer) read as the quarter-note tempo', () => {
    const hits: Hit[] = [];
    for (let t = 0.3; t < 14.5; t += 0.6) hits.push({ sec: t, voice: 'click', gain: 0.8 }, { sec: t + 0.4, voice: 'click', gain: 0.4 });
    const r = trackBeats(render(hits, 15, SR));
    console.log(`swung 100: ${summary(r)}`);
    expect(within(r.bpm, 100)).toBe(true);
  });
});

/** Kick on 1 and 3, snare on 2 and 4, soft 8th-note hats. */
const ROCK = { kick: 'x...x...', snare: '..x...x.', hat: 'oooooooo' };

describe('trackBeats: drum patterns over a sustained pad', () => {
  it.each([
    ['rock', 84, ROCK],
    ['rock', 100, ROCK],
    ['rock', 128, ROCK],
    ['rock', 140, ROCK],
    ['four-on-the-floor', 128, { kick: 'x.x.x.x.', snare: '..x...x.', hat: '.o.o.o.o' }],
  ] as const)('%s at %i BPM: the tempo, or its octave flagged with the tempo as the alternative', (_name, bpm, rows) => {
    const { audio, beats } = drumPattern(bpm, 15, SR, rows, { pad: 0.3 });
    const r = trackBeats(audio);
    console.log(`${_name} ${bpm}: ${summary(r)}, hits ${hitRate(r.beats, beats).toFixed(2)}`);
    if (within(r.bpm, bpm)) {
      expect(hitRate(r.beats, beats)).toBeGreaterThanOrEqual(0.9);
    } else {
      expect(within(r.bpm, bpm * 2) || within(r.bpm, bpm / 2)).toBe(true);
      expect(r.octaveAmbiguous).toBe(true);
      expect(within(r.alternatives[0] ?? null, bpm)).toBe(true);
    }
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('even 8th-note hats over equal kicks on every beat are octave-ambiguous, 90 and 180 both offered', () => {
    const { audio } = drumPattern(90, 15, SR, { kick: 'x.x.x.x.', hat: 'xxxxxxxx' }, { pad: 0.3 });
    const r = trackBeats(audio);
    console.log(`ambiguous 90/180: ${summary(r)}`);
    expect(r.octaveAmbiguous).toBe(true);
    const offered = [r.bpm!, ...r.alternatives];
    expect(offered.some((v) => within(v, 90))).toBe(true);
    expect(offered.some((v) => within(v, 180))).toBe(true);
  });

  it('a backbeat with quarter-note hats is not ambiguous', () => {
    const { audio, beats } = drumPattern(100, 15, SR, { kick: 'x...x...', snare: '..x...x.', hat: 'x.x.x.x.' }, { pad: 0.3 });
    const r = trackBeats(audio);
    console.log(`backbeat 100: ${summary(r)}`);
    expect(within(r.bpm, 100)).toBe(true);
    expect(r.octaveAmbiguous).toBe(false);
    expect(r.alternatives).toEqual([]);
    expect(hitRate(r.beats, beats)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('trackBeats: no pulse, no tempo', () => {
  const n = SR * 12;
  const rand = rng(5);
  const noise = new Float32Array(n).map(() => (rand() * 2 - 1) * 0.3);
  const tone = new Float32Array(n).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / SR));
  const pad = new Float32Array(n);
  addPad(pad, SR, 0.5);
  // A sung vowel: 12 harmonics of 220 Hz with a 5.5 Hz, ±50 cent vibrato (periodic, but no onsets).
  const vowel = new Float32Array(n);
  for (let i = 0, ph = 0; i < n; i++) {
    ph += (2 * Math.PI * 220 * 2 ** ((50 / 1200) * Math.sin((2 * Math.PI * 5.5 * i) / SR))) / SR;
    for (let h = 1; h <= 12; h++) vowel[i]! += (0.3 * Math.sin(h * ph)) / h;
  }
  const cases: [string, Audio][] = [
    ['silence', { sampleRate: SR, channels: [new Float32Array(n), new Float32Array(n)] }],
    ['white noise', { sampleRate: SR, channels: [noise, noise.map((v) => -v * 0.7)] }],
    ['a steady tone', { sampleRate: SR, channels: [tone] }],
    ['a sustained pad', { sampleRate: SR, channels: [pad, pad] }],
    ['a sung vowel with vibrato', { sampleRate: SR, channels: [vowel] }],
    ['two seconds of clicks (too short to measure)', clickTrack(120, 2, SR).audio],
  ];
  it.each(cases)('%s: bpm null, confidence < 0.3, no beats', (_name, audio) => {
    const r = trackBeats(audio);
    console.log(`${_name}: ${summary(r)}`);
    expect(r.bpm).toBeNull();
    expect(r.confidence).toBeLessThan(0.3);
    expect(r.beats).toEqual([]);
    expect(r.alternatives).toEqual([]);
    expect(r.octaveAmbiguous).toBe(false);
  });

  it('refuses malformed audio with a one-line reason', () => {
    expect(() => trackBeats({ sampleRate: SR, channels: [new Float32Array(10), new Float32Array(9)] })).toThrow(/onset envelope: channels differ in length/);
    expect(() => trackBeats({ sampleRate: 0, channels: [new Float32Array(10)] })).toThrow(/sample rate/);
  });
});
