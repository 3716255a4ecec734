// Imports audio files into a library. Each file is handled on its own: a bad file is reported by
// name with a reason and the batch goes on; each file's rows are written in one transaction, so
// a failure or a killed process never leaves half a track behind. Those transactions read before
// they write, so they begin IMMEDIATE and are retried while another process (a second studio or
// CLI importing the same folder) holds the library: each file is imported once, never "locked".
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImportOutcome, ImportReport, Track } from '../../shared/types';
import type { Store } from '../store/store';
import { AUDIO_EXTENSIONS, extensionOf, isAudioFileName } from './formats';
import { sha256File } from './hash';
import { ProbeError, probeAudio } from './probe';
import { describeFsError, scanPaths } from './scan';

export interface ImportCallbacks {
  onFile?: (p: { done: number; total: number; path: string; outcome: ImportOutcome }) => void;
}

export interface ImportOptions extends ImportCallbacks {
  /** Import cut-off files as their decodable part instead of refusing them (see probe.ts). */
  allowTruncated?: boolean;
}

type FileResult =
  | { outcome: 'imported'; track: Track; truncated?: string }
  | { outcome: 'relinked'; track: Track }
  | { outcome: 'duplicate'; track: Track }
  | { outcome: 'failed'; reason: string };

const PARALLEL = 2;

export async function importPaths(store: Store, paths: readonly string[], cb: ImportOptions = {}): Promise<ImportReport> {
  const scan = await scanPaths(paths);
  const report: ImportReport = { imported: [], duplicates: [], relinked: [], failed: [], skipped: scan.skipped };
  for (const e of scan.errors) report.failed.push({ path: e.path, name: path.basename(e.path), reason: e.reason });

  const total = scan.files.length;
  let done = 0;
  let next = 0;
  const results = new Array<FileResult>(total);
  // A small pool: hashing and parsing are I/O-bound, the DB write per file is short.
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const file = scan.files[i]!;
      results[i] = await importOne(store, file, cb.allowTruncated ?? false);
      done++;
      cb.onFile?.({ done, total, path: file, outcome: results[i]!.outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, total) }, worker));

  scan.files.forEach((file, i) => {
    const r = results[i]!;
    const name = path.basename(file);
    if (r.outcome === 'imported') {
      report.imported.push(r.track);
      if (r.truncated) (report.truncated ??= []).push({ path: file, name, reason: r.truncated });
    }
    else if (r.outcome === 'relinked') report.relinked.push(r.track);
    else if (r.outcome === 'duplicate') report.duplicates.push({ path: file, name, track: r.track });
    else report.failed.push({ path: file, name, reason: r.reason });
  });
  return report;
}

async function importOne(store: Store, file: string, allowTruncated: boolean): Promise<FileResult> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { outcome: 'failed', reason: 'not a regular file' };
    if (!isAudioFileName(file)) {
      const ext = extensionOf(path.basename(file));
      return {
        outcome: 'failed',
        reason: `unsupported file type${ext ? ` .${ext}` : ''} (supported: ${AUDIO_EXTENSIONS.join(', ')})`,
      };
    }
    const sha256 = await sha256File(file);
    const known = await resolveKnown(store, sha256, file, st.mtimeMs);
    if (known) return known;

    const { truncated, ...meta } = await probeAudio(file, { allowTruncated });
    // Re-check inside the transaction: a parallel worker or process may have added the same content.
    return await store.transaction(async (tx): Promise<FileResult> => {
      const again = await tx.tracks.findByHash(sha256);
      if (again) return { outcome: 'duplicate', track: again };
      const added = await tx.tracks.insertUnlessKnown({ path: file, fileName: path.basename(file), sha256, sizeBytes: st.size, fileMtimeMs: st.mtimeMs, ...meta });
      if (!added.inserted) return { outcome: 'duplicate', track: added.track };
      const track = added.track;
      return truncated ? { outcome: 'imported', track, truncated } : { outcome: 'imported', track };
    });
  } catch (err) {
    if (err instanceof ProbeError) return { outcome: 'failed', reason: err.message };
    const code = (err as NodeJS.ErrnoException)?.code;
    return { outcome: 'failed', reason: code ? describeFsError(err) : `unexpected error: ${(err as Error).message}` };
  }
}

/** Same content already in the library: a duplicate if its file is still there, else a move. */
async function resolveKnown(store: Store, sha256: string, file: string, mtimeMs: number): Promise<FileResult | null> {
  const existing = await store.tracks.findByHash(sha256);
  if (!existing) return null;
  if (existing.path === file || (await exists(existing.path))) return { outcome: 'duplicate', track: existing };
  // Re-read inside a transaction: a parallel worker may have relinked it to another copy already.
  return store.transaction(async (tx): Promise<FileResult> => {
    const now = (await tx.tracks.findByHash(sha256))!;
    if (now.path !== existing.path) return { outcome: 'duplicate', track: now };
    return { outcome: 'relinked', track: await tx.tracks.relink(existing.id, file, path.basename(file), mtimeMs) };
  });
}


async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
