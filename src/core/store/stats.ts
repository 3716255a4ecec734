// The rows the Stats view is computed from (core/metrics/studioStats.ts does the arithmetic):
// every caption revision of the visible segments, the suggestions they started from and each
// segment's newest one with its pack, and how many suggestions each model made. Read in one
// snapshot by the caller (store.transaction(…, { write: false })).
import { sql } from 'kysely';
import type { RepoContext } from './repoContext';
import { suggestionModel } from './suggestions';

export interface StatsRevisionRow {
  id: number;
  segmentId: number;
  author: string;
  status: 'draft' | 'approved' | 'rejected' | 'flagged';
  /** The review column as stored: draft/submitted (pending), accepted, rejected (sent back). */
  review: string;
  text: string;
  suggestionId: number | null;
  secondsSpent: number | null;
  createdAt: string;
}

export interface StatsSuggestionRow {
  id: number;
  segmentId: number;
  text: string;
  /** name@version, a source label ("label-studio:…"), or "built-in" (suggestionModel). */
  model: string;
}

export interface StatsRows {
  /** Visible segments. */
  segments: number;
  /** Visible segments with at least one suggestion. */
  suggested: number;
  /** Revisions of visible segments, oldest first. */
  revisions: StatsRevisionRow[];
  /** Each visible segment's newest suggestion, and every suggestion a revision started from. */
  suggestions: StatsSuggestionRow[];
  /** Suggestions each model made on visible segments (within the window). */
  suggestionsPerModel: { model: string; n: number }[];
}

export interface StatsWindow {
  /** ISO times as stored (UTC, milliseconds); at or after `since`, before `until`. */
  since?: string;
  until?: string;
}

export class StatsRepo {
  constructor(private readonly c: RepoContext) {}

  async rows(window: StatsWindow = {}): Promise<StatsRows> {
    const db = this.c.db;
    const live = db.selectFrom('segments').select('id').where('deleted_at', 'is', null);
    const counts = await db
      .selectFrom('segments as g')
      .select((e) => [
        e.fn.countAll<number | string>().as('segments'),
        sql<number | string>`sum(CASE WHEN EXISTS (SELECT 1 FROM suggestions x WHERE x.segment_id = g.id) THEN 1 ELSE 0 END)`.as('suggested'),
      ])
      .where('g.deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const revisions = await db
      .selectFrom('caption_revisions')
      .select(['id', 'segment_id', 'author', 'status', 'review', 'text', 'suggestion_id', 'seconds_spent', 'created_at'])
      .where('segment_id', 'in', live)
      .orderBy('id')
      .execute();
    const suggestions = await db
      .selectFrom('suggestions as s')
      .leftJoin('model_packs as p', 'p.id', 's.pack_id')
      .select(['s.id', 's.segment_id', 's.text', 'p.name', 'p.version', 's.source'])
      .where((e) =>
        e.or([
          e('s.id', 'in', e.selectFrom('suggestions as x').innerJoin('segments as g', 'g.id', 'x.segment_id').select((f) => f.fn.max('x.id').as('id')).where('g.deleted_at', 'is', null).groupBy('x.segment_id')),
          e('s.id', 'in', e.selectFrom('caption_revisions as r').select('r.suggestion_id').where('r.suggestion_id', 'is not', null)),
        ]),
      )
      .execute();
    let perModel = db
      .selectFrom('suggestions as s')
      .leftJoin('model_packs as p', 'p.id', 's.pack_id')
      .select((e) => ['p.name', 'p.version', 's.source', e.fn.countAll<number | string>().as('n')])
      .where('s.segment_id', 'in', live)
      .groupBy(['p.name', 'p.version', 's.source']);
    if (window.since) perModel = perModel.where('s.created_at', '>=', window.since);
    if (window.until) perModel = perModel.where('s.created_at', '<', window.until);
    return {
      segments: Number(counts.segments),
      suggested: Number(counts.suggested ?? 0),
      revisions: revisions.map((r) => ({
        id: r.id,
        segmentId: r.segment_id,
        author: r.author,
        status: r.status,
        review: r.review,
        text: r.text,
        suggestionId: r.suggestion_id,
        secondsSpent: r.seconds_spent,
        createdAt: r.created_at,
      })),
      suggestions: suggestions.map((s) => ({ id: s.id, segmentId: s.segment_id, text: s.text, model: suggestionModel(s.name, s.version, s.source) })),
      suggestionsPerModel: (await perModel.execute()).map((r) => ({ model: suggestionModel(r.name, r.version, r.source), n: Number(r.n) })),
    };
  }
}
