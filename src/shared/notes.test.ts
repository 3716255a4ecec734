// Note names and cents: A4 = 440 Hz, sharps, scientific octave numbers.
import { describe, expect, it } from 'vitest';
import { centsBetween, hzToMidi, noteName } from './notes';

describe('noteName', () => {
  it.each([
    [440, 'A4'],
    [261.63, 'C4'],
    [277.18, 'C#4'],
    [246.94, 'B3'],
    [27.5, 'A0'],
    [4186.01, 'C8'],
    [98, 'G2'],
    [452, 'A4'], // +46 cents: still A4
    [455, 'A#4'], // +58 cents: the next note up
  ])('names %f Hz %s', (hz, name) => expect(noteName(hz)).toBe(name));

  it('refuses a frequency that is not positive', () => {
    expect(() => noteName(0)).toThrow(/positive/);
    expect(() => noteName(Number.NaN)).toThrow(/positive/);
  });
});

describe('cents and MIDI', () => {
  it('measures intervals', () => {
    expect(centsBetween(440, 880)).toBeCloseTo(1200, 9);
    expect(centsBetween(440, 220)).toBeCloseTo(-1200, 9);
    expect(centsBetween(200, 300)).toBeCloseTo(701.955, 3);
    expect(hzToMidi(261.6256)).toBeCloseTo(60, 4);
  });
});
