// Vocal activity over time and the caption segments it proposes. A singer is "active" where the
// pitch tracker hears a voice AND the vocal stem carries energy near its own loud level: voicing
// alone is fooled by separation bleed, energy alone by breaths and instruments left in the stem.
// The segmenter turns that curve into 5–30 s caption spans an annotator accepts with one key:
// phrases are found with hysteresis, long stretches are cut at their quietest points (a pause
// between phrases, not mid-phrase), neighbours are merged across short pauses up to 30 s, and
// spans that cannot reach 5 s of mostly-vocal audio are dropped. Written by hand: it is a few
// passes over a short curve, and no library segments by these rules.
//
// Activity value k describes [k·hopSec, (k+1)·hopSec) from the start of the audio.
import type { ProposedSegment } from '../../shared/attributes';
import { checkTrack, downmix } from './timbre';
import type { Audio, PitchTrack } from './types';

/** A stem whose loud level (95th percentile of hop energies) is under this (dBFS) is silent. */
const SILENT_STEM_DB = -70;
/** Energy weight: 1 within 15 dB of the stem's loud level, 0 at 35 dB under it. */
const FULL_BELOW_LOUD_DB = 15;
const ZERO_BELOW_LOUD_DB = 35;
/** Hysteresis of the phrase finder, and what "mostly vocal" means for a whole span. */
const ON = 0.5;
const OFF = 0.3;
const MOSTLY_VOCAL = 0.5;
/** Neighbouring phrases closer than this merge into one span (while it stays ≤ maxSec). */
const MERGE_GAP_SEC = 3;
/** Lead-in/out added around a span, within the pause beside it. */
const PAD_SEC = 0.3;

/** Centred moving average over `width` values (odd; shrinks at the ends). */
function smooth(v: Float32Array, width: number): Float32Array {
  const half = Math.max(0, Math.floor(width / 2));
  if (!half) return v;
  const prefix = new Float64Array(v.length + 1);
  for (let i = 0; i < v.length; i++) prefix[i + 1] = prefix[i]! + v[i]!;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(v.length, i + half + 1);
    out[i] = (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}

/**
 * Vocal activity 0–1 per hop: smoothed voicing probability (resampled from the track) times the
 * vocal stem's energy relative to its own loud level. A silent stem gives 0 everywhere.
 */
export function vocalActivity(pitch: PitchTrack, vocals: Audio, hopSec = 0.1): Float32Array {
  if (!(hopSec > 0)) throw new RangeError(`vocalActivity: bad hop ${hopSec}`);
  const sr = vocals.sampleRate;
  const x = downmix(vocals, 'vocalActivity');
  checkTrack(pitch, 'vocalActivity');
  const durSec = x.length / sr;
  const n = Math.ceil(durSec / hopSec - 1e-9);
  const out = new Float32Array(Math.max(0, n));
  if (!n) return out;

  // Energy per hop (dBFS) and the stem's loud level.
  const db = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const a = Math.round(k * hopSec * sr);
    const b = Math.min(x.length, Math.round((k + 1) * hopSec * sr));
    let e = 0;
    for (let i = a; i < b; i++) e += x[i]! * x[i]!;
    db[k] = 10 * Math.log10(e / Math.max(1, b - a) + 1e-14);
  }
  const loud = [...db].sort((p, q) => p - q)[Math.min(n - 1, Math.floor(0.95 * n))]!;
  if (loud < SILENT_STEM_DB) return out;
  const energy = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const w = (db[k]! - (loud - ZERO_BELOW_LOUD_DB)) / (ZERO_BELOW_LOUD_DB - FULL_BELOW_LOUD_DB);
    energy[k] = Math.min(1, Math.max(0, w));
  }

  // Voicing per hop: mean probability of the track frames whose centre falls in the hop (the
  // nearest frame when the track's hop is coarser).
  const voicing = new Float32Array(n);
  const frames = pitch.voicedProb.length;
  if (frames) {
    for (let k = 0; k < n; k++) {
      const lo = Math.ceil((k * hopSec - pitch.startSec) / pitch.hopSec - 1e-9);
      const hi = Math.ceil(((k + 1) * hopSec - pitch.startSec) / pitch.hopSec - 1e-9);
      let s = 0;
      let c = 0;
      for (let i = Math.max(0, lo); i < Math.min(frames, hi); i++) {
        s += pitch.voicedProb[i]!;
        c++;
      }
      if (c) voicing[k] = s / c;
      else {
        const i = Math.round(((k + 0.5) * hopSec - pitch.startSec) / pitch.hopSec);
        voicing[k] = i >= 0 && i < frames ? pitch.voicedProb[i]! : 0;
      }
    }
  }
  const v = smooth(voicing, Math.round(0.5 / hopSec) | 1);
  const e = smooth(energy, Math.round(0.3 / hopSec) | 1);
  for (let k = 0; k < n; k++) out[k] = Math.min(1, Math.max(0, v[k]! * e[k]!));
  return out;
}

