// Installed and bundled model packs: install from a folder or a .zip (see install.ts), list,
// remove, and the active captioner and separator (stored in the library's settings). Choosing a
// pack to run checks it: an installed pack against what install recorded (a file changed, added
// or swapped for a link since is refused), a folder given by path as install would (a bare
// Optimum export is derived in memory), once per process while none of its files changes.
// Removing a pack keeps its provenance row.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { PackInfo } from '../../../shared/types';
import type { Store } from '../../store/store';
import { checkedFolder } from './checkedFolders';
import { deriveManifest } from './derive';
import { installPack } from './install';
import { packId, summarizeTraining, type PackManifest, type PackRole } from './manifest';
import { checkInstalled, recordFiles } from './packFiles';
import { readManifest, validatePack } from './validate';
import type { ZipLimits } from './zip';

export interface PackLocations {
  /** Where installs go (under the user data dir). */
  installDir: string;
  /** Packs shipped with the app (resources/packs); read-only. */
  bundledDir?: string;
  /** Where an older studio installed packs (beside the library file): still listed and removable. */
  legacyDir?: string;
  /** Size cap and bomb checks for .zip installs (defaults in zip.ts). */
  zipLimits?: Partial<ZipLimits>;
}

export interface LoadedPack {
  manifest: PackManifest;
  dir: string;
  builtIn: boolean;
  /** What was assumed for a bare Optimum export run from its folder. */
  assumptions?: string[];
}

const ACTIVE_KEY = (role: PackRole) => `activePack.${role}`;

export class PackRegistry {
  constructor(
    private readonly store: Store,
    private readonly loc: PackLocations,
  ) {}

