// What makes a valid caption segment: inside the track, and 5–30 s long as in S2Cap (a track
// shorter than 5 s can be captioned as a whole).
import { StudioError } from '../shared/errors';
import { SEGMENT_MAX_SEC, SEGMENT_MIN_SEC } from '../shared/types';

const EPS = 1e-3;

export function checkSegmentSpan(startSec: number, endSec: number, trackDurationSec: number | null): void {
  const dur = trackDurationSec ?? Infinity;
  if (!(startSec >= 0)) throw new StudioError('BAD_REQUEST', 'a segment cannot start before 0 s');
  if (endSec > dur + 0.05) throw new StudioError('BAD_REQUEST', `a segment cannot end after the track (${dur.toFixed(2)} s)`);
  const len = endSec - startSec;
  const min = Math.min(SEGMENT_MIN_SEC, dur);
  if (len + EPS < min) throw new StudioError('BAD_REQUEST', `segments are ${SEGMENT_MIN_SEC}–${SEGMENT_MAX_SEC} s long (as in S2Cap); this one is ${len.toFixed(2)} s`);
  if (len - EPS > SEGMENT_MAX_SEC) throw new StudioError('BAD_REQUEST', `segments are ${SEGMENT_MIN_SEC}–${SEGMENT_MAX_SEC} s long (as in S2Cap); this one is ${len.toFixed(2)} s`);
}
