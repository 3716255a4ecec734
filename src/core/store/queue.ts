// The annotation queue (shared/annotation.ts QueueQuery): every visible segment with where it
// stands — its head revision (the newest caption revision), its newest suggestion and that
// suggestion's pack, the workflow state — filtered, ordered and paged in the database, so an
// annotator's next segment never needs the whole library in memory. One statement for the page
// and one for the count, the same on SQLite and PostgreSQL.
//
// State (SegmentState): stale when the newest suggestion was made for another span than the
// segment's (beyond SPAN_TOLERANCE_SEC, as spanChanged decides) and the head is not approved; else
// the head's status; else suggested / unsuggested. Confidence levels come from
// SuggestionsRepo.confidencesOf (the same percentile the Annotate view shows).
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { QueueItem, QueueOrder, QueuePage, QueueQuery, ReviewVerdict, SegmentState } from '../../shared/annotation';
import type { RepoContext } from './repoContext';
import type { Database } from './schema';
import { SPAN_TOLERANCE_SEC } from './segments';
import { BUILT_IN_MODEL, SuggestionsRepo, suggestionModel, suggestionModelIs } from './suggestions';
import { containsPattern } from './tracks';

export const QUEUE_PAGE_DEFAULT = 100;
export const QUEUE_PAGE_MAX = 1000;

/** The label of suggestions made without a pack or source (the built-in suggester); defined with suggestionLabel. */
export { BUILT_IN_MODEL };

/** The review column's values as the contract reads them. */
export const reviewVerdict = (review: string): ReviewVerdict => (review === 'accepted' ? 'accepted' : review === 'rejected' ? 'sentBack' : 'pending');
/** Review column values that mean "no verdict yet". */
export const PENDING_REVIEW = ['draft', 'submitted'] as const;

const TOL = sql.lit(SPAN_TOLERANCE_SEC);
const STATE = sql<SegmentState>`(CASE
  WHEN s.id IS NOT NULL AND s.start_sec IS NOT NULL AND s.end_sec IS NOT NULL
       AND (abs(s.start_sec - b.start_sec) > ${TOL} OR abs(s.end_sec - b.end_sec) > ${TOL})
       AND (h.id IS NULL OR h.status <> 'approved') THEN 'stale'
  WHEN h.id IS NOT NULL THEN h.status
  WHEN s.id IS NOT NULL THEN 'suggested'
  ELSE 'unsuggested' END)`;
const UPDATED = sql<string>`coalesce(h.created_at, s.created_at, b.created_at)`;
const IMPORT_ORDER = [sql`b.track_id`, sql`b.start_sec`, sql`b.segment_id`];
const ORDERS: Record<QueueOrder, RawBuilder<unknown>[]> = {
  import: IMPORT_ORDER,
  // NULLs sort differently on the two back ends: unscored last explicitly.
  confidence: [sql`(CASE WHEN s.score IS NULL THEN 1 ELSE 0 END)`, sql`s.score`, ...IMPORT_ORDER],
  unreviewed: [sql`(CASE WHEN h.status = 'approved' THEN 1 ELSE 0 END)`, ...IMPORT_ORDER],
  artist: [sql`lower(coalesce(t.artist, ''))`, sql`lower(coalesce(t.album, ''))`, sql`lower(coalesce(t.title, t.file_name))`, ...IMPORT_ORDER],
};

/** A time the query names, as the stored timestamps are written (ISO UTC, milliseconds). */
const storedTime = (t: string): string => new Date(t).toISOString();

/** Every visible segment with its head revision's and newest suggestion's ids (a derived table; the export query reads it too). */
export function segmentsWithHeads(db: Kysely<Database>, trackId: number | undefined) {
  let q = db
    .selectFrom('segments as g')
    .select([
      'g.id as segment_id',
      'g.track_id',
      'g.start_sec',
      'g.end_sec',
      'g.created_at',
      sql<number | null>`(SELECT max(r.id) FROM caption_revisions r WHERE r.segment_id = g.id)`.as('head_id'),
      sql<number | null>`(SELECT max(x.id) FROM suggestions x WHERE x.segment_id = g.id)`.as('sug_id'),
    ])
    .where('g.deleted_at', 'is', null);
  if (trackId !== undefined) q = q.where('g.track_id', '=', trackId);
  return q;
}

