import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../../../shared/annotation';
import { neighbour, nextTarget, type QueueLike } from './navigation';

const s = (id: number, startSec: number) => ({ id, trackId: 1, startSec, endSec: startSec + 5, createdAt: '' });
const segments = [s(3, 40), s(1, 0), s(2, 20)];

describe('neighbour', () => {
  it('goes by time, not by id or list order', () => {
    expect(neighbour(segments, 1, 1)?.id).toBe(2);
    expect(neighbour(segments, 2, 1)?.id).toBe(3);
    expect(neighbour(segments, 3, 1)).toBeNull();
    expect(neighbour(segments, 2, -1)?.id).toBe(1);
    expect(neighbour(segments, 1, -1)).toBeNull();
  });
  it('with nothing selected, starts at the first (or the last going back)', () => {
    expect(neighbour(segments, null, 1)?.id).toBe(1);
    expect(neighbour(segments, null, -1)?.id).toBe(3);
    expect(neighbour([], null, 1)).toBeNull();
  });
});

describe('nextTarget', () => {
  const item = (segmentId: number, trackId: number) => ({ segmentId, trackId }) as QueueItem;
  const queue = (active: boolean): QueueLike => ({ active, nextAfter: () => item(77, 9), prevBefore: () => null });

  it('follows the queue when the annotator came from it, even onto another track', () => {
    expect(nextTarget({ queue: queue(true), segments, trackId: 1, currentId: 1, dir: 1 })).toEqual({ trackId: 9, segmentId: 77 });
    expect(nextTarget({ queue: queue(true), segments, trackId: 1, currentId: 1, dir: -1 })).toBeNull();
  });
  it('otherwise the next segment of the track by time', () => {
    expect(nextTarget({ queue: queue(false), segments, trackId: 1, currentId: 1, dir: 1 })).toEqual({ trackId: 1, segmentId: 2 });
    expect(nextTarget({ queue: null, segments, trackId: 1, currentId: 3, dir: -1 })).toEqual({ trackId: 1, segmentId: 2 });
  });
});
