// Vocal activity and proposed caption segments on synthetic "songs" whose phrases are known: a
// voice-like harmonic tone in the stem exactly where a hand-built PitchTrack is voiced, a little
// bleed noise elsewhere. Proposals must cover the phrases, stay 5–30 s, never overlap, cut long
// stretches at pauses, ignore a 1 s blip, and come most vocal-dense first.
import { describe, expect, it } from 'vitest';
import type { ProposedSegment } from '../../shared/attributes';
import { proposeSegments, vocalActivity } from './activity';
import type { Audio, PitchTrack } from './types';

const SR = 22050;

/** Stem with a 200 Hz harmonic "voice" in each phrase and bleed noise ~50 dB under it elsewhere. */
function song(sec: number, phrases: [number, number][], voiceAmp = 0.3): { stem: Audio; pitch: PitchTrack } {
  const x = new Float32Array(Math.round(sec * SR));
  let seed = 12345;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x[i] = 0.001 * (seed / 2147483648 - 0.5);
  }
  for (const [a, b] of phrases) {
    for (let i = Math.round(a * SR); i < Math.min(x.length, Math.round(b * SR)); i++) {
      const t = i / SR;
      x[i] = x[i]! + voiceAmp * (Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 400 * t) + 0.25 * Math.sin(2 * Math.PI * 600 * t));
    }
  }
  const hopSec = 0.01;
  const n = Math.floor(sec / hopSec);
  const f0Hz = new Float32Array(n);
  const voicedProb = new Float32Array(n).fill(0.05);
  for (let i = 0; i < n; i++) {
    const t = i * hopSec + hopSec / 2;
    if (phrases.some(([a, b]) => t >= a && t < b)) {
      f0Hz[i] = 200;
      voicedProb[i] = 0.9;
    }
  }
  return { stem: { sampleRate: SR, channels: [x] }, pitch: { hopSec, startSec: hopSec / 2, f0Hz, voicedProb } };
}

function checkShape(props: ProposedSegment[]): void {
  for (const p of props) {
    expect(p.endSec - p.startSec, JSON.stringify(p)).toBeGreaterThanOrEqual(5 - 1e-9);
    expect(p.endSec - p.startSec, JSON.stringify(p)).toBeLessThanOrEqual(30 + 1e-9);
    expect(Math.round(p.startSec * 10)).toBeCloseTo(p.startSec * 10, 6);
    expect(Math.round(p.endSec * 10)).toBeCloseTo(p.endSec * 10, 6);
    expect(p.vocalDensity).toBeGreaterThanOrEqual(0);
    expect(p.vocalDensity).toBeLessThanOrEqual(1);
  }
  const byTime = [...props].sort((a, b) => a.startSec - b.startSec);
  for (let i = 1; i < byTime.length; i++) expect(byTime[i]!.startSec).toBeGreaterThanOrEqual(byTime[i - 1]!.endSec);
  for (let i = 1; i < props.length; i++) expect(props[i]!.vocalDensity).toBeLessThanOrEqual(props[i - 1]!.vocalDensity);
}

const covers = (props: ProposedSegment[], a: number, b: number) => props.some((p) => p.startSec <= a + 0.3 && p.endSec >= b - 0.3);

describe('vocalActivity', () => {
  it('is high inside phrases and near 0 between them', () => {
    const { stem, pitch } = song(30, [[5, 15]]);
    const act = vocalActivity(pitch, stem);
    expect(act.length).toBe(300);
    expect(act[100]!).toBeGreaterThan(0.8); // 10 s
    expect(act[20]!).toBeLessThan(0.05); // 2 s
    expect(act[250]!).toBeLessThan(0.05); // 25 s
  });

  it('stays near 0 for a silent stem even where the track claims voice', () => {
    const { pitch } = song(30, [[0, 30]]);
    const silent: Audio = { sampleRate: 44100, channels: [new Float32Array(44100 * 30), new Float32Array(44100 * 30)] };
    const act = vocalActivity(pitch, silent);
    expect(Math.max(...act)).toBeLessThan(0.05);
  });

  it('needs the voice as well as the energy: an unvoiced loud stem is not active', () => {
    const { stem } = song(20, [[0, 20]]);
    const { pitch } = song(20, []);
    expect(Math.max(...vocalActivity(pitch, stem))).toBeLessThan(0.1);
  });
  it('refuses a malformed stem or track with a one-line reason', () => {
    const { stem, pitch } = song(2, [[0, 2]]);
    expect(() => vocalActivity(pitch, { sampleRate: NaN, channels: stem.channels })).toThrow(/^vocalActivity: sample rate/);
    expect(() => vocalActivity({ ...pitch, hopSec: 0 }, stem)).toThrow(/^vocalActivity: pitch track needs a positive hop/);
    expect(() => vocalActivity(pitch, stem, 0)).toThrow(/^vocalActivity: bad hop/);
  });
});

