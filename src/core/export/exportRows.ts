// From what the export query found (store/exportQuery.ts) to the rows every format writes
// (shared/dataset.ts ExportRow), grouped by track for the writers (formatWriter.ts): the stable
// id, the split from the track's hash, and how far the caption moved from its suggestion.
import type { ExportRow, SplitName } from '../../shared/dataset';
import { wordEditDistance } from '../metrics/wordEdit';
import type { ExportSource } from '../store/exportQuery';
import type { ExportTrackGroup } from './formatWriter';
import { splitOf } from './splits';

/** "<first 12 hex of the track's sha256>-<segment id>". */
export const exportRowId = (sha256: string, segmentId: number): string => `${sha256.slice(0, 12)}-${segmentId}`;

export function toExportRow(s: ExportSource, split: SplitName): ExportRow {
  const sug = s.suggestion;
  return {
    id: exportRowId(s.track.sha256, s.segmentId),
    caption: s.head.text,
    begin: s.startSec,
    end: s.endSec,
    track_sha256: s.track.sha256,
    source_path: s.track.path,
    suggestion: sug?.text ?? null,
    suggestion_model: sug?.model ?? null,
    suggestion_score: sug?.score ?? null,
    annotator: s.annotator,
    reviewer: s.reviewer,
    revision_id: s.head.id,
    status: s.head.status,
    // Without a suggestion there is nothing the caption could differ from.
    edited: sug !== null && sug.text.trim() !== s.head.text.trim(),
    edit_distance: sug === null ? null : wordEditDistance(sug.text, s.head.text),
    attributes: { ...s.head.attributes } as Record<string, string>,
    split,
  };
}

/** Rows grouped by track, in the query's order (it sorts by track). */
export function groupByTrack(sources: readonly ExportSource[], ratios: readonly [number, number, number]): ExportTrackGroup[] {
  const groups: ExportTrackGroup[] = [];
  let current: ExportTrackGroup | undefined;
  for (const s of sources) {
    if (current?.track.id !== s.track.id) {
      current = { track: { ...s.track }, vocalsPath: s.vocalsPath, rows: [] };
      groups.push(current);
    }
    current.rows.push(toExportRow(s, splitOf(s.track.sha256, ratios)));
  }
  return groups;
}
