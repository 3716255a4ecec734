// Repository for caption segments: the spans of a track (5–30 s in S2Cap) that each get one caption.
import { StudioError } from '../../shared/errors';
import type { Segment } from '../../shared/types';
import type { Db } from './db';

export type { Segment };

interface SegmentRow {
  id: number;
  track_id: number;
  start_sec: number;
  end_sec: number;
  created_at: string;
}

const toSegment = (r: SegmentRow): Segment => ({
  id: r.id,
  trackId: r.track_id,
  startSec: r.start_sec,
  endSec: r.end_sec,
  createdAt: r.created_at,
});

/** Spans closer than this (seconds) are the same span; the UI moves edges by far more. */
export const SPAN_TOLERANCE_SEC = 0.001;

/**
 * SQL that is 1 when a row recorded for a span (columns `start_sec`, `end_sec` of `row`) no longer
 * matches its segment `seg` (resized since), else 0. Used by suggestions and attributes.
 */
export const spanChangedSql = (row: string, seg: string): string =>
  `(CASE WHEN abs(${row}.start_sec - ${seg}.start_sec) > ${SPAN_TOLERANCE_SEC} OR abs(${row}.end_sec - ${seg}.end_sec) > ${SPAN_TOLERANCE_SEC} THEN 1 ELSE 0 END)`;

export function insertSegment(db: Db, trackId: number, startSec: number, endSec: number): Segment {
  const info = db
    .prepare('INSERT INTO segments (track_id, start_sec, end_sec) VALUES (?, ?, ?)')
    .run(trackId, startSec, endSec);
  return getSegment(db, Number(info.lastInsertRowid))!;
}

/** A live (not deleted) segment. */
export function getSegment(db: Db, id: number): Segment | undefined {
  const row = db.prepare('SELECT * FROM segments WHERE id = ? AND deleted_at IS NULL').get(id) as SegmentRow | undefined;
  return row && toSegment(row);
}

export function requireSegment(db: Db, id: number): Segment {
  const s = getSegment(db, id);
  if (!s) throw new StudioError('NOT_FOUND', `no segment with id ${id}`);
  return s;
}

export function listSegments(db: Db, trackId: number): Segment[] {
  const rows = db
    .prepare('SELECT * FROM segments WHERE track_id = ? AND deleted_at IS NULL ORDER BY start_sec, id')
    .all(trackId) as SegmentRow[];
  return rows.map(toSegment);
}

export function updateSegment(db: Db, id: number, startSec: number, endSec: number): Segment {
  const info = db
    .prepare('UPDATE segments SET start_sec = ?, end_sec = ? WHERE id = ? AND deleted_at IS NULL')
    .run(startSec, endSec, id);
  if (info.changes !== 1) throw new Error(`segment ${id} not found`);
  return getSegment(db, id)!;
}

/** Hides a segment. The row stays so caption revisions written for it keep their history. */
export function deleteSegment(db: Db, id: number): boolean {
  return (
    db
      .prepare(`UPDATE segments SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND deleted_at IS NULL`)
      .run(id).changes === 1
  );
}
