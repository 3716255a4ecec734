// What every dataset reader (S2Cap metadata, the studio's own JSONL export, Label Studio JSON)
// turns its input into — one caption of one span of one audio file — and the report an import
// gives back. The writer (writeCaptionItems.ts) only ever sees these, whatever the file was.
import { CAPTION_ATTRIBUTE_NAMES, type CaptionAttributes, type CaptionStatus } from '../../shared/annotation';

/** Where a row came from, for messages: a 1-based line of a CSV/JSONL file, or a Label Studio task. */
export interface ItemPlace {
  line?: number;
  /** "line 4" / "task 12": how messages name the place. */
  where: string;
}

/** How to find a row's audio. */
export interface AudioRef {
  /** Names a folder of audio files or a MAP.csv may know it by (youtube_id, id). */
  youtubeId?: string;
  id?: string;
  /** A file path given by the row itself (studio export source_path, Label Studio data.audio). */
  path?: string;
  /** A file name to look up in the --audio folder when `path` is not there (Label Studio uploads). */
  fileName?: string;
  /** Content hash the row was exported with: a library track with it is used as it is. */
  sha256?: string;
}

export interface CaptionItem extends ItemPlace {
  audio: AudioRef;
  /** The span in the track, seconds; null: the whole track. */
  begin: number | null;
  end: number | null;
  text: string;
  status: CaptionStatus;
  author: string;
  attributes: CaptionAttributes;
  split?: string;
  /** Set for a model prediction (Label Studio): written as a suggestion with this source and score, not a revision. */
  suggestion?: { source: string; score: number | null };
}

/** A row (or a line of the audio map) left out, and why. */
export interface ItemProblem {
  file: string;
  line?: number;
  reason: string;
}

export interface DatasetImportReport {
  file: string;
  format: 's2cap' | 'studio-export' | 'label-studio';
  /** Captions read from the file (rows that parsed; predictions not included). */
  captions: number;
  tracks: { imported: number; reused: number };
  segments: { created: number; reused: number };
  revisions: { created: number; unchanged: number };
  /** Model predictions (Label Studio) written as suggestions, or already there (same segment, text and source). */
  suggestions: { created: number; unchanged: number };
  /** Captions written or already present, per split named by the file (none: "unsplit"). */
  splits: Record<string, number>;
  /** Malformed rows and rows whose span or audio could not be used: skipped, the rest imported. */
  problems: ItemProblem[];
  /** Audio no file was found for: the key tried, and the lines that needed it. */
  missingAudio: { key: string; lines: number[]; where: string[] }[];
  /** What the import assumed or left out on purpose (clamped spans, Label Studio predictions). */
  notes: string[];
}

export function emptyReport(file: string, format: DatasetImportReport['format']): DatasetImportReport {
  return {
    file,
    format,
    captions: 0,
    tracks: { imported: 0, reused: 0 },
    segments: { created: 0, reused: 0 },
    revisions: { created: 0, unchanged: 0 },
    suggestions: { created: 0, unchanged: 0 },
    splits: {},
    problems: [],
    missingAudio: [],
    notes: [],
  };
}

/** The caption attributes an object names (known names with a text value); anything else: none. */
export function pickAttributes(v: unknown): CaptionAttributes {
  const out: CaptionAttributes = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  const o = v as Record<string, unknown>;
  for (const name of CAPTION_ATTRIBUTE_NAMES) {
    const x = o[name];
    if (typeof x === 'string' && x.trim()) out[name] = x.trim();
  }
  return out;
}
