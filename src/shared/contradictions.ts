// Where a caption says the opposite of a confident measurement ("slow" over a track measured at
// 150 BPM, "female" over a voice whose median f0 is 110 Hz), so the Annotate view can highlight
// the words for the annotator. Shared so that the renderer (live, as the annotator types) and any
// later CLI or export check read captions the same way.
//
// Written by hand: no maintained library maps caption words onto S2Cap's measured categories.
// The reading is deliberately narrow — a fixed word list per attribute, a claim negated by a
// "not"/"never"/"no" just before it is ignored, a caption that names both genders (a duet) is not
// checked for gender — because a false alarm teaches the annotator to ignore the highlight.
import { CONFIDENT, LEVEL_WORDS, type AttributeThresholds, type MeasuredName } from './attributes';
import type { SegmentAttribute } from './types';

export interface Contradiction {
  /** The measured attribute the words contradict: tempo, pitch, loudness or gender. */
  attribute: 'tempo' | 'pitch' | 'loudness' | 'gender';
  /** The words as written in the text, at [index, index + length). */
  said: string;
  index: number;
  length: number;
  /** What was measured, readable: "150 BPM (fast)", "male (median pitch 110 Hz)". */
  measured: string;
  /** One line for the annotator: "“slow” — tempo measures 150 BPM (fast)". */
  message: string;
}

type Checked = Contradiction['attribute'];
/** A caption's claim, in the measurement's own categories. */
interface Claim {
  attribute: Checked;
  says: string;
  re: RegExp;
}

/** Words only count as a voice's pitch when they describe the voice (a "deep" groove is not a deep voice). */
const VOICE = String.raw`(?=\s+(?:[a-z]+\s+)?(?:voice|vocals?|tone|register|singing|timbre)\b)`;
const CLAIMS: Claim[] = [
  { attribute: 'tempo', says: 'slow', re: /\b(?:slow(?:ly|er)?(?:[- ](?:paced|tempo|moving))?|down-?tempo|leisurely|languid|sluggish|unhurried)\b/gi },
  { attribute: 'tempo', says: 'fast', re: /\b(?:fast(?:er)?(?:[- ](?:paced|tempo|moving))?|quick(?:ly|er)?|rapid(?:ly)?|brisk|up-?tempo|speedy)\b/gi },
  { attribute: 'tempo', says: 'normal', re: /\b(?:(?:moderate(?:ly)?|medium|mid)[- ](?:tempo|paced?|speed)|midtempo)\b/gi },
  { attribute: 'pitch', says: 'high', re: new RegExp(String.raw`\bhigh(?:er)?[- ]pitch(?:ed)?\b|\bhigh(?:[- ]voiced)?\b${VOICE}|\bhigh-voiced\b`, 'gi') },
  { attribute: 'pitch', says: 'low', re: new RegExp(String.raw`\blow(?:er)?[- ]pitch(?:ed)?\b|\b(?:low|deep)-voiced\b|\b(?:low|deep)\b${VOICE}`, 'gi') },
  { attribute: 'pitch', says: 'normal', re: /\b(?:medium|mid|moderate(?:ly)?)[- ]pitch(?:ed)?\b/gi },
  // "Upbeat" is left out of tempo (captions use it for mood) and "a soft voice" out of loudness (timbre).
  { attribute: 'loudness', says: 'low', re: /\b(?:soft(?:ly|er)?(?![- ]rock)(?!\s+(?:[a-z]+\s+)?(?:voice|vocals?|tone|timbre)\b)|quiet(?:ly|er)?|hushed|whisper(?:ed|ing|y|s)?)\b/gi },
  { attribute: 'loudness', says: 'high', re: /\bloud(?:ly|er)?\b/gi },
  { attribute: 'loudness', says: 'normal', re: /\b(?:moderate|medium)\s+(?:volume|loudness|level)\b/gi },
  { attribute: 'gender', says: 'female', re: /\b(?:female|woman|women|girls?|lady|ladies|she|her|hers|feminine)\b/gi },
  { attribute: 'gender', says: 'male', re: /\b(?:male|man|men|boys?|guy|he|him|his|masculine)\b/gi },
];

/** Ordered categories: adjacent ones contradict only when the value is well outside the claim (see wellOutside). */
const RANK: Record<string, number> = Object.fromEntries([LEVEL_WORDS.tempo, LEVEL_WORDS.pitch].flatMap((words) => words.map((w, i) => [w, i])));
const NEGATION = /\b(?:not|never|no|nothing|nor|neither|without|hardly|isn't|aren't|wasn't|doesn't|don't|n't)\s+(?:\S+\s+)?$/i;
/** With no confident gender measured, a median f0 this far out still contradicts the word (Hz). */
const FEMALE_BELOW_HZ = 130;
const MALE_ABOVE_HZ = 350;

/**
 * The words of `text` that contradict a confident measurement in `attributes` (confidence ≥
 * CONFIDENT, not stale, measured). Opposite categories always contradict ("slow" vs fast);
 * neighbouring ones ("slow" vs normal) only with `thresholds`, when the value lies more than half
 * the normal band past the claimed category's boundary. An octave-ambiguous tempo contradicts only
 * when every reading of it does. In text order.
 */
