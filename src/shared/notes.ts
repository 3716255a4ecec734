// Musical names for measured frequencies: the pitch attributes show Hz beside a note name
// ("A4", "C#4") so an annotator can check them against a keyboard, and the pitch/vibrato code
// measures intervals in cents. Equal temperament, A4 = 440 Hz, sharps, scientific octave numbers
// (C4 = middle C, 261.63 Hz). Shared: the measured attributes' details and the renderer's pitch
// grid name notes alike. Hand-written: three lines of arithmetic do not justify a dependency.

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

/** MIDI note number (fractional) of a frequency: 69 = A4 = 440 Hz. */
export function hzToMidi(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

/** Interval from `a` to `b` in cents (positive when b is higher). */
export function centsBetween(aHz: number, bHz: number): number {
  return 1200 * Math.log2(bHz / aHz);
}

/** Nearest equal-tempered note, e.g. noteName(440) = 'A4', noteName(261.63) = 'C4'. */
export function noteName(hz: number): string {
  if (!Number.isFinite(hz) || hz <= 0) throw new RangeError(`noteName: frequency must be a positive number of Hz, got ${hz}`);
  const midi = Math.round(hzToMidi(hz));
  const pc = ((midi % 12) + 12) % 12;
  return `${NAMES[pc]!}${Math.floor(midi / 12) - 1}`;
}
