// Installing a pack so that what is installed is exactly what was checked. A folder is validated
// in place (manifest or derived manifest, file list, links, checksums, tensors) before anything is
// written; then only the listed files are copied, hashed as they are written, into a staging
// folder that is renamed into place. A .zip has to be unpacked to be read: it is unpacked under a
// size cap into staging, then validated there. Messages name the path the user gave, never the
// staging folder. The result carries what each installed file looks like on disk, which the
// registry records to notice later changes.
import crypto from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../../shared/errors';
import type { InstalledFiles } from '../../store/packs';
import { deriveManifest } from './derive';
import { packId, trainingIssue, type PackManifest } from './manifest';
import { copyVerified, IGNORED, recordFiles } from './packFiles';
import { parseManifestText, readManifest, validatePack } from './validate';
import { extractZip, type ZipLimits } from './zip';

export interface InstallOptions {
  installDir: string;
  zipLimits?: Partial<ZipLimits>;
  /** Throws when a pack with this id may not be installed (already installed or bundled). */
  checkClash(id: string): Promise<void>;
}

export interface Installed {
  manifest: PackManifest;
  dir: string;
  files: InstalledFiles;
  assumptions: string[];
}

/** model.json as read (its exact bytes, to copy) or derived from an Optimum export. */
async function manifestOf(dir: string, label: string, nameHint?: string, nameFrom?: string) {
  const st = await fs.lstat(path.join(dir, 'model.json')).catch(() => null);
  if (!st) {
    const d = await deriveManifest(dir, { label, nameHint, nameFrom });
    return { manifest: d.manifest, raw: null, assumptions: d.assumptions };
  }
  if (!st.isFile()) return { manifest: await readManifest(dir, label), raw: null, assumptions: [] }; // throws, naming the link
  const raw = await fs.readFile(path.join(dir, 'model.json'), 'utf8');
  const manifest = parseManifestText(raw, label);
  const dropped = trainingIssue(JSON.parse(raw)); // a malformed (informational) training section is ignored, not refused
  return { manifest, raw, assumptions: dropped ? [dropped] : [] };
}

/**
 * Writes what a derived manifest generated (generation_config.json) and model.json into a staging
 * folder; returns the manifest as installed (generation settings as a listed file, not inline).
 */
async function writeManifest(stage: string, m: PackManifest, raw: string | null): Promise<PackManifest> {
  let manifest = m;
  if (m.captioner?.generation && !m.files[m.captioner.generationConfig]) {
    const { generation, ...captioner } = m.captioner;
    const text = JSON.stringify(generation, null, 1);
    await writeSynced(path.join(stage, captioner.generationConfig), text);
    const sha256 = crypto.createHash('sha256').update(text).digest('hex');
    manifest = { ...m, captioner, files: { ...m.files, [captioner.generationConfig]: { sha256 } } };
  }
  await writeSynced(path.join(stage, 'model.json'), manifest === m && raw !== null ? raw : JSON.stringify(manifest, null, 1));
  return manifest;
}

