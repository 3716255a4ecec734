// The one StudioApi contract. Core implements it; the Electron registrar, the preload, the
// HTTP/WS server and the renderer clients are all derived from the tables below, so a command
// is declared here once and every transport picks it up (the IPC wiring test checks that).
import type {
  ImportProgress,
  ImportReport,
  InferenceSettings,
  Job,
  MediaSource,
  PackInfo,
  PeaksView,
  ProviderCalibration,
  Segment,
  Stem,
  StudioInfo,
  Track,
  TrackDetail,
  TrackPage,
  TrackQuery,
} from './types';
import type {
  CaptionDraft,
  CaptionRevision,
  Caller,
  CaptionAttributes,
  QueuePage,
  QueueQuery,
  SaveCaptionInput,
  SegmentCaption,
  StudioStats,
} from './annotation';
import type { ExportProgress, ExportReport, ExportRequest } from './dataset';
import type { TrainRequest } from './training';
import type { EvalRecord } from './evaluation';
import type { AttributeThresholds, TrackAnalysis } from './attributes';

/** Every command: its single payload (`void` when it takes none) and its result. */
export interface StudioCommands {
  getInfo: { in: void; out: StudioInfo };
  /** Every track, in library order (artist, then title). For scripts; a window pages with queryTracks. */
  listTracks: { in: void; out: Track[] };
  /**
   * One page of the library list, filtered (status, text in title, artist, file name or current
   * caption) and sorted, with the number of matching tracks: `limit` defaults to 100, at most 1000.
   */
  queryTracks: { in: TrackQuery; out: TrackPage };
  getTrack: { in: { id: number }; out: Track };
  /**
   * Import audio files and folders (recursively) by absolute path on the studio's machine. A
   * cut-off file is refused ("truncated: 0.1 of 6.0 s decodable") unless `allowTruncated`, which
   * imports its decodable part with its true duration.
   */
  importPaths: { in: { paths: string[]; allowTruncated?: boolean }; out: ImportReport };
  /** Everything the player needs about one track, including whether its file is still there. */
  openTrack: { in: { id: number }; out: TrackDetail };
  /** Points a track at a moved file; refused unless the file has the track's content. */
  relinkTrack: { in: { id: number; path: string }; out: Track };
  /**
   * A new segment (5–30 s). One that overlaps another visible segment of the track is refused
   * (CONFLICT, naming it) unless `allowOverlap`.
   */
  createSegment: { in: { trackId: number; startSec: number; endSec: number; allowOverlap?: boolean }; out: Segment };
  /** Moves or resizes a segment; overlaps refused as for createSegment. Its suggestions and attributes go stale. */
  updateSegment: { in: { id: number; startSec: number; endSec: number; allowOverlap?: boolean }; out: Segment };
  /**
   * Hides a segment (its revisions stay); restoreSegment brings it back (undo), refused when it
   * would now overlap a visible segment unless `allowOverlap`.
   */
  deleteSegment: { in: { id: number }; out: { id: number } };
  restoreSegment: { in: { id: number; allowOverlap?: boolean }; out: Segment };
  /** Attaches an existing stem file (same length as the track) under a name such as vocals. */
  attachStem: { in: { trackId: number; name: string; path: string }; out: Stem };
  /**
   * Waveform peaks of a track or stem, about `maxPeaks` of them (default 4000), for the whole file
   * or for [startSec, endSec] (a zoomed-in view asks for what it shows and gets finer peaks).
   */
  getPeaks: { in: { source: MediaSource; maxPeaks?: number; startSec?: number; endSec?: number }; out: PeaksView };
  /** Installed and bundled model packs; fixtures are marked and never chosen by default. */
  listPacks: { in: void; out: PackInfo[] };
  /** Installs a pack folder or .zip (or an Optimum export folder) from the studio's machine. */
  installPack: { in: { path: string }; out: { pack: PackInfo; assumptions: string[] } };
  removePack: { in: { id: string }; out: { id: string } };
  usePack: { in: { role: 'captioner' | 'separator'; id: string }; out: PackInfo };
  getSettings: { in: void; out: InferenceSettings };
  updateSettings: { in: Partial<InferenceSettings>; out: InferenceSettings };
  /**
   * Measures again where `auto` runs a captioner pack's encoder and decoder on the studio's machine
   * (the active captioner, or `id`) and keeps the result; with `reset`, forgets it instead (returns
   * null), so the next caption job under `auto` measures again.
   */
  calibratePack: { in: { id?: string; reset?: boolean }; out: ProviderCalibration | null };
  /** Queues separation of a track into stems; progress arrives as jobUpdated events. */
  startSeparation: { in: { trackId: number; pack?: string; shifts?: number }; out: Job };
  /** Queues caption suggestions for a track's segments (all, or the given ones). */
  startCaptioning: { in: { trackId: number; segmentIds?: number[]; pack?: string; numBeams?: number }; out: Job };
  /**
   * Queues retraining on an audiofolder export (shared/training.ts): the Python recipe's fit, then
   * export, then the pack installed and made the captioner. Refused at once (UNSUPPORTED, saying what
   * to install) without a Python that has PyTorch. Progress arrives as jobUpdated events; the job
   * belongs to no track.
   */
  startTraining: { in: TrainRequest; out: Job };
  listJobs: { in: { trackId?: number }; out: Job[] };
  cancelJob: { in: { id: string }; out: Job };

