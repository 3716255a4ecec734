// The library list's state, shared by the shell (empty state, errors) and the table (rows, search,
// filter, sort): a Pinia store so both read one copy. The list is never loaded whole: the table
// asks for the rows it is about to show (`ensureRows`) and the store fetches them from the studio
// in pages of PAGE rows (queryTracks), keeping only what was asked for. Changing the search text
// (debounced), the status filter or the sort starts over from the first page; a libraryChanged
// event reloads the pages held. Responses to an older query are dropped (a generation counter).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { Track, TrackSort, TrackStatus } from '../../../shared/types';
import { useClient } from '../client/inject';

/** Rows fetched per request. */
export const PAGE = 100;
/** Typing pauses this long before a search goes to the studio. */
export const SEARCH_DEBOUNCE_MS = 250;

export const useLibraryStore = defineStore('library', () => {
  const client = useClient();

  /** What the user typed in the search box (sent after a pause). */
  const search = ref('');
  /** One status, or '' for every track. */
  const status = ref<TrackStatus | ''>('');
  const sort = ref<TrackSort>('artist');
  const dir = ref<'asc' | 'desc'>('asc');

  /** Tracks matching the current filters, in all. */
  const total = ref(0);
  /** True until the first page of the current library has arrived. */
  const loading = ref(true);
  /** The last load error, shown to the user; null when fine. */
  const error = ref<string | null>(null);
  /** Pages held, by page number (row index / PAGE). */
  const pages = shallowRef(new Map<number, Track[]>());
  const pending = new Set<number>();
  let generation = 0;
  /** The search text the rows on screen were fetched for. */
  const sentQuery = ref('');

  const filtered = computed(() => sentQuery.value !== '' || status.value !== '');
  /** The library has no tracks at all (not merely none matching a search). */
  const empty = computed(() => !loading.value && total.value === 0 && !filtered.value);

  /** The track at a row index, or undefined while its page is on its way. */
  function rowAt(index: number): Track | undefined {
    return pages.value.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  function fetchPage(page: number) {
    return client.queryTracks({
      offset: page * PAGE,
      limit: PAGE,
      q: sentQuery.value || undefined,
      status: status.value ? [status.value] : undefined,
      sort: sort.value,
      dir: dir.value,
    });
  }

  function failed(err: unknown): void {
    error.value = `Could not load the library: ${(err as Error).message}`;
  }

  async function loadPage(page: number, gen: number): Promise<void> {
    if (pending.has(page)) return;
    pending.add(page);
    try {
      const res = await fetchPage(page);
      if (gen !== generation) return;
      pages.value.set(page, res.tracks);
      triggerRef(pages);
      total.value = res.total;
      error.value = null;
    } catch (err) {
      if (gen === generation) failed(err);
    } finally {
      if (gen === generation) {
        pending.delete(page);
        loading.value = false;
      }
    }
  }

  /** Makes sure rows [first, last] are loaded or on their way. */
  function ensureRows(first: number, last: number): void {
    const end = Math.min(last, total.value - 1);
    for (let p = Math.floor(Math.max(0, first) / PAGE); p <= Math.floor(end / PAGE); p++) {
      if (!pages.value.has(p)) void loadPage(p, generation);
    }
  }

  /**
   * Starts over from the first page (the query changed), or, with `refresh`, fetches the pages
   * held again and swaps them in together (the library changed: rows stay on screen meanwhile).
   */
  async function reload(refresh = false): Promise<void> {
    const gen = ++generation;
    pending.clear();
    const wanted = refresh && pages.value.size ? [...pages.value.keys()] : [0];
    if (!refresh) {
      pages.value = new Map();
      return loadPage(0, gen);
    }
    try {
      const results = await Promise.all(wanted.map((p) => fetchPage(p)));
      if (gen !== generation) return;
      pages.value = new Map(wanted.map((p, i) => [p, results[i]!.tracks]));
      total.value = results[0]!.total;
      error.value = null;
    } catch (err) {
      if (gen === generation) failed(err);
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(search, (text) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const q = text.trim();
      if (q === sentQuery.value) return;
      sentQuery.value = q;
      void reload();
    }, SEARCH_DEBOUNCE_MS);
  });
  watch([status, sort, dir], () => void reload());

  /** Sorts by a column; the same column again flips the direction. */
  function sortBy(column: TrackSort): void {
    if (sort.value === column) dir.value = dir.value === 'asc' ? 'desc' : 'asc';
    else {
      sort.value = column;
      dir.value = 'asc';
    }
  }

  client.on('libraryChanged', () => void reload(true));
  void reload();

  return { search, status, sort, dir, total, loading, error, pages, empty, filtered, rowAt, ensureRows, reload, sortBy };
});
