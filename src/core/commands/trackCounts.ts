// Track.counts for the library list and the player (segments, suggested, approved): one grouped
// query per page of tracks (SegmentsRepo.countsByTrack), never one per track.
import type { Track, TrackCounts } from '../../shared/types';
import type { Store } from '../store/store';

const none = (): TrackCounts => ({ segments: 0, suggested: 0, approved: 0 });

/** The tracks with their counts filled in; `all`: the tracks are the whole library (one query without an id list). */
export async function withCounts(store: Pick<Store, 'segments'>, tracks: Track[], all = false): Promise<Track[]> {
  if (!tracks.length) return tracks;
  const counts = await store.segments.countsByTrack(all ? undefined : tracks.map((t) => t.id));
  return tracks.map((t) => ({ ...t, counts: counts.get(t.id) ?? none() }));
}
