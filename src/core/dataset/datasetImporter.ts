// Dataset import (`s2cap dataset import s2cap|label-studio …`): reference captions from outside the
// studio — the official S2Cap metadata, the studio's own jsonl/csv export, a Label Studio JSON
// export — become tracks, segments and caption revisions (source 'import'); Label Studio predictions
// become suggestions labelled with their origin ("label-studio:<model_version>"). A core service on the
// Studio object (like studio.users), not a StudioApi command: it reads files on the studio's
// machine, named by whoever runs the CLI there.
import path from 'node:path';
import type { Store } from '../store/store';
import { NO_AUDIO_SOURCE, openAudioLookup } from './audioLookup';
import { emptyReport, type DatasetImportReport } from './captionItem';
import { readLabelStudioTasks } from './labelStudioTasks';
import { readS2CapRows } from './s2capRows';
import { writeCaptionItems } from './writeCaptionItems';

export type { DatasetImportReport };

export interface DatasetImportOptions {
  /** A folder of audio files named by youtube_id or id (or by file name), or a CSV map of paths. */
  audio?: string;
}

export class DatasetImporter {
  constructor(private readonly store: Store) {}

  /** S2Cap metadata (CSV or JSONL), or the studio's own jsonl/csv export (its source_path when no `audio`). */
  async importS2Cap(file: string, opts: DatasetImportOptions = {}): Promise<DatasetImportReport> {
    const abs = path.resolve(file);
    const lookup = opts.audio ? await openAudioLookup(path.resolve(opts.audio)) : NO_AUDIO_SOURCE;
    const rows = await readS2CapRows(abs);
    const report = emptyReport(abs, rows.studioExport ? 'studio-export' : 's2cap');
    report.captions = rows.items.length;
    report.problems.push(...lookup.problems, ...rows.problems);
    await writeCaptionItems(this.store, abs, rows.items, lookup, report);
    sortProblems(report);
    return report;
  }

  /** A Label Studio JSON export of audio tasks: annotations' TextArea results become approved revisions, predictions' become suggestions labelled "label-studio:<model_version>". */
  async importLabelStudio(file: string, opts: DatasetImportOptions = {}): Promise<DatasetImportReport> {
    const abs = path.resolve(file);
    const lookup = opts.audio ? await openAudioLookup(path.resolve(opts.audio)) : NO_AUDIO_SOURCE;
    const tasks = await readLabelStudioTasks(abs);
    const report = emptyReport(abs, 'label-studio');
    report.captions = tasks.items.filter((i) => !i.suggestion).length;
    report.problems.push(...lookup.problems, ...tasks.problems);
    report.notes.push(...tasks.notes);
    await writeCaptionItems(this.store, abs, tasks.items, lookup, report);
    return report;
  }
}

/** Problems of the metadata file in line order (the audio map's first). */
function sortProblems(report: DatasetImportReport): void {
  report.problems.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file === report.file ? 1 : -1));
}
