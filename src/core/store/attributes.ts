// Per-segment attributes (gender, pitch, tempo, volume, mood, timbre, genre, and the measured
// numbers behind them), each with its source: measured, model or human.
import type { Db } from './db';

export function insertAttributes(db: Db, segmentId: number, source: 'measured' | 'model' | 'human', values: Record<string, string | number | null>): void {
  const stmt = db.prepare('INSERT INTO attributes (segment_id, name, value, source) VALUES (?, ?, ?, ?)');
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) stmt.run(segmentId, name, typeof value === 'number' ? String(Math.round(value * 100) / 100) : value, source);
  }
}

export function listAttributes(db: Db, segmentId: number): { name: string; value: string; source: string }[] {
  return db.prepare('SELECT name, value, source FROM attributes WHERE segment_id = ? ORDER BY id').all(segmentId) as never;
}
