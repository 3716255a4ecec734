// The annotation contract: what people write about a segment (caption revisions, working-copy
// drafts, reviews), the queue an annotator works through, who the caller is, and the numbers the
// Stats view shows. Plain data, shared by core, every transport, the CLI and the renderer.
import type { Segment, SegmentAttribute, Suggestion } from './types';

/** The attributes a caption names, as chips in the editor (S2Cap's caption attributes). */
export const CAPTION_ATTRIBUTE_NAMES = ['gender', 'pitch', 'tempo', 'volume', 'mood', 'timbre', 'genre'] as const;
export type CaptionAttributeName = (typeof CAPTION_ATTRIBUTE_NAMES)[number];
/** Attribute values an annotator set (missing = not said). */
export type CaptionAttributes = Partial<Record<CaptionAttributeName, string>>;

/**
 * What an annotator decided about a segment's caption: still being written (draft), done
 * (approved), the suggestion thrown away and nothing usable written yet (rejected), or needs a
 * second look, with a note (flagged).
 */
export type CaptionStatus = 'draft' | 'approved' | 'rejected' | 'flagged';
export const CAPTION_STATUSES: readonly CaptionStatus[] = ['draft', 'approved', 'rejected', 'flagged'];

/** A reviewer's verdict on an approved caption: pending until one is given. */
export type ReviewVerdict = 'pending' | 'accepted' | 'sentBack';

/**
 * Where a revision's text came from: typed by a person, a suggestion taken as it was, or imported
 * from a dataset. A restore is `human` with `restoredFrom` set; a review carries its `review` verdict.
 */
export type RevisionSource = 'human' | 'suggestion' | 'import';

/**
 * One saved version of a segment's caption. Append-only: never changed, never deleted; the
 * segment's caption is its newest revision (the head), and each names the one it edited (parent).
 */
export interface CaptionRevision {
  id: number;
  segmentId: number;
  /** The revision this one edited (the head its author saw); null for a segment's first. */
  parentId: number | null;
  text: string;
  attributes: CaptionAttributes;
  status: CaptionStatus;
  /** Annotator name (or reviewer's, for a review revision). */
  author: string;
  source: RevisionSource;
  /** The suggestion the author started from, if any. */
  suggestionId: number | null;
  /** Seconds the author spent on this segment for this revision (active editing/listening time). */
  secondsSpent: number | null;
  /** Flag or send-back note, or the reviewer's comment. */
  note: string | null;
  /** Reviewer's verdict on this revision (a review writes a new revision carrying it). */
  review: ReviewVerdict;
  /** A restore: the earlier revision whose text and attributes this one brought back. */
  restoredFrom: number | null;
  createdAt: string;
}

/**
 * An annotator's unsaved work on one segment (the editor's working copy, autosaved while typing):
 * one per segment and author, overwritten on each autosave and cleared by a save. Not a revision.
 */
export interface CaptionDraft {
  segmentId: number;
  author: string;
  text: string;
  attributes: CaptionAttributes;
  /** The head revision the draft was started from (null: none yet). */
  baseRevisionId: number | null;
  suggestionId: number | null;
  secondsSpent: number;
  updatedAt: string;
}

/** A model's confidence in a suggestion, readable by an annotator. */
export interface Confidence {
  /** Mean token log-prob as the model gave it. */
  score: number;
  /** Share (0–100) of the library's current model suggestions scoring at or below this one. */
  percentile: number;
  /** 1 (least confident fifth of the library) … 5 (most confident fifth). */
  level: 1 | 2 | 3 | 4 | 5;
}

/**
 * Where a segment stands in the workflow (the queue's filter): no suggestion yet, a model's
 * suggestion and no human revision, or the head revision's status; `stale` when its newest
 * suggestion was made for a span the segment no longer has and nobody approved it since.
 */
export type SegmentState = 'unsuggested' | 'suggested' | 'draft' | 'approved' | 'rejected' | 'flagged' | 'stale';
export const SEGMENT_STATES: readonly SegmentState[] = ['unsuggested', 'suggested', 'draft', 'approved', 'rejected', 'flagged', 'stale'];

/** Everything the Annotate view needs about one segment. */
export interface SegmentCaption {
  segment: Segment;
  track: { id: number; title: string | null; artist: string | null; album: string | null; fileName: string };
  state: SegmentState;
  head: CaptionRevision | null;
  /** Newest model suggestion (stale or not). */
  suggestion: Suggestion | null;
  /** null without a suggestion or a score (a built-in suggestion stating nothing measured, an imported one without). */
  confidence: Confidence | null;
  /** Newest value of each measured attribute. */
  attributes: SegmentAttribute[];
  /**
   * The caller's own autosaved working copy, whatever head it started from: when its
   * baseRevisionId is not head's id, someone saved since and the editor shows both to merge. A
   * draft saying what the head says (same trimmed text and attributes) is dropped, not returned.
   */
  draft: CaptionDraft | null;
}

