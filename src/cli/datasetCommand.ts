// `s2cap dataset import s2cap META.csv|META.jsonl [--audio DIR|MAP.csv]` and
// `s2cap dataset import label-studio EXPORT.json [--audio DIR]`: reference captions from a dataset
// into the library (core/dataset). Skipped rows and missing audio are listed (stderr, or in the
// --json report) and make the exit status 1; what could be imported is imported.
import type { DatasetImportReport } from '../core/dataset/datasetImporter';
import type { Studio } from '../core/studio';
import { parseCommandArgs, UsageError } from './args';
import type { CliIo, LibraryFlags } from './main';

export const DATASET_OPTIONS = { audio: { type: 'string' } } as const;

export interface DatasetCliDeps {
  open: (where: LibraryFlags) => Promise<Studio>;
  help: () => void;
}

const USAGE = 'usage: s2cap dataset import s2cap META.csv|META.jsonl [--audio DIR|MAP.csv] | dataset import label-studio EXPORT.json [--audio DIR]';

export async function cmdDataset(argv: string[], io: CliIo, deps: DatasetCliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, DATASET_OPTIONS);
  if (values.help) return deps.help(), 0;
  const [action, kind, file, extra] = positionals;
  if (action !== 'import') throw new UsageError(action === undefined ? USAGE : `dataset: unknown action "${action}" (${USAGE})`);
  if (kind !== 's2cap' && kind !== 'label-studio') throw new UsageError(kind === undefined ? USAGE : `dataset import: unknown format "${kind}" (s2cap or label-studio)`);
  if (!file) throw new UsageError(`dataset import ${kind} needs the file to import (${USAGE})`);
  if (extra !== undefined) throw new UsageError(`dataset import: unexpected argument "${extra}" (${USAGE})`);
  const studio = await deps.open(values);
  let report: DatasetImportReport;
  try {
    const opts = values.audio !== undefined ? { audio: values.audio } : {};
    report = kind === 's2cap' ? await studio.datasets.importS2Cap(file, opts) : await studio.datasets.importLabelStudio(file, opts);
  } finally {
    await studio.close();
  }
  if (values.json) io.out(JSON.stringify(report));
  else io.out(formatDatasetReport(report));
  const skipped = report.problems.length + report.missingAudio.length;
  if (!skipped) return 0;
  const parts = [
    report.problems.length && `${report.problems.length} row${report.problems.length === 1 ? '' : 's'} skipped`,
    report.missingAudio.length && `audio missing for ${report.missingAudio.length} file${report.missingAudio.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  io.err(`s2cap: ${parts.join(', ')} (listed ${values.json ? 'in the report' : 'above'}); the rest was imported`);
  return 1;
}

export function formatDatasetReport(r: DatasetImportReport): string {
  const splits = Object.entries(r.splits).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [
    `${r.file} (${r.format}): ${r.captions} caption${r.captions === 1 ? '' : 's'} read`,
    `  tracks: ${r.tracks.imported} imported, ${r.tracks.reused} already in the library`,
    `  segments: ${r.segments.created} created, ${r.segments.reused} already there`,
    `  revisions: ${r.revisions.created} created, ${r.revisions.unchanged} already there` + (splits ? ` (${splits})` : ''),
  ];
  if (r.suggestions.created || r.suggestions.unchanged) lines.push(`  suggestions (predictions): ${r.suggestions.created} created, ${r.suggestions.unchanged} already there`);
  for (const p of r.problems) lines.push(`  ! ${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
  for (const m of r.missingAudio) {
    const at = [...m.lines.map((l) => `line ${l}`), ...m.where].join(', ');
    lines.push(`  ? no audio for "${m.key}"${at ? ` (${at})` : ''}`);
  }
  for (const n of r.notes) lines.push(`  · ${n}`);
  return lines.join('\n');
}
