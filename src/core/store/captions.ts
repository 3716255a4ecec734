// Caption revisions: an append-only history per segment. Writing never updates a row; the
// current caption is simply the newest revision, and every earlier one stays readable (triggers in
// the database refuse UPDATE and DELETE on caption_revisions in both back ends). A save may name
// the revision it edits; it is refused when that is no longer the head (no lost updates).
// Beside them, each annotator's draft of a segment (caption_drafts): the editor's autosaved working
// copy, one mutable row per segment and author, overwritten by each autosave and removed by a save.
import type { Kysely, Selectable } from 'kysely';
import type { CaptionAttributes, CaptionDraft, CaptionRevision, CaptionStatus, ReviewVerdict, RevisionSource } from '../../shared/annotation';
import { StudioError } from '../../shared/errors';
import { nowIso, type RepoContext } from './repoContext';
import type { CaptionDraftsTable, CaptionRevisionsTable, Database } from './schema';

export type { CaptionRevision, CaptionDraft, RevisionSource };

/** The review column's values (from before migration 9) as the verdicts they mean. */
const REVIEW_OUT: Record<Selectable<CaptionRevisionsTable>['review'], ReviewVerdict> = {
  draft: 'pending',
  submitted: 'pending',
  accepted: 'accepted',
  rejected: 'sentBack',
};
const REVIEW_IN: Record<ReviewVerdict, 'draft' | 'accepted' | 'rejected'> = { pending: 'draft', accepted: 'accepted', sentBack: 'rejected' };

export interface NewRevision {
  segmentId: number;
  text: string;
  author: string;
  source: RevisionSource;
  suggestionId?: number | null;
  /** Default draft. */
  status?: CaptionStatus;
  attributes?: CaptionAttributes;
  secondsSpent?: number | null;
  note?: string | null;
  /** Default pending. */
  review?: ReviewVerdict;
  restoredFrom?: number | null;
  /**
   * The revision this save edits: the head its author saw (null: the segment had no caption yet).
   * When given, the save is refused (CONFLICT, naming the current head) if the head has moved on
   * meanwhile, so two people editing one caption never silently overwrite each other. Left out,
   * the revision goes on top of whatever the head is.
   */
  parentId?: number | null;
}

export interface NewDraft {
  segmentId: number;
  author: string;
  text: string;
  attributes?: CaptionAttributes;
  baseRevisionId: number | null;
  suggestionId?: number | null;
  secondsSpent?: number;
}

/** A JSON attributes column as an object (a column holding anything else reads as none). */
function parseAttributes(json: string | null): CaptionAttributes {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as CaptionAttributes) : {};
  } catch {
    return {};
  }
}

/** Attributes as stored: only the named ones with a value, or null when none. */
function storedAttributes(a: CaptionAttributes | undefined): string | null {
  const entries = Object.entries(a ?? {}).filter(([, v]) => typeof v === 'string' && v !== '');
  return entries.length ? JSON.stringify(Object.fromEntries(entries)) : null;
}

const toRevision = (r: Selectable<CaptionRevisionsTable>): CaptionRevision => ({
  id: r.id,
  segmentId: r.segment_id,
  parentId: r.parent_id,
  text: r.text,
  attributes: parseAttributes(r.attributes),
  status: r.status,
  author: r.author,
  source: r.source,
  suggestionId: r.suggestion_id,
  secondsSpent: r.seconds_spent,
  note: r.note,
  review: REVIEW_OUT[r.review],
  restoredFrom: r.restored_from,
  createdAt: r.created_at,
});

const toDraft = (r: Selectable<CaptionDraftsTable>): CaptionDraft => ({
  segmentId: r.segment_id,
  author: r.author,
  text: r.text,
  attributes: parseAttributes(r.attributes),
  baseRevisionId: r.base_revision_id,
  suggestionId: r.suggestion_id,
  secondsSpent: r.seconds_spent,
  updatedAt: r.updated_at,
});

const latest = (db: Kysely<Database>, segmentId: number) =>
  db.selectFrom('caption_revisions').selectAll().where('segment_id', '=', segmentId).orderBy('id', 'desc').limit(1).executeTakeFirst();

