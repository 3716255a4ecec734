// Where the evidence of a track's analysis (shared/attributes.ts TrackAnalysis) lands on a lane:
// the pitch contour on a log-frequency scale, beat marker positions, the momentary-loudness curve
// and the proposed segments, for the span the lanes show (the shared Timeline's scroll and zoom,
// mapped exactly as the time ruler maps them). Pure, so the mapping is tested without a canvas;
// only what is in view is computed, whatever the track's length. Several frames that fall in one
// pixel column are combined into one point (the whole of a 4-minute track fits a lane at ~20
// pitch frames per pixel), so drawing costs the lane's width, not the track's length.
import { noteName } from '../../../shared/notes';
import type { Series } from '../../../shared/attributes';

export interface EvidenceView {
  /** Time at the lane's left edge, seconds. */
  startSec: number;
  pxPerSec: number;
  /** The lane's drawing size in CSS pixels. */
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}
export interface ContourPoint extends Point {
  hz: number;
  /** 0–1: how sure the pitch tracker was that a voice sounds here (drawn as opacity). */
  voicing: number;
}

/** Blank space above and below a curve, px. */
const PAD = 4;
/** A pitch step larger than this (semitones) between neighbouring points is a leap or a tracking error: not joined. */
export const MAX_JOIN_SEMITONES = 3;

export const xOf = (v: EvidenceView, sec: number): number => (sec - v.startSec) * v.pxPerSec;
const endOf = (v: EvidenceView) => v.startSec + v.width / Math.max(v.pxPerSec, 1e-9);

/** The frames of `s` from just before the view to just after it (so lines leave the edges). */
function framesInView(s: Series, v: EvidenceView): [number, number] {
  if (!(s.hopSec > 0) || !(v.pxPerSec > 0)) return [0, 0];
  const i0 = Math.max(0, Math.floor((v.startSec - s.startSec) / s.hopSec) - 1);
  const i1 = Math.min(s.values.length, Math.ceil((endOf(v) - s.startSec) / s.hopSec) + 2);
  return [i0, Math.max(i0, i1)];
}

/**
 * Frames grouped by the pixel column they fall in, in time order; `combine` turns a column's
 * frames into a point, or null when none has a value (which ends the current run: a gap in the line).
 */
function columns<T>(s: Series, v: EvidenceView, combine: (idx: number[], x: number) => T | null): T[][] {
  const [i0, i1] = framesInView(s, v);
  const runs: T[][] = [];
  let run: T[] = [];
  let col = Number.NaN;
  let idx: number[] = [];
  let xSum = 0;
  const flush = () => {
    if (!idx.length) return;
    const point = combine(idx, xSum / idx.length);
    if (point) run.push(point);
    else if (run.length) (runs.push(run), (run = []));
    idx = [];
    xSum = 0;
  };
  for (let i = i0; i < i1; i++) {
    const x = xOf(v, s.startSec + i * s.hopSec);
    const c = Math.floor(x);
    if (c !== col) flush();
    col = c;
    idx.push(i);
    xSum += x;
  }
  flush();
  if (run.length) runs.push(run);
  return runs;
}

/** The voicing probability at time `t` (the nearest frame), or null where there is none. */
function voicingAt(voicing: Series, t: number): number | null {
  const p = voicing.values[Math.round((t - voicing.startSec) / (voicing.hopSec || 1))];
  return p === null || p === undefined ? null : p;
}

/**
 * Log-frequency scale for a lane: the track's voiced range (2nd–98th percentile, at least an
 * octave) with a little room. With voicing, only frames the tracker was fairly sure of (≥ 0.5)
 * set the range when there are enough of them, so stray low-voicing frames (a drum's thump read as
 * 70 Hz) do not squeeze the singing into the top of the lane.
 */
export interface PitchScale {
  loHz: number;
  hiHz: number;
  y(hz: number): number;
}

export function pitchScale(pitch: Series, height: number, voicing?: Series): PitchScale {
  const all = pitch.values.filter((f): f is number => f !== null && f > 0);
  const sure = voicing ? pitch.values.filter((f, i): f is number => f !== null && f > 0 && (voicingAt(voicing, pitch.startSec + i * pitch.hopSec) ?? 1) >= 0.5) : all;
  const voiced = (sure.length >= 20 ? sure : all).sort((a, b) => a - b);
  let lo = voiced.length ? voiced[Math.floor(voiced.length * 0.02)]! / 2 ** 0.25 : 80;
  let hi = voiced.length ? voiced[Math.min(voiced.length - 1, Math.floor(voiced.length * 0.98))]! * 2 ** 0.25 : 800;
  if (hi / lo < 2) {
    const mid = Math.sqrt(lo * hi);
    lo = mid / Math.SQRT2;
    hi = mid * Math.SQRT2;
  }
  lo = Math.max(30, lo);
  hi = Math.min(4000, Math.max(hi, lo * 2));
  const span = Math.log2(hi / lo);
  return { loHz: lo, hiHz: hi, y: (hz) => height - PAD - (Math.log2(hz / lo) / span) * (height - 2 * PAD) };
}

