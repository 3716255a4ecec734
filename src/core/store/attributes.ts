// Per-segment attributes (gender, pitch, tempo, volume, mood, timbre, genre, and the measured
// numbers behind them), each with its source: measured, model or human, and the span it was
// measured on, so a value reads as stale once its segment has been resized.
import type { SegmentAttribute } from '../../shared/types';
import type { Db } from './db';
import { spanChangedSql } from './segments';

/** `at` is the segment and the span the values were measured on (its span when the job read it). */
export function insertAttributes(
  db: Db,
  at: { segmentId: number; startSec: number; endSec: number },
  source: 'measured' | 'model' | 'human',
  values: Record<string, string | number | null>,
): void {
  const stmt = db.prepare('INSERT INTO attributes (segment_id, start_sec, end_sec, name, value, source) VALUES (?, ?, ?, ?, ?, ?)');
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) {
      stmt.run(at.segmentId, at.startSec, at.endSec, name, typeof value === 'number' ? String(Math.round(value * 100) / 100) : value, source);
    }
  }
}

interface Row {
  segment_id: number;
  name: string;
  value: string;
  source: string;
  start_sec: number;
  end_sec: number;
  stale: 0 | 1;
}

/** The newest value of each attribute of every live segment of a track, in the order measured. */
export function latestAttributes(db: Db, trackId: number): SegmentAttribute[] {
  const rows = db
    .prepare(
      `SELECT a.segment_id, a.name, a.value, a.source, a.start_sec, a.end_sec, ${spanChangedSql('a', 'g')} AS stale
       FROM attributes a JOIN segments g ON g.id = a.segment_id
       WHERE a.id IN (SELECT max(a2.id) FROM attributes a2 JOIN segments g2 ON g2.id = a2.segment_id
                      WHERE g2.track_id = ? AND g2.deleted_at IS NULL GROUP BY a2.segment_id, a2.name)
       ORDER BY a.segment_id, a.id`,
    )
    .all(trackId) as Row[];
  return rows.map((r) => ({
    segmentId: r.segment_id,
    name: r.name,
    value: r.value,
    source: r.source,
    startSec: r.start_sec,
    endSec: r.end_sec,
    stale: r.stale === 1,
  }));
}
