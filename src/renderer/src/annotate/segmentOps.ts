// Undo/redo of segment edits (delete, move/resize, create). Each edit is recorded with what it
// takes to reverse it through the StudioApi: a delete is undone by restoreSegment (segments are
// hidden, never erased, so the revisions come back with it), a move by moving it back, a create
// by deleting it. Pure bookkeeping; the caller supplies the commands (tested without a server).
export interface Span {
  startSec: number;
  endSec: number;
}

export type SegmentOp =
  | { kind: 'create'; id: number }
  | { kind: 'delete'; id: number }
  | { kind: 'update'; id: number; before: Span; after: Span };

export interface SegmentOpRunner {
  deleteSegment(id: number): Promise<boolean>;
  restoreSegment(id: number): Promise<boolean>;
  updateSegment(id: number, span: Span): Promise<boolean>;
}

const LIMIT = 100;

export class SegmentOpsHistory {
  private past: SegmentOp[] = [];
  private future: SegmentOp[] = [];

  /** A new edit the user made (clears what could be redone). */
  record(op: SegmentOp): void {
    this.past.push(op);
    if (this.past.length > LIMIT) this.past.shift();
    this.future = [];
  }

  clear(): void {
    this.past = [];
    this.future = [];
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  /** The edit undo would reverse (for a button's title). */
  get nextUndo(): SegmentOp | null {
    return this.past.at(-1) ?? null;
  }

  /** Reverses the newest edit; it stays on the stack when the studio refused. Returns the op undone. */
  async undo(run: SegmentOpRunner): Promise<SegmentOp | null> {
    const op = this.past.at(-1);
    if (!op) return null;
    const ok = await apply(run, inverse(op));
    if (!ok) return null;
    this.past.pop();
    this.future.push(op);
    return op;
  }

  async redo(run: SegmentOpRunner): Promise<SegmentOp | null> {
    const op = this.future.at(-1);
    if (!op) return null;
    const ok = await apply(run, redoOf(op));
    if (!ok) return null;
    this.future.pop();
    this.past.push(op);
    return op;
  }
}

type Command = { do: 'delete'; id: number } | { do: 'restore'; id: number } | { do: 'update'; id: number; span: Span };

export function inverse(op: SegmentOp): Command {
  switch (op.kind) {
    case 'create':
      return { do: 'delete', id: op.id };
    case 'delete':
      return { do: 'restore', id: op.id };
    case 'update':
      return { do: 'update', id: op.id, span: op.before };
  }
}

/** Doing an edit again: a created segment that undo hid comes back with the same id. */
function redoOf(op: SegmentOp): Command {
  switch (op.kind) {
    case 'create':
      return { do: 'restore', id: op.id };
    case 'delete':
      return { do: 'delete', id: op.id };
    case 'update':
      return { do: 'update', id: op.id, span: op.after };
  }
}

function apply(run: SegmentOpRunner, c: Command): Promise<boolean> {
  if (c.do === 'delete') return run.deleteSegment(c.id);
  if (c.do === 'restore') return run.restoreSegment(c.id);
  return run.updateSegment(c.id, c.span);
}
