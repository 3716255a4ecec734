// The dataset contract: exporting what annotators wrote for retraining (S2Cap JSONL/CSV, Hugging
// Face audiofolder, preference pairs, Label Studio JSON), importing datasets, and caption metrics.
// Plain data shared by core, every transport, the CLI and the renderer.
import type { CaptionStatus } from './annotation';

export type ExportFormat = 'jsonl' | 'csv' | 'audiofolder' | 'pairs' | 'label-studio';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'audiofolder', 'pairs', 'label-studio'];

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** What to export, and how. */
export interface ExportRequest {
  format: ExportFormat;
  /** Target folder on the studio's machine: written to a temporary sibling and renamed into place. */
  out: string;
  /** Segments whose head revision has one of these statuses (default ['approved']). */
  status?: CaptionStatus[];
  /** Only what changed since this earlier export's manifest.json (a path on the studio's machine): see ExportManifest.exported. */
  since?: string;
  /** Only captions written by this annotator (ExportRow.annotator, not the reviewer who accepted them). */
  annotator?: string;
  /** Only segments whose suggestion came from this pack (name@version or "built-in"). */
  pack?: string;
  /** Replace an existing target folder (never without). */
  force?: boolean;
  /** Split ratios train/validation/test (default [0.8, 0.1, 0.1]); normalised. */
  splits?: [number, number, number];
  /** audiofolder: clip sample rate, 16000 (default, mono) or 'original' (the file's rate and channels). */
  sampleRate?: 16000 | 'original';
  /** audiofolder: also cut the vocal stem (vocals_file_name), when the track has one. */
  vocals?: boolean;
}

/** One exported segment (the jsonl/csv row; audiofolder adds file_name and vocals_file_name). */
export interface ExportRow {
  /** "<track sha256 first 12>-<segment id>": stable across libraries holding the same audio. */
  id: string;
  caption: string;
  begin: number;
  end: number;
  track_sha256: string;
  source_path: string;
  suggestion: string | null;
  suggestion_model: string | null;
  suggestion_score: number | null;
  /** Who wrote the caption: the newest revision without a review verdict (a reviewer's accept is not authorship). */
  annotator: string;
  /** The reviewer whose verdict (accepted, or sent back) is the head revision; null when it is none. Added after v1: optional. */
  reviewer?: string | null;
  revision_id: number;
  status: CaptionStatus;
  /** The caption differs from the suggestion it started from. */
  edited: boolean;
  /** Word edit distance suggestion → caption (null without a suggestion). */
  edit_distance: number | null;
  attributes: Record<string, string>;
  split: SplitName;
}

export interface ExportManifest {
  schemaVersion: 1;
  studioVersion: string;
  format: ExportFormat;
  createdAt: string;
  /** The request as run (out and since as given). */
  query: Omit<ExportRequest, 'out' | 'force'>;
  /** The newest revision id exported (information; only a --since manifest without `exported` is compared to it). */
  maxRevisionId: number;
  counts: { total: number; bySplit: Record<SplitName, number>; byStatus: Partial<Record<CaptionStatus, number>> };
  /** Model packs whose suggestions appear, name@version. */
  packs: string[];
  /** Every file written (relative path → sha256), manifest.json itself excepted. */
  files: Record<string, string>;
  /**
   * The state a consumer holding this export and all its --since predecessors has: row id →
   * [revision id, begin, end]. A later `--since` writes the rows missing here or differing, and
   * withdraws the ids here no longer eligible. Written by every export since it was added; absent
   * in older manifests (read as such: --since falls back to maxRevisionId).
   */
  exported?: Record<string, ExportedState>;
  /** Ids of the --since manifest's `exported` no longer eligible (deleted, status left, filtered out); also withdrawn.jsonl. [] for a full export. */
  withdrawn?: string[];
}

/** What a consumer holds of one row: [revision id, begin, end]. */
export type ExportedState = [revisionId: number, begin: number, end: number];

export interface ExportReport {
  out: string;
  manifest: ExportManifest;
  /** Segments left out and why ("track 3: audio file missing"). */
  skipped: string[];
  /** One-line notes about how the export ran (a --since manifest too old for the state map). */
  notes?: string[];
}

export interface ExportProgress {
  exportId: string;
  phase: 'query' | 'write' | 'audio' | 'done';
  done: number;
  total: number;
}

/** Corpus-level caption metrics, pycocoevalcap v1.2 definitions. null: not computed (METEOR/SPICE without Java). */
export interface CaptionMetrics {
  bleu_1: number;
  bleu_2: number;
  bleu_3: number;
  bleu_4: number;
  rouge_l: number;
  cider_d: number;
  meteor: number | null;
  spice: number | null;
  spider: number | null;
  /** Why METEOR/SPICE are missing, when they are. */
  unavailable?: string;
  per_item: { id: string; bleu_4: number; rouge_l: number; cider_d: number }[];
}
