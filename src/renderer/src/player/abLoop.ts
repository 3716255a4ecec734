// The A–B loop's points as plain arithmetic, apart from the audio engine so it is tested without a
// browser: A sets the start at the playhead, B the end, and the range exists once A < B. Setting
// a point that would cross the other drops the other (a new range is being marked).
import type { LoopRange } from './engine';

export interface ABPoints {
  a: number | null;
  b: number | null;
}

/** The range the points mark, or null while one is missing. */
export function abRange(p: ABPoints): LoopRange | null {
  return p.a !== null && p.b !== null && p.b > p.a ? { start: p.a, end: p.b } : null;
}

export function placeA(p: ABPoints, t: number): ABPoints {
  return { a: t, b: p.b !== null && p.b <= t ? null : p.b };
}

export function placeB(p: ABPoints, t: number): ABPoints {
  return { a: p.a !== null && p.a >= t ? null : p.a, b: t };
}

/** Whether the loop playing now is the A–B range (and not, say, a segment's span). */
export function isABLoop(loop: LoopRange | null, p: ABPoints): boolean {
  const r = abRange(p);
  return !!loop && !!r && Math.abs(loop.start - r.start) < 1e-6 && Math.abs(loop.end - r.end) < 1e-6;
}
