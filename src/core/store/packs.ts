// Repository for model_packs: one row per pack name@version that ever made a stem or a
// suggestion or was installed. Rows are never deleted (a trigger refuses it): removing a pack only
// marks its row removed, so every output keeps saying which pack made it. An installed pack's row
// also records what was installed (size, times and sha256 of each file) for the load-time check.
import type { Db } from './db';

export interface PackRowManifest {
  name: string;
  version: string;
  roles: readonly string[];
}

/** What install recorded for one file of a pack (sha256 is the authority; the rest is a fast path). */
export interface InstalledFileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
}
export type InstalledFiles = Record<string, InstalledFileStat>;

/** The row id of a pack, inserting one if the pack has none yet (a pack run from a folder). */
export function ensurePackRow(db: Db, m: PackRowManifest, dir: string): number {
  db.prepare(
    `INSERT INTO model_packs (name, version, roles, dir, manifest) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name, version) DO NOTHING`,
  ).run(m.name, m.version, JSON.stringify(m.roles), dir, JSON.stringify(m));
  return (db.prepare('SELECT id FROM model_packs WHERE name = ? AND version = ?').get(m.name, m.version) as { id: number }).id;
}

/** Records an install (reusing the row of an earlier install of the same name@version). */
export function recordInstalledPack(db: Db, m: PackRowManifest, dir: string, files: InstalledFiles): number {
  db.prepare(
    `INSERT INTO model_packs (name, version, roles, dir, manifest, files_stat) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(name, version) DO UPDATE SET roles = excluded.roles, dir = excluded.dir, manifest = excluded.manifest,
       files_stat = excluded.files_stat, removed_at = NULL, installed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(m.name, m.version, JSON.stringify(m.roles), dir, JSON.stringify(m), JSON.stringify(files));
  return (db.prepare('SELECT id FROM model_packs WHERE name = ? AND version = ?').get(m.name, m.version) as { id: number }).id;
}

/** What install recorded for an installed pack; null when it has no record (installed before). */
export function installedFiles(db: Db, name: string, version: string): InstalledFiles | null {
  const row = db.prepare('SELECT files_stat FROM model_packs WHERE name = ? AND version = ? AND removed_at IS NULL').get(name, version) as
    | { files_stat: string | null }
    | undefined;
  return row?.files_stat ? (JSON.parse(row.files_stat) as InstalledFiles) : null;
}

/** Replaces the record (after a touched-but-unchanged file was re-hashed, or a first check of a pack found installed). */
export function updateInstalledFiles(db: Db, name: string, version: string, dir: string, files: InstalledFiles): void {
  db.prepare('UPDATE model_packs SET files_stat = ?, dir = ?, removed_at = NULL WHERE name = ? AND version = ?').run(JSON.stringify(files), dir, name, version);
}

/** Marks a pack removed; its row stays so stems and suggestions keep their provenance. */
export function markPackRemoved(db: Db, name: string, version: string): void {
  db.prepare(`UPDATE model_packs SET removed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), files_stat = NULL WHERE name = ? AND version = ?`).run(
    name,
    version,
  );
}