  async list(): Promise<LoadedPack[]> {
    const out: LoadedPack[] = [];
    const roots = [[this.loc.bundledDir, true], [this.loc.installDir, false], [this.loc.legacyDir, false]] as const;
    for (const [root, builtIn] of roots) {
      if (!root || (root === this.loc.legacyDir && root === this.loc.installDir)) continue;
      const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const dir = path.join(root, e.name);
        try {
          const manifest = await readManifest(dir);
          // The first place wins (bundled, installed, then the old install folder).
          if (!out.some((p) => packId(p.manifest) === packId(manifest))) out.push({ manifest, dir, builtIn });
        } catch {
          // an unreadable folder is not a pack; `install` reports why when it is given one
        }
      }
    }
    return out;
  }

  /** What the Models panel and `s2cap models` list; `listed`: list()'s result when the caller has it. */
  async info(listed?: LoadedPack[]): Promise<PackInfo[]> {
    const active = { captioner: await this.activeId('captioner'), separator: await this.activeId('separator') };
    const packs = listed ?? (await this.list());
    const resolved = { captioner: await this.active('captioner', packs), separator: await this.active('separator', packs) };
    return packs.map(({ manifest: m, dir, builtIn }) => ({
      id: packId(m),
      name: m.name,
      version: m.version,
      roles: m.roles,
      description: m.description ?? null,
      license: m.license ?? null,
      fixture: m.fixture,
      builtIn,
      dir,
      activeFor: m.roles.filter((r) => (resolved[r] ? packId(resolved[r]!.manifest) === packId(m) : false)),
      chosen: m.roles.filter((r) => active[r] === packId(m)),
      ...(m.training ? { training: summarizeTraining(m.training) } : {}),
    }));
  }

  /** Installs a pack folder or .zip; returns the manifest and what was assumed for it. */
  async install(source: string): Promise<{ pack: LoadedPack; assumptions: string[] }> {
    const res = await installPack(source, {
      installDir: this.loc.installDir,
      zipLimits: this.loc.zipLimits,
      checkClash: async (id) => {
        const clash = (await this.list()).find((p) => packId(p.manifest) === id);
        if (clash) throw new StudioError('CONFLICT', `${id} is already ${clash.builtIn ? 'bundled with the studio' : 'installed (remove it first)'}`);
      },
    });
    await this.store.transaction((tx) => tx.packs.recordInstalled(res.manifest, res.dir, res.files));
    return { pack: { manifest: res.manifest, dir: res.dir, builtIn: false }, assumptions: res.assumptions };
  }

  /** Removes an installed pack's files; its row stays (marked removed) so outputs keep saying who made them. */
  async remove(id: string): Promise<void> {
    const pack = (await this.list()).find((p) => packId(p.manifest) === id);
    if (!pack) throw new StudioError('NOT_FOUND', `no installed pack ${id}`);
    if (pack.builtIn) throw new StudioError('BAD_REQUEST', `${id} ships with the studio and cannot be removed`);
    // Out of sight first (one rename), then recorded, then deleted.
    const trash = path.join(path.dirname(pack.dir), `.removing-${crypto.randomUUID()}`);
    await fs.rename(pack.dir, trash);
    try {
      // One transaction, retried while another process holds the library: the row is marked
      // removed and no role still names the pack, or (given up) the folder is put back as it was.
      await this.store.transaction(async (tx) => {
        await tx.packs.ensureRow(pack.manifest, pack.dir);
        await tx.packs.markRemoved(pack.manifest.name, pack.manifest.version);
        for (const role of pack.manifest.roles) if ((await this.activeId(role)) === id) await tx.settings.set(ACTIVE_KEY(role), null);
      });
    } catch (err) {
      await fs.rename(trash, pack.dir);
      throw err;
    }
    await fs.rm(trash, { recursive: true, force: true });
  }

  async use(role: PackRole, id: string): Promise<LoadedPack> {
    const pack = (await this.list()).find((p) => packId(p.manifest) === id);
    if (!pack) throw new StudioError('NOT_FOUND', `no installed pack ${id}`);
    if (!pack.manifest.roles.includes(role)) throw new StudioError('BAD_REQUEST', `${id} is not a ${role} (roles: ${pack.manifest.roles.join(', ')})`);
    await this.store.settings.set(ACTIVE_KEY(role), id);
    return pack;
  }

  /** The chosen pack for a role, else the first real (non-fixture) one; fixtures are never picked. */
  async active(role: PackRole, packs?: LoadedPack[]): Promise<LoadedPack | null> {
    const all = (packs ?? (await this.list())).filter((p) => p.manifest.roles.includes(role));
    const chosen = await this.activeId(role);
    return all.find((p) => packId(p.manifest) === chosen) ?? all.find((p) => !p.manifest.fixture) ?? null;
  }

  /**
   * The pack to run for a role, checked: `ref` names an installed id or a pack folder on disk
   * (validated as install would, not installed) and must exist; without `ref`, the active pack,
   * or null — the caller then uses the built-in separator or suggester.
   */
  async choose(role: PackRole, ref?: string | null): Promise<LoadedPack | null> {
    const listed = ref ? (await this.list()).find((p) => packId(p.manifest) === ref) : await this.active(role);
    const pack = listed ?? (ref ? await this.fromFolder(ref) : null);
    if (!pack) return null;
    if (!pack.manifest.roles.includes(role)) throw new StudioError('BAD_REQUEST', `${packId(pack.manifest)} is not a ${role}`);
    if (listed && !listed.builtIn) await this.verifyInstalled(listed);
    return pack;
  }

  /** A folder given by path: a pack, or a bare Optimum export derived in memory (nothing is written into it). */
  private async fromFolder(ref: string): Promise<LoadedPack> {
    const dir = path.resolve(ref);
    if (!(await fs.stat(dir).catch(() => null))?.isDirectory()) throw new StudioError('NOT_FOUND', `no installed pack or pack folder "${ref}"`);
    // Checked once per process while no file in it changes (checkedFolders): every caption job
    // chooses its pack, and checking opens every graph.
    return checkedFolder(dir, () => this.checkFolder(dir, ref));
  }

  private async checkFolder(dir: string, ref: string): Promise<LoadedPack> {
    if (await fs.lstat(path.join(dir, 'model.json')).catch(() => null)) {
      // Checksums are not re-computed for a folder run in place (it is the user's own folder and
      // may be large); links, unlisted files and every graph's tensors are still checked.
      return { manifest: await validatePack(dir, { checksums: false, label: ref }), dir, builtIn: false };
    }
    // Deriving lists every file's checksum; an unchanged file is hashed once per process (fileDigests).
    const d = await deriveManifest(dir, { label: ref });
    return { manifest: await validatePack(dir, { manifest: d.manifest, checksums: false, label: ref }), dir, builtIn: false, assumptions: d.assumptions };
  }

  /**
   * An installed pack is what install checked: each file's size, times and inode are compared with
   * what install recorded, and a file that differs is re-hashed (see checkInstalled). A pack
   * installed before records existed is validated in full once, then recorded.
   */
  private async verifyInstalled(pack: LoadedPack): Promise<void> {
    const { name, version } = pack.manifest;
    const id = packId(pack.manifest);
    const recorded = await this.store.packs.installedFiles(name, version);
    if (!recorded) {
      await validatePack(pack.dir, { label: id });
      const files = await recordFiles(pack.dir, pack.manifest.files);
      await this.store.transaction(async (tx) => {
        await tx.packs.ensureRow(pack.manifest, pack.dir);
        await tx.packs.updateInstalledFiles(name, version, pack.dir, files);
      });
      return;
    }
    const { problems, refreshed } = await checkInstalled(pack.dir, recorded);
    if (problems.length) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw new StudioError('BAD_REQUEST', `${id}: ${problems[0]}${more}; reinstall the pack`);
    }
    if (refreshed) await this.store.transaction((tx) => tx.packs.updateInstalledFiles(name, version, pack.dir, refreshed));
  }

  /** The model_packs row id used by stems and suggestions to say which pack made them (retried while the library is busy). */
  upsertRow(m: PackManifest, dir: string): Promise<number> {
    return this.store.transaction((tx) => tx.packs.ensureRow(m, dir));
  }

  private async activeId(role: PackRole): Promise<string | null> {
    return (await this.store.settings.get<string | null>(ACTIVE_KEY(role))) ?? null;
  }
}