export function findContradictions(text: string, attributes: SegmentAttribute[], thresholds?: AttributeThresholds): Contradiction[] {
  const confident = (name: MeasuredName) =>
    attributes.find((a) => a.name === name && a.source === 'measured' && !a.stale && a.confidence !== null && a.confidence >= CONFIDENT && a.value !== '');
  const found = CLAIMS.flatMap((c) => [...text.matchAll(c.re)].filter((m) => !NEGATION.test(text.slice(Math.max(0, m.index - 24), m.index))).map((m) => ({ claim: c, m })));
  const genders = new Set(found.filter((f) => f.claim.attribute === 'gender').map((f) => f.claim.says));
  const gender = confident('gender');
  const out: Contradiction[] = [];
  for (const { claim, m } of found) {
    const hit = (measured: string): void => {
      out.push({ attribute: claim.attribute, said: m[0], index: m.index, length: m[0].length, measured, message: `“${m[0]}” — ${what(claim.attribute)} ${measured}` });
    };
    if (claim.attribute === 'gender') {
      if (genders.size > 1) continue; // both named: a duet or a comparison, not a claim about one voice
      const pitch = confident('pitch');
      const hz = pitch ? Number(pitch.value) : NaN;
      const withPitch = Number.isFinite(hz) ? ` (median pitch ${Math.round(hz)} Hz)` : '';
      if (gender) {
        if (gender.value !== claim.says) hit(`${gender.value}${withPitch}`);
      } else if (Number.isFinite(hz) && (claim.says === 'female' ? hz < FEMALE_BELOW_HZ : hz > MALE_ABOVE_HZ)) {
        hit(`${Math.round(hz)} Hz, ${claim.says === 'female' ? 'low for a female' : 'high for a male'} voice`);
      }
      continue;
    }
    const a = confident(claim.attribute);
    if (!a?.category || RANK[a.category] === undefined) continue;
    const value = Number(a.value);
    const bounds = boundsOf(claim.attribute, thresholds, gender?.value);
    const readings = claim.attribute === 'tempo' ? tempoReadings(value, a.detail) : [value];
    const ambiguous = readings.length > 1;
    if (ambiguous && !bounds) continue;
    const contradicts = readings.every((v) => {
      const category = ambiguous ? categoryOf(v, bounds!) : a.category!;
      const gap = Math.abs(RANK[claim.says]! - RANK[category]!);
      return gap === 2 || (gap === 1 && !!bounds && Number.isFinite(v) && wellOutside(claim.says, v, bounds, claim.attribute !== 'loudness'));
    });
    if (contradicts) hit(formatMeasured(a));
  }
  return out.sort((x, y) => x.index - y.index);
}

const what = (a: Checked) => (a === 'gender' ? 'the voice measures' : `${a} measures`);

function boundsOf(attribute: Checked, t: AttributeThresholds | undefined, gender: string | undefined): [number, number] | null {
  if (!t) return null;
  if (attribute === 'tempo') return t.tempoBpm;
  if (attribute === 'loudness') return t.loudnessLufs;
  return gender === 'male' || gender === 'female' ? t.pitchHz[gender] : t.pitchHz.unknown;
}

/** The tempo and, when the measurement says it is octave-ambiguous ("75 or 150 BPM"), its other readings. */
function tempoReadings(value: number, detail: string | null): number[] {
  if (!detail || !/octave/i.test(detail)) return [value];
  const alternatives = [...detail.matchAll(/(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1])).filter((v) => v > 20 && v < 400);
  return [...new Set([value, ...alternatives])];
}

const categoryOf = (v: number, [lo, hi]: [number, number]) => (v < lo ? 'low' : v > hi ? 'high' : 'normal');

/**
 * Whether `v` lies more than half the normal band beyond the edge of the claimed category (on a
 * log scale for BPM and Hz, where "twice as fast" is one step whatever the tempo).
 */
function wellOutside(says: string, v: number, [lo, hi]: [number, number], logScale: boolean): boolean {
  const f = (x: number) => (logScale ? Math.log(Math.max(x, 1e-9)) : x);
  const half = (f(hi) - f(lo)) / 2;
  const rank = RANK[says]!;
  if (rank === 0) return f(v) > f(lo) + half;
  if (rank === 2) return f(v) < f(hi) - half;
  return f(v) < f(lo) - half || f(v) > f(hi) + half;
}

/**
 * A measured value as read: "150 BPM (fast)", "−14.2 LUFS (normal)", "male"; "—" when there was
 * nothing to measure or decide (no voice, a median f0 where male and female voices overlap); a
 * row without a unit shows its value as stored.
 */
export function formatMeasured(a: Pick<SegmentAttribute, 'name' | 'value' | 'unit' | 'category'>): string {
  const unit = a.unit;
  const n = Number(a.value);
  let value = a.value;
  if (a.value !== '' && Number.isFinite(n) && unit) value = `${formatNumber(n, unit, a.name)}${unit === 'ratio' ? '' : ` ${unit}`}`;
  else if (a.value === '') value = '—';
  return a.category && a.category !== a.value ? `${value} (${a.category})` : value;
}

function formatNumber(n: number, unit: string, name: string): string {
  const minus = (s: string) => s.replace('-', '−');
  if (unit === 'ratio') return `${Math.round(n * 100)} %`;
  // A vibrato rate is a few Hz: whole hertz would turn 5.5 Hz into "6 Hz".
  if (unit === 'LUFS' || unit === 'LU' || unit.startsWith('dB') || name === 'vibrato_rate') return minus(n.toFixed(1));
  return minus(String(Math.round(n)));
}
