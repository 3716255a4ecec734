// Word-level diff of two captions (jsdiff's diffWords), as parts the views colour: kept, added,
// removed. Also counts the words changed, which the editor shows next to the diff.
import { diffWords } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export function wordDiff(from: string, to: string): DiffPart[] {
  return diffWords(from, to).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** Words added plus words removed (whitespace does not count). */
export function changedWords(parts: DiffPart[]): number {
  let n = 0;
  for (const p of parts) if (p.kind !== 'same') n += p.text.split(/\s+/).filter(Boolean).length;
  return n;
}
