// What one export format writes, given the rows the export query chose, grouped by track. The
// export framework (core/export) runs the query, assigns splits, makes the temporary folder, calls
// the format's writer, then hashes every file into manifest.json and renames the folder into place.
// A writer only writes files under `dir` (never elsewhere), honours `signal` (stop promptly with
// an AbortError-like throw) and reports progress per row or per track.
import type { ExportRequest, ExportRow } from '../../shared/dataset';

/** One track's exported segments, with what a writer needs to read its audio. */
export interface ExportTrackGroup {
  track: { id: number; sha256: string; path: string; durationSec: number | null; sampleRate: number | null; channels: number | null };
  /** The track's vocal stem file (absolute path), when it has one. */
  vocalsPath: string | null;
  rows: ExportRow[];
}

export interface FormatWriteOptions {
  request: ExportRequest;
  signal: AbortSignal;
  /** done/total in rows. */
  onProgress(done: number, total: number): void;
  /** A row left out, and why (e.g. "aria.wav: audio file missing"); the export goes on. */
  skip(row: ExportRow, reason: string): void;
}

export interface FormatWriter {
  write(dir: string, groups: ExportTrackGroup[], opts: FormatWriteOptions): Promise<void>;
}
