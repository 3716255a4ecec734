import { describe, expect, it } from 'vitest';
import { SegmentOpsHistory, type SegmentOpRunner, type Span } from './segmentOps';

function runner(refuse = false) {
  const calls: string[] = [];
  const r: SegmentOpRunner = {
    deleteSegment: async (id) => (calls.push(`delete ${id}`), !refuse),
    restoreSegment: async (id) => (calls.push(`restore ${id}`), !refuse),
    updateSegment: async (id, s: Span) => (calls.push(`update ${id} ${s.startSec}-${s.endSec}`), !refuse),
  };
  return { r, calls };
}

describe('SegmentOpsHistory', () => {
  it('undoes a delete with restoreSegment, a move by moving back, a create by deleting', async () => {
    const h = new SegmentOpsHistory();
    h.record({ kind: 'create', id: 1 });
    h.record({ kind: 'update', id: 1, before: { startSec: 0, endSec: 10 }, after: { startSec: 2, endSec: 12 } });
    h.record({ kind: 'delete', id: 1 });
    const { r, calls } = runner();
    await h.undo(r);
    await h.undo(r);
    await h.undo(r);
    expect(calls).toEqual(['restore 1', 'update 1 0-10', 'delete 1']);
    expect(h.canUndo).toBe(false);
  });

  it('redoes what was undone (a created segment comes back by restore, with its id)', async () => {
    const h = new SegmentOpsHistory();
    h.record({ kind: 'create', id: 7 });
    h.record({ kind: 'update', id: 7, before: { startSec: 0, endSec: 10 }, after: { startSec: 2, endSec: 12 } });
    const { r, calls } = runner();
    await h.undo(r);
    await h.undo(r);
    await h.redo(r);
    await h.redo(r);
    expect(calls).toEqual(['update 7 0-10', 'delete 7', 'restore 7', 'update 7 2-12']);
    expect(h.canRedo).toBe(false);
  });

  it('keeps an edit on the stack when the studio refuses its undo', async () => {
    const h = new SegmentOpsHistory();
    h.record({ kind: 'delete', id: 3 });
    expect(await h.undo(runner(true).r)).toBeNull();
    expect(h.canUndo).toBe(true);
    expect(h.canRedo).toBe(false);
  });

  it('a new edit clears the redo stack', async () => {
    const h = new SegmentOpsHistory();
    h.record({ kind: 'delete', id: 3 });
    await h.undo(runner().r);
    h.record({ kind: 'delete', id: 4 });
    expect(h.canRedo).toBe(false);
  });
});
