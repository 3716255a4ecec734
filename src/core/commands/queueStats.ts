// StudioApi commands over many segments at once: the annotation queue (store/queue.ts) and the
// Stats view (store/stats.ts rows, core/metrics/studioStats.ts numbers).
import type { StudioApi } from '../../shared/api';
import { callerName } from '../annotator';
import { computeStudioStats } from '../metrics/studioStats';
import type { StatsWindow } from '../store/stats';
import type { CommandContext } from './context';

export type QueueStatsCommands = Pick<StudioApi, 'queryQueue' | 'getStats'>;

/** A time as the stored timestamps are written (ISO UTC with milliseconds), for comparing as text. */
const stored = (t: string | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

export function queueStatsCommands(ctx: CommandContext): QueueStatsCommands {
  const { store } = ctx;
  return {
    async queryQueue(q) {
      // The caller's own approved captions are not theirs to review.
      const me = q.reviewable ? await callerName(store.settings) : null;
      return store.transaction((tx) => tx.queue.page(q, me), { write: false });
    },

    async getStats(input) {
      const window: StatsWindow = { since: stored(input?.since), until: stored(input?.until) };
      const rows = await store.transaction((tx) => tx.stats.rows(window), { write: false });
      return computeStudioStats(rows, window);
    },
  };
}
