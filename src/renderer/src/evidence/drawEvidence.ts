// Draws the evidence the geometry module placed (evidence/geometry.ts) onto a lane's canvases: the
// pitch contour (opacity by voicing, with a halo so it reads over any waveform colour, and note
// names on its reference lines), beat markers, and the momentary-loudness curve with its level
// marks. Canvas 2D, sized for the screen's pixel ratio; nothing here decides what is in view.
import { beatsInView, loudnessCurve, loudnessY, pitchContour, pitchGrid, type EvidenceView, type PitchScale } from './geometry';
import type { Series } from '../../../shared/attributes';

export const EVIDENCE_COLORS = { pitch: '#6a2fd6', loudness: '#e8590c', beat: 'rgba(80, 84, 96, 0.55)' };
const HALO = 'rgba(255, 255, 255, 0.85)';
const LABEL_FONT = '10px system-ui, sans-serif';

/** Sizes `canvas` to `v` at the screen's pixel ratio and returns a cleared context in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement, v: EvidenceView): CanvasRenderingContext2D | null {
  const ratio = globalThis.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(v.width * ratio));
  const h = Math.max(1, Math.round(v.height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, v.width, v.height);
  return ctx;
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  ctx.font = LABEL_FONT;
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  ctx.strokeStyle = HALO;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

/**
 * The pitch contour on `scale` (the track's, from pitchScale: computed once, not per frame) over a
 * wash of `wash` (the lane's background colour), which dims the waveform below so the line reads
 * over any stem colour; returns how many points were drawn.
 */
export function drawPitch(canvas: HTMLCanvasElement, v: EvidenceView, pitch: Series, voicing: Series, scale: PitchScale, wash: string): number {
  const ctx = prepare(canvas, v);
  if (!ctx) return 0;
  ctx.globalAlpha = 0.6;
  ctx.fillStyle = wash;
  ctx.fillRect(0, 0, v.width, v.height);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(106, 47, 214, 0.18)';
  ctx.setLineDash([2, 3]);
  const grid = pitchGrid(scale);
  for (const g of grid) {
    ctx.beginPath();
    ctx.moveTo(0, g.y);
    ctx.lineTo(v.width, g.y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const runs = pitchContour(pitch, voicing, v, scale);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  // Halo first (one path per run), then the line, piece by piece with its voicing as opacity.
  ctx.strokeStyle = HALO;
  ctx.lineWidth = 4;
  for (const run of runs) {
    ctx.globalAlpha = 0.6;
    ctx.beginPath();
    run.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    if (run.length === 1) ctx.lineTo(run[0]!.x + 1, run[0]!.y);
    ctx.stroke();
  }
  ctx.strokeStyle = EVIDENCE_COLORS.pitch;
  ctx.lineWidth = 2;
  for (const run of runs) {
    for (let i = 0; i < run.length; i++) {
      const a = run[i - 1] ?? run[i]!;
      const b = run[i]!;
      ctx.globalAlpha = 0.15 + 0.85 * Math.min(a.voicing, b.voicing);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b === a ? b.x + 1 : b.x, b.y);
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  for (const g of grid) label(ctx, g.label, 3, g.y, EVIDENCE_COLORS.pitch);
  return runs.reduce((n, r) => n + r.length, 0);
}

/** Beat markers: thin full-height lines. Returns how many are in view. */
export function drawBeats(canvas: HTMLCanvasElement, v: EvidenceView, beats: readonly number[]): number {
  const ctx = prepare(canvas, v);
  if (!ctx) return 0;
  const xs = beatsInView(beats, v);
  // Closer than 3 px the markers would fill the lane: every other one (the count still says all).
  const every = xs.length > 1 && v.width / xs.length < 3 ? Math.ceil(3 / (v.width / xs.length)) : 1;
  ctx.strokeStyle = EVIDENCE_COLORS.beat;
  ctx.lineWidth = 1;
  ctx.beginPath();
  xs.forEach((x, i) => {
    if (i % every) return;
    const px = Math.round(x) + 0.5;
    ctx.moveTo(px, 0);
    ctx.lineTo(px, v.height);
  });
  ctx.stroke();
  return xs.length;
}

/** The momentary-loudness curve with marks at −50, −30 and −10 LUFS. Returns how many points were drawn. */
export function drawLoudness(canvas: HTMLCanvasElement, v: EvidenceView, loudness: Series): number {
  const ctx = prepare(canvas, v);
  if (!ctx) return 0;
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(232, 89, 12, 0.22)';
  ctx.setLineDash([2, 3]);
  const marks = [-50, -30, -10];
  for (const l of marks) {
    const y = loudnessY(l, v.height);
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(v.width, y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  const runs = loudnessCurve(loudness, v);
  ctx.lineJoin = 'round';
  for (const [style, width] of [[HALO, 3.5], [EVIDENCE_COLORS.loudness, 1.5]] as const) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    for (const run of runs) {
      ctx.beginPath();
      run.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.stroke();
    }
  }
  ctx.textAlign = 'right';
  for (const l of marks) label(ctx, `${l} LUFS`.replace('-', '−'), v.width - 3, loudnessY(l, v.height), EVIDENCE_COLORS.loudness);
  ctx.textAlign = 'left';
  return runs.reduce((n, r) => n + r.length, 0);
}
