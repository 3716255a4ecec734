// One export, start to finish (shared/dataset.ts ExportRequest → ExportReport): read the --since
// manifest, check the target (exportFolder.ts), run the export query (store/exportQuery.ts), keep
// what changed since the --since manifest's state map and list what it withdraws (incremental.ts),
// give the rows grouped by track and split (exportRows.ts, splits.ts) to the format's writer
// (formats.ts) inside a temporary folder, hash every file into manifest.json (manifest.ts), rename
// the folder into place. Cancel (signal) or any failure removes the temporary folder: no target
// is ever half-written. Progress goes to `onProgress`, at most a few times a second.
import type { ExportProgress, ExportReport, ExportRequest, ExportRow } from '../../shared/dataset';
import { StudioError } from '../../shared/errors';
import type { Store } from '../store/store';
import { ExportFolder } from './exportFolder';
import { groupByTrack } from './exportRows';
import type { FormatWriter } from './formatWriter';
import { writerFor } from './formats';
import { exportedAfter, planSince, writeWithdrawn } from './incremental';
import { buildManifest, hashFolder, readSinceManifest, writeManifest } from './manifest';
import { normaliseSplits } from './splits';

export const DEFAULT_EXPORT_STATUS = ['approved'] as const;
/** Least time between two progress reports of the same phase. */
const PROGRESS_EVERY_MS = 250;

export interface RunExportOptions {
  signal?: AbortSignal;
  onProgress?: (p: Omit<ExportProgress, 'exportId'>) => void;
  /** The writer to use instead of the format's own (tests). */
  writer?: FormatWriter;
}

/** Skip reasons as report lines: one per reason, with how many segments and the first few ids. */
function skippedLines(skips: Map<string, string[]>): string[] {
  return [...skips].map(([reason, ids]) => `${reason}: ${ids.length} segment${ids.length === 1 ? '' : 's'} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`);
}

function throttled(onProgress: RunExportOptions['onProgress']) {
  let last = 0;
  let lastPhase = '';
  return (phase: ExportProgress['phase'], done: number, total: number) => {
    if (!onProgress) return;
    const now = Date.now();
    if (phase === lastPhase && done < total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    lastPhase = phase;
    onProgress({ phase, done, total });
  };
}

function cancelled(out: string): StudioError {
  return new StudioError('CONFLICT', `the export to ${out} was cancelled: nothing was written there`);
}

export async function runExport(store: Store, request: ExportRequest, opts: RunExportOptions = {}): Promise<ExportReport> {
  const signal = opts.signal ?? new AbortController().signal;
  const progress = throttled(opts.onProgress);
  const writer = opts.writer ?? writerFor(request.format);
  let splits: [number, number, number];
  try {
    splits = normaliseSplits(request.splits);
  } catch (err) {
    throw new StudioError('BAD_REQUEST', (err as Error).message);
  }
  const status = request.status?.length ? [...new Set(request.status)] : [...DEFAULT_EXPORT_STATUS];
  const since = request.since === undefined ? undefined : await readSinceManifest(request.since);
  const force = request.force ?? false;
  const folder = await ExportFolder.create(request.out, force);
  try {
    progress('query', 0, 1);
    const eligible = await store.exports.rows({
      status,
      ...(request.annotator !== undefined ? { annotator: request.annotator } : {}),
      ...(request.pack !== undefined ? { pack: request.pack } : {}),
    });
    signal.throwIfAborted();
    const plan = planSince(eligible, since, request.since);
    const sources = plan.write;
    progress('query', 1, 1);
    const groups = groupByTrack(sources, splits);
    const skips = new Map<string, string[]>();
    const skippedIds = new Set<string>();
    const phase = request.format === 'audiofolder' ? 'audio' : 'write';
    progress(phase, 0, sources.length);
    await writer.write(folder.dir, groups, {
      request,
      signal,
      onProgress: (done, total) => progress(phase, done, total),
      skip(row, reason) {
        skippedIds.add(row.id);
        const ids = skips.get(reason) ?? [];
        ids.push(row.id);
        skips.set(reason, ids);
      },
    });
    signal.throwIfAborted();
    if (since) await writeWithdrawn(folder.dir, plan.withdrawn, signal);
    const files = await hashFolder(folder.dir, signal);
    const rows: ExportRow[] = groups.flatMap((g) => g.rows).filter((r) => !skippedIds.has(r.id));
    const exported = exportedAfter(plan.base, rows);
    const manifest = buildManifest({ request, status, splits, rows, sinceRevisionId: since?.maxRevisionId ?? 0, exported, withdrawn: plan.withdrawn, files });
    await writeManifest(folder.dir, manifest);
    signal.throwIfAborted();
    await folder.publish(force);
    progress('done', rows.length, rows.length);
    return { out: folder.out, manifest, skipped: skippedLines(skips), ...(plan.notes.length ? { notes: plan.notes } : {}) };
  } catch (err) {
    await folder.discard();
    if (signal.aborted) throw cancelled(folder.out);
    throw err;
  }
}
