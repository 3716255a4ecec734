// Repository for the tracks table: rows in, typed Track objects out. The only place that knows
// the column names, so the rest of core deals in domain types. Paths go in and out through the
// store's LibraryPaths (an upload under the data folder is recorded relative to it).
// The library list is paged, filtered and sorted here (query: one dialect-neutral statement for
// the page and one for the count), so no caller ever loads every track to show a screenful.
import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { StudioError } from '../../shared/errors';
import type { Track, TrackPage, TrackQuery, TrackSort, TrackStatus } from '../../shared/types';
import { changed, nowIso, type RepoContext } from './repoContext';
import type { LibraryPaths } from './libraryPaths';
import type { Database, TracksTable } from './schema';

/** Page size when a query names none, and the most one page may hold. */
export const TRACK_PAGE_DEFAULT = 100;
export const TRACK_PAGE_MAX = 1000;

// Sort keys. Each expression is written exactly as the indexes of migration 8 are, so both back
// ends can walk an index instead of sorting (lower() is the same on both; LIKE is case-sensitive
// on PostgreSQL, so searches compare lower(x) with lower(pattern)).
const TITLE_KEY = sql`lower(coalesce(title, file_name))`;
const ARTIST_KEY = sql`lower(coalesce(artist, ''))`;
const STATUS_RANK = sql`(CASE status WHEN 'imported' THEN 0 WHEN 'separated' THEN 1 WHEN 'captioned' THEN 2 ELSE 3 END)`;

/**
 * `text` as a LIKE pattern matching it anywhere, with the user's % and _ taken literally ('!' escapes).
 * Its case is left alone: the query folds it with the database's lower(), as it folds the column
 * (JS's toLowerCase folds more than SQLite's ASCII-only lower(), so "Élan" would miss "Élan").
 */
export const containsPattern = (text: string): string => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

export type NewTrack = Omit<Track, 'id' | 'status' | 'addedAt' | 'updatedAt'> & { fileMtimeMs?: number | null };

