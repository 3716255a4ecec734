// Repository for the tracks table: rows in, typed Track objects out. The only place that knows
// the column names, so the rest of core deals in domain types.
import { StudioError } from '../../shared/errors';
import type { Track, TrackStatus } from '../../shared/types';
import type { Db } from './db';

interface TrackRow {
  id: number;
  path: string;
  file_name: string;
  sha256: string;
  size_bytes: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  duration_sec: number | null;
  sample_rate: number | null;
  channels: number | null;
  container: string | null;
  codec: string | null;
  status: TrackStatus;
  added_at: string;
  updated_at: string;
}

export type NewTrack = Omit<Track, 'id' | 'status' | 'addedAt' | 'updatedAt'> & { fileMtimeMs?: number | null };

function toTrack(r: TrackRow): Track {
  return {
    id: r.id,
    path: r.path,
    fileName: r.file_name,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    title: r.title,
    artist: r.artist,
    album: r.album,
    genre: r.genre,
    durationSec: r.duration_sec,
    sampleRate: r.sample_rate,
    channels: r.channels,
    container: r.container,
    codec: r.codec,
    status: r.status,
    addedAt: r.added_at,
    updatedAt: r.updated_at,
  };
}

export function insertTrack(db: Db, t: NewTrack): Track {
  const info = db
    .prepare(
      `INSERT INTO tracks (path, file_name, sha256, size_bytes, title, artist, album, genre,
         duration_sec, sample_rate, channels, container, codec, file_mtime_ms)
       VALUES (@path, @fileName, @sha256, @sizeBytes, @title, @artist, @album, @genre,
         @durationSec, @sampleRate, @channels, @container, @codec, @fileMtimeMs)`,
    )
    .run({ ...t, fileMtimeMs: t.fileMtimeMs ?? null });
  return getTrack(db, Number(info.lastInsertRowid))!;
}

export function getTrack(db: Db, id: number): Track | undefined {
  const row = db.prepare('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRow | undefined;
  return row && toTrack(row);
}

/** The track, or a NOT_FOUND error every transport reports the same way. */
export function requireTrack(db: Db, id: number): Track {
  const t = getTrack(db, id);
  if (!t) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
  return t;
}

export function findTrackByHash(db: Db, sha256: string): Track | undefined {
  const row = db.prepare('SELECT * FROM tracks WHERE sha256 = ?').get(sha256) as TrackRow | undefined;
  return row && toTrack(row);
}

export function listTracks(db: Db): Track[] {
  const rows = db
    .prepare('SELECT * FROM tracks ORDER BY lower(coalesce(artist, \'\')), lower(coalesce(title, file_name)), id')
    .all() as TrackRow[];
  return rows.map(toTrack);
}

export function countTracks(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM tracks').get() as { n: number }).n;
}

/** Points a track at its file's new location (found again by content hash). */
export function relinkTrack(db: Db, id: number, newPath: string, fileName: string, fileMtimeMs: number | null = null): Track {
  const info = db
    .prepare(
      `UPDATE tracks SET path = ?, file_name = ?, file_mtime_ms = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    )
    .run(newPath, fileName, fileMtimeMs, id);
  if (info.changes !== 1) throw new Error(`track ${id} not found`);
  return getTrack(db, id)!;
}

export function setTrackStatus(db: Db, id: number, status: TrackStatus): Track {
  const info = db
    .prepare(`UPDATE tracks SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
    .run(status, id);
  if (info.changes !== 1) throw new Error(`track ${id} not found`);
  return getTrack(db, id)!;
}

/** Size and mtime recorded at import, to notice cheaply that a file changed since. */
export function trackFileStamp(db: Db, id: number): { sizeBytes: number; mtimeMs: number | null } | undefined {
  const row = db.prepare('SELECT size_bytes, file_mtime_ms FROM tracks WHERE id = ?').get(id) as
    | { size_bytes: number; file_mtime_ms: number | null }
    | undefined;
  return row && { sizeBytes: row.size_bytes, mtimeMs: row.file_mtime_ms };
}

export function setTrackMtime(db: Db, id: number, mtimeMs: number): void {
  db.prepare('UPDATE tracks SET file_mtime_ms = ? WHERE id = ?').run(mtimeMs, id);
}
