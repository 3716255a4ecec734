// Repository for caption segments: the spans of a track (5–30 s in S2Cap) that each get one caption.
// Segments are never deleted, only hidden (deleted_at), so caption revisions keep their history.
import type { Selectable } from 'kysely';
import { StudioError } from '../../shared/errors';
import type { Segment } from '../../shared/types';
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

  /** Hides a segment. The row stays so caption revisions written for it keep their history. */
  async delete(id: number): Promise<boolean> {
    const r = await this.c.db.updateTable('segments').set({ deleted_at: nowIso() }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return changed(r) === 1;
  }
}
