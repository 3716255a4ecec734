// Expands what the user picked (files and folders) into the list of files to import. Folders
// are walked recursively and only audio extensions are kept; a path the user named explicitly
// is always tried, so a wrong choice gets a reason instead of silence.
import fs from 'node:fs/promises';
import path from 'node:path';
import { currentPathScope } from '../pathScope';
import { isAudioFileName } from './formats';

export interface ScanResult {
  files: string[];
  /** Named paths that could not be listed at all (missing, unreadable). */
  errors: { path: string; reason: string }[];
  /** Non-audio files found inside folders and passed over. */
  skipped: number;
}

export async function scanPaths(paths: readonly string[]): Promise<ScanResult> {
  const out: ScanResult = { files: [], errors: [], skipped: 0 };
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.files.push(p);
    }
  };
  for (const raw of paths) {
    const p = path.resolve(raw);
    let st;
    try {
      st = await fs.stat(p);
    } catch (err) {
      out.errors.push({ path: p, reason: describeFsError(err) });
      continue;
    }
    if (st.isDirectory()) await walk(p, add, out);
    else add(p);
  }
  return out;
}

async function walk(dir: string, add: (p: string) => void, out: ScanResult): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    out.errors.push({ path: dir, reason: describeFsError(err) });
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, add, out);
    else if (isAudioFileName(e.name)) {
      // A link found while walking may point anywhere: inside a confined scope (browser clients
      // of `s2cap serve`) it is followed only into the allowed folders.
      const scope = e.isSymbolicLink() ? currentPathScope() : undefined;
      if (scope && !(await scope.allows(full))) out.errors.push({ path: full, reason: scope.refusal });
      else add(full);
    } else out.skipped++;
  }
}

/** Short, user-facing wording for the file-system errors people actually hit. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'symlink loop (or too many symbolic links)';
    case 'EIO':
      return 'read error (I/O)';
    default:
      return (err as Error)?.message ?? String(err);
  }
}
