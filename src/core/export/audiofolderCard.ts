// The audiofolder export's columns and its dataset card (README.md at the export root): YAML front
// matter as the Hugging Face Hub reads it — `configs` (which files make each split, for
// `load_dataset(DIR)` and the Hub) and `dataset_info.features` (every column's type: the clip as
// `audio`, the vocal stem as `vocals`, strings, float64, int64, bool, the attributes struct) — then
// the export's provenance in prose (studio version, the query, counts) and what each column means.
//
// What the card can and cannot do (datasets 2.14–5.x, packaged_modules/folder_based_builder):
// `load_dataset("audiofolder", data_dir=DIR)` never reads README.md, and even `load_dataset(DIR)`,
// which does, replaces the card's features with the ones inferred from metadata.jsonl, after
// checking that every split's metadata infers the SAME features (that check runs whatever features
// are declared or passed). So the card declares and documents; metadata.jsonl itself must type
// alike in every split (audiofolder.ts), and the features declared here are exactly what it infers.
//
// The YAML is written by hand (no YAML library is a dependency of the studio, and the card is a
// fixed shape): block style, every string JSON-quoted (a JSON string is a valid YAML double-quoted
// scalar), numbers and booleans plain.
import type { CaptionStatus } from '../../shared/annotation';
import type { ExportRequest, ExportRow, SplitName } from '../../shared/dataset';
import { STUDIO_VERSION } from '../version';

export type ScalarDtype = 'string' | 'float64' | 'int64' | 'bool';

/** A metadata column: its dtype and what it means (the card's column table). */
interface Column {
  dtype: ScalarDtype | 'attributes';
  about: string;
}

/**
 * Every ExportRow field as an audiofolder column, in the order written (after the file names).
 * Keyed by ExportRow's keys, so a field added to the row is a type error here until declared.
 */
export const ROW_COLUMNS = {
  id: { dtype: 'string', about: 'stable segment id: first 12 hex of the track sha256, "-", the segment id' },
  caption: { dtype: 'string', about: 'the caption (the head revision text)' },
  begin: { dtype: 'float64', about: 'segment start in the source track, seconds' },
  end: { dtype: 'float64', about: 'segment end in the source track, seconds' },
  track_sha256: { dtype: 'string', about: 'sha256 of the source audio file' },
  source_path: { dtype: 'string', about: 'the source audio file on the exporting machine' },
  suggestion: { dtype: 'string', about: 'the model suggestion the caption started from; "" when there was none' },
  suggestion_model: { dtype: 'string', about: 'its model, name@version or "built-in"; "" when there was no suggestion' },
  suggestion_score: { dtype: 'float64', about: "the model's score of the suggestion; 0.0 when it has none (see has_suggestion_score)" },
  annotator: { dtype: 'string', about: 'who wrote the caption (a reviewer accepting it does not make them its annotator)' },
  reviewer: { dtype: 'string', about: 'the reviewer whose verdict (accepted, or sent back) is the head revision; "" when none' },
  revision_id: { dtype: 'int64', about: 'the head caption revision id in the exporting library' },
  status: { dtype: 'string', about: 'the head status: approved, draft, rejected or flagged' },
  edited: { dtype: 'bool', about: 'the caption differs from the suggestion (false without a suggestion)' },
  edit_distance: { dtype: 'int64', about: 'word edits from suggestion to caption; -1 when there was no suggestion' },
  attributes: { dtype: 'attributes', about: 'caption attributes (gender, pitch, tempo, …); "" where nothing was said' },
  split: { dtype: 'string', about: 'train, validation or test (by track content hash)' },
} as const satisfies Record<keyof ExportRow, Column>;

/** Written beside suggestion_score (audiofolder only): whether the score is one. */
export const HAS_SCORE_COLUMN: Column & { name: 'has_suggestion_score' } = {
  name: 'has_suggestion_score',
  dtype: 'bool',
  about: 'suggestion_score is a model score (false: there was no suggestion, or its model gives no score, as the built-in suggester)',
};

export interface CardInput {
  request: ExportRequest;
  /** Rows written per split (skipped ones left out). */
  records: Record<SplitName, readonly Pick<ExportRow, 'status'>[]>;
  /** Attribute names, in the struct's order. */
  attributeNames: readonly string[];
  vocals: boolean;
  skipped: number;
}

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const key = (k: string): string => (PLAIN_KEY.test(k) ? k : JSON.stringify(k));
const scalar = (v: string | number | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const isMap = (v: Yaml): v is { [key: string]: Yaml } => typeof v === 'object' && !Array.isArray(v);

/** Block-style YAML of a mapping or sequence, each line starting with `pad`. */
export function yamlBlock(v: Yaml, pad = ''): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (Array.isArray(item)) throw new Error('nested sequences are not written');
      if (!isMap(item)) return [`${pad}- ${scalar(item)}`];
      const [first, ...rest] = yamlBlock(item, `${pad}  `);
      return [`${pad}- ${first!.slice(pad.length + 2)}`, ...rest];
    });
  }
  return Object.entries(v).flatMap(([k, x]) => {
    if (typeof x !== 'object') return [`${pad}${key(k)}: ${scalar(x)}`];
    if (Array.isArray(x) ? !x.length : !Object.keys(x).length) return [`${pad}${key(k)}: ${Array.isArray(x) ? '[]' : '{}'}`];
    // Sequences under a key sit at the key's indentation (as the Hub writes its cards).
    return [`${pad}${key(k)}:`, ...yamlBlock(x, Array.isArray(x) ? pad : `${pad}  `)];
  });
}

