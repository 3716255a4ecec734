// From the DSP modules' numbers to MeasuredAttribute rows (shared/attributes.ts): the value in its
// unit, S2Cap's word for it (pitch low/normal/high by per-gender thresholds, tempo slow/normal/fast,
// loudness low/normal/high, brightness dark/warm/bright, breathiness breathy/clear, gender
// male/female) and how far to trust both. Never a confident wrong word: a value that could not be
// measured has no category and confidence 0, and a value close to a category boundary has its
// confidence lowered, since a small measuring error would flip the word.
import { LEVEL_WORDS, MEASURED_UNITS, type AttributeThresholds, type MeasuredAttribute, type MeasuredName } from '../../shared/attributes';
import type { LoudnessResult, PitchSummary, TempoResult, TimbreResult, VibratoResult } from './types';
import { noteName } from '../../shared/notes';
import { BREATHY_BELOW_DB, BRIGHTNESS_HZ, CLEAR_ABOVE_DB, GENDER_BAND_HZ } from './thresholds';

/** What the modules measured on one span (the voice's numbers from the vocal stem when there is one). */
export interface Measurements {
  loudness: LoudnessResult;
  tempo: TempoResult;
  pitch: PitchSummary;
  vibrato: VibratoResult;
  timbre: TimbreResult;
}

/** A gender word the caller knows (a caption's or a tag's), else null. */
export const knownGenderOf = (g: string | null | undefined): 'male' | 'female' | null => {
  const w = g?.trim().toLowerCase();
  return w === 'male' || w === 'female' ? w : null;
};

/**
 * The twelve MEASURED_NAMES rows of a span, in that order. `voiceSource` 'mix' (no vocal stem):
 * the f0 tracker may follow a loud bass or lead instrument instead of the voice, and the centroid
 * is the whole mix's, so the voice's numbers (pitch, gender, vibrato, brightness, breathiness,
 * voiced ratio) are trusted less and the pitch says so.
 */