  // Annotation (see shared/annotation.ts).
  /** Who is calling: a server user's name and role, or the desktop/library-token annotator. */
  whoAmI: { in: void; out: Caller };
  /** Sets the annotator name used on revisions (desktop and library-token callers; a server user's name is fixed). */
  setAnnotatorName: { in: { name: string }; out: Caller };
  /** One segment as the Annotate view shows it: head revision, suggestion, confidence, attributes, the caller's draft. */
  getCaption: { in: { segmentId: number }; out: SegmentCaption };
  /**
   * Appends a caption revision. Refused (CONFLICT) when `parentId` is no longer the head: someone
   * saved in between; nothing is overwritten. Clears the author's draft of the segment.
   */
  saveCaption: { in: SaveCaptionInput; out: CaptionRevision };
  /** Autosave: overwrites the caller's working copy of a segment (not a revision). */
  saveDraft: {
    in: { segmentId: number; text: string; attributes?: CaptionAttributes; baseRevisionId: number | null; suggestionId?: number | null; secondsSpent?: number };
    out: CaptionDraft;
  };
  discardDraft: { in: { segmentId: number }; out: { segmentId: number } };
  /** Every revision of a segment, oldest first. */
  captionHistory: { in: { segmentId: number }; out: CaptionRevision[] };
  /** Writes a new revision with an earlier revision's text and attributes (parentId: the head the caller saw). */
  restoreRevision: { in: { segmentId: number; revisionId: number; parentId: number | null }; out: CaptionRevision };
  /**
   * A reviewer's verdict on someone else's approved head (`revisionId` must still be the head):
   * accepted, or sent back with a note (the segment returns to draft). Reviewers and owners only.
   */
  reviewCaption: { in: { segmentId: number; revisionId: number; verdict: 'accepted' | 'sentBack'; note?: string }; out: CaptionRevision };
  /** One page of the annotation queue, filtered and ordered. */
  queryQueue: { in: QueueQuery; out: QueuePage };
  /** Per annotator and per model: approved, edit distance, accepted unchanged, time; plus agreement. */
  getStats: { in: { since?: string; until?: string }; out: StudioStats };

