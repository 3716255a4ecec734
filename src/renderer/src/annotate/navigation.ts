// Where "next" and "previous" go from a segment: through the annotation queue when the annotator
// came from it (the next item may be on another track), else to the neighbouring segment of the
// open track by time. Pure, so the order is tested without a browser.
import type { QueueItem } from '../../../shared/annotation';
import type { Segment } from '../../../shared/types';

export interface Target {
  trackId: number;
  segmentId: number;
}

/** The part of the queue store navigation uses (stores/queue.ts). */
export interface QueueLike {
  active: boolean;
  nextAfter(segmentId: number): QueueItem | null;
  prevBefore(segmentId: number): QueueItem | null;
}

/** Segments in time order (start, then end, then id), the order the track view lists them. */
export function byTime(segments: readonly Segment[]): Segment[] {
  return [...segments].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec || a.id - b.id);
}

/**
 * The segment after (dir 1) or before (dir -1) `currentId` in time; with no current segment,
 * the first (or last). Null at either end.
 */
export function neighbour(segments: readonly Segment[], currentId: number | null, dir: 1 | -1): Segment | null {
  const list = byTime(segments);
  if (list.length === 0) return null;
  const i = currentId === null ? -1 : list.findIndex((s) => s.id === currentId);
  if (i < 0) return (dir === 1 ? list[0] : list.at(-1)) ?? null;
  return list[i + dir] ?? null;
}

export function nextTarget(opts: {
  queue: QueueLike | null;
  segments: readonly Segment[];
  trackId: number;
  currentId: number | null;
  dir: 1 | -1;
}): Target | null {
  const { queue, currentId, dir } = opts;
  if (queue?.active && currentId !== null) {
    const item = dir === 1 ? queue.nextAfter(currentId) : queue.prevBefore(currentId);
    return item ? { trackId: item.trackId, segmentId: item.segmentId } : null;
  }
  const s = neighbour(opts.segments, currentId, dir);
  return s ? { trackId: opts.trackId, segmentId: s.id } : null;
}
