// Display helpers for the renderer.
export { formatDuration } from '../../shared/format';

import type { SegmentState } from '../../shared/annotation';
import type { ImportReport, TrackCounts } from '../../shared/types';

/** A track's status as review progress: "captioned" only ever meant a model suggested something. */
export const STATUS_LABELS: Record<string, string> = {
  imported: 'Imported',
  separated: 'Stems ready',
  captioned: 'Suggested',
  reviewed: 'Reviewed',
};

/** Where a segment stands, as the queue's badges and filters say it. */
export const SEGMENT_STATE_LABELS: Record<SegmentState, string> = {
  unsuggested: 'no suggestion',
  suggested: 'suggested',
  draft: 'draft',
  approved: 'approved',
  rejected: 'rejected',
  flagged: 'flagged',
  stale: 'stale',
};

/** A track's annotation counts in a few characters: "3 seg · 2 sugg · 1 ✓" ("—" without segments). */
export function formatCounts(c: TrackCounts | undefined): string {
  if (!c || c.segments === 0) return '—';
  return `${c.segments} seg · ${c.suggested} sugg · ${c.approved} ✓`;
}

/** Playhead clock with tenths: 83.46 → "1:23.4". */
export function formatClock(sec: number): string {
  const tenths = Math.round(Math.max(0, sec) * 10);
  const m = Math.floor(tenths / 600);
  const rest = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${m}:${rest}`;
}

/** An import's outcome on one line: "Imported 2 (1 cut short) · 4 already in the library · 1 could not be imported". */
export function importSummary(r: ImportReport): string {
  const parts = [`Imported ${r.imported.length}${r.truncated?.length ? ` (${r.truncated.length} cut short)` : ''}`];
  if (r.relinked.length) parts.push(`relinked ${r.relinked.length}`);
  if (r.duplicates.length) parts.push(`${r.duplicates.length} already in the library`);
  if (r.failed.length) parts.push(`${r.failed.length} could not be imported`);
  if (r.skipped) parts.push(`${r.skipped} non-audio skipped`);
  return parts.join(' · ');
}
