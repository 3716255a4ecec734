// StudioApi commands about one track: opening it for the player, relinking its file, its
// segments and stems, and its waveform.
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { checkTrackFile, relinkTrackTo } from '../library/trackFile';
import { checkSegmentSpan } from '../segmentRules';
import { attachStem } from '../stemAttach';
import type { CommandContext } from './context';

type TrackCommands = Pick<
  StudioApi,
  'openTrack' | 'relinkTrack' | 'createSegment' | 'updateSegment' | 'deleteSegment' | 'restoreSegment' | 'attachStem' | 'getPeaks'
>;

export function trackCommands(ctx: CommandContext): TrackCommands {
  const { store, events } = ctx;

  return {
    async openTrack({ id }) {
      const track = await store.tracks.require(id);
      const file = await checkTrackFile(store, track);
      return {
        track,
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

    async createSegment({ trackId, startSec, endSec }) {
      checkSegmentSpan(startSec, endSec, (await store.tracks.require(trackId)).durationSec);
      const seg = await store.segments.insert(trackId, startSec, endSec);
      events.emit('trackChanged', { trackId, what: 'segments' });
      return seg;
    },

    async updateSegment({ id, startSec, endSec }) {
      const seg = await store.segments.require(id);
      checkSegmentSpan(startSec, endSec, (await store.tracks.require(seg.trackId)).durationSec);
      const updated = await store.segments.update(id, startSec, endSec);
      events.emit('trackChanged', { trackId: seg.trackId, what: 'segments' });
      return updated;
    },

    async deleteSegment({ id }) {
      const seg = await store.segments.require(id);
      await store.segments.delete(id);
      events.emit('trackChanged', { trackId: seg.trackId, what: 'segments' });
      return { id };
    },

    async restoreSegment({ id }) {
      throw new StudioError('UNSUPPORTED', `restoreSegment ${id}: not built yet`);
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
