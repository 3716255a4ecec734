// Review mode's rules for the Annotate view, as plain functions tested without a browser: whether
// the caller may give a verdict on the open segment's caption (a reviewer or the owner, on an
// approved head someone else wrote that awaits review — the same rules core's reviewCaption
// enforces, so the buttons show only where the studio would accept them), and what the panel says
// about a verdict already given ("accepted by X", or the reviewer's note on a caption sent back).
import type { Caller, CaptionRevision, SegmentCaption } from '../../../shared/annotation';

export type ReviewView =
  /** The caller may accept the head or send it back with a note. */
  | { kind: 'review'; head: CaptionRevision }
  /** A reviewer accepted the caption (the head is the acceptance, written by the reviewer). */
  | { kind: 'accepted'; by: string; at: string }
  /** A reviewer sent the caption back: it is a draft again, with the note saying what to change. */
  | { kind: 'sentBack'; by: string; note: string; at: string }
  | { kind: 'none' };

/** Whether `me` may review `head`: a reviewer or the owner, an approved head awaiting a verdict, written by someone else. */
export function canReview(head: CaptionRevision | null, me: Caller | null): head is CaptionRevision {
  if (!head || !me || (me.role !== 'reviewer' && me.role !== 'owner')) return false;
  return head.status === 'approved' && head.review === 'pending' && head.author !== me.name;
}

/** What the Annotate panel shows about review for the open segment. */
export function reviewView(caption: SegmentCaption | null, me: Caller | null): ReviewView {
  const head = caption?.head ?? null;
  if (!head) return { kind: 'none' };
  if (head.review === 'accepted') return { kind: 'accepted', by: head.author, at: head.createdAt };
  if (head.review === 'sentBack') return { kind: 'sentBack', by: head.author, note: head.note ?? '', at: head.createdAt };
  return canReview(head, me) ? { kind: 'review', head } : { kind: 'none' };
}

/** A send-back note as it is sent, or the reason it cannot be (the studio refuses one without a note). */
export function sendBackNote(text: string): { note: string } | { error: string } {
  const note = text.trim();
  return note ? { note } : { error: 'Say what to change: a caption is sent back with a note for its annotator.' };
}
