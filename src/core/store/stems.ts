// Repository for stems: one file per (track, stem name). Re-separating or re-attaching a stem
// replaces the row for that name; the file itself is owned by whoever produced it. A new set of
// stems is always written to new files first and registered here in one transaction
// (replace), which tells the caller which old files no row refers to any more. Paths go in and out
// through the store's LibraryPaths (a stem under the data folder is recorded relative to it).
import type { Kysely } from 'kysely';
import type { Stem } from '../../shared/types';
import type { LibraryPaths } from './libraryPaths';
import { changed, nowIso, packLabel, type RepoContext } from './repoContext';
import type { Database } from './schema';

export interface NewStem {
  trackId: number;
  name: string;
  path: string;
  sizeBytes?: number | null;
  durationSec?: number | null;
  packId?: number | null;
  ep?: string | null;
}

/** The conventional Demucs order (vocals first); other names after, alphabetically. */
const STEM_ORDER = ['vocals', 'accompaniment', 'drums', 'bass', 'other'];
const rank = (name: string) => {
  const i = STEM_ORDER.indexOf(name);
  return i < 0 ? STEM_ORDER.length : i;
};

/** Stem rows with the name@version of the pack that made them (kept after the pack is removed). */
const selectStems = (db: Kysely<Database>) =>
  db
    .selectFrom('stems as st')
    .leftJoin('model_packs as p', 'p.id', 'st.pack_id')
    .select(['st.id', 'st.track_id', 'st.name', 'st.path', 'st.pack_id', 'st.ep', 'st.duration_sec', 'st.created_at', 'p.name as pack_name', 'p.version as pack_version']);

type StemRow = Awaited<ReturnType<ReturnType<typeof selectStems>['executeTakeFirstOrThrow']>>;

const toStem = (r: StemRow, paths: LibraryPaths): Stem => ({
  id: r.id,
  trackId: r.track_id,
  name: r.name,
  path: paths.toAbsolute(r.path),
  durationSec: r.duration_sec,
  packId: r.pack_id,
  pack: packLabel(r.pack_name, r.pack_version),
  ep: r.ep,
  createdAt: r.created_at,
});

async function upsert(db: Kysely<Database>, paths: LibraryPaths, s: NewStem): Promise<Stem> {
  await db
    .insertInto('stems')
    .values({
      track_id: s.trackId,
      name: s.name,
      path: paths.toStored(s.path),
      pack_id: s.packId ?? null,
      ep: s.ep ?? null,
      size_bytes: s.sizeBytes ?? null,
      duration_sec: s.durationSec ?? null,
    })
    .onConflict((oc) =>
      oc.columns(['track_id', 'name']).doUpdateSet((eb) => ({
        path: eb.ref('excluded.path'),
        pack_id: eb.ref('excluded.pack_id'),
        ep: eb.ref('excluded.ep'),
        size_bytes: eb.ref('excluded.size_bytes'),
        duration_sec: eb.ref('excluded.duration_sec'),
        created_at: nowIso(),
      })),
    )
    .execute();
  return toStem(await selectStems(db).where('st.track_id', '=', s.trackId).where('st.name', '=', s.name).executeTakeFirstOrThrow(), paths);
}

async function list(db: Kysely<Database>, paths: LibraryPaths, trackId: number): Promise<Stem[]> {
  const rows = await selectStems(db).where('st.track_id', '=', trackId).execute();
  return rows.map((r) => toStem(r, paths)).sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class StemsRepo {
  constructor(private readonly c: RepoContext) {}

  upsert(s: NewStem): Promise<Stem> {
    return upsert(this.c.db, this.c.paths, s);
  }

  /**
   * Registers a complete set of stems for a track in one transaction (each replaces the row of its
   * name). Returns the paths the replaced rows had that no stem row refers to any more: the caller
   * removes those files after the commit, never before.
   */
  replace(trackId: number, stems: Omit<NewStem, 'trackId'>[]): Promise<{ stems: Stem[]; unreferenced: string[] }> {
    return this.c.atomic(async (db) => {
      const { paths } = this.c;
      const old = new Set((await list(db, paths, trackId)).filter((o) => stems.some((s) => s.name === o.name)).map((o) => o.path));
      const rows: Stem[] = [];
      for (const s of stems) rows.push(await upsert(db, paths, { ...s, trackId }));
      const unreferenced: string[] = [];
      for (const p of old) {
        if (!(await db.selectFrom('stems').select('id').where('path', 'in', paths.storedForms(p)).limit(1).executeTakeFirst())) unreferenced.push(p);
      }
      return { stems: rows, unreferenced };
    });
  }

  /** Every path a stem row refers to (to tell registered stem files from leftovers). */
  async listPaths(): Promise<string[]> {
    return (await this.c.db.selectFrom('stems').select('path').execute()).map((r) => this.c.paths.toAbsolute(r.path));
  }

  async get(id: number): Promise<Stem | undefined> {
    const row = await selectStems(this.c.db).where('st.id', '=', id).executeTakeFirst();
    return row && toStem(row, this.c.paths);
  }

  /** Stems in the conventional Demucs order (vocals first), then by name. */
  list(trackId: number): Promise<Stem[]> {
    return list(this.c.db, this.c.paths, trackId);
  }

  async delete(id: number): Promise<boolean> {
    return changed(await this.c.db.deleteFrom('stems').where('id', '=', id).executeTakeFirst()) === 1;
  }
}
