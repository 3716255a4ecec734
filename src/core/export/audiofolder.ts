// The Hugging Face `datasets` audiofolder export: DIR/{train,validation,test}/ (only the splits that
// have rows), each with `metadata.jsonl` and the clips it names, and DIR/README.md, the dataset
// card (audiofolderCard.ts: configs, declared features, provenance), so that
// `load_dataset("audiofolder", data_dir=DIR)` and `load_dataset(DIR)` load it as it is. What
// AudioFolder does with it (datasets' packaged_modules/folder_based_builder, read for 2.14–5.x):
// - every `metadata.jsonl` in a split folder is that split's metadata; `file_name` is a path
//   relative to the folder holding the metadata file (absolute paths and `..` are refused), and
//   becomes the `audio` column (an Audio feature); every other key becomes a column as pyarrow's
//   JSON reader types it (nested objects such as `attributes` become struct columns).
// - since datasets 3.4 any key ending in `_file_name` is an Audio column too, named without the
//   suffix: `vocals_file_name` → `vocals`. Before 3.4 only `file_name` was cast and `vocals_file_name`
//   arrives as a relative path string. AudioFolder resolves `*_file_name` keys in the order the
//   columns appear, taking `file_name` first for whichever comes first, so `file_name` is written
//   first.
// - the metadata files of all splits must infer the SAME features, or loading fails ("Metadata
//   files … have different features"). That check runs on the inferred types whatever features
//   the card declares or the caller passes (features= does not avoid it), and pyarrow types a
//   column that is null in every row of a file as `null`; so metadata.jsonl never holds a null:
//   - strings that may be absent are "": suggestion, suggestion_model, reviewer;
//   - numbers that may be absent get a fill value: edit_distance -1 (no suggestion: a distance is
//     never negative); suggestion_score 0.0, with the bool `has_suggestion_score` beside it saying
//     whether it is a score (any number could be a model's score, so no fill value alone would do);
//   - `attributes` always has every attribute name any row of the export has (the caption
//     attribute names first), "" where nothing was said;
//   - real numbers (begin, end, suggestion_score) always carry a decimal point, since pyarrow types
//     `5` as an integer and `5.5` as a float;
//   - with vocals asked, every row has a vocal clip (rows of tracks without a vocal stem are
//     skipped, with the reason).
//   The jsonl/csv formats keep nulls. The card declares exactly these types; README says so.
//
// Clips come from core/export/audioClips: one decode pass per file, 16 kHz mono PCM16 by default
// (`sampleRate: 'original'` keeps the file's rate and channels). Clips are `clips/<row id>.wav` and
// `vocals/<row id>.wav` inside the split folder.
import fs from 'node:fs';
import path from 'node:path';
import { CAPTION_ATTRIBUTE_NAMES } from '../../shared/annotation';
import type { ExportRow, SplitName } from '../../shared/dataset';
import { SPLIT_NAMES } from '../../shared/dataset';
import { writeFileAtomic } from '../fsAtomic';
import { datasetCard } from './audiofolderCard';
import { cutClips, type ClipRate, type ClipSpan, type CutResult } from './audioClips';
import type { FormatWriter } from './formatWriter';

/** The dataset card's file name at the export root. */
export const CARD_NAME = 'README.md';

/** One line of a split's metadata.jsonl: no nulls (see the header). */
export type AudiofolderRecord = { file_name: string; vocals_file_name?: string } & Omit<
  ExportRow,
  'suggestion' | 'suggestion_model' | 'suggestion_score' | 'reviewer' | 'edit_distance' | 'attributes'
> & {
    suggestion: string;
    suggestion_model: string;
    suggestion_score: number;
    has_suggestion_score: boolean;
    reviewer: string;
    edit_distance: number;
    attributes: Record<string, string>;
  };

/** A row that made it, with its clip names: turned into a record once every row's attributes are known. */
interface Written {
  row: ExportRow;
  fileName: string;
  vocalsFileName?: string;
}