/**
 * The pitch contour in view as runs of points (one per pixel column: the voicing-weighted mean of
 * the column's voiced frames on a log scale, drawn with their highest voicing). A run ends where a
 * column has no voiced frame or the pitch leaps more than MAX_JOIN_SEMITONES.
 */
export function pitchContour(pitch: Series, voicing: Series, v: EvidenceView, scale: PitchScale): ContourPoint[][] {
  const runs = columns<ContourPoint>(pitch, v, (idx, x) => {
    let sum = 0;
    let weight = 0;
    let most = 0;
    for (const i of idx) {
      const f = pitch.values[i];
      if (f === null || f === undefined || !(f > 0)) continue;
      const p = Math.min(1, Math.max(0, voicingAt(voicing, pitch.startSec + i * pitch.hopSec) ?? 1));
      const w = Math.max(p, 0.05);
      sum += Math.log2(f) * w;
      weight += w;
      most = Math.max(most, p);
    }
    if (!weight) return null;
    const hz = 2 ** (sum / weight);
    return { x, y: scale.y(hz), hz, voicing: most };
  });
  return runs.flatMap((run) => {
    const out: ContourPoint[][] = [[]];
    for (const p of run) {
      const last = out.at(-1)!.at(-1);
      if (last && Math.abs(12 * Math.log2(p.hz / last.hz)) > MAX_JOIN_SEMITONES) out.push([]);
      out.at(-1)!.push(p);
    }
    return out.filter((r) => r.length);
  });
}

/** Reference lines for the pitch scale: every C (and G, when the range is narrow) inside it. */
export function pitchGrid(scale: PitchScale): { hz: number; y: number; label: string }[] {
  const narrow = scale.hiHz / scale.loHz < 4.5;
  const out: { hz: number; y: number; label: string }[] = [];
  for (let midi = Math.ceil(69 + 12 * Math.log2(scale.loHz / 440)); ; midi++) {
    const hz = 440 * 2 ** ((midi - 69) / 12);
    if (hz > scale.hiHz) break;
    const pc = ((midi % 12) + 12) % 12;
    if (pc === 0 || (narrow && pc === 7)) out.push({ hz, y: scale.y(hz), label: noteName(hz) });
  }
  return out;
}

/** Loudness (LUFS) drawn between these levels: the quietest momentary loudness a listener reads as sound, and full scale. */
export const LOUDNESS_RANGE: [number, number] = [-60, 0];
export const loudnessY = (lufs: number, height: number, [lo, hi] = LOUDNESS_RANGE): number =>
  height - PAD - ((Math.min(hi, Math.max(lo, lufs)) - lo) / (hi - lo)) * (height - 2 * PAD);

/** The momentary-loudness curve in view, one point per column (its loudest frame); gated (null) frames leave gaps. */
export function loudnessCurve(loudness: Series, v: EvidenceView): Point[][] {
  return columns<Point>(loudness, v, (idx, x) => {
    let most = -Infinity;
    for (const i of idx) {
      const l = loudness.values[i];
      if (l !== null && l !== undefined && l > most) most = l;
    }
    return most === -Infinity ? null : { x, y: loudnessY(most, v.height) };
  });
}

/** x of every beat in view. */
export function beatsInView(beats: readonly number[], v: EvidenceView): number[] {
  const end = endOf(v);
  return beats.filter((t) => t >= v.startSec && t <= end).map((t) => xOf(v, t));
}

/** Spans (proposed segments) that reach into the view, with their left edge and width in px. */
export function spansInView<T extends { startSec: number; endSec: number }>(spans: readonly T[], v: EvidenceView): { span: T; left: number; width: number }[] {
  const end = endOf(v);
  return spans.filter((s) => s.endSec > v.startSec && s.startSec < end).map((s) => ({ span: s, left: xOf(v, s.startSec), width: (s.endSec - s.startSec) * v.pxPerSec }));
}
