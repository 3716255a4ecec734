// Runtime validation (zod) of the annotation commands' payloads (shared/annotation.ts), split
// from schemas.ts, which spreads this table into the one keyed by every command.
import { z } from 'zod';
import type { CommandInput, CommandName } from '../../shared/api';
import { CAPTION_ATTRIBUTE_NAMES, CAPTION_STATUSES, QUEUE_ORDERS, SEGMENT_STATES } from '../../shared/annotation';

export type AnnotationCommand = Extract<CommandName, 'whoAmI' | 'setAnnotatorName' | 'getCaption' | 'saveCaption' | 'saveDraft' | 'discardDraft' | 'captionHistory' | 'restoreRevision' | 'reviewCaption' | 'queryQueue' | 'getStats'>;

const none = z.undefined().or(z.null()).transform(() => undefined);
const id = z.number().int().positive();
const revisionRef = id.nullable();
/** A caption: one sentence, generously bounded. */
const captionText = z.string().max(5000, 'a caption is at most 5000 characters');
export const annotatorName = z
  .string()
  .trim()
  .min(1, 'a name is needed')
  .max(80, 'a name is at most 80 characters')
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'a name cannot contain control characters');
const attributes = z.partialRecord(z.enum(CAPTION_ATTRIBUTE_NAMES), z.string().trim().max(80));
const isoTime = z.iso.datetime({ offset: true }).or(z.iso.date());
const seconds = z.number().finite().min(0).max(7 * 24 * 3600);
const note = z.string().max(2000);

export const annotationSchemas: { [K in AnnotationCommand]: z.ZodType<CommandInput<K>, unknown> } = {
  whoAmI: none,
  setAnnotatorName: z.strictObject({ name: annotatorName }),
  getCaption: z.strictObject({ segmentId: id }),
  saveCaption: z.strictObject({
    segmentId: id,
    text: captionText,
    attributes: attributes.optional(),
    status: z.enum(CAPTION_STATUSES as [string, ...string[]]).transform((s) => s as (typeof CAPTION_STATUSES)[number]),
    parentId: revisionRef,
    suggestionId: revisionRef.optional(),
    secondsSpent: seconds.optional(),
    note: note.optional(),
    author: annotatorName.optional(),
  }),
  saveDraft: z.strictObject({
    segmentId: id,
    text: captionText,
    attributes: attributes.optional(),
    baseRevisionId: revisionRef,
    suggestionId: revisionRef.optional(),
    secondsSpent: seconds.optional(),
  }),
  discardDraft: z.strictObject({ segmentId: id }),
  captionHistory: z.strictObject({ segmentId: id }),
  restoreRevision: z.strictObject({ segmentId: id, revisionId: id, parentId: revisionRef }),
  reviewCaption: z.strictObject({ segmentId: id, revisionId: id, verdict: z.enum(['accepted', 'sentBack']), note: note.optional() }),
  queryQueue: z.strictObject({
    order: z.enum(QUEUE_ORDERS as [string, ...string[]]).transform((s) => s as (typeof QUEUE_ORDERS)[number]).optional(),
    status: z.array(z.enum(SEGMENT_STATES as [string, ...string[]]).transform((s) => s as (typeof SEGMENT_STATES)[number])).max(7).optional(),
    model: z.string().min(1).max(300).optional(),
    annotator: z.string().min(1).max(80).optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    q: z.string().max(500).optional(),
    trackId: id.optional(),
    reviewable: z.boolean().optional(),
    offset: z.number().int().min(0).max(10_000_000).optional(),
    limit: z.number().int().min(1).max(1000, 'limit is at most 1000').optional(),
  }),
  getStats: z.strictObject({ since: isoTime.optional(), until: isoTime.optional() }),
};
