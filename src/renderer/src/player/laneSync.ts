// The arithmetic that keeps streamed lanes on the same sample, kept apart from the Web Audio graph
// so it can be tested on its own. Each lane is a media element feeding a DelayNode; the element's
// clock (currentTime: the content entering the delay) is exact to a few microseconds relative to
// the other lanes read in the same task, while elements start or resume on whichever render quantum
// their pipeline is ready for (measured: 0 to 120 ms apart). Delaying each lane by its lead over
// the others makes the lanes' outputs carry the same content: alignment measured from the elements'
// own clocks, with no resampling or nudging of playback rates. A single reading of a lane's clock
// can be a render quantum or two (2.9 ms each) off, so leads are medians of several readings and a
// sounding lane is only re-delayed when the median of its recent errors says so.
import { median as sharedMedian } from '../../../shared/quantiles';

/** Delay of the median lane after a start: headroom for lanes that start up to this late. */
export const BASE_DELAY = 0.06;
/** The longest delay a lane's DelayNode holds (seconds of context time). */
export const MAX_DELAY = 1;
/** Lanes further apart than this (seconds of content) are re-delayed. */
export const TOLERANCE = 0.0005;

export interface LaneClock {
  /** The element's currentTime: content seconds entering the lane's delay now. */
  time: number;
  /** The lane's current delay in seconds of context time. */
  delay: number;
}

/** The content leaving a lane's delay now, at playback rate `rate`. */
export function heardTime(c: LaneClock, rate: number): number {
  return c.time - c.delay * rate;
}

/** The studio's median (shared/quantiles), refusing no values: a NaN delay would silence a lane. */
export function median(xs: number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  return sharedMedian(xs);
}

/** The delay that makes a lane now at content `time` output `heard`; null when none in [0, MAX_DELAY] can. */
export function delayFor(time: number, heard: number, rate: number): number | null {
  const d = (time - heard) / rate;
  if (d < -1e-9 || d > MAX_DELAY) return null;
  return Math.max(0, d);
}

/**
 * The first alignment after a start: the median lane is delayed by BASE_DELAY and every other lane
 * by its lead over it. Returns the content heard now and each lane's delay (null: out of reach, so
 * that lane is sent to the others' position again).
 */
export function alignStart(times: number[], rate: number): { heard: number; delays: (number | null)[] } {
  const heard = median(times) - BASE_DELAY * rate;
  return { heard, delays: times.map((t) => delayFor(t, heard, rate)) };
}

/** What the sounding lanes agree is playing now: the median of their outputs (one stalled lane cannot move it). */
export function consensus(clocks: LaneClock[], rate: number): number {
  return median(clocks.map((c) => heardTime(c, rate)));
}

/** Readings kept per lane; a sounding lane is judged on at least JUDGE of them. */
export const HISTORY = 15;
export const JUDGE = 10;
/** Readings of a lane's lead taken before it is let in (at a start or after a re-seek). */
export const FIRST_READINGS = 3;

/** Appends a reading, keeping the last HISTORY. */
export function remember(history: number[], x: number): void {
  history.push(x);
  if (history.length > HISTORY) history.shift();
}

/**
 * A sounding lane's correction from its recent errors (its output minus the consensus, seconds of
 * content): undefined while they are too few or their median is within TOLERANCE, a new delay when
 * one can fix it, null when it has fallen out of reach (stalled, or ran ahead by more than
 * MAX_DELAY) and must be re-seeked.
 */
export function correction(delay: number, errors: number[], rate: number): number | null | undefined {
  if (errors.length < JUDGE) return undefined;
  const err = median(errors);
  if (Math.abs(err) <= TOLERANCE) return undefined;
  const d = delay + err / rate;
  return d < 0 || d > MAX_DELAY ? null : d;
}

/** When a lane output at content `heard` now (context time `now`) reaches `content`, in context time. */
export function contextTimeOf(content: number, heard: number, now: number, rate: number): number {
  return now + (content - heard) / rate;
}
