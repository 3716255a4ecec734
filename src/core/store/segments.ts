// Repository for caption segments: the spans of a track (5–30 s in S2Cap) that each get one caption.
// Segments are never deleted, only hidden (deleted_at), so caption revisions keep their history.
import type { Selectable } from 'kysely';
import { StudioError } from '../../shared/errors';
import type { Segment, TrackCounts } from '../../shared/types';
import { changed, nowIso, type RepoContext } from './repoContext';
import type { SegmentsTable } from './schema';

export type { Segment };

const toSegment = (r: Selectable<SegmentsTable>): Segment => ({
  id: r.id,
  trackId: r.track_id,
  startSec: r.start_sec,
  endSec: r.end_sec,
  createdAt: r.created_at,
});

/** Spans closer than this (seconds) are the same span; the UI moves edges by far more. */
export const SPAN_TOLERANCE_SEC = 0.001;

/**
 * Whether a row recorded for a span (a suggestion, a measured attribute) no longer matches its
 * segment's span (resized since). A row without a recorded span is taken to match.
 */
export function spanChanged(row: { start_sec: number | null; end_sec: number | null }, seg: { start_sec: number; end_sec: number }): boolean {
  if (row.start_sec === null || row.end_sec === null) return false;
  return Math.abs(row.start_sec - seg.start_sec) > SPAN_TOLERANCE_SEC || Math.abs(row.end_sec - seg.end_sec) > SPAN_TOLERANCE_SEC;
}

export class SegmentsRepo {
  constructor(private readonly c: RepoContext) {}

  async insert(trackId: number, startSec: number, endSec: number): Promise<Segment> {
    const row = await this.c.db
      .insertInto('segments')
      .values({ track_id: trackId, start_sec: startSec, end_sec: endSec, deleted_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSegment(row);
  }

  /** A live (not hidden) segment. */
  async get(id: number): Promise<Segment | undefined> {
    const row = await this.c.db.selectFrom('segments').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return row && toSegment(row);
  }

  async require(id: number): Promise<Segment> {
    const s = await this.get(id);
    if (!s) throw new StudioError('NOT_FOUND', `no segment with id ${id}`);
    return s;
  }

  async list(trackId: number): Promise<Segment[]> {
    const rows = await this.c.db
      .selectFrom('segments')
      .selectAll()
      .where('track_id', '=', trackId)
      .where('deleted_at', 'is', null)
      .orderBy('start_sec')
      .orderBy('id')
      .execute();
    return rows.map(toSegment);
  }

  async update(id: number, startSec: number, endSec: number): Promise<Segment> {
    const row = await this.c.db
      .updateTable('segments')
      .set({ start_sec: startSec, end_sec: endSec })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new Error(`segment ${id} not found`);
    return toSegment(row);
  }

  /**
   * Inside a write transaction, before checking a track's segments for overlaps: makes another
   * writer of the same track's segments wait until this transaction ends. SQLite: nothing to do
   * (a write transaction holds the library's write lock). PostgreSQL: the track's row, FOR NO KEY
   * UPDATE (writers of the track take turns; rows that merely reference it, stems or segments
   * inserted elsewhere, are not held up, so their transactions cannot deadlock with this one).
   */
  async lockTrack(trackId: number): Promise<void> {
    if (this.c.dialect === 'postgres') await this.c.db.selectFrom('tracks').select('id').where('id', '=', trackId).forNoKeyUpdate().execute();
  }

  /**
   * The visible segments of a track that overlap startSec–endSec by more than the span tolerance
   * (segments that only touch it do not), earliest first; `exceptId` leaves one out (the segment
   * being moved).
   */
  async overlapping(trackId: number, startSec: number, endSec: number, exceptId?: number): Promise<Segment[]> {
    const rows = await this.c.db
      .selectFrom('segments')
      .selectAll()
      .where('track_id', '=', trackId)
      .where('deleted_at', 'is', null)
      .where('start_sec', '<', endSec - SPAN_TOLERANCE_SEC)
      .where('end_sec', '>', startSec + SPAN_TOLERANCE_SEC)
      .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
      .orderBy('start_sec')
      .orderBy('id')
      .execute();
    return rows.map(toSegment);
  }

  /**
   * The track's segments, hidden ones included, whose span is startSec–endSec within the span
   * tolerance: visible ones first, then oldest first (a dataset import finds the segment it made before).
   */
  async withSpan(trackId: number, startSec: number, endSec: number): Promise<{ segment: Segment; hidden: boolean }[]> {
    const rows = await this.c.db
      .selectFrom('segments')
      .selectAll()
      .where('track_id', '=', trackId)
      .where('start_sec', '>=', startSec - SPAN_TOLERANCE_SEC)
      .where('start_sec', '<=', startSec + SPAN_TOLERANCE_SEC)
      .where('end_sec', '>=', endSec - SPAN_TOLERANCE_SEC)
      .where('end_sec', '<=', endSec + SPAN_TOLERANCE_SEC)
      .orderBy('id')
      .execute();
    return rows
      .map((r) => ({ segment: toSegment(r), hidden: r.deleted_at !== null }))
      .sort((a, b) => Number(a.hidden) - Number(b.hidden));
  }

  /** A segment whether hidden or not, with whether it is hidden. */
  async getAny(id: number): Promise<{ segment: Segment; hidden: boolean } | undefined> {
    const row = await this.c.db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { segment: toSegment(row), hidden: row.deleted_at !== null };
  }

  /** Shows a hidden segment again (undo of delete); whether it was hidden. */
  async restore(id: number): Promise<boolean> {
    const r = await this.c.db.updateTable('segments').set({ deleted_at: null }).where('id', '=', id).where('deleted_at', 'is not', null).executeTakeFirst();
    return changed(r) === 1;
  }

  /**
   * Per track: visible segments, those with a suggestion, those whose head revision is approved.
   * One grouped statement for the given tracks (every track when none are named); tracks without
   * visible segments are absent.
   */
  async countsByTrack(trackIds?: readonly number[]): Promise<Map<number, TrackCounts>> {
    if (trackIds && trackIds.length === 0) return new Map();
    const rows = await this.c.db
      .selectFrom('segments as g')
      .select((eb) => [
        'g.track_id',
        eb.fn.countAll<number | string>().as('segments'),
        eb.fn
          .sum<number | string | null>(eb.case().when(eb.exists(eb.selectFrom('suggestions as s').select('s.id').whereRef('s.segment_id', '=', 'g.id'))).then(1).else(0).end())
          .as('suggested'),
        eb.fn
          .sum<number | string | null>(
            eb
              .case()
              .when(eb.selectFrom('caption_revisions as r').select('r.status').whereRef('r.segment_id', '=', 'g.id').orderBy('r.id', 'desc').limit(1), '=', 'approved')
              .then(1)
              .else(0)
              .end(),
          )
          .as('approved'),
      ])
      .where('g.deleted_at', 'is', null)
      .$if(trackIds !== undefined, (q) => q.where('g.track_id', 'in', trackIds!))
      .groupBy('g.track_id')
      .execute();
    return new Map(rows.map((r) => [r.track_id, { segments: Number(r.segments), suggested: Number(r.suggested ?? 0), approved: Number(r.approved ?? 0) }]));
  }

  /** Hides a segment. The row stays so caption revisions written for it keep their history. */
  async delete(id: number): Promise<boolean> {
    const r = await this.c.db.updateTable('segments').set({ deleted_at: nowIso() }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return changed(r) === 1;
  }
}
