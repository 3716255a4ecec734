// Caption revisions: an append-only history per segment. Writing never updates a row; the
// current caption is simply the newest revision, and every earlier one stays readable.
import type { Db } from './db';

export type RevisionSource = 'human' | 'suggestion' | 'import';
export type ReviewState = 'draft' | 'submitted' | 'accepted' | 'rejected';

export interface CaptionRevision {
  id: number;
  segmentId: number;
  parentId: number | null;
  text: string;
  author: string;
  source: RevisionSource;
  suggestionId: number | null;
  review: ReviewState;
  createdAt: string;
}

export interface NewRevision {
  segmentId: number;
  text: string;
  author: string;
  source: RevisionSource;
  suggestionId?: number | null;
  review?: ReviewState;
}

interface RevisionRow {
  id: number;
  segment_id: number;
  parent_id: number | null;
  text: string;
  author: string;
  source: RevisionSource;
  suggestion_id: number | null;
  review: ReviewState;
  created_at: string;
}

const toRevision = (r: RevisionRow): CaptionRevision => ({
  id: r.id,
  segmentId: r.segment_id,
  parentId: r.parent_id,
  text: r.text,
  author: r.author,
  source: r.source,
  suggestionId: r.suggestion_id,
  review: r.review,
  createdAt: r.created_at,
});

/** Appends a revision whose parent is the segment's current head, atomically. */
export function appendRevision(db: Db, rev: NewRevision): CaptionRevision {
  return db.transaction(() => {
    const head = latestRevision(db, rev.segmentId);
    const info = db
      .prepare(
        `INSERT INTO caption_revisions (segment_id, parent_id, text, author, source, suggestion_id, review)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(rev.segmentId, head?.id ?? null, rev.text, rev.author, rev.source, rev.suggestionId ?? null, rev.review ?? 'draft');
    return toRevision(db.prepare('SELECT * FROM caption_revisions WHERE id = ?').get(info.lastInsertRowid) as RevisionRow);
  }).immediate(); // reads the head, then writes: take the write lock first
}

export function latestRevision(db: Db, segmentId: number): CaptionRevision | undefined {
  const row = db
    .prepare('SELECT * FROM caption_revisions WHERE segment_id = ? ORDER BY id DESC LIMIT 1')
    .get(segmentId) as RevisionRow | undefined;
  return row && toRevision(row);
}

/** Oldest first. */
export function revisionHistory(db: Db, segmentId: number): CaptionRevision[] {
  const rows = db
    .prepare('SELECT * FROM caption_revisions WHERE segment_id = ? ORDER BY id')
    .all(segmentId) as RevisionRow[];
  return rows.map(toRevision);
}
