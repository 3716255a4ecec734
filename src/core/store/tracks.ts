// Repository for the tracks table: rows in, typed Track objects out. The only place that knows
// the column names, so the rest of core deals in domain types.
import { sql, type Selectable } from 'kysely';
import { StudioError } from '../../shared/errors';
import type { Track, TrackStatus } from '../../shared/types';
import { nowIso, type RepoContext } from './repoContext';
import type { TracksTable } from './schema';

export type NewTrack = Omit<Track, 'id' | 'status' | 'addedAt' | 'updatedAt'> & { fileMtimeMs?: number | null };

function toTrack(r: Selectable<TracksTable>): Track {
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

export class TracksRepo {
  constructor(private readonly c: RepoContext) {}

  async insert(t: NewTrack): Promise<Track> {
    const row = await this.c.db
      .insertInto('tracks')
      .values({
        path: t.path,
        file_name: t.fileName,
        sha256: t.sha256,
        size_bytes: t.sizeBytes,
        title: t.title ?? null,
        artist: t.artist ?? null,
        album: t.album ?? null,
        genre: t.genre ?? null,
        duration_sec: t.durationSec ?? null,
        sample_rate: t.sampleRate ?? null,
        channels: t.channels ?? null,
        container: t.container ?? null,
        codec: t.codec ?? null,
        file_mtime_ms: t.fileMtimeMs ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTrack(row);
  }

  async get(id: number): Promise<Track | undefined> {
    const row = await this.c.db.selectFrom('tracks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTrack(row);
  }

  /** The track, or a NOT_FOUND error every transport reports the same way. */
  async require(id: number): Promise<Track> {
    const t = await this.get(id);
    if (!t) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
    return t;
  }

  async findByHash(sha256: string): Promise<Track | undefined> {
    const row = await this.c.db.selectFrom('tracks').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    return row && toTrack(row);
  }

  /** By artist, then title (file name when untitled), case-insensitively. */
  async list(): Promise<Track[]> {
    const rows = await this.c.db
      .selectFrom('tracks')
      .selectAll()
      .orderBy(sql`lower(coalesce(artist, ''))`)
      .orderBy(sql`lower(coalesce(title, file_name))`)
      .orderBy('id')
      .execute();
    return rows.map(toTrack);
  }

  async count(): Promise<number> {
    const row = await this.c.db.selectFrom('tracks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Points a track at its file's new location (found again by content hash). */
  async relink(id: number, newPath: string, fileName: string, fileMtimeMs: number | null = null): Promise<Track> {
    const row = await this.c.db
      .updateTable('tracks')
      .set({ path: newPath, file_name: fileName, file_mtime_ms: fileMtimeMs, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new Error(`track ${id} not found`);
    return toTrack(row);
  }

  async setStatus(id: number, status: TrackStatus): Promise<Track> {
    const row = await this.c.db.updateTable('tracks').set({ status, updated_at: nowIso() }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw new Error(`track ${id} not found`);
    return toTrack(row);
  }

  /** Size and mtime recorded at import, to notice cheaply that a file changed since. */
  async fileStamp(id: number): Promise<{ sizeBytes: number; mtimeMs: number | null } | undefined> {
    const row = await this.c.db.selectFrom('tracks').select(['size_bytes', 'file_mtime_ms']).where('id', '=', id).executeTakeFirst();
    return row && { sizeBytes: row.size_bytes, mtimeMs: row.file_mtime_ms };
  }

  async setMtime(id: number, mtimeMs: number): Promise<void> {
    await this.c.db.updateTable('tracks').set({ file_mtime_ms: mtimeMs }).where('id', '=', id).execute();
  }
}

