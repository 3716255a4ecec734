import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import type { QueueItem, QueueQuery } from '../../../shared/annotation';
import { CLIENT_KEY } from '../client/inject';
import type { StudioClient } from '../client/types';
import { QUEUE_PAGE, useQueueStore } from './queue';

const item = (segmentId: number): QueueItem => ({
  segmentId,
  trackId: 1,
  startSec: segmentId,
  endSec: segmentId + 5,
  trackTitle: 't',
  artist: null,
  album: null,
  fileName: 't.wav',
  state: 'suggested',
  text: `caption ${segmentId}`,
  headRevisionId: null,
  annotator: null,
  review: null,
  suggestionPack: null,
  score: null,
  confidenceLevel: null,
  updatedAt: '2025-01-01T00:00:00Z',
});

/** A studio whose queue is segments 1..n (those in `gone` have left it), answering like queryQueue. */
function studio(n: number) {
  const gone = new Set<number>();
  const calls: QueueQuery[] = [];
  const handlers = new Map<string, ((p: unknown) => void)[]>();
  const client = {
    async queryQueue(q: QueueQuery) {
      calls.push(q);
      const all = Array.from({ length: n }, (_, i) => item(i + 1)).filter((x) => !gone.has(x.segmentId));
      const offset = q.offset ?? 0;
      return { items: all.slice(offset, offset + (q.limit ?? 100)), total: all.length, offset, limit: q.limit ?? 100 };
    },
    on(event: string, h: (p: unknown) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), h]);
      return () => undefined;
    },
  } as unknown as StudioClient;
  const app = createApp({});
  app.provide(CLIENT_KEY, client);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  const emit = (event: string) => handlers.get(event)?.forEach((h) => h({}));
  return { queue: useQueueStore(), calls, gone, emit };
}
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('queue store', () => {
  it('loads the first page with the query and counts all', async () => {
    const { queue, calls } = studio(250);
    queue.setQuery({ order: 'confidence', status: ['suggested'] });
    await nextTick();
    await settle();
    expect(calls.at(-1)).toEqual({ order: 'confidence', status: ['suggested'], offset: 0, limit: QUEUE_PAGE });
    expect(queue.items).toHaveLength(QUEUE_PAGE);
    expect(queue.total).toBe(250);
    expect(queue.hasMore).toBe(true);
  });

  it('answers next and previous from what it holds, and prefetches the next page near its end', async () => {
    const { queue, calls } = studio(250);
    await queue.load();
    expect(queue.nextAfter(5)?.segmentId).toBe(6);
    expect(queue.prevBefore(5)?.segmentId).toBe(4);
    expect(queue.prevBefore(1)).toBeNull();
    expect(queue.nextAfter(999)).toBeNull();
    expect(calls).toHaveLength(1);
    // Near the end of the first page: the second is fetched, and then next crosses into it.
    expect(queue.nextAfter(95)?.segmentId).toBe(96);
    await settle();
    expect(calls.at(-1)?.offset).toBe(QUEUE_PAGE);
    expect(queue.items).toHaveLength(2 * QUEUE_PAGE);
    expect(queue.nextAfter(QUEUE_PAGE)?.segmentId).toBe(QUEUE_PAGE + 1);
  });

  it('after a save refreshes the pages held, and a segment that left the queue continues from its place', async () => {
    const { queue, gone, emit } = studio(20);
    await queue.load();
    gone.add(7); // approved: no longer matches the filter
    emit('captionChanged');
    // Until the refresh lands, the held items still answer.
    expect(queue.nextAfter(7)?.segmentId).toBe(8);
    await settle();
    expect(queue.items.map((i) => i.segmentId)).not.toContain(7);
    expect(queue.nextAfter(7)?.segmentId).toBe(8);
    expect(queue.prevBefore(7)?.segmentId).toBe(6);
  });
});
