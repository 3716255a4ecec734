// The export query (shared/dataset.ts ExportRequest): every visible segment whose head revision
// (its newest caption revision) has one of the requested statuses, with what an export row needs
// beside it — the track (content hash, file, format), the head (text, author, status, chips), the
// suggestion the head started from (else the segment's newest) with its pack, and the track's
// vocal stem. One statement, the same on SQLite and PostgreSQL, in track then time order; the
// export framework (core/export) turns these into rows, splits and files.
//
// Who wrote the caption: a reviewer's verdict is a revision too (accept / send back, written under
// the reviewer's name, review column 'accepted' / 'rejected'), so the head's author is not always
// the annotator. As the Stats view credits it (metrics/studioStats.ts), the annotator is the author
// of the newest revision at or before the head that carries no verdict (review 'draft' or
// 'submitted'); `--annotator` filters on that. The reviewer is the head's author when the head is
// a verdict, else none.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { CaptionAttributes, CaptionStatus } from '../../shared/annotation';
import { segmentsWithHeads } from './queue';
import { suggestionModel, suggestionModelIs } from './suggestions';
import type { RepoContext } from './repoContext';

export interface ExportQuery {
  /** Head statuses to take (at least one). */
  status: readonly CaptionStatus[];
  /** Only captions written by this annotator (see the header: not the reviewer who accepted them). */
  annotator?: string;
  /** Only segments whose suggestion (as below) came from this pack: name@version, a bare name, or 'built-in'. */
  pack?: string;
  /** Only heads newer than this revision id. (`--since` compares whole rows instead: core/export/incremental.ts.) */
  afterRevisionId?: number;
}

/** One segment as the export query found it. */
export interface ExportSource {
  segmentId: number;
  startSec: number;
  endSec: number;
  track: { id: number; sha256: string; path: string; durationSec: number | null; sampleRate: number | null; channels: number | null };
  /** The track's vocal stem file (absolute), when it has one. */
  vocalsPath: string | null;
  head: { id: number; text: string; author: string; status: CaptionStatus; attributes: CaptionAttributes };
  /** Who wrote the caption: the newest revision at or before the head without a review verdict. */
  annotator: string;
  /** The reviewer whose verdict (accepted / sent back) is the head; null when the head is no verdict. */
  reviewer: string | null;
  /** The suggestion the head started from, else the segment's newest; null: none. */
  suggestion: { id: number; text: string; score: number | null; model: string } | null;
}

/** The chosen suggestion: the one the head names, else the segment's newest. */
const SUGGESTION = sql`coalesce(h.suggestion_id, b.sug_id)`;

/** Review column values of revisions that are an annotator's caption, not a reviewer's verdict. */
const NO_VERDICT = sql.raw(`('draft', 'submitted')`);
/** The annotator (header): by the (segment_id, id) index, one row per segment. */
const ANNOTATOR = sql<string>`coalesce((SELECT a.author FROM caption_revisions a WHERE a.segment_id = h.segment_id AND a.id <= h.id AND a.review IN ${NO_VERDICT} ORDER BY a.id DESC LIMIT 1), h.author)`;
const REVIEWER = sql<string | null>`CASE WHEN h.review IN ${NO_VERDICT} THEN NULL ELSE h.author END`;

function attributesOf(json: string | null): CaptionAttributes {
  if (!json) return {};
  try {
    const v: unknown = JSON.parse(json);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as CaptionAttributes;
  } catch {
    return {};
  }
}

export class ExportQueryRepo {
  constructor(private readonly c: RepoContext) {}

  /** Every matching segment, ordered by track, start, segment id. */
  async rows(q: ExportQuery): Promise<ExportSource[]> {
    if (!q.status.length) return [];
    const { db, paths } = this.c;
    const found = await db
      .selectFrom(segmentsWithHeads(db, undefined).as('b'))
      .innerJoin('tracks as t', 't.id', 'b.track_id')
      .innerJoin('caption_revisions as h', 'h.id', 'b.head_id')
      .leftJoin('suggestions as s', (j) => j.on(sql<SqlBool>`s.id = ${SUGGESTION}`))
      .leftJoin('model_packs as p', 'p.id', 's.pack_id')
      .leftJoin('stems as v', (j) => j.onRef('v.track_id', '=', 't.id').on('v.name', '=', 'vocals'))
      .where((eb) => {
        const conds: Expression<SqlBool>[] = [eb('h.status', 'in', [...q.status])];
        if (q.annotator !== undefined) conds.push(eb(ANNOTATOR, '=', q.annotator));
        if (q.afterRevisionId !== undefined) conds.push(eb('h.id', '>', q.afterRevisionId));
        if (q.pack !== undefined) conds.push(suggestionModelIs(q.pack));
        return eb.and(conds);
      })
      .select([
        'b.segment_id',
        'b.start_sec',
        'b.end_sec',
        't.id as track_id',
        't.sha256',
        't.path',
        't.duration_sec',
        't.sample_rate',
        't.channels',
        'v.path as vocals_path',
        'h.id as head_id',
        'h.text as head_text',
        'h.author',
        ANNOTATOR.as('annotator'),
        REVIEWER.as('reviewer'),
        'h.status',
        'h.attributes',
        's.id as sug_id',
        's.text as sug_text',
        's.score',
        'p.name as pack_name',
        's.source',
        'p.version as pack_version',
      ])
      .orderBy('b.track_id')
      .orderBy('b.start_sec')
      .orderBy('b.segment_id')
      .execute();
    return found.map((r) => ({
      segmentId: r.segment_id,
      startSec: r.start_sec,
      endSec: r.end_sec,
      track: {
        id: r.track_id,
        sha256: r.sha256,
        path: paths.toAbsolute(r.path),
        durationSec: r.duration_sec,
        sampleRate: r.sample_rate,
        channels: r.channels,
      },
      vocalsPath: r.vocals_path === null ? null : paths.toAbsolute(r.vocals_path),
      head: { id: r.head_id, text: r.head_text, author: r.author, status: r.status, attributes: attributesOf(r.attributes) },
      annotator: r.annotator,
      reviewer: r.reviewer,
      suggestion:
        r.sug_id === null || r.sug_text === null
          ? null
          : { id: r.sug_id, text: r.sug_text, score: r.score === null ? null : Number(r.score), model: suggestionModel(r.pack_name, r.pack_version, r.source) },
    }));
  }
}
