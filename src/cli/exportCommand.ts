// `s2cap export`: the exportDataset command from the command line. Progress goes to stderr (a
// line that rewrites itself on a terminal, a line per phase otherwise; nothing with --json), the
// summary to stdout; Ctrl-C cancels the export, which leaves no target folder behind.
import crypto from 'node:crypto';
import path from 'node:path';
import { parseCommandInput } from '../core/api/schemas';
import type { Studio } from '../core/studio';
import type { CommandInput } from '../shared/api';
import type { ExportProgress, ExportReport } from '../shared/dataset';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const EXPORT_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  annotator: { type: 'string' },
  pack: { type: 'string' },
  splits: { type: 'string' },
  'sample-rate': { type: 'string' },
  vocals: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
} as const;

export interface ExportCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

type ExportFlags = Partial<Record<'format' | 'out' | 'status' | 'since' | 'annotator' | 'pack' | 'splits' | 'sample-rate', string>> & { vocals?: boolean; force?: boolean };

/** The flags as an exportDataset payload, validated as a client's would be. */
export function exportInput(v: ExportFlags, exportId: string): CommandInput<'exportDataset'> {
  if (v.format === undefined) throw new UsageError('export needs --format jsonl|csv|audiofolder|pairs|label-studio');
  if (v.out === undefined) throw new UsageError('export needs --out DIR (a folder that does not exist yet, or --force)');
  let splits: number[] | undefined;
  if (v.splits !== undefined) {
    splits = v.splits.split(',').map((s) => Number(s.trim()));
    if (splits.length !== 3 || splits.some((n) => !Number.isFinite(n) || n < 0 || n > 1)) {
      throw new UsageError(`--splits must be three ratios from 0 to 1 (train,validation,test), got "${v.splits}"`);
    }
  }
  const rate = v['sample-rate'];
  if (rate !== undefined && rate !== '16000' && rate !== 'original') throw new UsageError(`--sample-rate must be 16000 or original, got "${rate}"`);
  const input = {
    exportId,
    format: v.format,
    out: path.resolve(v.out),
    ...(v.status !== undefined ? { status: v.status.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(v.since !== undefined ? { since: v.since } : {}),
    ...(v.annotator !== undefined ? { annotator: v.annotator } : {}),
    ...(v.pack !== undefined ? { pack: v.pack } : {}),
    ...(splits ? { splits } : {}),
    ...(rate !== undefined ? { sampleRate: rate === 'original' ? 'original' : 16000 } : {}),
    ...(v.vocals ? { vocals: true } : {}),
    ...(v.force ? { force: true } : {}),
  };
  try {
    return parseCommandInput('exportDataset', input);
  } catch (err) {
    throw new UsageError(`export: ${(err as Error).message}`);
  }
}

/** "exported 36 segments to OUT: train 29, validation 4, test 3; skipped 0" (+ "; withdrawn 2" after --since). */
export function formatExportSummary(r: ExportReport): string {
  const { total, bySplit } = r.manifest.counts;
  const skipped = r.skipped.reduce((n, line) => n + Number(/: (\d+) segments? \(/.exec(line)?.[1] ?? 1), 0);
  return `exported ${total} segment${total === 1 ? '' : 's'} to ${r.out}: train ${bySplit.train}, validation ${bySplit.validation}, test ${bySplit.test}; skipped ${skipped}${r.manifest.withdrawn?.length ? `; withdrawn ${r.manifest.withdrawn.length}` : ''}`;
}

function progressPrinter(io: CliIo): (p: ExportProgress) => void {
  let phase = '';
  return (p) => {
    if (process.stderr.isTTY) process.stderr.write(`\rexport: ${p.phase} ${p.done}/${p.total}\x1b[K`);
    else if (p.phase !== phase && p.phase !== 'done') io.err(`s2cap: export: ${p.phase}…`);
    phase = p.phase;
  };
}

export async function cmdExport(argv: string[], io: CliIo, deps: ExportCliDeps): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, EXPORT_OPTIONS);
  if (v.help) return deps.help(), 0;
  if (positionals.length) throw new UsageError(`export takes no arguments, got "${positionals[0]}" (did you mean --out ${positionals[0]}?)`);
  const exportId = crypto.randomUUID();
  const input = exportInput(v, exportId);
  const studio = await deps.open(v);
  const onInt = () => void studio.cancelExport({ exportId });
  process.once('SIGINT', onInt);
  try {
    if (!v.json) studio.on('exportProgress', progressPrinter(io));
    const report = await studio.exportDataset(input);
    if (v.json) io.out(JSON.stringify(report));
    else {
      for (const line of report.skipped) io.err(`s2cap: skipped ${line}`);
      for (const line of report.notes ?? []) io.err(`s2cap: note: ${line}`);
      io.out(formatExportSummary(report));
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onInt);
    if (!v.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    await studio.close();
  }
}
