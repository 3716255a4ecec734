// Domain types shared by every side of the studio: core, transports, CLI and renderer.
// Plain data only (JSON- and structured-clone-safe), so they cross IPC, HTTP and workers unchanged.
import type { TrainingOutcome } from './training';

export type TrackStatus = 'imported' | 'separated' | 'captioned' | 'reviewed';

export interface Track {
  id: number;
  /** Absolute path of the audio file as last seen by the library. */
  path: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  durationSec: number | null;
  sampleRate: number | null;
  channels: number | null;
  /** Container as reported by the metadata parser, e.g. "WAVE", "FLAC", "MPEG". */
  container: string | null;
  codec: string | null;
  status: TrackStatus;
  addedAt: string;
  updatedAt: string;
  /** Per-track counts of visible segments (queryTracks and openTrack fill them in). */
  counts?: TrackCounts;
}

/** How far a track's annotation has come. */
export interface TrackCounts {
  segments: number;
  /** Segments with a model (or built-in) suggestion. */
  suggested: number;
  /** Segments whose head caption revision is approved. */
  approved: number;
}

/** Columns the library list sorts by (ties broken by title, then id, so pages never overlap). */
export type TrackSort = 'title' | 'artist' | 'addedAt' | 'duration' | 'status';

/** One page of the library list: which tracks, filtered and sorted how. */
export interface TrackQuery {
  /** Rows to skip (default 0). */
  offset?: number;
  /** Rows to return (default 100, at most 1000). */
  limit?: number;
  /** Only tracks in one of these states (all when absent or empty). */
  status?: TrackStatus[];
  /**
   * Case-insensitive text search: a track matches when its title, artist or file name, or the
   * current caption (newest revision) of one of its visible segments contains the text.
   */
  q?: string;
  /** Default 'artist' (artist, then title: the library's usual order). */
  sort?: TrackSort;
  /** Default 'asc'. Tracks without a duration come last either way. */
  dir?: 'asc' | 'desc';
}

/** A page of tracks and how many tracks match the query in all. */
export interface TrackPage {
  tracks: Track[];
  /** Tracks matching the filters (status, q), whatever the offset and limit. */
  total: number;
  offset: number;
  limit: number;
}

export type ImportOutcome = 'imported' | 'duplicate' | 'relinked' | 'failed';

export interface ImportFailure {
  path: string;
  name: string;
  reason: string;
}

export interface ImportDuplicate {
  path: string;
  name: string;
  /** The track already in the library with the same content. */
  track: Track;
}

export interface ImportReport {
  imported: Track[];
  duplicates: ImportDuplicate[];
  /** Tracks whose file had moved: found again by content hash, path updated. */
  relinked: Track[];
  failed: ImportFailure[];
  /** Files inside scanned folders that are not audio (cover art, text) and were passed over. */
  skipped: number;
  /**
   * Cut-off files imported anyway (allowTruncated) as their decodable part, with why they are
   * short ("truncated: 0.1 of 6.0 s decodable"); each is also in `imported`.
   */
  truncated?: ImportFailure[];
}

export interface ImportProgress {
  importId: string;
  done: number;
  total: number;
  path: string;
  outcome: ImportOutcome;
}

export interface StudioInfo {
  version: string;
  dbPath: string;
  dataDir: string;
  trackCount: number;
  supportedExtensions: string[];
}

/** A caption segment: the span of a track one caption describes (5–30 s, as in S2Cap). */
export interface Segment {
  id: number;
  trackId: number;
  startSec: number;
  endSec: number;
  createdAt: string;
}

export const SEGMENT_MIN_SEC = 5;
export const SEGMENT_MAX_SEC = 30;

/** A separated (or attached) stem of a track: vocals, drums, bass, other, accompaniment… */
export interface Stem {
  id: number;
  trackId: number;
  name: string;
  path: string;
  durationSec: number | null;
  /** Model pack that produced it; null for stems attached by hand or made by the built-in separator. */
  packId: number | null;
  /** That pack as name@version, kept after the pack is removed. */
  pack: string | null;
  /** Execution provider that ran the separator (cpu, webgpu, …); null when attached. */
  ep: string | null;
  createdAt: string;
}

/**
 * Whether a track's file is still what was imported: `missing` (moved or deleted) and
 * `changed` (different content at the same path) need a relink before playing.
 */
export type FileState = 'ok' | 'missing' | 'changed';

export interface TrackDetail {
  track: Track;
  fileState: FileState;
  /** What is wrong with the file, in words, when fileState is not ok. */
  fileMessage: string | null;
  stems: Stem[];
  segments: Segment[];
  /** Newest model suggestion per segment. */
  suggestions: Suggestion[];
  /** Newest value of each attribute per segment. */
  attributes: SegmentAttribute[];
  /** This track's jobs, newest first. */
  jobs: Job[];
}

export type MediaSource = { kind: 'track' | 'stem'; id: number };

/** Waveform peaks for display: interleaved [max0, min0, max1, min1, …] in −1…1. */
export interface PeaksView {
  durationSec: number;
  sampleRate: number;
  samplesPerPeak: number;
  /** The span the peaks cover (the whole file unless a range was asked for), on peak boundaries. */
  startSec: number;
  endSec: number;
  peaks: number[];
}