  // Dataset export (see shared/dataset.ts).
  /**
   * Writes an export folder (temporary name, renamed into place; an existing target refused unless
   * `force`). Progress arrives as exportProgress events under `exportId`; cancelExport stops it,
   * leaving no target behind.
   */
  exportDataset: { in: ExportRequest & { exportId: string }; out: ExportReport };
  cancelExport: { in: { exportId: string }; out: { exportId: string; cancelled: boolean } };
  /** Every recorded `s2cap eval` run (shared/evaluation.ts), oldest first: the Stats view's model report. */
  listEvals: { in: void; out: EvalRecord[] };
  /**
   * The evidence behind a track's measured attributes, for drawing over its lanes: the vocal f0
   * contour (vocal stem when there is one) with voicing, beats and tempo on the mix, momentary
   * loudness, vocal activity and the caption segments it proposes. Computed once per track (and
   * vocal stem) on the DSP worker and cached in the library's data folder.
   */
  getAnalysis: { in: { trackId: number }; out: TrackAnalysis };
  /** The category boundaries measurements are put in (pitch per gender, tempo, volume): defaults until the library's approved captions are enough to set them. */
  getAttributeThresholds: { in: void; out: AttributeThresholds };
}

/** Every event pushed from core to the windows and sockets. */
export interface StudioEvents {
  importProgress: ImportProgress;
  importFinished: ImportReport;
  libraryChanged: { reason: 'import' | 'relink' | 'update' };
  trackChanged: { trackId: number; what: 'segments' | 'stems' | 'file' };
  jobUpdated: Job;
  /** A caption revision was saved (by anyone, in any process of this studio). */
  captionChanged: { segmentId: number; trackId: number; revision: CaptionRevision };
  exportProgress: ExportProgress;
}

export type CommandName = keyof StudioCommands;
export type EventName = keyof StudioEvents;
export type CommandInput<K extends CommandName> = StudioCommands[K]['in'];
export type CommandOutput<K extends CommandName> = StudioCommands[K]['out'];

export type StudioApi = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<CommandOutput<K>>;
};

export type Unsubscribe = () => void;
export type EventHandler<E extends EventName> = (payload: StudioEvents[E]) => void;

export interface StudioEventSource {
  on<E extends EventName>(event: E, handler: EventHandler<E>): Unsubscribe;
}

// Keyed objects rather than arrays so that a missing name is a type error.
const commandTable: Record<CommandName, true> = {
  getInfo: true,
  listTracks: true,
  queryTracks: true,
  getTrack: true,
  importPaths: true,
  openTrack: true,
  relinkTrack: true,
  createSegment: true,
  updateSegment: true,
  deleteSegment: true,
  restoreSegment: true,
  attachStem: true,
  getPeaks: true,
  listPacks: true,
  installPack: true,
  removePack: true,
  usePack: true,
  getSettings: true,
  updateSettings: true,
  calibratePack: true,
  startSeparation: true,
  startCaptioning: true,
  startTraining: true,
  listJobs: true,
  cancelJob: true,
  whoAmI: true,
  setAnnotatorName: true,
  getCaption: true,
  saveCaption: true,
  saveDraft: true,
  discardDraft: true,
  captionHistory: true,
  restoreRevision: true,
  reviewCaption: true,
  queryQueue: true,
  getStats: true,
  exportDataset: true,
  cancelExport: true,
  listEvals: true,
  getAnalysis: true,
  getAttributeThresholds: true,
};
const eventTable: Record<EventName, true> = {
  importProgress: true,
  importFinished: true,
  libraryChanged: true,
  trackChanged: true,
  jobUpdated: true,
  captionChanged: true,
  exportProgress: true,
};

export const COMMAND_NAMES = Object.freeze(Object.keys(commandTable) as CommandName[]);
export const EVENT_NAMES = Object.freeze(Object.keys(eventTable) as EventName[]);

export function isCommandName(x: unknown): x is CommandName {
  return typeof x === 'string' && Object.hasOwn(commandTable, x);
}
export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && Object.hasOwn(eventTable, x);
}

/** IPC channel names, derived from the contract; the preload refuses anything else. */
export const commandChannel = (name: CommandName): string => `studio:cmd:${name}`;
export const eventChannel = (name: EventName): string => `studio:evt:${name}`;
