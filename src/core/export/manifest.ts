// manifest.json of an export (shared/dataset.ts ExportManifest): what was asked, what came out
// (counts per split and status, the packs whose suggestions appear, the newest revision id, the
// state map `exported` and the `withdrawn` ids a later `--since` works from: incremental.ts), and
// the sha256 of every file, so a training run can check it reads exactly what was exported.
// Hashing also fsyncs each file: the folder is renamed into place only once every byte of it is on
// disk. `readSinceManifest` reads an earlier export's manifest for `--since`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { SPLIT_NAMES, type ExportedState, type ExportManifest, type ExportRequest, type ExportRow, type SplitName } from '../../shared/dataset';
import { describeFsError } from '../library/scan';
import { STUDIO_VERSION } from '../version';

export const MANIFEST_NAME = 'manifest.json';

/** sha256 of one file, read through an open descriptor that is fsynced before it closes. */
async function hashAndSync(file: string): Promise<string> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const hash = crypto.createHash('sha256');
    for await (const chunk of fh.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    await fh.sync();
    return hash.digest('hex');
  } finally {
    await fh.close();
  }
}

/** Every file under `dir` (relative paths with '/', sorted) → sha256, each fsynced; folders fsynced too. */
export async function hashFolder(dir: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const out: [string, string][] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await fs.promises.readdir(abs, { withFileTypes: true });
    for (const e of entries) {
      signal?.throwIfAborted();
      const childAbs = path.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(childAbs, childRel);
      else if (e.isFile()) out.push([childRel, await hashAndSync(childAbs)]);
      else throw new Error(`${childAbs}: an export holds plain files only`);
    }
    await syncDir(abs);
  };
  await walk(dir, '');
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(out);
}

/** fsync a folder so the entries made in it are durable (not possible on Windows: skipped). */
export async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw err;
  } finally {
    await fh?.close();
  }
}

export interface ManifestInput {
  request: ExportRequest;
  /** The statuses and split ratios as run (defaults filled in, ratios normalised). */
  status: ExportManifest['query']['status'];
  splits: [number, number, number];
  /** Rows written (skipped ones left out). */
  rows: readonly ExportRow[];
  /** The --since manifest's maxRevisionId, carried forward when nothing newer was written. */
  sinceRevisionId: number;
  /** The consumer's state after this export (incremental.ts). */
  exported: Record<string, ExportedState>;
  /** Ids withdrawn since the --since manifest, sorted. */
  withdrawn: string[];
  files: Record<string, string>;
  createdAt?: Date;
}

export function buildManifest(m: ManifestInput): ExportManifest {
  const { out: _out, force: _force, ...query } = m.request;
  const bySplit = Object.fromEntries(SPLIT_NAMES.map((s) => [s, 0])) as Record<SplitName, number>;
  const byStatus: ExportManifest['counts']['byStatus'] = {};
  const packs = new Set<string>();
  let maxRevisionId = m.sinceRevisionId;
  for (const r of m.rows) {
    bySplit[r.split]++;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.suggestion_model !== null) packs.add(r.suggestion_model);
    if (r.revision_id > maxRevisionId) maxRevisionId = r.revision_id;
  }
  return {
    schemaVersion: 1,
    studioVersion: STUDIO_VERSION,
    format: m.request.format,
    createdAt: (m.createdAt ?? new Date()).toISOString(),
    query: { ...query, status: m.status, splits: m.splits },
    maxRevisionId,
    counts: { total: m.rows.length, bySplit, byStatus },
    packs: [...packs].sort(),
    files: m.files,
    exported: m.exported,
    withdrawn: m.withdrawn,
  };
}

/** Writes manifest.json into the folder and fsyncs it. */
export async function writeManifest(dir: string, manifest: ExportManifest): Promise<void> {
  const fh = await fs.promises.open(path.join(dir, MANIFEST_NAME), 'wx');
  try {
    await fh.writeFile(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** What --since needs of an earlier manifest; `exported` null: one written before the state map. */
export interface SinceManifest {
  maxRevisionId: number;
  exported: Record<string, ExportedState> | null;
}

const isState = (v: unknown): v is ExportedState =>
  Array.isArray(v) && v.length === 3 && Number.isInteger(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]);

/** An earlier export's manifest.json as --since reads it; a one-line BAD_REQUEST naming the file otherwise. */
export async function readSinceManifest(file: string): Promise<SinceManifest> {
  const bad = (why: string) => new StudioError('BAD_REQUEST', `--since ${file}: ${why}`);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw bad(describeFsError(err));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw bad(`not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const m = parsed as Partial<ExportManifest> | null;
  if (!m || typeof m !== 'object' || m.schemaVersion === undefined) throw bad('not an export manifest (no schemaVersion)');
  if (m.schemaVersion !== 1) throw bad(`manifest schema version ${String(m.schemaVersion)} is not one this studio reads (1)`);
  if (!Number.isInteger(m.maxRevisionId) || (m.maxRevisionId as number) < 0) throw bad('its maxRevisionId is missing or not a whole number');
  if (m.exported === undefined) return { maxRevisionId: m.maxRevisionId as number, exported: null };
  const ex: unknown = m.exported;
  if (!ex || typeof ex !== 'object' || Array.isArray(ex)) throw bad('its exported is not a map of id → [revisionId, begin, end]');
  for (const [id, v] of Object.entries(ex)) if (!isState(v)) throw bad(`its exported entry "${id}" is not [revisionId, begin, end]`);
  return { maxRevisionId: m.maxRevisionId as number, exported: ex as Record<string, ExportedState> };
}
