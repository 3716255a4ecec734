// StudioApi commands about one track: opening it for the player, relinking its file, its
// segments and stems, and its waveform.
import type { StudioApi } from '../../shared/api';
import { checkTrackFile, relinkTrackTo } from '../library/trackFile';
import { checkSegmentSpan } from '../segmentRules';
import { attachStem } from '../stemAttach';
import { latestAttributes } from '../store/attributes';
import { deleteSegment, insertSegment, listSegments, requireSegment, updateSegment } from '../store/segments';
import { listStems } from '../store/stems';
import { latestSuggestions } from '../store/suggestions';
import { requireTrack } from '../store/tracks';
import type { CommandContext } from './context';

type TrackCommands = Pick<
  StudioApi,
  'openTrack' | 'relinkTrack' | 'createSegment' | 'updateSegment' | 'deleteSegment' | 'attachStem' | 'getPeaks'
>;

export function trackCommands(ctx: CommandContext): TrackCommands {
  const { db, events } = ctx;

  return {
    async openTrack({ id }) {
      const track = requireTrack(db, id);
      const file = await checkTrackFile(db, track);
      return {
        track,
        fileState: file.state,
        fileMessage: file.message,
        stems: listStems(db, id),
        segments: listSegments(db, id),
        suggestions: latestSuggestions(db, id),
        attributes: latestAttributes(db, id),
        jobs: ctx.jobs.list(id),
      };
    },

    async relinkTrack({ id, path }) {
      const track = await relinkTrackTo(db, id, path);
      events.emit('trackChanged', { trackId: id, what: 'file' });
      events.emit('libraryChanged', { reason: 'relink' });
      return track;
    },

    async createSegment({ trackId, startSec, endSec }) {
      checkSegmentSpan(startSec, endSec, requireTrack(db, trackId).durationSec);
      const seg = insertSegment(db, trackId, startSec, endSec);
      events.emit('trackChanged', { trackId, what: 'segments' });
      return seg;
    },

    async updateSegment({ id, startSec, endSec }) {
      const seg = requireSegment(db, id);
      checkSegmentSpan(startSec, endSec, requireTrack(db, seg.trackId).durationSec);
      const updated = updateSegment(db, id, startSec, endSec);
      events.emit('trackChanged', { trackId: seg.trackId, what: 'segments' });
      return updated;
    },

    async deleteSegment({ id }) {
      const seg = requireSegment(db, id);
      deleteSegment(db, id);
      events.emit('trackChanged', { trackId: seg.trackId, what: 'segments' });
      return { id };
    },

    async attachStem({ trackId, name, path }) {
      const stem = await attachStem(db, trackId, name, path);
      events.emit('trackChanged', { trackId, what: 'stems' });
      return stem;
    },

    async getPeaks({ source, maxPeaks, startSec, endSec }) {
      return ctx.peaks.view(source, maxPeaks ?? 4000, { startSec, endSec });
    },
  };
}
