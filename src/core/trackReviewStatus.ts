// A track's status says how far review has come, not only that a model spoke: "reviewed" once every
// visible segment's head revision is approved; when that stops being true (a caption sent back, a
// new segment, a hidden one restored) it falls back to what suggestions and stems say (captioned,
// separated, imported). The machine steps (separate, caption) still only move a track forward from
// imported/separated (jobs/jobRunner, stemFiles); this is the one place that sets or leaves "reviewed".
import type { TrackStatus } from '../shared/types';
import type { Repositories } from './store/store';

/**
 * Brings a track's status in line with its captions; call inside the transaction that changed
 * them, having taken the track's lock (SegmentsRepo.lockTrack) before touching any of its segment
 * rows (one lock order everywhere: track, then segment). Returns the new status when it changed, else null.
 */
export async function refreshReviewStatus(tx: Repositories, trackId: number): Promise<TrackStatus | null> {
  // PostgreSQL: two saves approving a track's last two segments at once must take turns here, the
  // second counting the first's approval (READ COMMITTED reads what committed before each statement).
  await tx.segments.lockTrack(trackId);
  const track = await tx.tracks.require(trackId);
  const c = (await tx.segments.countsByTrack([trackId])).get(trackId);
  const reviewed = c !== undefined && c.segments > 0 && c.approved === c.segments;
  let next: TrackStatus = track.status;
  if (reviewed) next = 'reviewed';
  else if (track.status === 'reviewed') {
    next = c && c.suggested > 0 ? 'captioned' : (await tx.stems.list(trackId)).length > 0 ? 'separated' : 'imported';
  }
  if (next === track.status) return null;
  await tx.tracks.setStatus(trackId, next);
  return next;
}