function toTrack(r: Selectable<TracksTable>, paths: LibraryPaths): Track {
  return {
    id: r.id,
    path: paths.toAbsolute(r.path),
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
    const track = await this.insertUnlessKnown(t);
    if (!track.inserted) throw new StudioError('CONFLICT', `${t.fileName}: the library already has this content (track ${track.track.id})`);
    return track.track;
  }

  /**
   * Adds a track unless one with the same content (sha256) exists — decided by the database in
   * one statement (ON CONFLICT DO NOTHING), so two importers racing on one file on PostgreSQL's
   * READ COMMITTED get one track and one "duplicate", never a unique-key error.
   */
  async insertUnlessKnown(t: NewTrack): Promise<{ track: Track; inserted: boolean }> {
    const row = await this.c.db
      .insertInto('tracks')
      .values({
        path: this.c.paths.toStored(t.path),
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
      .onConflict((oc) => oc.column('sha256').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return { track: toTrack(row, this.c.paths), inserted: true };
    const known = await this.findByHash(t.sha256);
    if (!known) throw new StudioError('CONFLICT', `${t.fileName}: another process added and removed the same content meanwhile; import it again`);
    return { track: known, inserted: false };
  }

  async get(id: number): Promise<Track | undefined> {
    const row = await this.c.db.selectFrom('tracks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTrack(row, this.c.paths);
  }

  /** The track, or a NOT_FOUND error every transport reports the same way. */
  async require(id: number): Promise<Track> {
    const t = await this.get(id);
    if (!t) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
    return t;
  }

  async findByHash(sha256: string): Promise<Track | undefined> {
    const row = await this.c.db.selectFrom('tracks').selectAll().where('sha256', '=', sha256).executeTakeFirst();
    return row && toTrack(row, this.c.paths);
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
    return rows.map((r) => toTrack(r, this.c.paths));
  }

  /**
   * One page of the library, filtered and sorted (see TrackQuery), with the number of tracks
   * matching the filters. Pages are stable: every sort ends in the row id.
   */
  async query(q: TrackQuery = {}): Promise<TrackPage> {
    const { page, count, offset, limit } = trackPageQueries(this.c.db, q);
    const [rows, n] = await Promise.all([page.execute(), count.executeTakeFirstOrThrow()]);
    return { tracks: rows.map((r) => toTrack(r, this.c.paths)), total: Number(n.n), offset, limit };
  }

  async count(): Promise<number> {
    const row = await this.c.db.selectFrom('tracks').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Points a track at its file's new location (found again by content hash). */
  async relink(id: number, newPath: string, fileName: string, fileMtimeMs: number | null = null): Promise<Track> {
    const row = await this.c.db
      .updateTable('tracks')
      .set({ path: this.c.paths.toStored(newPath), file_name: fileName, file_mtime_ms: fileMtimeMs, updated_at: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new Error(`track ${id} not found`);
    return toTrack(row, this.c.paths);
  }

  /**
   * A machine step's move forward (separated, captioned): only while the track's status is still
   * one of `from`, checked by the UPDATE itself, so a status set since the step read the track
   * (reviewed, by a save in another transaction or process) is never overwritten. Whether it moved.
   */
  async advanceStatus(id: number, from: readonly TrackStatus[], to: TrackStatus): Promise<boolean> {
    const r = await this.c.db.updateTable('tracks').set({ status: to, updated_at: nowIso() }).where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
    return changed(r) > 0;
  }

  async setStatus(id: number, status: TrackStatus): Promise<Track> {
    const row = await this.c.db.updateTable('tracks').set({ status, updated_at: nowIso() }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw new Error(`track ${id} not found`);
    return toTrack(row, this.c.paths);
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

/** The statements behind TracksRepo.query: the page of rows and the count of every match. */
export function trackPageQueries(db: Kysely<Database>, q: TrackQuery) {
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.min(TRACK_PAGE_MAX, Math.max(1, Math.floor(q.limit ?? TRACK_PAGE_DEFAULT)));
  const dir = q.dir === 'desc' ? sql.raw('DESC') : sql.raw('ASC');
  const text = q.q?.trim();
  const filtered = db.selectFrom('tracks').where((eb) => {
    const conds: Expression<SqlBool>[] = [];
    if (q.status?.length) conds.push(eb('status', 'in', q.status));
    if (text) {
      const like = containsPattern(text);
      const has = (col: string) => sql<SqlBool>`lower(${sql.ref(col)}) LIKE lower(${like}) ESCAPE '!'`;
      // The caption a track shows is the newest revision of each visible segment. An IN over one
      // uncorrelated subquery: both planners run it once, not once per track.
      const caption = eb(
        'tracks.id',
        'in',
        eb
          .selectFrom('segments as g')
          .innerJoin('caption_revisions as r', 'r.segment_id', 'g.id')
          .select('g.track_id')
          .where('g.deleted_at', 'is', null)
          .where(sql<SqlBool>`lower(r.text) LIKE lower(${like}) ESCAPE '!'`)
          .where((e) => e.not(e.exists(e.selectFrom('caption_revisions as n').select(sql.lit(1).as('one')).whereRef('n.segment_id', '=', 'r.segment_id').whereRef('n.id', '>', 'r.id')))),
      );
      conds.push(eb.or([has('tracks.title'), has('tracks.artist'), has('tracks.file_name'), caption]));
    }
    return eb.and(conds);
  });
  return {
    page: orderBy(filtered.selectAll(), q.sort ?? 'artist', dir).limit(limit).offset(offset),
    count: filtered.select((eb) => eb.fn.countAll().as('n')),
    offset,
    limit,
  };
}

/** ORDER BY for a sort column and direction, ending in the id so pages are stable. */
function orderBy<Q extends { orderBy(e: unknown): Q }>(query: Q, sort: TrackSort, dir: ReturnType<typeof sql.raw>): Q {
  const keys: Record<TrackSort, ReturnType<typeof sql>[]> = {
    title: [sql`${TITLE_KEY} ${dir}`],
    artist: [sql`${ARTIST_KEY} ${dir}`, sql`${TITLE_KEY} ${dir}`],
    addedAt: [sql`added_at ${dir}`],
    // (duration_sec IS NULL) puts unknown durations last in both dialects (their NULL order differs).
    duration: [sql`(CASE WHEN duration_sec IS NULL THEN 1 ELSE 0 END)`, sql`duration_sec ${dir}`],
    status: [sql`${STATUS_RANK} ${dir}`],
  };
  let out = query;
  // Ties: by title (status, duration), then by id in the sort's direction (import order for addedAt).
  const tie = sort === 'status' || sort === 'duration' ? [sql`${TITLE_KEY} ASC`] : [];
  for (const k of [...keys[sort], ...tie, sql`id ${dir}`]) out = out.orderBy(k);
  return out;
}
