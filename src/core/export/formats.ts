// Which writer writes each export format (formatWriter.ts): jsonl, csv, pairs and label-studio
// here, audiofolder (Hugging Face layout with WAV clips) in audiofolder.ts. A format whose writer
// is null is refused as UNSUPPORTED rather than half-done.
import type { ExportFormat } from '../../shared/dataset';
import { StudioError } from '../../shared/errors';
import { audiofolderWriter } from './audiofolder';
import { csvWriter } from './csv';
import type { FormatWriter } from './formatWriter';
import { jsonlWriter } from './jsonl';
import { labelStudioWriter } from './labelStudio';
import { pairsWriter } from './pairs';

export const FORMAT_WRITERS: Record<ExportFormat, FormatWriter | null> = {
  jsonl: jsonlWriter,
  csv: csvWriter,
  pairs: pairsWriter,
  'label-studio': labelStudioWriter,
  audiofolder: audiofolderWriter,
};

export function writerFor(format: ExportFormat): FormatWriter {
  const w = Object.hasOwn(FORMAT_WRITERS, format) ? FORMAT_WRITERS[format] : undefined;
  if (w === undefined) throw new StudioError('BAD_REQUEST', `unknown export format "${format}"`);
  if (w === null) throw new StudioError('UNSUPPORTED', `the ${format} export is not available in this build yet`);
  return w;
}