/** The joined rows the queue filters and orders (segment, track, head, suggestion, pack). */
function queueRows(db: Kysely<Database>, q: QueueQuery, caller: string | null) {
  return db
    .selectFrom(segmentsWithHeads(db, q.trackId).as('b'))
    .innerJoin('tracks as t', 't.id', 'b.track_id')
    .leftJoin('caption_revisions as h', 'h.id', 'b.head_id')
    .leftJoin('suggestions as s', 's.id', 'b.sug_id')
    .leftJoin('model_packs as p', 'p.id', 's.pack_id')
    .where((eb) => {
      const conds: Expression<SqlBool>[] = [];
      if (q.status?.length) conds.push(eb(STATE, 'in', q.status));
      if (q.model) conds.push(suggestionModelIs(q.model));
      if (q.annotator) conds.push(eb('h.author', '=', q.annotator));
      if (q.since) conds.push(eb(UPDATED, '>=', storedTime(q.since)));
      if (q.until) conds.push(eb(UPDATED, '<', storedTime(q.until)));
      const text = q.q?.trim();
      if (text) {
        // Folded by the database's own lower() on both sides, as the library search does (tracks.ts).
        const like = containsPattern(text);
        const has = (col: string) => sql<SqlBool>`lower(${sql.ref(col)}) LIKE lower(${like}) ESCAPE '!'`;
        conds.push(eb.or([has('h.text'), has('s.text'), has('t.title'), has('t.artist'), has('t.file_name')]));
      }
      if (q.reviewable) {
        conds.push(eb('h.status', '=', 'approved'));
        conds.push(eb('h.review', 'in', [...PENDING_REVIEW]));
        if (caller !== null) conds.push(eb('h.author', '<>', caller));
      }
      return eb.and(conds);
    });
}

/** Whether a query filters on anything but the track (then its count needs the joined rows). */
const filtersOnWork = (q: QueueQuery): boolean =>
  Boolean(q.status?.length || q.model || q.annotator || q.since || q.until || q.q?.trim() || q.reviewable);

export class QueueRepo {
  private readonly suggestions: SuggestionsRepo;

  constructor(private readonly c: RepoContext) {
    this.suggestions = new SuggestionsRepo(c);
  }

  /**
   * One page of the queue and how many segments match. `caller` is the annotator asking (their own
   * approved captions are not theirs to review); null: nobody in particular.
   */
  async page(q: QueueQuery = {}, caller: string | null = null): Promise<QueuePage> {
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const limit = Math.min(QUEUE_PAGE_MAX, Math.max(1, Math.floor(q.limit ?? QUEUE_PAGE_DEFAULT)));
    const rows = queueRows(this.c.db, q, caller);
    let page = rows.select([
      'b.segment_id',
      'b.track_id',
      'b.start_sec',
      'b.end_sec',
      't.title',
      't.artist',
      't.album',
      't.file_name',
      'h.id as head_id',
      'h.text as head_text',
      'h.author',
      'h.review',
      's.id as sug_id',
      's.text as sug_text',
      's.score',
      'p.name as pack_name',
      'p.version as pack_version',
      's.source',
      STATE.as('state'),
      UPDATED.as('updated_at'),
    ]);
    for (const k of ORDERS[q.order ?? 'import']) page = page.orderBy(k);
    // Without a filter on what the heads and suggestions say, every visible segment matches: count
    // those alone (the full count reads every segment's head and suggestion, ~50 ms at 60,000).
    const count = filtersOnWork(q)
      ? rows.select((e) => e.fn.countAll<number | string>().as('n'))
      : segmentsWithHeads(this.c.db, q.trackId).clearSelect().select((e) => e.fn.countAll<number | string>().as('n'));
    const [found, n] = await Promise.all([page.limit(limit).offset(offset).execute(), count.executeTakeFirstOrThrow()]);
    const levels = await this.suggestions.confidencesOf(found.flatMap((r) => (r.score === null ? [] : [r.score])));
    const items: QueueItem[] = found.map((r) => ({
      segmentId: r.segment_id,
      trackId: r.track_id,
      startSec: r.start_sec,
      endSec: r.end_sec,
      trackTitle: r.title,
      artist: r.artist,
      album: r.album,
      fileName: r.file_name,
      state: r.state,
      text: r.head_text ?? r.sug_text ?? null,
      headRevisionId: r.head_id ?? null,
      annotator: r.author ?? null,
      review: r.review ? reviewVerdict(r.review) : null,
      suggestionPack: r.sug_id === null ? null : suggestionModel(r.pack_name, r.pack_version, r.source),
      score: r.score ?? null,
      confidenceLevel: r.score === null ? null : (levels.get(r.score)?.level ?? null),
      updatedAt: r.updated_at,
    }));
    return { items, total: Number(n.n), offset, limit };
  }
}
