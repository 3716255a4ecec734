// Undo/redo for the caption editor. The textarea's native undo cannot be used: the editor's text
// is also set programmatically (a segment opens, a merge is picked, a suggestion is rejected, a
// chip changes), and every such update wipes the browser's undo stack. So the editor keeps its
// own stack of text + attribute states. A burst of typing (changes less than `coalesceMs` apart
// that only touch the text) is one step, like a native textarea's word-sized undo.
import type { CaptionAttributes } from '../../../shared/annotation';

export interface EditorContent {
  text: string;
  attributes: CaptionAttributes;
}

export const COALESCE_MS = 800;
const LIMIT = 200;

export const sameAttributes = (a: CaptionAttributes, b: CaptionAttributes): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CaptionAttributes>;
  for (const k of keys) if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
};
export const sameContent = (a: EditorContent, b: EditorContent): boolean => a.text === b.text && sameAttributes(a.attributes, b.attributes);
const copy = (c: EditorContent): EditorContent => ({ text: c.text, attributes: { ...c.attributes } });

export class EditorHistory {
  private past: EditorContent[] = [];
  private future: EditorContent[] = [];
  private current: EditorContent;
  private lastTypedAt = -Infinity;

  constructor(
    initial: EditorContent,
    private readonly now: () => number = () => Date.now(),
    private readonly coalesceMs = COALESCE_MS,
  ) {
    this.current = copy(initial);
  }

  /** Starts over (a segment was opened): nothing to undo. */
  reset(initial: EditorContent): void {
    this.past = [];
    this.future = [];
    this.current = copy(initial);
    this.lastTypedAt = -Infinity;
  }

  /**
   * Records the editor's new content. `typing` marks a keystroke: consecutive keystrokes within
   * the coalescing window replace the step under way instead of adding one.
   */
  record(next: EditorContent, typing = false): void {
    if (sameContent(next, this.current)) return;
    const t = this.now();
    const coalesce = typing && t - this.lastTypedAt < this.coalesceMs && sameAttributes(next.attributes, this.current.attributes) && this.past.length > 0;
    if (!coalesce) {
      this.past.push(this.current);
      if (this.past.length > LIMIT) this.past.shift();
    }
    this.current = copy(next);
    this.future = [];
    this.lastTypedAt = typing ? t : -Infinity;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** The content to show after undoing one step, or null when there is none. */
  undo(): EditorContent | null {
    const prev = this.past.pop();
    if (!prev) return null;
    this.future.push(this.current);
    this.current = prev;
    this.lastTypedAt = -Infinity;
    return copy(prev);
  }

  redo(): EditorContent | null {
    const next = this.future.pop();
    if (!next) return null;
    this.past.push(this.current);
    this.current = next;
    this.lastTypedAt = -Infinity;
    return copy(next);
  }
}
