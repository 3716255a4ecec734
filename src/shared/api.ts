// The one StudioApi contract. Core implements it; the Electron registrar, the preload, the
// HTTP/WS server and the renderer clients are all derived from the tables below, so a command
// is declared here once and every transport picks it up (the IPC wiring test checks that).
import type { ImportProgress, ImportReport, MediaSource, PeaksView, Segment, Stem, StudioInfo, Track, TrackDetail } from './types';

/** Every command: its single payload (`void` when it takes none) and its result. */
export interface StudioCommands {
  getInfo: { in: void; out: StudioInfo };
  listTracks: { in: void; out: Track[] };
  getTrack: { in: { id: number }; out: Track };
  /** Import audio files and folders (recursively) by absolute path on the studio's machine. */
  importPaths: { in: { paths: string[] }; out: ImportReport };
  /** Everything the player needs about one track, including whether its file is still there. */
  openTrack: { in: { id: number }; out: TrackDetail };
  /** Points a track at a moved file; refused unless the file has the track's content. */
  relinkTrack: { in: { id: number; path: string }; out: Track };
  createSegment: { in: { trackId: number; startSec: number; endSec: number }; out: Segment };
  updateSegment: { in: { id: number; startSec: number; endSec: number }; out: Segment };
  deleteSegment: { in: { id: number }; out: { id: number } };
  /** Attaches an existing stem file (same length as the track) under a name such as vocals. */
  attachStem: { in: { trackId: number; name: string; path: string }; out: Stem };
  /** Waveform peaks of a track or stem, about `maxPeaks` of them (default 4000). */
  getPeaks: { in: { source: MediaSource; maxPeaks?: number }; out: PeaksView };
}

/** Every event pushed from core to the windows and sockets. */
export interface StudioEvents {
  importProgress: ImportProgress;
  importFinished: ImportReport;
  libraryChanged: { reason: 'import' | 'relink' | 'update' };
  trackChanged: { trackId: number; what: 'segments' | 'stems' | 'file' };
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
  getTrack: true,
  importPaths: true,
  openTrack: true,
  relinkTrack: true,
  createSegment: true,
  updateSegment: true,
  deleteSegment: true,
  attachStem: true,
  getPeaks: true,
};
const eventTable: Record<EventName, true> = {
  importProgress: true,
  importFinished: true,
  libraryChanged: true,
  trackChanged: true,
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