/** The one-line refusal of a save whose parent is no longer the head (transports show it as it is). */
export function staleParentMessage(segmentId: number, headId: number | null, parentId: number | null): string {
  return `the caption of segment ${segmentId} was changed meanwhile: revision ${headId ?? 'none'} is the current one, not ${parentId ?? 'none'}; reload it and save again`;
}

export class CaptionsRepo {
  constructor(private readonly c: RepoContext) {}

  /** Appends a revision whose parent is the segment's current head, atomically. */
  append(rev: NewRevision): Promise<CaptionRevision> {
    return this.c.atomic(async (db) => {
      // SQLite: the write transaction holds the library's write lock already. PostgreSQL: lock the
      // segment's row so two writers of one segment take turns and each sees the other's head
      // (NO KEY UPDATE: rows inserted meanwhile that reference the segment, a job's suggestions,
      // are not blocked by it, so a job holding those cannot deadlock with a save).
      if (this.c.dialect === 'postgres') await db.selectFrom('segments').select('id').where('id', '=', rev.segmentId).forNoKeyUpdate().execute();
      const head = await latest(db, rev.segmentId);
      if (rev.parentId !== undefined && (head?.id ?? null) !== rev.parentId) {
        throw new StudioError('CONFLICT', staleParentMessage(rev.segmentId, head?.id ?? null, rev.parentId));
      }
      const row = await db
        .insertInto('caption_revisions')
        .values({
          segment_id: rev.segmentId,
          parent_id: head?.id ?? null,
          text: rev.text,
          author: rev.author,
          source: rev.source,
          suggestion_id: rev.suggestionId ?? null,
          review: REVIEW_IN[rev.review ?? 'pending'],
          status: rev.status ?? 'draft',
          attributes: storedAttributes(rev.attributes),
          seconds_spent: rev.secondsSpent ?? null,
          note: rev.note ?? null,
          restored_from: rev.restoredFrom ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRevision(row);
    });
  }

  async latest(segmentId: number): Promise<CaptionRevision | undefined> {
    const row = await latest(this.c.db, segmentId);
    return row && toRevision(row);
  }

  /** One revision by id (any segment). */
  async get(id: number): Promise<CaptionRevision | undefined> {
    const row = await this.c.db.selectFrom('caption_revisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRevision(row);
  }

  /** Oldest first. */
  async history(segmentId: number): Promise<CaptionRevision[]> {
    const rows = await this.c.db.selectFrom('caption_revisions').selectAll().where('segment_id', '=', segmentId).orderBy('id').execute();
    return rows.map(toRevision);
  }

  /** Writes (or overwrites) an author's draft of a segment: one statement, committed when it returns. */
  async saveDraft(d: NewDraft): Promise<CaptionDraft> {
    const values = {
      text: d.text,
      attributes: storedAttributes(d.attributes),
      base_revision_id: d.baseRevisionId,
      suggestion_id: d.suggestionId ?? null,
      seconds_spent: d.secondsSpent ?? 0,
      updated_at: nowIso(),
    };
    const row = await this.c.db
      .insertInto('caption_drafts')
      .values({ segment_id: d.segmentId, author: d.author, ...values })
      .onConflict((oc) => oc.columns(['segment_id', 'author']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDraft(row);
  }

  async getDraft(segmentId: number, author: string): Promise<CaptionDraft | undefined> {
    const row = await this.c.db.selectFrom('caption_drafts').selectAll().where('segment_id', '=', segmentId).where('author', '=', author).executeTakeFirst();
    return row && toDraft(row);
  }

  /**
   * Removes an author's draft of a segment; whether there was one. With `updatedAt`, only the
   * draft as it was read then: one autosaved since is newer work and stays.
   */
  async deleteDraft(segmentId: number, author: string, updatedAt?: string): Promise<boolean> {
    let q = this.c.db.deleteFrom('caption_drafts').where('segment_id', '=', segmentId).where('author', '=', author);
    if (updatedAt !== undefined) q = q.where('updated_at', '=', updatedAt);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