describe('proposeSegments', () => {
  it('covers the phrases of a song, 5–30 s each, no overlap, without proposing a 1 s blip', () => {
    const phrases: [number, number][] = [[3, 11], [12, 20], [40, 47], [60, 61]];
    const { stem, pitch } = song(70, phrases);
    const props = proposeSegments(vocalActivity(pitch, stem), 0.1);
    checkShape(props);
    for (const [a, b] of phrases.slice(0, 3)) expect(covers(props, a, b), `${a}–${b}`).toBe(true);
    expect(props.some((p) => p.endSec > 55)).toBe(false);
    expect(props.every((p) => p.vocalDensity > 0.7)).toBe(true);
  });

  it('gives no proposals for a silent stem', () => {
    const { pitch } = song(70, [[3, 11], [12, 20], [40, 47]]);
    const silent: Audio = { sampleRate: SR, channels: [new Float32Array(SR * 70)] };
    expect(proposeSegments(vocalActivity(pitch, silent), 0.1)).toEqual([]);
  });

  it('splits 90 s of continuous singing into pieces of at most 30 s', () => {
    const { stem, pitch } = song(100, [[5, 95]]);
    const props = proposeSegments(vocalActivity(pitch, stem), 0.1);
    checkShape(props);
    expect(props.length).toBe(3);
    const byTime = [...props].sort((a, b) => a.startSec - b.startSec);
    expect(byTime[0]!.startSec).toBeLessThanOrEqual(5.3);
    expect(byTime[2]!.endSec).toBeGreaterThanOrEqual(94.7);
  });

  it('cuts a long stretch at a pause between phrases, not mid-phrase', () => {
    // Phrases of 6 s with 0.6 s breaths: 45 s of singing must be cut, and only inside a breath.
    const phrases: [number, number][] = [];
    for (let t = 2; t + 6 <= 48; t += 6.6) phrases.push([t, t + 6]);
    const { stem, pitch } = song(50, phrases);
    const props = proposeSegments(vocalActivity(pitch, stem), 0.1);
    checkShape(props);
    expect(props.length).toBeGreaterThanOrEqual(2);
    const bounds = props.flatMap((p) => [p.startSec, p.endSec]);
    for (const t of bounds) {
      const inside = phrases.some(([a, b]) => t > a + 0.3 && t < b - 0.3);
      expect(inside, `boundary ${t} falls mid-phrase`).toBe(false);
    }
    for (const [a, b] of phrases) expect(covers(props, a, b), `${a}–${b}`).toBe(true);
  });

  it('cuts one unbroken 45 s stretch at its shallow dips (quick breaths), not at an even split', () => {
    // Activity never falls below the phrase threshold, so only the cut search can find the breaths.
    const hop = 0.1;
    const act = new Float32Array(500).fill(0.9, 20, 470);
    const dips = [9.5, 17.5, 21.5, 33.5, 40.5];
    for (const d of dips) act.fill(0.4, Math.round(d / hop), Math.round((d + 0.3) / hop));
    const props = proposeSegments(act, hop);
    checkShape(props);
    const inner = props.flatMap((p) => [p.startSec, p.endSec]).filter((t) => t > 2.5 && t < 46.5);
    expect(inner.length).toBeGreaterThan(0);
    for (const t of inner) expect(dips.some((d) => t >= d - 0.2 && t <= d + 0.5), `cut at ${t}`).toBe(true);
  });

  it('merges short neighbours, pads a 4 s phrase to 5 s, drops what cannot be mostly vocal, and limits', () => {
    const hop = 0.1;
    const act = new Float32Array(600);
    const on = (a: number, b: number, v = 0.9) => act.fill(v, Math.round(a / hop), Math.round(b / hop));
    on(2, 5); // 3 s …
    on(6, 9); // … and 3 s after a 1 s breath: one span
    on(20, 24); // a lone 4 s phrase: padded to 5 s, still mostly vocal
    on(35, 37); // a lone 2 s phrase: 5 s of it would be mostly silence
    on(45, 55, 0.6); // a quieter 10 s phrase: kept, less dense
    const props = proposeSegments(act, hop);
    checkShape(props);
    const byTime = [...props].sort((a, b) => a.startSec - b.startSec);
    expect(byTime.map((p) => [p.startSec <= 2 && p.endSec >= 9, p.startSec <= 20 && p.endSec >= 24])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
    expect(byTime[2]!.startSec).toBeLessThanOrEqual(45);
    expect(props.some((p) => p.startSec < 37 && p.endSec > 35)).toBe(false);
    expect(props[props.length - 1]!.startSec).toBeGreaterThanOrEqual(44);
    expect(proposeSegments(act, hop, { limit: 1 })).toEqual(props.slice(0, 1));
    expect(proposeSegments(new Float32Array(0), hop)).toEqual([]);
  });
});