interface Span {
  a: number; // first hop
  b: number; // one past the last hop
}

export interface ProposeOptions {
  minSec?: number;
  maxSec?: number;
  limit?: number;
}

/**
 * Caption segments (minSec–maxSec, default 5–30 s) covering the vocal phrases of `activity`,
 * never overlapping, sorted most vocal-dense first; times rounded to 0.1 s.
 */
export function proposeSegments(activity: Float32Array, hopSec: number, opts: ProposeOptions = {}): ProposedSegment[] {
  const minSec = opts.minSec ?? 5;
  const maxSec = opts.maxSec ?? 30;
  if (!(hopSec > 0) || !(minSec > 0) || !(maxSec >= minSec)) {
    throw new RangeError(`proposeSegments: bad hop/min/max ${hopSec}/${minSec}/${maxSec}`);
  }
  const n = activity.length;
  // Whole hops, and a hair inside the limits so that rounding to 0.1 s cannot cross them.
  const minH = Math.ceil(minSec / hopSec - 1e-9);
  const maxH = Math.floor(maxSec / hopSec + 1e-9);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + activity[i]!;
  const density = (s: Span) => (s.b > s.a ? (prefix[s.b]! - prefix[s.a]!) / (s.b - s.a) : 0);

  // 1. Phrases by hysteresis: on at ON, off below OFF.
  let phrases: Span[] = [];
  for (let i = 0; i < n; ) {
    if (activity[i]! < ON) {
      i++;
      continue;
    }
    let a = i;
    while (a > 0 && activity[a - 1]! >= OFF) a--;
    let b = i;
    while (b < n && activity[b]! >= OFF) b++;
    if (phrases.length && a <= phrases[phrases.length - 1]!.b) phrases[phrases.length - 1]!.b = b;
    else phrases.push({ a, b });
    i = b;
  }

  // 2. Cut stretches longer than maxSec at their quietest points.
  phrases = phrases.flatMap((p) => split(p, activity, minH, maxH));

  // 3. Merge neighbours across short pauses, smallest pause first, while the span stays ≤ maxSec
  //    and mostly vocal.
  const gapH = Math.round(MERGE_GAP_SEC / hopSec);
  for (;;) {
    let best = -1;
    for (let j = 0; j + 1 < phrases.length; j++) {
      const gap = phrases[j + 1]!.a - phrases[j]!.b;
      const merged = { a: phrases[j]!.a, b: phrases[j + 1]!.b };
      if (gap > gapH || merged.b - merged.a > maxH || density(merged) < MOSTLY_VOCAL) continue;
      if (best < 0 || gap < phrases[best + 1]!.a - phrases[best]!.b) best = j;
    }
    if (best < 0) break;
    phrases.splice(best, 2, { a: phrases[best]!.a, b: phrases[best + 1]!.b });
  }

  // 4. Pad into the pauses (lead-in/out, and up to minSec for short spans), never past a
  //    neighbour's own half of the pause; keep spans that reach minSec of mostly-vocal audio.
  const padH = Math.round(PAD_SEC / hopSec);
  const spans: Span[] = [];
  for (let j = 0; j < phrases.length; j++) {
    const p = phrases[j]!;
    const left = j ? Math.ceil((phrases[j - 1]!.b + p.a) / 2) : 0;
    const right = j + 1 < phrases.length ? Math.floor((p.b + phrases[j + 1]!.a) / 2) : n;
    let a = p.a;
    let b = p.b;
    // Grow to minSec, evenly on both sides where the pauses allow, then add the lead-in/out.
    const want = Math.max(0, minH - (b - a));
    let growL = Math.min(a - left, Math.ceil(want / 2));
    const growR = Math.min(right - b, want - growL);
    growL += Math.min(a - left - growL, want - growL - growR);
    a -= growL;
    b += growR;
    // "Mostly vocal" is judged before the cosmetic lead-in/out.
    if (b - a < minH || density({ a, b }) < MOSTLY_VOCAL) continue;
    const room = maxH - (b - a);
    const padL = Math.min(padH, a - left, Math.floor(room / 2));
    const padR = Math.min(padH, right - b, room - padL);
    a -= Math.max(0, padL);
    b += Math.max(0, padR);
    const s = { a, b };
    if (b - a <= maxH) spans.push(s);
  }

  // Rounding to 0.1 s is monotonic, so touching spans stay touching and none overlap; with a hop
  // that is not a multiple of 0.1 s a length can drift by up to 0.1 s, fixed within the neighbours.
  const round = (t: number) => Math.round(t * 10) / 10;
  const end = round(n * hopSec);
  const rounded = spans.map((s) => ({ startSec: round(s.a * hopSec), endSec: round(s.b * hopSec), density: density(s) }));
  const out: ProposedSegment[] = [];
  for (let j = 0; j < rounded.length; j++) {
    const r = rounded[j]!;
    const prevEnd = out.length ? out[out.length - 1]!.endSec : 0;
    const nextStart = j + 1 < rounded.length ? rounded[j + 1]!.startSec : end;
    if (r.endSec - r.startSec > maxSec + 1e-9) r.endSec = round(r.startSec + maxSec);
    if (r.endSec - r.startSec < minSec - 1e-9) {
      if (round(r.startSec + minSec) <= nextStart + 1e-9) r.endSec = round(r.startSec + minSec);
      else if (round(r.endSec - minSec) >= prevEnd - 1e-9) r.startSec = round(r.endSec - minSec);
      else continue;
    }
    out.push({ startSec: r.startSec, endSec: r.endSec, vocalDensity: Math.round(r.density * 1000) / 1000 });
  }
  out.sort((p, q) => q.vocalDensity - p.vocalDensity || p.startSec - q.startSec);
  return opts.limit !== undefined ? out.slice(0, Math.max(0, opts.limit)) : out;
}

/**
 * Cut a span longer than maxH hops into pieces of minH–maxH hops, each cut at the lowest activity
 * (averaged over ~5 hops) in its allowed window, nudged toward an even split when the curve is flat.
 */
function split(p: Span, activity: Float32Array, minH: number, maxH: number): Span[] {
  const out: Span[] = [];
  let pos = p.a;
  while (p.b - pos > maxH) {
    const pieces = Math.ceil((p.b - pos) / maxH);
    const ideal = pos + (p.b - pos) / pieces;
    const lo = pos + minH;
    const hi = Math.min(pos + maxH, p.b - minH);
    let cut = Math.round(ideal);
    let bestCost = Infinity;
    for (let c = lo; c <= hi; c++) {
      let s = 0;
      let m = 0;
      for (let i = Math.max(p.a, c - 2); i < Math.min(p.b, c + 3); i++, m++) s += activity[i]!;
      const cost = s / Math.max(1, m) + (0.1 * Math.abs(c - ideal)) / maxH;
      if (cost < bestCost) {
        bestCost = cost;
        cut = c;
      }
    }
    out.push({ a: pos, b: cut });
    pos = cut;
  }
  out.push({ a: pos, b: p.b });
  return out;
}
