// The files of a pack folder as the studio trusts them: only regular files, each listed in
// model.json with its sha256 — no links (a link can point anywhere and be re-pointed after the
// check), no sub-folders, no unlisted extras (an ONNX graph can pull in unlisted external data).
// Also the copy that hashes while it writes (so what is installed is what was checked) and the
// load-time check of an installed pack against what install recorded. Every file hashed here is
// announced to onFileHashed listeners (tests count hash computations with it; see fileDigests).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StudioError } from '../../../shared/errors';
import type { InstalledFiles, InstalledFileStat } from '../../store/packs';

/** Operating-system litter that is never read, never copied and never refused. */
export const IGNORED = new Set(['.DS_Store', 'Thumbs.db', '__MACOSX']);

export interface Scan {
  /** Regular files directly in the folder, by name, with their lstat. */
  files: Map<string, fs.Stats>;
  /** Links, folders and special files found, in words. */
  problems: string[];
}

export async function scanPackFolder(dir: string): Promise<Scan> {
  const files = new Map<string, fs.Stats>();
  const problems: string[] = [];
  for (const name of (await fs.promises.readdir(dir)).sort()) {
    if (IGNORED.has(name)) continue;
    const st = await fs.promises.lstat(path.join(dir, name));
    if (st.isSymbolicLink()) problems.push(`${name} is a symbolic link: packs may not contain links`);
    else if (st.isDirectory()) problems.push(`${name} is a folder: a pack holds only the files model.json lists`);
    else if (!st.isFile()) problems.push(`${name} is not a regular file`);
    else files.set(name, st);
  }
  return { files, problems };
}

/** Files present that model.json does not list (model.json itself aside). */
export function unlisted(scan: Scan, listed: Record<string, unknown>): string[] {
  return [...scan.files.keys()].filter((f) => f !== 'model.json' && !(f in listed)).map((f) => `${f} is not listed in model.json files (every file needs its sha256)`);
}

const NOFOLLOW = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

/** Who is told of every file hashed (tests count hash computations through it). */
const hashListeners = new Set<(file: string, why: 'digest' | 'copy') => void>();

/** Calls `listener` with each file whose bytes are hashed from now on; returns the unsubscribe. */
export function onFileHashed(listener: (file: string, why: 'digest' | 'copy') => void): () => void {
  hashListeners.add(listener);
  return () => hashListeners.delete(listener);
}

/**
 * sha256 of a file, refusing to follow a link, with the opened file's stat (nanosecond times)
 * before and after reading it: when they differ, the file changed while it was being read.
 */
export async function hashWithStat(file: string): Promise<{ sha256: string; before: fs.BigIntStats; after: fs.BigIntStats }> {
  const h = crypto.createHash('sha256');
  const input = await fs.promises.open(file, NOFOLLOW);
  for (const l of hashListeners) l(file, 'digest');
  try {
    const before = await input.stat({ bigint: true });
    await pipeline(input.createReadStream({ highWaterMark: 1 << 20, autoClose: false }), async function* (src) {
      for await (const chunk of src) h.update(chunk as Buffer);
    });
    return { sha256: h.digest('hex'), before, after: await input.stat({ bigint: true }) };
  } finally {
    await input.close();
  }
}

/** sha256 of a file, refusing to follow a link. */
export async function sha256NoFollow(file: string): Promise<string> {
  return (await hashWithStat(file)).sha256;
}

/** Copies src to a new file dest, hashing the bytes as they pass; fsyncs (flush); throws on a mismatch. */
export async function copyVerified(src: string, dest: string, sha256: string, label: string): Promise<void> {
  const h = crypto.createHash('sha256');
  const input = await fs.promises.open(src, NOFOLLOW);
  for (const l of hashListeners) l(src, 'copy');
  await pipeline(
    input.createReadStream({ highWaterMark: 1 << 20 }),
    async function* (chunks) {
      for await (const chunk of chunks) {
        h.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    },
    fs.createWriteStream(dest, { flags: 'wx', flush: true }),
  );
  if (h.digest('hex') !== sha256) throw new StudioError('IO', `${label}: ${path.basename(src)} changed while it was being installed (checksum differs); nothing was installed`);
}

export const statRecord = (st: fs.Stats, sha256: string): InstalledFileStat => ({ size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sha256 });

/** What install records of a pack folder: each listed file's stat with its sha256, and model.json's. */
export async function recordFiles(dir: string, listed: Record<string, { sha256: string }>): Promise<InstalledFiles> {
  const files: InstalledFiles = {};
  for (const [f, { sha256 }] of Object.entries(listed)) files[f] = statRecord(await fs.promises.lstat(path.join(dir, f)), sha256);
  const mj = path.join(dir, 'model.json');
  files['model.json'] = statRecord(await fs.promises.lstat(mj), await sha256NoFollow(mj));
  return files;
}

const sameStat = (a: InstalledFileStat, st: fs.Stats) => a.size === st.size && a.mtimeMs === st.mtimeMs && a.ctimeMs === st.ctimeMs && a.ino === st.ino;

/**
 * Checks an installed pack folder against what install recorded. A file whose size, times or
 * inode differ is re-hashed (a restore from backup or a `touch` changes those but not the bytes):
 * same sha256, and the record is refreshed; otherwise the pack is refused. ctime cannot be set
 * by a user, so an in-place rewrite that puts mtime back is still re-hashed.
 */
export async function checkInstalled(dir: string, recorded: InstalledFiles): Promise<{ problems: string[]; refreshed: InstalledFiles | null }> {
  const scan = await scanPackFolder(dir);
  const problems = [...scan.problems];
  for (const f of scan.files.keys()) if (!recorded[f]) problems.push(`${f} is not listed in model.json files (it appeared after install)`);
  let refreshed: InstalledFiles | null = null;
  for (const [f, rec] of Object.entries(recorded)) {
    const st = scan.files.get(f);
    if (!st) {
      if (!scan.problems.some((p) => p.startsWith(`${f} `))) problems.push(`missing file ${f}`);
      continue;
    }
    if (sameStat(rec, st)) continue;
    if ((await sha256NoFollow(path.join(dir, f))) !== rec.sha256) {
      problems.push(`${f} changed since it was installed`);
      continue;
    }
    refreshed = { ...(refreshed ?? recorded), [f]: statRecord(st, rec.sha256) };
  }
  return { problems, refreshed: problems.length ? null : refreshed };
}
