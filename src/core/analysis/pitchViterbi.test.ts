// The pYIN decoder on hand-made candidate lists: it must keep a smooth line through frames whose
// most probable candidate is an octave off, stay unvoiced through weak frames, and never jump
// further than the band allows without passing through unvoiced.
import { describe, expect, it } from 'vitest';
import { decodePitchPath, type PitchCandidates } from './pitchViterbi';

const PARAMS = { maxJumpSemitones: 4.31, switchProb: 0.01, unvoicedWeight: 0.5 };

/** frames: per frame a list of [semitones, probability]. */
function candidates(frames: Array<Array<[number, number]>>): PitchCandidates {
  const offsets = new Int32Array(frames.length + 1);
  const semitones: number[] = [];
  const prob: number[] = [];
  const voicedProb = new Float32Array(frames.length);
  frames.forEach((list, t) => {
    offsets[t] = semitones.length;
    for (const [s, p] of list) {
      semitones.push(s);
      prob.push(p);
      voicedProb[t] = voicedProb[t]! + p;
    }
    offsets[t + 1] = semitones.length;
  });
  return { offsets, semitones: Float64Array.from(semitones), prob: Float64Array.from(prob), voicedProb };
}

/** The chosen semitone per frame (null = unvoiced). */
function decode(frames: Array<Array<[number, number]>>): Array<number | null> {
  const c = candidates(frames);
  return Array.from(decodePitchPath(c, PARAMS), (i) => (i < 0 ? null : c.semitones[i]!));
}

describe('decodePitchPath', () => {
  it('keeps the line when single frames favour the octave', () => {
    const frames = Array.from({ length: 40 }, (_, t): Array<[number, number]> =>
      t % 7 === 3 ? [[24, 0.55], [12, 0.4]] : [[12, 0.9], [24, 0.05]],
    );
    expect(decode(frames)).toEqual(Array(40).fill(12));
  });

  it('follows a slow glide and a vibrato-sized wobble', () => {
    const frames = Array.from({ length: 60 }, (_, t): Array<[number, number]> => [[10 + t * 0.1 + 0.4 * Math.sin(t / 2), 0.8], [22 + t * 0.1, 0.15]]);
    const path = decode(frames);
    path.forEach((s, t) => expect(s).toBeCloseTo(10 + t * 0.1 + 0.4 * Math.sin(t / 2), 9));
  });

  it('stays unvoiced through weak frames and leaves voicing for a gap', () => {
    const frames: Array<Array<[number, number]>> = [
      ...Array.from({ length: 20 }, (): Array<[number, number]> => [[12, 0.95]]),
      ...Array.from({ length: 20 }, (_, t): Array<[number, number]> => [[(t * 7) % 30, 0.01]]), // noise: deepest trough, tiny share
      ...Array.from({ length: 20 }, (): Array<[number, number]> => [[19, 0.95]]),
    ];
    const path = decode(frames);
    expect(path.slice(0, 19)).toEqual(Array(19).fill(12));
    expect(path.slice(21, 39)).toEqual(Array(18).fill(null));
    expect(path.slice(41)).toEqual(Array(19).fill(19));
  });

  it('passes through unvoiced for a jump wider than the band', () => {
    const frames = Array.from({ length: 30 }, (_, t): Array<[number, number]> => [[t < 15 ? 0 : 12, 0.97]]);
    const path = decode(frames);
    // Every voiced step is within the band; the octave is crossed through an unvoiced frame.
    for (let t = 1; t < path.length; t++) {
      if (path[t] !== null && path[t - 1] !== null) expect(Math.abs(path[t]! - path[t - 1]!)).toBeLessThan(PARAMS.maxJumpSemitones);
    }
    expect(path).toContain(null);
    expect(path[0]).toBe(0);
    expect(path[29]).toBe(12);
  });

  it('handles frames without candidates and an empty track', () => {
    expect(decode([[], [], []])).toEqual([null, null, null]);
    expect(decode([])).toEqual([]);
  });
});
