// Model suggestions per segment, kept with the pack and execution provider that produced them,
// so the UI can always say which model, running where, wrote a caption. Each remembers the span
// it was made for and reads as stale once its segment has been resized.
// A score reads as a confidence an annotator can use (confidenceOf): its percentile among the
// library's current model suggestions, in fifths — one computation for the Annotate view and the queue.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Confidence } from '../../shared/annotation';
import type { Suggestion } from '../../shared/types';
import { packLabel, type RepoContext } from './repoContext';
import type { Database } from './schema';
import { spanChanged } from './segments';

export interface NewSuggestion {
  segmentId: number;
  /** The span the model heard (the segment's span when the job read it). */
  startSec: number;
  endSec: number;
  text: string;
  score: number | null;
  tokenLogprobs: number[];
  packId: number | null;
  ep: string;
  ms: number;
}

const selectSuggestions = (db: Kysely<Database>) =>
  db
    .selectFrom('suggestions as s')
    .innerJoin('segments as seg', 'seg.id', 's.segment_id')
    .leftJoin('model_packs as p', 'p.id', 's.pack_id')
    .select([
      's.id',
      's.segment_id',
      's.text',
      's.score',
      's.token_logprobs',
      's.ep',
      's.ms',
      's.created_at',
      's.start_sec',
      's.end_sec',
      'seg.start_sec as seg_start_sec',
      'seg.end_sec as seg_end_sec',
      'p.name as pack_name',
      'p.version as pack_version',
    ]);

type Row = Awaited<ReturnType<ReturnType<typeof selectSuggestions>['executeTakeFirstOrThrow']>>;

const toSuggestion = (r: Row): Suggestion => ({
  id: r.id,
  segmentId: r.segment_id,
  text: r.text,
  score: r.score,
  tokenLogprobs: r.token_logprobs ? (JSON.parse(r.token_logprobs) as number[]) : [],
  pack: packLabel(r.pack_name, r.pack_version),
  ep: r.ep,
  ms: r.ms,
  createdAt: r.created_at,
  startSec: r.start_sec ?? r.seg_start_sec,
  endSec: r.end_sec ?? r.seg_end_sec,
  stale: spanChanged(r, { start_sec: r.seg_start_sec, end_sec: r.seg_end_sec }),
});

/**
 * A score's confidence, given how many of the library's current scored suggestions score at or
 * below it (`atOrBelow`) out of `total`: the percentile (0–100, one decimal) and its fifth (1–5).
 */
export function confidenceFromRank(score: number, atOrBelow: number, total: number): Confidence {
  const share = total === 0 ? 1 : Math.min(1, atOrBelow / total);
  const level = Math.min(5, Math.max(1, Math.ceil(share * 5))) as Confidence['level'];
  return { score, percentile: Math.round(share * 1000) / 10, level };
}

export class SuggestionsRepo {
  constructor(private readonly c: RepoContext) {}

  async insert(s: NewSuggestion): Promise<Suggestion> {
    const { id } = await this.c.db
      .insertInto('suggestions')
      .values({
        segment_id: s.segmentId,
        start_sec: s.startSec,
        end_sec: s.endSec,
        text: s.text,
        score: s.score,
        token_logprobs: JSON.stringify(s.tokenLogprobs.map((x) => Math.round(x * 1e4) / 1e4)),
        pack_id: s.packId,
        ep: s.ep,
        ms: s.ms,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return toSuggestion(await selectSuggestions(this.c.db).where('s.id', '=', id).executeTakeFirstOrThrow());
  }

  /** How many suggestions each segment of a track has (all ever made, stale or hidden too); segments with none are absent. */
  async countPerSegment(trackId: number): Promise<Map<number, number>> {
    const rows = await this.c.db
      .selectFrom('suggestions as s')
      .innerJoin('segments as g', 'g.id', 's.segment_id')
      .select((e) => ['s.segment_id', e.fn.countAll<number | string>().as('n')])
      .where('g.track_id', '=', trackId)
      .groupBy('s.segment_id')
      .execute();
    return new Map(rows.map((r) => [r.segment_id, Number(r.n)]));
  }

  async get(id: number): Promise<Suggestion | undefined> {
    const row = await selectSuggestions(this.c.db).where('s.id', '=', id).executeTakeFirst();
    return row && toSuggestion(row);
  }

  /** The newest suggestion of one segment (stale or not). */
  async newestOf(segmentId: number): Promise<Suggestion | undefined> {
    const row = await selectSuggestions(this.c.db).where('s.segment_id', '=', segmentId).orderBy('s.id', 'desc').limit(1).executeTakeFirst();
    return row && toSuggestion(row);
  }

  /** The newest suggestion of every live segment of a track. */
  async latest(trackId: number): Promise<Suggestion[]> {
    const rows = await selectSuggestions(this.c.db)
      .where('s.id', 'in', (eb) =>
        eb
          .selectFrom('suggestions as s2')
          .innerJoin('segments as g', 'g.id', 's2.segment_id')
          .select((e) => e.fn.max('s2.id').as('id'))
          .where('g.track_id', '=', trackId)
          .where('g.deleted_at', 'is', null)
          .groupBy('s2.segment_id'),
      )
      .orderBy('s.segment_id')
      .execute();
    return rows.map(toSuggestion);
  }

  /**
   * The confidence of a model score (null for none: the built-in suggester's): where it stands
   * among the library's current scored suggestions (the newest of each visible segment).
   */
  async confidenceOf(score: number | null): Promise<Confidence | null> {
    return score === null ? null : (await this.confidencesOf([score])).get(score)!;
  }

  /**
   * confidenceOf for many scores at once (a queue page), in one pass over the current scores: each
   * current score falls in the bucket of the smallest asked score at or above it (found by a
   * binary search written as nested CASEs, so a page of 1000 scores costs ~10 comparisons a row),
   * and the running sum of the buckets is how many score at or below each asked one.
   */
  async confidencesOf(scores: readonly number[]): Promise<Map<number, Confidence>> {
    const asked = [...new Set(scores.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
    if (asked.length === 0) return new Map();
    // Buckets lo..hi; bucket asked.length holds the scores above every asked one.
    const bucket = (lo: number, hi: number): RawBuilder<number> => {
      if (lo === hi) return sql<number>`${sql.lit(lo)}`;
      const mid = (lo + hi) >> 1;
      return sql<number>`(CASE WHEN s.score <= ${asked[mid]!} THEN ${bucket(lo, mid)} ELSE ${bucket(mid + 1, hi)} END)`;
    };
    const rows = await this.c.db
      .selectFrom('suggestions as s')
      .innerJoin('segments as g', 'g.id', 's.segment_id')
      .select((e) => [bucket(0, asked.length).as('b'), e.fn.countAll<number | string>().as('n')])
      .where('g.deleted_at', 'is', null)
      .where('s.score', 'is not', null)
      .where((e) => e.not(e.exists(e.selectFrom('suggestions as n').select(sql.lit(1).as('one')).whereRef('n.segment_id', '=', 's.segment_id').whereRef('n.id', '>', 's.id'))))
      .groupBy(sql`1`)
      .execute();
    const counts = new Array<number>(asked.length + 1).fill(0);
    for (const r of rows) counts[Number(r.b)] = Number(r.n);
    const total = counts.reduce((a, b) => a + b, 0);
    const out = new Map<number, Confidence>();
    let below = 0;
    asked.forEach((x, i) => {
      below += counts[i]!;
      out.set(x, confidenceFromRank(x, below, total));
    });
    return out;
  }
}