async function writeSynced(file: string, text: string): Promise<void> {
  const h = await fs.open(file, 'wx');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

export async function installPack(source: string, opts: InstallOptions): Promise<Installed> {
  const src = path.resolve(source);
  const st = await fs.stat(src).catch(() => null);
  if (!st) throw new StudioError('NOT_FOUND', `${source}: not found`);
  if (st.isDirectory()) return installFolder(src, source, opts);
  if (st.isFile() && src.toLowerCase().endsWith('.zip')) return installZip(src, source, opts);
  throw new StudioError('BAD_REQUEST', `${source}: a model pack is a folder or a .zip`);
}

async function installFolder(src: string, label: string, opts: InstallOptions): Promise<Installed> {
  const { manifest, raw, assumptions } = await manifestOf(src, label);
  await validatePack(src, { manifest, label });
  const id = packId(manifest);
  await opts.checkClash(id);
  return place(opts, id, label, async (stage) => {
    for (const [f, { sha256 }] of Object.entries(manifest.files)) await copyVerified(path.join(src, f), path.join(stage, f), sha256, label);
    return { manifest: await writeManifest(stage, manifest, raw), assumptions };
  });
}

async function installZip(src: string, label: string, opts: InstallOptions): Promise<Installed> {
  return place(opts, null, label, async (stage) => {
    const unpacked = path.join(stage, 'unpacked');
    await extractZip(src, unpacked, opts.zipLimits, label);
    const root = await singleTopFolder(unpacked);
    for (const junk of IGNORED) await fs.rm(path.join(root, junk), { recursive: true, force: true });
    const [nameHint, nameFrom] = root === unpacked ? [path.basename(src).replace(/\.zip$/i, ''), "the zip's name"] : [path.basename(root), "the zip's folder name"];
    const { manifest, raw, assumptions } = await manifestOf(root, label, nameHint, nameFrom);
    await validatePack(root, { manifest, label });
    await opts.checkClash(packId(manifest));
    // The validated files stay where they are; only the derived files and model.json are added.
    const pack = path.join(stage, 'pack');
    await fs.rename(root, pack);
    if (!raw) await fs.rm(path.join(pack, 'model.json'), { force: true });
    return { manifest: raw ? manifest : await writeManifest(pack, manifest, null), assumptions, dir: pack };
  });
}

const STAGING_NAME = /^\.staging-(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REMOVING_NAME = /^\.removing-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A staging folder's name: it carries the installing process's id, so a sweep can tell a dead install from a running one. */
export function packStagingName(pid = process.pid): string {
  return `.staging-${pid}-${crypto.randomUUID()}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes what killed processes left in a packs folder: staging folders of installs whose process
 * is gone (a half-copied pack can be gigabytes) and `.removing-*` folders of removals (already out
 * of sight, see registry.remove). An install still running in another process is left alone.
 */
export function sweepPackLeftovers(installDir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fsSync.readdirSync(installDir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const staging = STAGING_NAME.exec(n);
    if (!(REMOVING_NAME.test(n) || (staging && !alive(Number(staging[1]))))) continue;
    const p = path.join(installDir, n);
    try {
      fsSync.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch (err) {
      console.warn(`could not remove ${p}: ${(err as Error).message}`);
    }
  }
  return removed;
}

/**
 * Runs `fill` on a new staging folder under installDir (created only now, after a folder was
 * validated) and renames the result to installDir/name@version. Staging never outlives the call
 * (nor a killed process: the next studio start removes it, see sweepPackLeftovers).
 */
async function place(
  opts: InstallOptions,
  knownId: string | null,
  label: string,
  fill: (stage: string) => Promise<{ manifest: PackManifest; assumptions: string[]; dir?: string }>,
): Promise<Installed> {
  await fs.mkdir(opts.installDir, { recursive: true });
  const stage = path.join(opts.installDir, packStagingName());
  await fs.mkdir(stage);
  try {
    const { manifest, assumptions, dir } = await fill(stage);
    const id = knownId ?? packId(manifest);
    const dest = path.join(opts.installDir, id);
    if (await fs.lstat(dest).catch(() => null)) throw new StudioError('CONFLICT', `${id} is already installed (remove it first)`);
    await fs.rename(dir ?? stage, dest);
    return { manifest, dir: dest, files: await recordFiles(dest, manifest.files), assumptions };
  } catch (err) {
    if (err instanceof StudioError) throw err;
    // Whatever failed, say it about the user's path, not about staging.
    throw new StudioError('IO', `${label}: ${(err as Error).message.split(stage).join(label)}`);
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}

/** A zip often wraps the pack in one folder; use that folder then. */
async function singleTopFolder(dir: string): Promise<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && !IGNORED.has(e.name));
  if (entries.length === 1 && entries[0]!.isDirectory()) return path.join(dir, entries[0]!.name);
  return dir;
}
