// The caption editor's state as plain data, and the rules that fill and save it: what an opened
// segment's editor starts with, what a save sends, and the merge state a refused save (CONFLICT)
// turns into. Pure functions, so the rules are tested without a browser or a server.
import { MENTION_CONFIDENCE } from '../../../shared/attributes';
import {
  CAPTION_ATTRIBUTE_NAMES,
  type CaptionAttributeName,
  type CaptionAttributes,
  type CaptionRevision,
  type CaptionStatus,
  type SaveCaptionInput,
  type SegmentCaption,
} from '../../../shared/annotation';
import type { SegmentAttribute } from '../../../shared/types';
import { sameContent, type EditorContent } from './editorHistory';

export interface EditorState {
  segmentId: number;
  text: string;
  attributes: CaptionAttributes;
  /** The head revision this edit started from (a save names it as parentId). */
  baseId: number | null;
  suggestionId: number | null;
  /** Active seconds spent on this segment since its last save (carried over from the draft). */
  seconds: number;
  /** Where the text came from when the segment was opened. */
  origin: 'draft' | 'head' | 'suggestion' | 'empty';
}

/** Measured categories (shared/attributes.ts) in the chips' words (annotate/chipValues.ts). */
const CHIP_WORDS: Record<string, { chip: CaptionAttributeName; words: Record<string, string> }> = {
  gender: { chip: 'gender', words: { male: 'male', female: 'female' } },
  pitch: { chip: 'pitch', words: { low: 'low', normal: 'medium', high: 'high' } },
  tempo: { chip: 'tempo', words: { slow: 'slow', normal: 'moderate', fast: 'fast' } },
  loudness: { chip: 'volume', words: { low: 'soft', normal: 'moderate', high: 'loud' } },
  brightness: { chip: 'timbre', words: { dark: 'dark', warm: 'warm', bright: 'bright' } },
};
/** Below this confidence a measurement is shown but not put into a chip (the suggester's bar for words too). */
export const CHIP_MIN_CONFIDENCE = MENTION_CONFIDENCE;

/**
 * Chips prefilled from what was measured (never from stale rows): a measurement's category in the
 * chip's word when its confidence is at least CHIP_MIN_CONFIDENCE; a row from before measurements
 * had categories (no confidence, a word under a caption attribute's name, e.g. genre from the
 * file's tag) as it is, unless a measurement fills that chip.
 */
export function measuredChips(measured: SegmentAttribute[]): CaptionAttributes {
  const out: CaptionAttributes = {};
  const fromMeasurement = new Set<CaptionAttributeName>();
  for (const a of measured) {
    if (a.stale || a.confidence === null) continue;
    const map = CHIP_WORDS[a.name];
    const word = map && a.category ? map.words[a.category] : undefined;
    if (!map || !word || a.confidence < CHIP_MIN_CONFIDENCE) continue;
    out[map.chip] = word;
    fromMeasurement.add(map.chip);
  }
  for (const name of CAPTION_ATTRIBUTE_NAMES) {
    if (fromMeasurement.has(name)) continue;
    const legacy = measured.find((a) => a.name === name && !a.stale && a.confidence === null && a.category === null);
    if (legacy?.value && !Number.isFinite(Number(legacy.value))) out[name] = legacy.value;
  }
  return out;
}

/**
 * What the editor shows when a segment opens: the caller's own unsaved draft (the server returns
 * it whatever head it started from, since dropping it would lose typing), else the head revision,
 * else the suggestion with measured chips, else nothing. A draft keeps the head it was started
 * from as its base, so saving it over a newer head is refused and merged (mergeOnOpen).
 */
export function editorFromCaption(c: SegmentCaption): EditorState {
  const base = { segmentId: c.segment.id, suggestionId: c.suggestion?.id ?? null };
  if (c.draft)
    return {
      ...base,
      text: c.draft.text,
      attributes: { ...c.draft.attributes },
      baseId: c.draft.baseRevisionId,
      suggestionId: c.draft.suggestionId ?? base.suggestionId,
      seconds: c.draft.secondsSpent,
      origin: 'draft',
    };
  if (c.head)
    return { ...base, text: c.head.text, attributes: { ...c.head.attributes }, baseId: c.head.id, suggestionId: c.head.suggestionId ?? base.suggestionId, seconds: 0, origin: 'head' };
  if (c.suggestion) return { ...base, text: c.suggestion.text, attributes: measuredChips(c.attributes), baseId: null, seconds: 0, origin: 'suggestion' };
  return { ...base, text: '', attributes: measuredChips(c.attributes), baseId: null, seconds: 0, origin: 'empty' };
}

/** A save's status: a caption with no text is the suggestion rejected, whatever was asked. */
export function statusForSave(text: string, wanted: CaptionStatus): CaptionStatus {
  return text.trim() === '' ? 'rejected' : wanted;
}

/** Drops empty chips (an attribute cleared in the editor is not said). */
export function cleanAttributes(a: CaptionAttributes): CaptionAttributes {
  const out: CaptionAttributes = {};
  for (const name of CAPTION_ATTRIBUTE_NAMES) {
    const v = a[name]?.trim();
    if (v) out[name] = v;
  }
  return out;
}

export function saveInput(e: EditorState, status: CaptionStatus, note?: string): SaveCaptionInput {
  const text = e.text.trim();
  return {
    segmentId: e.segmentId,
    text,
    attributes: cleanAttributes(e.attributes),
    status: statusForSave(text, status),
    parentId: e.baseId,
    suggestionId: e.suggestionId,
    secondsSpent: Math.round(e.seconds),
    ...(note ? { note } : {}),
  };
}

/** Both sides of a refused save: the user's work and the revision someone saved in between. */
export interface MergeState {
  segmentId: number;
  mine: { text: string; attributes: CaptionAttributes };
  /** The new head (what the other person saved). */
  theirs: CaptionRevision;
  /** The status the user was saving with when it was refused. */
  wanted: CaptionStatus;
  note?: string;
}

/**
 * A save was refused because the head moved (CONFLICT). The user's text stays in the editor; the
 * editor's base becomes the new head, so the next save (after the user chose or edited) names it.
 * Returns null when the fresh caption has no head (nothing to merge with: save again as it is).
 */
export function mergeFromConflict(
  editor: EditorState,
  fresh: SegmentCaption,
  wanted: CaptionStatus,
  note?: string,
): { merge: MergeState; editor: EditorState } | null {
  if (!fresh.head) return null;
  return {
    merge: { segmentId: editor.segmentId, mine: { text: editor.text, attributes: { ...editor.attributes } }, theirs: fresh.head, wanted, ...(note ? { note } : {}) },
    editor: { ...editor, baseId: fresh.head.id },
  };
}

/**
 * What the editor holds before any edit of the user's: the head, else the prefilled suggestion
 * (or nothing). The editor has the user's own edits while its content differs from this.
 */
export function pristineContent(c: SegmentCaption): EditorContent {
  const e = editorFromCaption({ ...c, draft: null });
  return { text: e.text, attributes: { ...e.attributes } };
}

/**
 * A segment opened with the caller's draft that was started from another head (or before the
 * first one): someone saved since. The merge view is shown at once rather than after a refused save.
 */
export function mergeOnOpen(c: SegmentCaption, e: EditorState): { merge: MergeState; editor: EditorState } | null {
  if (!c.draft || !c.head || c.draft.baseRevisionId === c.head.id) return null;
  if (sameContent({ text: c.draft.text, attributes: c.draft.attributes }, { text: c.head.text, attributes: c.head.attributes })) return null;
  return mergeFromConflict(e, c, 'approved');
}
