// Model suggestions per segment, kept with the pack and execution provider that produced them,
// so the UI can always say which model, running where, wrote a caption. Each remembers the span
// it was made for and reads as stale once its segment has been resized.
// A score reads as a confidence an annotator can use (confidenceOf): its percentile among the
// library's current model suggestions, in fifths — one computation for the Annotate view and the queue.
// A suggestion no pack made is the built-in suggester's, unless it records a `source` (a Label
// Studio prediction brought in by dataset import): suggestionLabel/suggestionModelIs are the one
// place that naming is decided, for the Annotate view, the queue, stats and the export.
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
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
  ep: string | null;
  ms: number | null;
  /** Where it came from when no pack made it, e.g. "label-studio:mycap-v2" (labelStudioSource). */
  source?: string | null;
}

/** The model label of suggestions made without a pack or a source (the built-in suggester). */
export const BUILT_IN_MODEL = 'built-in';

/** A suggestion's model as the studio names it: the pack's name@version, else its source label, else null (built-in). */
export const suggestionLabel = (packName: string | null, packVersion: string | null, source: string | null): string | null =>
  packLabel(packName, packVersion) ?? source ?? null;

/** suggestionLabel, with the built-in suggester named BUILT_IN_MODEL (queue, stats, export). */
export const suggestionModel = (packName: string | null, packVersion: string | null, source: string | null): string =>
  suggestionLabel(packName, packVersion, source) ?? BUILT_IN_MODEL;

/**
 * The condition "the suggestion `s` (joined to its pack as `p`) is model `model`", as
 * suggestionModel names it: BUILT_IN_MODEL, a pack's name@version or bare name, or a source label.
 */
export function suggestionModelIs(model: string): RawBuilder<SqlBool> {
  if (model === BUILT_IN_MODEL) return sql<SqlBool>`(s.id IS NOT NULL AND p.id IS NULL AND s.source IS NULL)`;
  const at = model.lastIndexOf('@');
  const byPack = at > 0 ? sql<SqlBool>`(p.name = ${model.slice(0, at)} AND p.version = ${model.slice(at + 1)})` : sql<SqlBool>`p.name = ${model}`;
  return sql<SqlBool>`(${byPack} OR (p.id IS NULL AND s.source = ${model}))`;
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
      's.source',
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
  pack: suggestionLabel(r.pack_name, r.pack_version, r.source),
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
        source: s.source ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return toSuggestion(await selectSuggestions(this.c.db).where('s.id', '=', id).executeTakeFirstOrThrow());
  }

  /** Whether a segment already has a suggestion with this text from this source (an import is not repeated). */
  async hasFromSource(segmentId: number, text: string, source: string): Promise<boolean> {
    const row = await this.c.db
      .selectFrom('suggestions')
      .select('id')
      .where('segment_id', '=', segmentId)
      .where('text', '=', text)
      .where('source', '=', source)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
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
      // Scores imported with a dataset (Label Studio predictions) may be on another scale: the pool
      // is the library's own model suggestions.
      .where('s.source', 'is', null)
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
