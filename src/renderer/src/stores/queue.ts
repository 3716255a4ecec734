// The annotation queue: the segments an annotator works through, in the order and with the filters
// they picked, as one Pinia store shared by the Queue view (a virtualised list, fetched in pages
// like the library) and the Annotate view (which asks for the segment after or before the one
// open). `nextAfter`/`prevBefore` answer from the pages held, synchronously, and fetch the next
// page in the background when the answer is near the end of what is held (prefetch), so approve &
// next never waits on the network for the common case. Responses to an older query are dropped.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { QueueItem, QueueQuery } from '../../../shared/annotation';
import { useClient } from '../client/inject';

/** Items fetched per request. */
export const QUEUE_PAGE = 100;
/** Fetch the following page once the open item is this close to the end of the pages held. */
export const PREFETCH_WITHIN = 10;
/** Typing pauses this long before a search goes to the studio. */
const SEARCH_DEBOUNCE_MS = 250;

export const useQueueStore = defineStore('queue', () => {
  const client = useClient();

  /** The filters and order (offset and limit are the store's). */
  const query = ref<Omit<QueueQuery, 'offset' | 'limit'>>({ order: 'import' });
  /** Segments matching, in all. */
  const total = ref(0);
  const loading = ref(true);
  const error = ref<string | null>(null);
  /** Set when the annotator opened a segment from the queue: next/previous follow the queue. */
  const active = ref(false);
  const pages = shallowRef(new Map<number, QueueItem[]>());
  const pending = new Set<number>();
  let generation = 0;
  /** The items as they were before the last refresh: a segment that left the queue (approved under
   *  an "unreviewed" filter) still has a place to continue from. */
  let before: QueueItem[] = [];

  /** The items held, in queue order (contiguous from the first page). */
  const items = computed<QueueItem[]>(() => {
    const out: QueueItem[] = [];
    for (let p = 0; pages.value.has(p); p++) out.push(...pages.value.get(p)!);
    return out;
  });

  function itemAt(index: number): QueueItem | undefined {
    return pages.value.get(Math.floor(index / QUEUE_PAGE))?.[index % QUEUE_PAGE];
  }

  async function loadPage(page: number, gen = generation): Promise<void> {
    if (pending.has(page)) return;
    pending.add(page);
    try {
      const res = await client.queryQueue({ ...query.value, offset: page * QUEUE_PAGE, limit: QUEUE_PAGE });
      if (gen !== generation) return;
      pages.value.set(page, res.items);
      triggerRef(pages);
      total.value = res.total;
      error.value = null;
    } catch (err) {
      if (gen === generation) error.value = `Could not load the queue: ${(err as Error).message}`;
    } finally {
      if (gen === generation) {
        pending.delete(page);
        loading.value = false;
      }
    }
  }

  /**
   * Loads the queue from the first page. With `refresh` (a caption was saved, the library changed)
   * the pages held are fetched again and swapped in together, so the list and nextAfter keep
   * answering meanwhile; otherwise (the query changed) it starts over.
   */
  async function load(refresh = false): Promise<void> {
    const gen = ++generation;
    pending.clear();
    if (!refresh || pages.value.size === 0) {
      loading.value = true;
      pages.value = new Map();
      return loadPage(0, gen);
    }
    const wanted = [...pages.value.keys()];
    try {
      const results = await Promise.all(wanted.map((p) => client.queryQueue({ ...query.value, offset: p * QUEUE_PAGE, limit: QUEUE_PAGE })));
      if (gen !== generation) return;
      before = items.value;
      pages.value = new Map(wanted.map((p, i) => [p, results[i]!.items]));
      total.value = results[0]!.total;
      error.value = null;
    } catch (err) {
      if (gen === generation) error.value = `Could not load the queue: ${(err as Error).message}`;
    }
  }

  /** Makes sure items [first, last] are loaded or on their way (the virtualised list calls this). */
  function ensureRows(first: number, last: number): void {
    const end = Math.min(last, total.value - 1);
    for (let p = Math.floor(Math.max(0, first) / QUEUE_PAGE); p <= Math.floor(end / QUEUE_PAGE); p++) {
      if (!pages.value.has(p)) void loadPage(p);
    }
  }

  function indexOf(segmentId: number): number {
    return items.value.findIndex((i) => i.segmentId === segmentId);
  }

  function prefetchAround(index: number): void {
    const held = items.value.length;
    if (held < total.value && index >= held - PREFETCH_WITHIN) void loadPage(Math.floor(held / QUEUE_PAGE));
  }

  /**
   * The queue item after a segment, from the items held: null at the end of what is held (more
   * may come: see hasMore) or when the segment was never in the queue. A segment that has just
   * left the queue (its state no longer matches the filter) continues from where it was. Fetches
   * the next page when close to the end of what is held.
   */
  function nextAfter(segmentId: number): QueueItem | null {
    const i = indexOf(segmentId);
    if (i >= 0) {
      prefetchAround(i + 1);
      return items.value[i + 1] ?? null;
    }
    const j = before.findIndex((x) => x.segmentId === segmentId);
    if (j < 0) return null;
    for (const x of before.slice(j + 1)) {
      const k = indexOf(x.segmentId);
      if (k >= 0) {
        prefetchAround(k);
        return items.value[k]!;
      }
    }
    return null;
  }

  /** The queue item before a segment, or null at the start (or when it is not in the queue). */
  function prevBefore(segmentId: number): QueueItem | null {
    const i = indexOf(segmentId);
    if (i >= 0) return i > 0 ? items.value[i - 1]! : null;
    const j = before.findIndex((x) => x.segmentId === segmentId);
    for (const x of before.slice(0, Math.max(0, j)).reverse()) {
      const k = indexOf(x.segmentId);
      if (k >= 0) return items.value[k]!;
    }
    return null;
  }

  /** Whether more items exist past those held (nextAfter may return null only for now). */
  const hasMore = computed(() => items.value.length < total.value);

  function setQuery(patch: Partial<Omit<QueueQuery, 'offset' | 'limit'>>): void {
    query.value = { ...query.value, ...patch };
  }

  // The search text waits for a pause in typing; any other change reloads at once.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastQ = query.value.q ?? '';
  watch(
    query,
    (q) => {
      clearTimeout(timer);
      const text = q.q ?? '';
      if (text !== lastQ) {
        lastQ = text;
        timer = setTimeout(() => void load(), SEARCH_DEBOUNCE_MS);
      } else void load();
    },
    { deep: true },
  );
  // Someone saved a caption: states and texts change. Reload the pages held, keep the place.
  client.on('captionChanged', () => void load(true));
  client.on('libraryChanged', () => void load(true));

  return { query, items, total, loading, error, active, pages, hasMore, itemAt, load, ensureRows, nextAfter, prevBefore, setQuery };
});
