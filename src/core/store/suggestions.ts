// Model suggestions per segment, kept with the pack and execution provider that produced them,
// so the UI can always say which model, running where, wrote a caption. Each remembers the span
// it was made for and reads as stale once its segment has been resized.
import type { Kysely } from 'kysely';
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
}
