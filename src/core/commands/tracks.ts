// StudioApi commands about one track: opening it for the player, relinking its file, its
// segments and stems, and its waveform. Segments of a track do not overlap unless asked to
// (allowOverlap); hiding one and bringing it back keeps the track's review status true.
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { formatDuration } from '../../shared/format';
import type { Segment } from '../../shared/types';
import { checkTrackFile, relinkTrackTo } from '../library/trackFile';
import { checkSegmentSpan } from '../segmentRules';
import { attachStem } from '../stemAttach';
import type { Repositories } from '../store/store';
import { refreshReviewStatus } from '../trackReviewStatus';
import type { CommandContext } from './context';
import { withCounts } from './trackCounts';

type TrackCommands = Pick<
  StudioApi,
  'openTrack' | 'relinkTrack' | 'createSegment' | 'updateSegment' | 'deleteSegment' | 'restoreSegment' | 'attachStem' | 'getPeaks'
>;

/** Refuses a span that overlaps another visible segment of the track (touching edges are fine). */
async function refuseOverlap(tx: Repositories, trackId: number, startSec: number, endSec: number, exceptId?: number): Promise<void> {
  await tx.segments.lockTrack(trackId);
  const [other] = await tx.segments.overlapping(trackId, startSec, endSec, exceptId);
  if (other) {
    const span = `${formatDuration(other.startSec)}–${formatDuration(other.endSec)}`;
    throw new StudioError('CONFLICT', `overlaps segment #${other.id} (${span}); move it so they only touch, or allow the overlap`);
  }
}

/**
 * Segment edits are made while a person waits: on a library another process is writing they fail
 * at once with "the library is busy" (api/failureText) rather than retrying in the background.
 */
export const AT_ONCE = { maxWaitMs: 0 } as const;

export function trackCommands(ctx: CommandContext): TrackCommands {
  const { store, events } = ctx;

  /** A segment change that can alter the track's review status, with its status update, in one transaction. */
  async function segmentChange<T extends Segment | { id: number }>(trackId: number, fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const { result, status } = await store.transaction(async (tx) => {
      // The track's lock before any of its segment rows (refreshReviewStatus counts under it).
      await tx.segments.lockTrack(trackId);
      const result = await fn(tx);
      return { result, status: await refreshReviewStatus(tx, trackId) };
    }, AT_ONCE);
    events.emit('trackChanged', { trackId, what: 'segments' });
    if (status) events.emit('libraryChanged', { reason: 'update' });
    return result;
  }

  return {
    async openTrack({ id }) {
      const track = await store.tracks.require(id);
      const file = await checkTrackFile(store, track);
      return {
        track: (await withCounts(store, [track]))[0]!,
        fileState: file.state,
        fileMessage: file.message,
        stems: await store.stems.list(id),
        segments: await store.segments.list(id),
        suggestions: await store.suggestions.latest(id),
        attributes: await store.attributes.latest(id),
        jobs: await ctx.jobs.list(id),
      };
    },

    async relinkTrack({ id, path }) {
      const track = await relinkTrackTo(store, id, path);
      events.emit('trackChanged', { trackId: id, what: 'file' });
      events.emit('libraryChanged', { reason: 'relink' });
      return track;
    },

    async createSegment({ trackId, startSec, endSec, allowOverlap }) {
      checkSegmentSpan(startSec, endSec, (await store.tracks.require(trackId)).durationSec);
      return segmentChange(trackId, async (tx) => {
        if (!allowOverlap) await refuseOverlap(tx, trackId, startSec, endSec);
        return tx.segments.insert(trackId, startSec, endSec);
      });
    },

    async updateSegment({ id, startSec, endSec, allowOverlap }) {
      const seg = await store.segments.require(id);
      checkSegmentSpan(startSec, endSec, (await store.tracks.require(seg.trackId)).durationSec);
      const updated = await store.transaction(async (tx) => {
        if (!allowOverlap) await refuseOverlap(tx, seg.trackId, startSec, endSec, id);
        return tx.segments.update(id, startSec, endSec);
      }, AT_ONCE);
      events.emit('trackChanged', { trackId: seg.trackId, what: 'segments' });
      return updated;
    },

    async deleteSegment({ id }) {
      const seg = await store.segments.require(id);
      return segmentChange(seg.trackId, async (tx) => {
        await tx.segments.delete(id);
        return { id };
      });
    },

    async restoreSegment({ id, allowOverlap }) {
      const found = await store.segments.getAny(id);
      if (!found) throw new StudioError('NOT_FOUND', `no segment with id ${id}`);
      // Already visible: nothing to undo, and nothing to refuse either.
      if (!found.hidden) return found.segment;
      const { trackId, startSec, endSec } = found.segment;
      return segmentChange(trackId, async (tx) => {
        if (!allowOverlap) await refuseOverlap(tx, trackId, startSec, endSec, id);
        await tx.segments.restore(id);
        return tx.segments.require(id);
      });
    },

    async attachStem({ trackId, name, path }) {
      const stem = await attachStem(store, trackId, name, path);
      events.emit('trackChanged', { trackId, what: 'stems' });
      return stem;
    },

    async getPeaks({ source, maxPeaks, startSec, endSec }) {
      return ctx.peaks.view(source, maxPeaks ?? 4000, { startSec, endSec });
    },
  };
}
