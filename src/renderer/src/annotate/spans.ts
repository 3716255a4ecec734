// A segment span the studio will accept: SEGMENT_MIN_SEC–SEGMENT_MAX_SEC long, inside the track.
// A drag longer than the maximum is shortened, and the caller is told so (the user sees a note
// rather than a segment silently cut).
import { SEGMENT_MAX_SEC, SEGMENT_MIN_SEC } from '../../../shared/types';

export interface ClampedSpan {
  startSec: number;
  endSec: number;
  /** The request was longer than SEGMENT_MAX_SEC and was cut to it. */
  shortened: boolean;
}

export const SHORTENED_MESSAGE = `Segment shortened to ${SEGMENT_MAX_SEC} s (the maximum)`;

export function clampSpan(start: number, end: number, durationSec: number): ClampedSpan {
  const dur = Math.max(0, durationSec);
  const asked = end - start;
  let len = Math.min(Math.max(asked, Math.min(SEGMENT_MIN_SEC, dur)), SEGMENT_MAX_SEC);
  let s = Math.max(0, start);
  if (s + len > dur) s = Math.max(0, dur - len);
  len = Math.min(len, dur - s);
  return { startSec: s, endSec: s + len, shortened: asked > SEGMENT_MAX_SEC + 1e-6 };
}
