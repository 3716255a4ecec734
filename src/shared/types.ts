// Domain types shared by every side of the studio: core, transports, CLI and renderer.
// Plain data only (JSON- and structured-clone-safe), so they cross IPC, HTTP and workers unchanged.

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
