// Repository for stems: one file per (track, stem name). Re-separating or re-attaching a stem
// replaces the row for that name; the file itself is owned by whoever produced it.
import type { Stem } from '../../shared/types';
import type { Db } from './db';

interface StemRow {
  id: number;
  track_id: number;
  name: string;
  path: string;
  pack_id: number | null;
  ep: string | null;
  size_bytes: number | null;
  duration_sec: number | null;
  created_at: string;
}

const toStem = (r: StemRow): Stem => ({
  id: r.id,
  trackId: r.track_id,
  name: r.name,
  path: r.path,
  durationSec: r.duration_sec,
  packId: r.pack_id,
  ep: r.ep,
  createdAt: r.created_at,
});

export interface NewStem {
  trackId: number;
  name: string;
  path: string;
  sizeBytes?: number | null;
  durationSec?: number | null;
  packId?: number | null;
  ep?: string | null;
}

export function upsertStem(db: Db, s: NewStem): Stem {
  db.prepare(
    `INSERT INTO stems (track_id, name, path, pack_id, ep, size_bytes, duration_sec) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(track_id, name) DO UPDATE SET path = excluded.path, pack_id = excluded.pack_id, ep = excluded.ep,
       size_bytes = excluded.size_bytes, duration_sec = excluded.duration_sec,
       created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(s.trackId, s.name, s.path, s.packId ?? null, s.ep ?? null, s.sizeBytes ?? null, s.durationSec ?? null);
  return toStem(db.prepare('SELECT * FROM stems WHERE track_id = ? AND name = ?').get(s.trackId, s.name) as StemRow);
}

export function getStem(db: Db, id: number): Stem | undefined {
  const row = db.prepare('SELECT * FROM stems WHERE id = ?').get(id) as StemRow | undefined;
  return row && toStem(row);
}

/** Stems in the conventional Demucs order (vocals first), then by name. */
export function listStems(db: Db, trackId: number): Stem[] {
  const rows = db
    .prepare(
      `SELECT * FROM stems WHERE track_id = ? ORDER BY
         CASE name WHEN 'vocals' THEN 0 WHEN 'accompaniment' THEN 1 WHEN 'drums' THEN 2 WHEN 'bass' THEN 3 WHEN 'other' THEN 4 ELSE 5 END, name`,
    )
    .all(trackId) as StemRow[];
  return rows.map(toStem);
}

export function deleteStem(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM stems WHERE id = ?').run(id).changes === 1;
}