export const audiofolderWriter: FormatWriter = {
  async write(dir, groups, opts) {
    const total = groups.reduce((n, g) => n + g.rows.length, 0);
    const rate: ClipRate = opts.request.sampleRate ?? 16000;
    const vocals = opts.request.vocals === true;
    const written: Record<SplitName, Written[]> = { train: [], validation: [], test: [] };
    const progress = new RowProgress(total, opts.onProgress);
    let skipped = 0;
    const skip = (r: ExportRow, reason: string): void => {
      skipped++;
      opts.skip(r, reason);
    };

    for (const group of groups) {
      opts.signal.throwIfAborted();
      const rows = group.rows;
      const name = path.basename(group.track.path);
      const skipAll = (reason: string): void => {
        for (const r of rows) skip(r, reason);
      };
      if (!rows.length) continue;
      if (!isFile(group.track.path)) {
        skipAll(`${name}: audio file missing (${group.track.path})`);
        progress.endGroup(rows.length);
        continue;
      }
      if (vocals && (!group.vocalsPath || !isFile(group.vocalsPath))) {
        skipAll(`${name}: no vocal stem${group.vocalsPath ? ` (${group.vocalsPath} missing)` : ''}; separate the track, or export without vocals`);
        progress.endGroup(rows.length);
        continue;
      }
      for (const split of new Set(rows.map((r) => r.split))) {
        fs.mkdirSync(path.join(dir, split, 'clips'), { recursive: true });
        if (vocals) fs.mkdirSync(path.join(dir, split, 'vocals'), { recursive: true });
      }
      const mixSpans = spansOf(dir, rows, 'clips');
      const vocSpans = vocals ? spansOf(dir, rows, 'vocals') : [];
      // Per-row progress as clips complete; with vocals each pass is half of a row.
      const onClip = (): void => progress.add(vocals ? 0.5 : 1);
      let mix: CutResult;
      let voc: CutResult | null = null;
      try {
        mix = await cutClips(group.track.path, mixSpans, { sampleRate: rate, signal: opts.signal, onClip });
        if (vocals) {
          try {
            voc = await cutClips(group.vocalsPath!, vocSpans, { sampleRate: rate, signal: opts.signal, onClip });
          } catch (err) {
            (err as Error).message = `vocal stem ${path.basename(group.vocalsPath!)}: ${(err as Error).message}`;
            throw err;
          }
        }
      } catch (err) {
        removeClips([...mixSpans, ...vocSpans]);
        if (opts.signal.aborted || (err as Error)?.name === 'AbortError') throw err;
        skipAll(`${name}: ${(err as Error).message}`);
        progress.endGroup(rows.length);
        continue;
      }
      rows.forEach((r, i) => {
        const short = mix.clips[i]!.frames === 0 ? mix : voc && voc.clips[i]!.frames === 0 ? voc : null;
        if (short) {
          removeClips([mixSpans[i]!, ...(vocals ? [vocSpans[i]!] : [])]);
          const what = short === voc ? `its vocal stem has` : 'it has';
          skip(r, `${name}: ${what} no audio in ${r.begin.toFixed(2)}–${r.end.toFixed(2)} s (decodes to ${short.decodedSec.toFixed(2)} s)`);
          return;
        }
        written[r.split].push({ row: r, fileName: clipName(r, 'clips'), ...(vocals ? { vocalsFileName: clipName(r, 'vocals') } : {}) });
      });
      progress.endGroup(rows.length);
    }

    const attributeNames = attributeNamesOf(SPLIT_NAMES.flatMap((s) => written[s].map((w) => w.row)));
    const records = Object.fromEntries(
      SPLIT_NAMES.map((s) => [s, written[s].map((w) => toRecord(w.row, w.fileName, w.vocalsFileName, attributeNames))]),
    ) as Record<SplitName, AudiofolderRecord[]>;
    for (const split of SPLIT_NAMES) {
      const lines = records[split];
      if (!lines.length) {
        // A split whose every row was skipped: leave no folder behind.
        fs.rmSync(path.join(dir, split), { recursive: true, force: true });
        continue;
      }
      opts.signal.throwIfAborted();
      await writeFileAtomic(path.join(dir, split, 'metadata.jsonl'), lines.map(metadataLine).join('\n') + '\n');
    }
    opts.signal.throwIfAborted();
    await writeFileAtomic(path.join(dir, CARD_NAME), datasetCard({ request: opts.request, records, attributeNames, vocals, skipped }));
  },
};