/** A save from the editor. */
export interface SaveCaptionInput {
  segmentId: number;
  text: string;
  attributes?: CaptionAttributes;
  status: CaptionStatus;
  /**
   * The head revision the author edited (null: the segment had none). Refused with CONFLICT when
   * someone saved in between; the editor then loads the new head and shows both to merge.
   */
  parentId: number | null;
  suggestionId?: number | null;
  secondsSpent?: number;
  note?: string;
  /** CLI and scripts without a signed-in user only: the annotator's name. A server user's is their own. */
  author?: string;
}

export type QueueOrder = 'import' | 'confidence' | 'unreviewed' | 'artist';
export const QUEUE_ORDERS: readonly QueueOrder[] = ['import', 'confidence', 'unreviewed', 'artist'];

/** Which segments the annotator works through, in what order. */
export interface QueueQuery {
  /**
   * import: tracks in import order, segments by time; confidence: lowest model confidence first
   * (segments without a score last); unreviewed: segments without an approved head first, then
   * import order; artist: artist, album, title, time. Default import.
   */
  order?: QueueOrder;
  /** Only segments in one of these states (all when absent or empty). */
  status?: SegmentState[];
  /** Only segments whose newest suggestion came from this pack (name@version, a source label such as "label-studio:mycap-v2", or "built-in"). */
  model?: string;
  /** Only segments whose head revision was written by this annotator. */
  annotator?: string;
  /** Only segments last changed (head revision, else suggestion) at or after / before these ISO times. */
  since?: string;
  until?: string;
  /** Case-insensitive text in the head caption, the suggestion, or the track's title, artist or file name. */
  q?: string;
  /** Only this track's segments. */
  trackId?: number;
  /** Only approved heads awaiting a reviewer's verdict, written by someone other than the caller. */
  reviewable?: boolean;
  offset?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface QueueItem {
  segmentId: number;
  trackId: number;
  startSec: number;
  endSec: number;
  trackTitle: string | null;
  artist: string | null;
  album: string | null;
  fileName: string;
  state: SegmentState;
  /** The head revision's text, else the suggestion's. */
  text: string | null;
  headRevisionId: number | null;
  annotator: string | null;
  review: ReviewVerdict | null;
  suggestionPack: string | null;
  score: number | null;
  confidenceLevel: number | null;
  updatedAt: string;
}

export interface QueuePage {
  items: QueueItem[];
  total: number;
  offset: number;
  limit: number;
}

/** Who is calling: a server user's token, the library token, the desktop app or the CLI. */
export interface Caller {
  /** Annotator name written on revisions; null until the desktop user has given one. */
  name: string | null;
  role: UserRole;
  /** The name comes from a user's token and cannot be changed from here. */
  fixed: boolean;
}

export type UserRole = 'annotator' | 'reviewer' | 'owner';

/** A server account (`s2cap users add`). The token is shown once, when made. */
export interface StudioUser {
  name: string;
  role: Exclude<UserRole, 'owner'>;
  createdAt: string;
}

export interface AnnotatorStats {
  name: string;
  /** Segments whose head revision is this annotator's and approved. */
  approved: number;
  /** Revisions written (all statuses). */
  revisions: number;
  /** Mean word-level edit distance from the suggestion to the approved text (segments that had one). */
  meanWordEdits: number | null;
  /** Share (0–1) of approved captions equal to their suggestion (accepted unchanged). */
  acceptedUnchanged: number | null;
  /** Median seconds spent per approved caption (sum over the revisions leading to it). */
  medianSeconds: number | null;
}

export interface ModelStats {
  /** name@version, a source label such as "label-studio:mycap-v2", or "built-in". */
  model: string;
  suggestions: number;
  approved: number;
  meanWordEdits: number | null;
  acceptedUnchanged: number | null;
  medianSeconds: number | null;
}

/** Two annotators' latest captions of the same segments, compared. */
export interface Agreement {
  a: string;
  b: string;
  segments: number;
  /** Mean word edit distance between their texts. */
  meanWordEdits: number;
  /** Mean of edit distance / longer text's word count (0 = identical, 1 = nothing shared). */
  meanNormalized: number;
}

export interface StudioStats {
  annotators: AnnotatorStats[];
  models: ModelStats[];
  agreement: Agreement[];
  totals: { segments: number; suggested: number; approved: number; flagged: number; rejected: number; drafts: number };
}
