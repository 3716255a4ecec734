// Segment edits of the annotation store (stores/annotation.ts): draw, move/resize, delete, and
// undo/redo of them. Moves and deletes are optimistic (the list changes at once) and rolled back
// with the studio's message when it refuses (an overlap is a CONFLICT naming the other segment);
// a create waits for the studio's id. Spans are clamped to 5–30 s inside the track, and a drag
// that was cut to the maximum says so. Edits, undo and redo run one after another, in the order
// asked: a Ctrl+Z pressed while a delete is still on its way to the studio undoes that delete once
// it has landed (not the edit before it, and never a restore racing the delete to the server).
import { computed, ref, type Ref } from 'vue';
import type { Segment, TrackDetail } from '../../../shared/types';
import type { StudioClient } from '../client/types';
import { SegmentOpsHistory, type Span } from './segmentOps';
import { clampSpan, SHORTENED_MESSAGE } from './spans';

export interface SegmentEditingDeps {
  client: StudioClient;
  detail: Ref<TrackDetail | null>;
  trackId: Ref<number | null>;
  selectedId: Ref<number | null>;
  select(id: number | null): void;
  error: Ref<string | null>;
  notice: Ref<string | null>;
}

const text = (err: unknown) => (err as { message?: string })?.message ?? String(err);

export function useSegmentEditing(d: SegmentEditingDeps) {
  const ops = new SegmentOpsHistory();
  const version = ref(0);
  const canUndoSegment = computed(() => version.value >= 0 && ops.canUndo);
  const canRedoSegment = computed(() => version.value >= 0 && ops.canRedo);
  const bump = () => version.value++;
  let tail: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  /** Runs `fn` after every segment edit asked for before it has settled (at once when none is in flight: optimism stays immediate). */
  function inOrder<T>(fn: () => Promise<T>): Promise<T> {
    const run = inFlight === 0 ? fn() : tail.then(fn);
    inFlight++;
    const settled = () => void inFlight--;
    tail = run.then(settled, settled);
    return run;
  }

  const list = (): Segment[] => d.detail.value?.segments ?? [];
  const duration = () => d.detail.value?.track.durationSec ?? 0;

  function put(seg: Segment): void {
    const l = list();
    const i = l.findIndex((s) => s.id === seg.id);
    if (i >= 0) l.splice(i, 1, seg);
    else l.push(seg);
  }
  function drop(id: number): Segment | null {
    const l = list();
    const i = l.findIndex((s) => s.id === id);
    return i >= 0 ? l.splice(i, 1)[0]! : null;
  }

  function clamp(start: number, end: number): Span {
    const c = clampSpan(start, end, duration());
    d.notice.value = c.shortened ? SHORTENED_MESSAGE : null;
    return { startSec: c.startSec, endSec: c.endSec };
  }

  async function create(start: number, end: number): Promise<Segment | null> {
    if (d.trackId.value === null) return null;
    const span = clamp(start, end);
    try {
      const seg = await d.client.createSegment({ trackId: d.trackId.value, ...span });
      put(seg);
      d.error.value = null;
      ops.record({ kind: 'create', id: seg.id });
      bump();
      d.select(seg.id);
      return seg;
    } catch (err) {
      d.error.value = text(err);
      return null;
    }
  }

  /** Moves a segment now and asks the studio; puts it back if refused. */
  async function move(id: number, span: Span): Promise<Span | null> {
    const seg = list().find((s) => s.id === id);
    if (!seg) return null;
    const before: Span = { startSec: seg.startSec, endSec: seg.endSec };
    put({ ...seg, ...span });
    try {
      put(await d.client.updateSegment({ id, ...span }));
      d.error.value = null;
      return before;
    } catch (err) {
      put({ ...seg, ...before });
      d.error.value = text(err);
      return null;
    }
  }

  async function remove(id: number): Promise<boolean> {
    const seg = drop(id);
    if (!seg) return false;
    const wasSelected = d.selectedId.value === id;
    if (wasSelected) d.select(null);
    try {
      await d.client.deleteSegment({ id });
      d.error.value = null;
      return true;
    } catch (err) {
      put(seg);
      if (wasSelected) d.select(id);
      d.error.value = text(err);
      return false;
    }
  }

  async function restore(id: number): Promise<boolean> {
    try {
      put(await d.client.restoreSegment({ id }));
      d.error.value = null;
      return true;
    } catch (err) {
      d.error.value = text(err);
      return false;
    }
  }

  const runner = {
    deleteSegment: remove,
    restoreSegment: restore,
    updateSegment: async (id: number, span: Span) => (await move(id, span)) !== null,
  };

  return {
    canUndoSegment,
    canRedoSegment,
    createSegment: (start: number, end: number) => inOrder(() => create(start, end)),
    updateSegment: (id: number, start: number, end: number): Promise<boolean> =>
      inOrder(async () => {
        const after = clamp(start, end);
        const before = await move(id, after);
        if (!before) return false;
        ops.record({ kind: 'update', id, before, after });
        bump();
        return true;
      }),
    deleteSegment: (id: number): Promise<boolean> =>
      inOrder(async () => {
        if (!(await remove(id))) return false;
        ops.record({ kind: 'delete', id });
        bump();
        d.notice.value = `Segment #${id} deleted (Undo brings it back with its captions).`;
        return true;
      }),
    undoSegmentOp: (): Promise<boolean> =>
      inOrder(async () => {
        const op = await ops.undo(runner);
        bump();
        if (op) d.notice.value = null;
        return op !== null;
      }),
    redoSegmentOp: (): Promise<boolean> =>
      inOrder(async () => {
        const op = await ops.redo(runner);
        bump();
        return op !== null;
      }),
    clear(): void {
      ops.clear();
      bump();
    },
  };
}
