// Which of the analysis's proposed caption segments (vocal activity, 5–30 s) are still open: the
// ones that overlap no segment of the track, most vocal-dense first. The Segments shortcut "add the
// next proposed segment" and the ghost segments on the lanes both read this.
import type { ProposedSegment } from '../../../shared/attributes';

/** Overlaps shorter than this (float rounding at a shared edge) do not count. */
const EDGE_SEC = 0.05;

export const overlaps = (a: { startSec: number; endSec: number }, b: { startSec: number; endSec: number }): boolean =>
  Math.min(a.endSec, b.endSec) - Math.max(a.startSec, b.startSec) > EDGE_SEC;

/** Proposals that overlap none of `segments`, most vocal-dense first (earlier first on a tie). */
export function openProposals(proposals: readonly ProposedSegment[], segments: readonly { startSec: number; endSec: number }[]): ProposedSegment[] {
  return proposals
    .filter((p) => p.endSec > p.startSec && !segments.some((s) => overlaps(p, s)))
    .sort((a, b) => b.vocalDensity - a.vocalDensity || a.startSec - b.startSec);
}