/** The caption attribute names, then any other attribute name a row has (sorted): the attributes struct's fields. */
export function attributeNamesOf(rows: readonly ExportRow[]): string[] {
  const extra = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.attributes)) if (!(CAPTION_ATTRIBUTE_NAMES as readonly string[]).includes(k)) extra.add(k);
  return [...CAPTION_ATTRIBUTE_NAMES, ...[...extra].sort()];
}

/** A clip's path relative to its split folder (the metadata's file_name). */
function clipName(row: ExportRow, kind: 'clips' | 'vocals'): string {
  return `${kind}/${row.id}.wav`;
}

function spansOf(dir: string, rows: ExportRow[], kind: 'clips' | 'vocals'): ClipSpan[] {
  return rows.map((r) => ({ begin: r.begin, end: r.end, out: path.join(dir, r.split, clipName(r, kind)) }));
}

/** Rows done, reported as whole rows (a row is half done after its mix clip when vocals are cut too). */
class RowProgress {
  private groupsDone = 0;
  private inGroup = 0;
  private reported = -1;
  constructor(
    private readonly total: number,
    private readonly report: (done: number, total: number) => void,
  ) {}
  add(rows: number): void {
    this.inGroup += rows;
    this.emit();
  }
  endGroup(rows: number): void {
    this.groupsDone += rows;
    this.inGroup = 0;
    this.emit();
  }
  private emit(): void {
    const done = Math.floor(this.groupsDone + this.inGroup);
    if (done === this.reported) return;
    this.reported = done;
    this.report(done, this.total);
  }
}

/**
 * The metadata line of a row: file names first (AudioFolder's order rule), then the row's fields
 * in the card's order (audiofolderCard.ts ROW_COLUMNS), absent values filled as the header says.
 */
export function toRecord(row: ExportRow, fileName: string, vocalsFileName?: string, attributeNames: readonly string[] = attributeNamesOf([row])): AudiofolderRecord {
  const attributes: Record<string, string> = {};
  for (const k of attributeNames) attributes[k] = row.attributes[k] ?? '';
  // Explicit order, the same in every line, whatever order the row's keys came in.
  const rec: Record<string, unknown> = { file_name: fileName };
  if (vocalsFileName) rec.vocals_file_name = vocalsFileName;
  Object.assign(rec, {
    id: row.id,
    caption: row.caption,
    begin: row.begin,
    end: row.end,
    track_sha256: row.track_sha256,
    source_path: row.source_path,
    suggestion: row.suggestion ?? '',
    suggestion_model: row.suggestion_model ?? '',
    suggestion_score: row.suggestion_score ?? 0,
    has_suggestion_score: row.suggestion_score !== null,
    annotator: row.annotator,
    reviewer: row.reviewer ?? '',
    revision_id: row.revision_id,
    status: row.status,
    edited: row.edited,
    edit_distance: row.edit_distance ?? -1,
    attributes,
    split: row.split,
  });
  return rec as AudiofolderRecord;
}

/** Columns that are real numbers: always written with a decimal point (see metadataLine). */
const FLOAT_COLUMNS = new Set(['begin', 'end', 'suggestion_score']);

/**
 * One JSON line. pyarrow types `5` as int64 and `5.5` as double, so a split whose segments all
 * start on whole seconds would type `begin` differently from one that does not, and datasets
 * refuses the pair; the real-number columns are therefore written as `5.0`.
 */
export function metadataLine(rec: AudiofolderRecord): string {
  const parts = Object.entries(rec).map(([k, v]) => {
    const json = FLOAT_COLUMNS.has(k) && typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}.0` : JSON.stringify(v);
    return `${JSON.stringify(k)}:${json}`;
  });
  return `{${parts.join(',')}}`;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function removeClips(spans: { out: string }[]): void {
  for (const s of spans) fs.rmSync(s.out, { force: true });
}
