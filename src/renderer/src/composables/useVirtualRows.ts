// A virtualised table over a paged store (the library, the queue): only the rows in view (plus a
// few) are in the page; the store is asked for the rows about to be shown and fetches their pages.
// @tanstack/vue-virtual does the windowing; this adds the table's spacer rows and the page requests.
import { useVirtualizer } from '@tanstack/vue-virtual';
import { computed, ref, watch, type ComputedRef, type Ref } from 'vue';

export interface PagedRows<T> {
  /** Rows in all (the scroll height). */
  total(): number;
  /** The row at an index, or undefined while its page is on its way. */
  rowAt(index: number): T | undefined;
  /** Fetch rows [first, last] if not held. */
  ensureRows(first: number, last: number): void;
  /** Something that changes when a page arrives (re-reads the rows). */
  pages(): unknown;
}

export function useVirtualRows<T>(
  src: PagedRows<T>,
  rowPx: number,
): { scroller: Ref<HTMLElement | null>; rows: ComputedRef<{ index: number; row: T | undefined }[]>; padTop: ComputedRef<number>; padBottom: ComputedRef<number>; scrollToTop(): void } {
  const scroller = ref<HTMLElement | null>(null);
  const virtualizer = useVirtualizer(computed(() => ({ count: src.total(), getScrollElement: () => scroller.value, estimateSize: () => rowPx, overscan: 12 })));
  const items = computed(() => virtualizer.value.getVirtualItems());
  const rows = computed(() => {
    void src.pages(); // re-read when a page arrives
    return items.value.map((v) => ({ index: v.index, row: src.rowAt(v.index) }));
  });
  const padTop = computed(() => items.value[0]?.start ?? 0);
  const padBottom = computed(() => {
    const last = items.value[items.value.length - 1];
    return last ? virtualizer.value.getTotalSize() - last.end : 0;
  });
  watch(
    [items, () => src.pages()],
    () => {
      const list = items.value;
      if (list.length) src.ensureRows(list[0]!.index, list[list.length - 1]!.index);
    },
    { immediate: true },
  );
  return { scroller, rows, padTop, padBottom, scrollToTop: () => virtualizer.value.scrollToOffset(0) };
}
