// Repository for caption segments: the spans of a track (5–30 s in S2Cap) that each get one caption.
import type { Db } from './db';

export interface Segment {
  id: number;
  trackId: number;
  startSec: number;
  endSec: number;
  createdAt: string;
}

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

export function insertSegment(db: Db, trackId: number, startSec: number, endSec: number): Segment {
  const info = db
    .prepare('INSERT INTO segments (track_id, start_sec, end_sec) VALUES (?, ?, ?)')
    .run(trackId, startSec, endSec);
  return getSegment(db, Number(info.lastInsertRowid))!;
}

export function getSegment(db: Db, id: number): Segment | undefined {
  const row = db.prepare('SELECT * FROM segments WHERE id = ?').get(id) as SegmentRow | undefined;
  return row && toSegment(row);
}

export function listSegments(db: Db, trackId: number): Segment[] {
  const rows = db
    .prepare('SELECT * FROM segments WHERE track_id = ? ORDER BY start_sec, id')
    .all(trackId) as SegmentRow[];
  return rows.map(toSegment);
}
