// Repository for model_packs: one row per pack name@version that ever made a stem or a
// suggestion or was installed. Rows are never deleted (a trigger refuses it): removing a pack only
// marks its row removed, so every output keeps saying which pack made it. An installed pack's row
// also records what was installed (size, times and sha256 of each file) for the load-time check.
// Its folder is recorded through the store's LibraryPaths (relative when under the data folder).
import { nowIso, type RepoContext } from './repoContext';

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

export class PacksRepo {
  constructor(private readonly c: RepoContext) {}

  private async idOf(name: string, version: string): Promise<number> {
    const row = await this.c.db.selectFrom('model_packs').select('id').where('name', '=', name).where('version', '=', version).executeTakeFirstOrThrow();
    return row.id;
  }

  /** The row id of a pack, inserting one if the pack has none yet (a pack run from a folder). */
  async ensureRow(m: PackRowManifest, dir: string): Promise<number> {
    await this.c.db
      .insertInto('model_packs')
      .values({ name: m.name, version: m.version, roles: JSON.stringify(m.roles), dir: this.c.paths.toStored(dir), manifest: JSON.stringify(m), removed_at: null, files_stat: null })
      .onConflict((oc) => oc.columns(['name', 'version']).doNothing())
      .execute();
    return this.idOf(m.name, m.version);
  }

  /** Records an install (reusing the row of an earlier install of the same name@version). */
  async recordInstalled(m: PackRowManifest, dir: string, files: InstalledFiles): Promise<number> {
    await this.c.db
      .insertInto('model_packs')
      .values({ name: m.name, version: m.version, roles: JSON.stringify(m.roles), dir: this.c.paths.toStored(dir), manifest: JSON.stringify(m), files_stat: JSON.stringify(files), removed_at: null })
      .onConflict((oc) =>
        oc.columns(['name', 'version']).doUpdateSet((eb) => ({
          roles: eb.ref('excluded.roles'),
          dir: eb.ref('excluded.dir'),
          manifest: eb.ref('excluded.manifest'),
          files_stat: eb.ref('excluded.files_stat'),
          removed_at: null,
          installed_at: nowIso(),
        })),
      )
      .execute();
    return this.idOf(m.name, m.version);
  }

  /** What install recorded for an installed pack; null when it has no record (installed before). */
  async installedFiles(name: string, version: string): Promise<InstalledFiles | null> {
    const row = await this.c.db
      .selectFrom('model_packs')
      .select('files_stat')
      .where('name', '=', name)
      .where('version', '=', version)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return row?.files_stat ? (JSON.parse(row.files_stat) as InstalledFiles) : null;
  }

  /** Replaces the record (after a touched-but-unchanged file was re-hashed, or a first check of a pack found installed). */
  async updateInstalledFiles(name: string, version: string, dir: string, files: InstalledFiles): Promise<void> {
    await this.c.db
      .updateTable('model_packs')
      .set({ files_stat: JSON.stringify(files), dir: this.c.paths.toStored(dir), removed_at: null })
      .where('name', '=', name)
      .where('version', '=', version)
      .execute();
  }

  /** Marks a pack removed; its row stays so stems and suggestions keep their provenance. */
  async markRemoved(name: string, version: string): Promise<void> {
    await this.c.db.updateTable('model_packs').set({ removed_at: nowIso(), files_stat: null }).where('name', '=', name).where('version', '=', version).execute();
  }
}
