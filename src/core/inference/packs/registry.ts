// Installed and bundled model packs: install from a folder or a .zip (validated before it is
// kept), list, remove, and the active captioner and separator (stored in the library's settings).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { PackInfo } from '../../../shared/types';
import type { Db } from '../../store/db';
import { getSetting, setSetting } from '../../store/settings';
import { deriveManifest } from './derive';
import { packId, type PackManifest, type PackRole } from './manifest';
import { readManifest, validatePack } from './validate';
import { extractZip } from './zip';

export interface PackLocations {
  /** Where installs go (under the user data dir). */
  installDir: string;
  /** Packs shipped with the app (resources/packs); read-only. */
  bundledDir?: string;
}

export interface LoadedPack {
  manifest: PackManifest;
  dir: string;
  builtIn: boolean;
}

const ACTIVE_KEY = (role: PackRole) => `activePack.${role}`;

export class PackRegistry {
  constructor(
    private readonly db: Db,
    private readonly loc: PackLocations,
  ) {}

  async list(): Promise<LoadedPack[]> {
    const out: LoadedPack[] = [];
    for (const [root, builtIn] of [[this.loc.bundledDir, true], [this.loc.installDir, false]] as const) {
      if (!root) continue;
      const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.')) continue;
        const dir = path.join(root, e.name);
        try {
          out.push({ manifest: await readManifest(dir), dir, builtIn });
        } catch {
          // an unreadable folder is not a pack; `install` reports why when it is given one
        }
      }
    }
    return out;
  }

  async info(): Promise<PackInfo[]> {
    const active = { captioner: this.activeId('captioner'), separator: this.activeId('separator') };
    const packs = await this.list();
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
    }));
  }

  /** Installs a pack folder or .zip; returns the manifest and what was assumed for it. */
  async install(source: string): Promise<{ pack: LoadedPack; assumptions: string[] }> {
    const src = path.resolve(source);
    const st = await fs.stat(src).catch(() => null);
    if (!st) throw new StudioError('NOT_FOUND', `${source}: not found`);
    await fs.mkdir(this.loc.installDir, { recursive: true });
    const staging = path.join(this.loc.installDir, `.staging-${crypto.randomUUID()}`);
    try {
      if (st.isDirectory()) await fs.cp(src, staging, { recursive: true });
      else if (src.toLowerCase().endsWith('.zip')) await extractZip(src, staging);
      else throw new StudioError('BAD_REQUEST', `${path.basename(src)}: a model pack is a folder or a .zip`);
      const root = await singleTopFolder(staging);
      let assumptions: string[] = [];
      if (!(await fs.stat(path.join(root, 'model.json')).catch(() => null))) {
        const d = await deriveManifest(root);
        await fs.writeFile(path.join(root, 'model.json'), JSON.stringify(d.manifest, null, 1));
        assumptions = d.assumptions;
      }
      const manifest = await validatePack(root);
      const dest = path.join(this.loc.installDir, packId(manifest));
      const clash = (await this.list()).find((p) => packId(p.manifest) === packId(manifest));
      if (clash || (await fs.stat(dest).catch(() => null))) {
        throw new StudioError('CONFLICT', `${packId(manifest)} is already ${clash?.builtIn ? 'bundled with the studio' : 'installed (remove it first)'}`);
      }
      await fs.rename(root, dest);
      this.upsertRow(manifest, dest);
      return { pack: { manifest, dir: dest, builtIn: false }, assumptions };
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  async remove(id: string): Promise<void> {
    const pack = (await this.list()).find((p) => packId(p.manifest) === id);
    if (!pack) throw new StudioError('NOT_FOUND', `no installed pack ${id}`);
    if (pack.builtIn) throw new StudioError('BAD_REQUEST', `${id} ships with the studio and cannot be removed`);
    await fs.rm(pack.dir, { recursive: true, force: true });
    this.db.prepare('DELETE FROM model_packs WHERE name = ? AND version = ?').run(pack.manifest.name, pack.manifest.version);
    for (const role of pack.manifest.roles) if (this.activeId(role) === id) setSetting(this.db, ACTIVE_KEY(role), null);
  }

  async use(role: PackRole, id: string): Promise<LoadedPack> {
    const pack = (await this.list()).find((p) => packId(p.manifest) === id);
    if (!pack) throw new StudioError('NOT_FOUND', `no installed pack ${id}`);
    if (!pack.manifest.roles.includes(role)) throw new StudioError('BAD_REQUEST', `${id} is not a ${role} (roles: ${pack.manifest.roles.join(', ')})`);
    setSetting(this.db, ACTIVE_KEY(role), id);
    return pack;
  }

  /** The chosen pack for a role, else the first real (non-fixture) one; fixtures are never picked. */
  async active(role: PackRole, packs?: LoadedPack[]): Promise<LoadedPack | null> {
    const all = (packs ?? (await this.list())).filter((p) => p.manifest.roles.includes(role));
    const chosen = this.activeId(role);
    return all.find((p) => packId(p.manifest) === chosen) ?? all.find((p) => !p.manifest.fixture) ?? null;
  }

  /**
   * The pack to run for a role: `ref` names an installed id or a pack folder on disk (validated,
   * not installed) and must exist; without `ref`, the active pack, or null — the caller then uses
   * the built-in separator or suggester.
   */
  async choose(role: PackRole, ref?: string | null): Promise<LoadedPack | null> {
    if (!ref) return this.active(role);
    const byId = (await this.list()).find((p) => packId(p.manifest) === ref);
    if (byId) return byId;
    const dir = path.resolve(ref);
    if (!(await fs.stat(dir).catch(() => null))?.isDirectory()) throw new StudioError('NOT_FOUND', `no installed pack or pack folder "${ref}"`);
    const manifest = await validatePack(dir, { checksums: false });
    if (!manifest.roles.includes(role)) throw new StudioError('BAD_REQUEST', `${packId(manifest)} is not a ${role}`);
    return { manifest, dir, builtIn: false };
  }

  /** The model_packs row id used by stems and suggestions to say which pack made them. */
  upsertRow(m: PackManifest, dir: string): number {
    this.db
      .prepare(
        `INSERT INTO model_packs (name, version, roles, dir, manifest) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(name, version) DO UPDATE SET roles = excluded.roles, dir = excluded.dir, manifest = excluded.manifest`,
      )
      .run(m.name, m.version, JSON.stringify(m.roles), dir, JSON.stringify(m));
    return (this.db.prepare('SELECT id FROM model_packs WHERE name = ? AND version = ?').get(m.name, m.version) as { id: number }).id;
  }

  private activeId(role: PackRole): string | null {
    return getSetting<string | null>(this.db, ACTIVE_KEY(role)) ?? null;
  }
}

/** A zip often wraps the pack in one folder; use that folder then. */
async function singleTopFolder(dir: string): Promise<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  if (entries.length === 1 && entries[0]!.isDirectory()) return path.join(dir, entries[0]!.name);
  return dir;
}
