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
  // Edits run one after another (inOrder); each belongs to the track open when it was asked for
  // (its generation). One whose turn comes, or whose answer lands, after that track was left
  // (clear) is still made in the studio, on its own track, as asked; but it touches neither the
  // list, selection and messages of the track now open nor its undo stack.
  let generation = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  const live = (gen: number) => gen === generation;
  /** Runs `fn` after every segment edit asked for before it has settled (at once when none is in flight: optimism stays immediate). */
  function inOrder<T>(fn: (gen: number) => Promise<T>): Promise<T> {
    const gen = generation;
    const run = inFlight === 0 ? fn(gen) : tail.then(() => fn(gen));
    inFlight++;
    const settled = () => void (live(gen) && inFlight--);
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

  async function create(gen: number, trackId: number, span: Span): Promise<Segment | null> {
    try {
      const seg = await d.client.createSegment({ trackId, ...span });
      if (!live(gen)) return seg;
      put(seg);
      d.error.value = null;
      ops.record({ kind: 'create', id: seg.id });
      bump();
      d.select(seg.id);
      return seg;
    } catch (err) {
      if (live(gen)) d.error.value = text(err);
      return null;
    }
  }

  /** Moves a segment now and asks the studio; puts it back if refused. */
  async function move(gen: number, id: number, span: Span): Promise<Span | null> {
    if (!live(gen)) return (await d.client.updateSegment({ id, ...span }).catch(() => null), null);
    const seg = list().find((s) => s.id === id);
    if (!seg) return null;
    const before: Span = { startSec: seg.startSec, endSec: seg.endSec };
    put({ ...seg, ...span });
    try {
      const moved = await d.client.updateSegment({ id, ...span });
      if (!live(gen)) return null;
      put(moved);
      d.error.value = null;
      return before;
    } catch (err) {
      if (!live(gen)) return null;
      put({ ...seg, ...before });
      d.error.value = text(err);
      return null;
    }
  }

  async function remove(gen: number, id: number): Promise<boolean> {
    if (!live(gen)) return (await d.client.deleteSegment({ id }).catch(() => null), false);
    const seg = drop(id);
    if (!seg) return false;
    const wasSelected = d.selectedId.value === id;
    if (wasSelected) d.select(null);
    try {
      await d.client.deleteSegment({ id });
      if (!live(gen)) return false;
      d.error.value = null;
      return true;
    } catch (err) {
      if (!live(gen)) return false;
      put(seg);
      if (wasSelected) d.select(id);
      d.error.value = text(err);
      return false;
    }
  }

  async function restore(gen: number, id: number): Promise<boolean> {
    try {
      const seg = await d.client.restoreSegment({ id });
      if (!live(gen)) return false;
      put(seg);
      d.error.value = null;
      return true;
    } catch (err) {
      if (live(gen)) d.error.value = text(err);
      return false;
    }
  }

  /** The commands undo and redo run, for the track open at generation `gen`. */
  const runnerFor = (gen: number) => ({
    deleteSegment: (id: number) => remove(gen, id),
    restoreSegment: (id: number) => restore(gen, id),
    updateSegment: async (id: number, span: Span) => (await move(gen, id, span)) !== null,
  });

  return {
    canUndoSegment,
    canRedoSegment,
    /** Creates a segment on the track open now, at the span asked for now (clamped to it). */
    createSegment(start: number, end: number): Promise<Segment | null> {
      const trackId = d.trackId.value;
      if (trackId === null) return Promise.resolve(null);
      const span = clamp(start, end);
      return inOrder((gen) => create(gen, trackId, span));
    },
    updateSegment(id: number, start: number, end: number): Promise<boolean> {
      const after = clamp(start, end);
      return inOrder(async (gen) => {
        const before = await move(gen, id, after);
        if (!before || !live(gen)) return false;
        ops.record({ kind: 'update', id, before, after });
        bump();
        return true;
      });
    },
    deleteSegment: (id: number): Promise<boolean> =>
      inOrder(async (gen) => {
        if (!(await remove(gen, id)) || !live(gen)) return false;
        ops.record({ kind: 'delete', id });
        bump();
        d.notice.value = `Segment #${id} deleted (Undo brings it back with its captions).`;
        return true;
      }),
    undoSegmentOp: (): Promise<boolean> =>
      inOrder(async (gen) => {
        const op = await ops.undo(runnerFor(gen));
        if (!live(gen)) return false;
        bump();
        if (op) d.notice.value = null;
        return op !== null;
      }),
    redoSegmentOp: (): Promise<boolean> =>
      inOrder(async (gen) => {
        const op = await ops.redo(runnerFor(gen));
        if (!live(gen)) return false;
        bump();
        return op !== null;
      }),
    /** The track is left: its history goes, and edits still queued or in flight end quietly. */
    clear(): void {
      generation++;
      tail = Promise.resolve();
      inFlight = 0;
      ops.clear();
      bump();
    },
  };
}
