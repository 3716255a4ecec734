// Caption revisions: an append-only history per segment. Writing never updates a row; the
// current caption is simply the newest revision, and every earlier one stays readable (triggers in
// the database refuse UPDATE and DELETE on caption_revisions in both back ends). A save may name
// the revision it edits; it is refused when that is no longer the head (no lost updates).
import type { Kysely, Selectable } from 'kysely';
import { StudioError } from '../../shared/errors';
import type { RepoContext } from './repoContext';
import type { CaptionRevisionsTable, Database } from './schema';

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
  /**
   * The revision this save edits: the head its author saw (null: the segment had no caption yet).
   * When given, the save is refused (CONFLICT, naming the current head) if the head has moved on
   * meanwhile, so two people editing one caption never silently overwrite each other. Left out,
   * the revision goes on top of whatever the head is.
   */
  parentId?: number | null;
}

const toRevision = (r: Selectable<CaptionRevisionsTable>): CaptionRevision => ({
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

const latest = (db: Kysely<Database>, segmentId: number) =>
  db.selectFrom('caption_revisions').selectAll().where('segment_id', '=', segmentId).orderBy('id', 'desc').limit(1).executeTakeFirst();

export class CaptionsRepo {
  constructor(private readonly c: RepoContext) {}

  /** Appends a revision whose parent is the segment's current head, atomically. */
  append(rev: NewRevision): Promise<CaptionRevision> {
    return this.c.atomic(async (db) => {
      // SQLite: the write transaction holds the library's write lock already. PostgreSQL: lock the
      // segment's row so two writers of one segment take turns and each sees the other's head.
      if (this.c.dialect === 'postgres') await db.selectFrom('segments').select('id').where('id', '=', rev.segmentId).forUpdate().execute();
      const head = await latest(db, rev.segmentId);
      if (rev.parentId !== undefined && (head?.id ?? null) !== rev.parentId) {
        throw new StudioError(
          'CONFLICT',
          `the caption of segment ${rev.segmentId} was changed meanwhile: revision ${head?.id ?? 'none'} is the current one, not ${rev.parentId ?? 'none'}; reload it and save again`,
        );
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
          review: rev.review ?? 'draft',
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

  /** Oldest first. */
  async history(segmentId: number): Promise<CaptionRevision[]> {
    const rows = await this.c.db.selectFrom('caption_revisions').selectAll().where('segment_id', '=', segmentId).orderBy('id').execute();
    return rows.map(toRevision);
  }
}