export function measuredAttributes(m: Measurements, t: AttributeThresholds, knownGender?: string | null, voiceSource: 'vocals' | 'mix' = 'vocals'): MeasuredAttribute[] {
  const median = m.pitch.medianHz;
  const voiceTrust = voiceSource === 'mix' ? MIX_VOICE_TRUST : 1;
  const pitchConf = median === null ? 0 : m.pitch.confidence * voiceTrust;

  // Gender from f0: a modest guess (at most 0.7 of the pitch's confidence), none in the band where
  // low female and high male voices overlap.
  const [gLo, gHi] = GENDER_BAND_HZ;
  const guess = median === null ? null : median < gLo ? 'male' : median > gHi ? 'female' : null;
  const outside = median === null ? 0 : median < gLo ? gLo - median : median - gHi;
  const gender = row('gender', guess, guess, guess ? pitchConf * (0.5 + 0.2 * Math.min(1, outside / 40)) : 0, median === null ? undefined : guess ? `from the median f0 ${Math.round(median)} Hz` : `median f0 ${Math.round(median)} Hz lies in ${gLo}–${gHi} Hz, where male and female voices overlap`);

  // Pitch: the known gender's boundaries, else the guessed gender's when it is trusted, else `unknown`'s.
  const g = knownGenderOf(knownGender) ?? (guess && gender.confidence >= 0.5 ? guess : 'unknown');
  const pb = t.pitchHz[g];
  const pitchWord = median === null ? null : band3(median, pb, LEVEL_WORDS.pitch);
  const notes = median === null ? undefined : `${noteName(median)}; 5–95 %: ${m.pitch.lowHz === null ? '?' : noteName(m.pitch.lowHz)}–${m.pitch.highHz === null ? '?' : noteName(m.pitch.highHz)}; ${g === 'unknown' ? 'gender unknown' : g} boundaries ${pb[0]}/${pb[1]} Hz${voiceTrust < 1 ? '; measured on the mix (no vocal stem): may follow an instrument' : ''}`;

  const bpm = m.tempo.bpm;
  const alt = m.tempo.alternatives[0];
  const tempoDetail =
    bpm === null
      ? undefined
      : m.tempo.octaveAmbiguous && alt
        ? `octave-ambiguous: ${[bpm, alt].sort((a, b) => a - b).map((x) => Math.round(x)).join(' or ')} BPM`
        : `${m.tempo.beats.length} beats`;
  const lufs = m.loudness.integratedLufs;
  const centroid = m.timbre.centroidHz;
  const hnr = m.timbre.hnrDb;
  const breathy = hnr === null ? null : hnr < BREATHY_BELOW_DB ? 'breathy' : hnr > CLEAR_ABOVE_DB ? 'clear' : null;
  const vib = m.vibrato.rateHz !== null && m.vibrato.extentCents !== null;

  return [
    row('tempo', round(bpm, 1), bpm === null ? null : band3(bpm, t.tempoBpm, LEVEL_WORDS.tempo), bpm === null ? 0 : m.tempo.confidence * (m.tempo.octaveAmbiguous ? 0.6 : 1) * nearRatio(bpm, t.tempoBpm, 0.03), tempoDetail),
    row('pitch', round(median, 1), pitchWord, median === null ? 0 : pitchConf * nearRatio(median, pb, 0.03), notes),
    row('pitch_low', round(m.pitch.lowHz, 1), null, m.pitch.lowHz === null ? 0 : pitchConf, m.pitch.lowHz === null ? undefined : noteName(m.pitch.lowHz)),
    row('pitch_high', round(m.pitch.highHz, 1), null, m.pitch.highHz === null ? 0 : pitchConf, m.pitch.highHz === null ? undefined : noteName(m.pitch.highHz)),
    gender,
    row('loudness', round(lufs, 2), lufs === null ? null : band3(lufs, t.loudnessLufs, LEVEL_WORDS.loudness), lufs === null ? 0 : 0.95 * nearDiff(lufs, t.loudnessLufs, 1), lufs === null ? undefined : `integrated (EBU R128); ${t.loudnessLufs[0]}/${t.loudnessLufs[1]} LUFS boundaries`),
    row('loudness_range', round(m.loudness.rangeLu, 2), null, m.loudness.rangeLu === null ? 0 : 0.9, m.loudness.rangeLu === null ? 'too short or too quiet for a loudness range' : undefined),
    row('vibrato_rate', vib ? round(m.vibrato.rateHz, 2) : null, null, vib ? m.vibrato.confidence * voiceTrust : 0),
    row('vibrato_extent', vib ? round(m.vibrato.extentCents, 1) : null, null, vib ? m.vibrato.confidence * voiceTrust : 0, vib ? '± cents around the note' : undefined),
    row('brightness', round(centroid, 0), centroid === null ? null : band3(centroid, BRIGHTNESS_HZ, LEVEL_WORDS.brightness), centroid === null ? 0 : m.timbre.confidence * voiceTrust * nearRatio(centroid, BRIGHTNESS_HZ, 0.05), centroid === null ? undefined : 'spectral centroid'),
    row('breathiness', round(hnr, 1), breathy, hnr === null ? 0 : m.timbre.confidence * voiceTrust, hnr === null ? undefined : 'harmonic-to-noise ratio'),
    row('voiced_ratio', round(m.pitch.voicedRatio, 3), null, 0.8 * voiceTrust, `${Math.round(m.pitch.voicedRatio * 100)} % of the span voiced`),
  ];
}

/** How far the voice's numbers are trusted when measured on the mix rather than a vocal stem. */
export const MIX_VOICE_TRUST = 0.6;

function row(name: MeasuredName, value: number | string | null, category: string | null, confidence: number, detail?: string): MeasuredAttribute {
  const conf = value === null ? 0 : Math.round(Math.max(0, Math.min(1, confidence)) * 1000) / 1000;
  return { name, value, unit: MEASURED_UNITS[name], category: value === null ? null : category, confidence: conf, source: 'measured', ...(detail ? { detail } : {}) };
}

/** words[0] below lo, words[2] above hi, words[1] between. */
function band3(v: number, [lo, hi]: readonly [number, number], words: readonly [string, string, string]): string {
  return v < lo ? words[0] : v > hi ? words[2] : words[1];
}

/** 0.6–1: how far (as a ratio) a value is from the nearest boundary, full trust beyond `width`. */
function nearRatio(v: number, bounds: readonly number[], width: number): number {
  const d = Math.min(...bounds.map((b) => Math.abs(Math.log(v / b))));
  return 0.6 + 0.4 * Math.min(1, d / Math.log(1 + width));
}

/** nearRatio for values on a log scale already (LUFS): the distance in their own unit. */
function nearDiff(v: number, bounds: readonly number[], width: number): number {
  const d = Math.min(...bounds.map((b) => Math.abs(v - b)));
  return 0.6 + 0.4 * Math.min(1, d / width);
}

const round = (x: number | null, digits: number): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