/** The metadata.jsonl keys in order, with their dtypes (file names are strings there). */
export function metadataColumns(vocals: boolean): { name: string; dtype: ScalarDtype | 'attributes' }[] {
  const cols: { name: string; dtype: ScalarDtype | 'attributes' }[] = [{ name: 'file_name', dtype: 'string' }];
  if (vocals) cols.push({ name: 'vocals_file_name', dtype: 'string' });
  for (const [name, c] of Object.entries(ROW_COLUMNS)) {
    cols.push({ name, dtype: c.dtype });
    if (name === 'suggestion_score') cols.push({ name: HAS_SCORE_COLUMN.name, dtype: HAS_SCORE_COLUMN.dtype });
  }
  return cols;
}

/** dataset_info.features: what datasets turns the metadata into (file_name → audio, vocals_file_name → vocals). */
function features(attributeNames: readonly string[], vocals: boolean): Yaml[] {
  return metadataColumns(vocals).map(({ name, dtype }): Yaml => {
    if (name === 'file_name') return { name: 'audio', dtype: 'audio' };
    if (name === 'vocals_file_name') return { name: 'vocals', dtype: 'audio' };
    if (dtype === 'attributes') return { name, struct: attributeNames.map((a) => ({ name: a, dtype: 'string' })) };
    return { name, dtype };
  });
}

/** The files of one split, as the card's data_files list them (no globbing over other files). */
function splitFiles(split: SplitName, vocals: boolean): string[] {
  return [`${split}/metadata.jsonl`, `${split}/clips/*.wav`, ...(vocals ? [`${split}/vocals/*.wav`] : [])];
}

export function datasetCard(c: CardInput): string {
  const splits = (Object.keys(c.records) as SplitName[]).filter((s) => c.records[s].length);
  const front: { [key: string]: Yaml } = {
    pretty_name: 'S2Cap Studio caption export',
    tags: ['s2cap-studio', 'singing-style-captioning'],
  };
  if (splits.length) {
    front.configs = [{ config_name: 'default', data_files: splits.map((s) => ({ split: s, path: splitFiles(s, c.vocals) })) }];
  }
  front.dataset_info = {
    features: features(c.attributeNames, c.vocals),
    splits: splits.map((s) => ({ name: s, num_examples: c.records[s].length })),
  };

  const byStatus: Partial<Record<CaptionStatus, number>> = {};
  let total = 0;
  for (const s of splits) {
    for (const r of c.records[s]) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    total += c.records[s].length;
  }
  const { out: _out, force: _force, ...query } = c.request;
  const rate = c.request.sampleRate === 'original' ? "the source file's own rate and channels" : '16 kHz mono';
  const columns = metadataColumns(c.vocals).map(({ name }) => {
    if (name === 'file_name') return '| `file_name` → `audio` | the segment cut from the source track |';
    if (name === 'vocals_file_name') return '| `vocals_file_name` → `vocals` | the same span of the separated vocal stem |';
    const about = name === HAS_SCORE_COLUMN.name ? HAS_SCORE_COLUMN.about : ROW_COLUMNS[name as keyof typeof ROW_COLUMNS].about;
    return `| \`${name}\` | ${about.replace(/\|/g, '\\|')} |`;
  });
  return [
    '---',
    ...yamlBlock(front),
    '---',
    '',
    '# S2Cap Studio caption export',
    '',
    `Written by S2Cap Studio ${STUDIO_VERSION}: ${total} segment${total === 1 ? '' : 's'} (${splits.map((s) => `${s} ${c.records[s].length}`).join(', ') || 'none'}; ` +
      `by status: ${Object.entries(byStatus).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})` +
      (c.skipped ? `, ${c.skipped} left out (the export report says why).` : '.'),
    `Clips are WAV, ${rate}${c.vocals ? ', each with its vocal stem clip' : ''}. manifest.json beside this card has the sha256 of every file.`,
    '',
    'The query:',
    '',
    '```json',
    JSON.stringify(query, null, 2),
    '```',
    '',
    'Load it with `datasets.load_dataset("audiofolder", data_dir=DIR)` or `datasets.load_dataset(DIR)`.',
    'Every split types every column alike, so no column is ever null: text that is absent is "",',
    'numbers that are absent have the stated fill value.',
    '',
    '| column | meaning |',
    '| --- | --- |',
    ...columns,
    '',
  ].join('\n');
}