/** A model pack as the UI and CLI list it. */
export interface PackInfo {
  /** name@version */
  id: string;
  name: string;
  version: string;
  roles: ('captioner' | 'separator')[];
  description: string | null;
  license: string | null;
  /** Random or hand-set weights: a test fixture, never offered as a model. */
  fixture: boolean;
  /** Shipped with the studio (cannot be removed). */
  builtIn: boolean;
  dir: string;
  /** Roles this pack is used for now (chosen, or the default). */
  activeFor: ('captioner' | 'separator')[];
  /** Roles it was explicitly chosen for. */
  chosen: ('captioner' | 'separator')[];
  /** A captioner's providers under `auto` on this machine, once calibrated (null: not yet; measured at first use). */
  calibration?: ProviderCalibration | null;
  /** Where a retrained pack's weights came from (model.json `training`, written by the retraining recipe); absent otherwise. */
  training?: PackTraining;
}

/** A retrained pack's provenance, summarized from model.json's `training` section. */
export interface PackTraining {
  /** sha256 of the dataset export's manifest the weights were trained on (null: not recorded). */
  manifestSha256: string | null;
  /** Clips per split of that export (train, validation, test), when recorded. */
  clips: Record<string, number> | null;
  /** Epochs trained and planned, both stages together (null: not recorded). */
  epochs: { trained: number | null; planned: number | null };
  /** Metrics of the exported weights (bleu_4, rouge_l, cider_d, …) on `split`. */
  metrics: Record<string, number>;
  split: string | null;
  recipe: string | null;
}

/** Where one model of a captioner runs under `auto`, from a calibration run. */
export interface ModelCalibration {
  /** The provider `auto` uses for it. */
  chosen: string;
  /** Measured per provider (ms): the encoder's run on one segment, the decoder's time per token. Empty when nothing was measured. */
  ms: Record<string, number>;
}

/**
 * How `auto` places a captioner pack's encoder and decoder on one machine: a short calibration run
 * per pack and machine (the fastest provider per model), kept in the library's settings.
 */
export interface ProviderCalibration {
  /** The pack (name@version). */
  pack: string;
  /** The machine it was measured on (host, CPU, GPU adapters). */
  machine: string;
  /** When it was measured (ISO time). */
  at: string;
  encoder: ModelCalibration;
  decoder: ModelCalibration;
  /** Providers that could not run here, with why. */
  unavailable: Record<string, string>;
  /** Only the CPU can run here: recorded without measuring anything. */
  cpuOnly: boolean;
}

export type JobKind = 'separate' | 'caption' | 'train';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Long work (separation, captioning, retraining): persisted, resumable, cancellable. */
export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** The track a separation or captioning job works on; null for a job about no track (training). */
  trackId: number | null;
  /** 0–1 */
  progress: number;
  /** What is happening now ("segment 3/12"), or the one-line failure reason. */
  detail: string | null;
  error: string | null;
  /** Execution providers that could not run a model and why, e.g. "webgpu: no adapter found" (the job ran on the next one). */
  fallbacks: string[];
  /** A train job's run: epochs, loss, last and best validation metrics, the installed pack (shared/training.ts). */
  training?: TrainingOutcome;
  createdAt: string;
  updatedAt: string;
}

/** A model's caption for a segment. Never edited: people's corrections are caption revisions. */
export interface Suggestion {
  id: number;
  segmentId: number;
  text: string;
  /** Mean token log-prob (higher = more confident). */
  score: number | null;
  tokenLogprobs: number[];
  pack: string | null;
  /** Providers that ran the model, e.g. "encoder webgpu, decoder cpu". */
  ep: string | null;
  ms: number | null;
  createdAt: string;
  /** The span (seconds) it was made for. */
  startSec: number;
  endSec: number;
  /** The segment has been resized since: the suggestion describes other audio. */
  stale: boolean;
}

/**
 * A measured (or model/human) attribute of a segment, e.g. tempo 150 BPM (fast). Rows measured
 * before attributes carried units (older libraries: f0Hz, tempoBpm, words) have unit, category,
 * confidence and detail null.
 */
export interface SegmentAttribute {
  segmentId: number;
  name: string;
  value: string;
  unit: string | null;
  /** S2Cap's word for the value (see shared/attributes.ts MeasuredAttribute). */
  category: string | null;
  /** 0–1. */
  confidence: number | null;
  detail: string | null;
  source: string;
  /** The span (seconds) it was measured on; `stale` once the segment's span differs. */
  startSec: number;
  endSec: number;
  stale: boolean;
}

export interface InferenceSettings {
  /** Execution provider per kind of model: auto, cpu, webgpu, cuda, coreml, dml. */
  ep: { encoder: string; decoder: string; separator: string };
  /** CPU threads per session; 0 = onnxruntime's choice. */
  threads: number;
  /** A captioner model that runs on CPU uses its pack's int8 graphs (`*_quantized.onnx`) when it has them. */
  int8: boolean;
}
