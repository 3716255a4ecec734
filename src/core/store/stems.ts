// Repository for stems: one file per (track, stem name). Re-separating or re-attaching a stem
// replaces the row for that name; the file itself is owned by whoever produced it. A new set of
// stems is always written to new files first and registered here in one transaction
// (replaceStems), which tells the caller which old files no row refers to any more.
import type { Stem } from '../../shared/types';
import type { Db } from './db';

interface StemRow {
  id: number;
  track_id: number;
  name: string;
  path: string;
  pack_id: number | null;
  pack: string | null;
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
  pack: r.pack,
  ep: r.ep,
  createdAt: r.created_at,
});

/** Stem rows with the name@version of the pack that made them (kept after the pack is removed). */
const SELECT = `SELECT st.*, CASE WHEN p.id IS NULL THEN NULL ELSE p.name || '@' || p.version END AS pack
  FROM stems st LEFT JOIN model_packs p ON p.id = st.pack_id`;

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
  return toStem(db.prepare(`${SELECT} WHERE st.track_id = ? AND st.name = ?`).get(s.trackId, s.name) as StemRow);
}

/**
 * Registers a complete set of stems for a track in one transaction (each replaces the row of its
 * name). Returns the paths the replaced rows had that no stem row refers to any more: the caller
 * removes those files after the commit, never before.
 */
export function replaceStems(db: Db, trackId: number, stems: Omit<NewStem, 'trackId'>[]): { stems: Stem[]; unreferenced: string[] } {
  return db.transaction(() => {
    const old = new Set(listStems(db, trackId).filter((o) => stems.some((s) => s.name === o.name)).map((o) => o.path));
    const rows = stems.map((s) => upsertStem(db, { ...s, trackId }));
    const stillUsed = db.prepare('SELECT 1 FROM stems WHERE path = ? LIMIT 1');
    return { stems: rows, unreferenced: [...old].filter((p) => !stillUsed.get(p)) };
  }).immediate(); // reads first: take the write lock before reading (a savepoint when nested)
}

/** Every path a stem row refers to (to tell registered stem files from leftovers). */
export function listStemPaths(db: Db): string[] {
  return (db.prepare('SELECT path FROM stems').all() as { path: string }[]).map((r) => r.path);
}

export function getStem(db: Db, id: number): Stem | undefined {
  const row = db.prepare(`${SELECT} WHERE st.id = ?`).get(id) as StemRow | undefined;
  return row && toStem(row);
}

/** Stems in the conventional Demucs order (vocals first), then by name. */
export function listStems(db: Db, trackId: number): Stem[] {
  const rows = db
    .prepare(
      `${SELECT} WHERE st.track_id = ? ORDER BY
         CASE st.name WHEN 'vocals' THEN 0 WHEN 'accompaniment' THEN 1 WHEN 'drums' THEN 2 WHEN 'bass' THEN 3 WHEN 'other' THEN 4 ELSE 5 END, st.name`,
    )
    .all(trackId) as StemRow[];
  return rows.map(toStem);
}

export function deleteStem(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM stems WHERE id = ?').run(id).changes === 1;
}
