// Measured singing attributes: the one contract between the classical analysis (core/analysis),
// the store (attributes rows), the CLI (`s2cap attributes --json`) and the renderer's evidence
// (pitch contour, beats, loudness curve, the attribute list and contradiction highlighting).
// Plain data only; series use null where there is no value (JSON has no NaN).

/** The measured attributes, by name. Units and categories are fixed per name (see MEASURED_UNITS). */
export const MEASURED_NAMES = [
  'tempo',
  'pitch',
  'pitch_low',
  'pitch_high',
  'gender',
  'loudness',
  'loudness_range',
  'vibrato_rate',
  'vibrato_extent',
  'brightness',
  'breathiness',
  'voiced_ratio',
] as const;
export type MeasuredName = (typeof MEASURED_NAMES)[number];

/** The unit each measured attribute's value is in (null: a word, e.g. gender). */
export const MEASURED_UNITS: Record<MeasuredName, string | null> = {
  tempo: 'BPM',
  pitch: 'Hz',
  pitch_low: 'Hz',
  pitch_high: 'Hz',
  gender: null,
  loudness: 'LUFS',
  loudness_range: 'LU',
  vibrato_rate: 'Hz',
  vibrato_extent: 'cents',
  brightness: 'Hz',
  breathiness: 'dB HNR',
  voiced_ratio: 'ratio',
};

/**
 * One measured attribute of a span of audio. `category` is S2Cap's word for it where there is one:
 * pitch low|normal|high (per-gender quantiles), tempo slow|normal|fast, loudness (volume)
 * low|normal|high, brightness dark|warm|bright, breathiness breathy|clear, gender male|female.
 */
export interface MeasuredAttribute {
  name: MeasuredName;
  /** A number in `unit`, a word (gender), or null when it could not be measured (no voice, no pulse). */
  value: number | string | null;
  unit: string | null;
  category: string | null;
  /** 0–1: how far to trust the value and its category; a value it could not measure has 0. */
  confidence: number;
  source: 'measured';
  /** A short reading aid: note names ("A3; 5–95 %: E3–C4"), "octave-ambiguous: 75 or 150 BPM". */
  detail?: string;
}

/**
 * S2Cap's three-way category words, lowest first: the one list categories.ts measures into and
 * contradictions.ts ranks (the editor's chips map them to their own words, annotate/editorState.ts).
 */
export const LEVEL_WORDS = {
  pitch: ['low', 'normal', 'high'],
  tempo: ['slow', 'normal', 'fast'],
  loudness: ['low', 'normal', 'high'],
  brightness: ['dark', 'warm', 'bright'],
} as const satisfies Partial<Record<MeasuredName, readonly [string, string, string]>>;

/** How far a measurement must be trusted to be put into words: by the built-in suggester, into the editor's chips. */
export const MENTION_CONFIDENCE = 0.5;
/** Measurements below this confidence are never held against a caption (contradictions), and read as "tentative". */
export const CONFIDENT = 0.6;

/** Category boundaries ([low/normal, normal/high]); `source` says whether the library's own captions set them. */
export interface AttributeThresholds {
  /** Median vocal f0 (Hz), S2Cap's 33 % / 66 % quantiles per gender; `unknown` when the gender is not known. */
  pitchHz: { male: [number, number]; female: [number, number]; unknown: [number, number] };
  tempoBpm: [number, number];
  loudnessLufs: [number, number];
  source: 'default' | 'library';
  /** Approved captions per gender the pitch quantiles came from (library thresholds only). */
  counts?: { male: number; female: number };
}

/** A caption segment proposed from vocal activity (5–30 s), the most vocal-dense first. */
export interface ProposedSegment {
  startSec: number;
  endSec: number;
  /** Share (0–1) of the span where a voice is active. */
  vocalDensity: number;
}

/** A time series at a fixed hop from `startSec`; null where there is no value. */
export interface Series {
  startSec: number;
  hopSec: number;
  values: (number | null)[];
}

/** Evidence for a whole track, drawn over its lanes (computed once, cached beside the peaks). */
export interface TrackAnalysis {
  trackId: number;
  durationSec: number;
  /** f0 (Hz) of the vocal stem when there is one, else of the mix; null where unvoiced. */
  pitch: Series & { source: 'vocals' | 'mix' };
  /** Voicing probability (0–1) per pitch frame. */
  voicing: Series;
  /** Beat times (s) on the mix, and the tempo they imply. */
  beats: number[];
  tempoBpm: number | null;
  /** Half or double the tempo is about as likely; `tempoAlternatives` lists it. */
  tempoOctaveAmbiguous: boolean;
  tempoAlternatives: number[];
  /** Momentary loudness (LUFS, 400 ms windows) every 100 ms; null below the −70 LUFS gate. */
  loudness: Series;
  /** Vocal activity (0–1) over time, and the segments it proposes. */
  activity: Series;
  proposals: ProposedSegment[];
}

/** `s2cap attributes --json`: the flat keys scripts read, then the attributes as rows. */
export interface AttributeReport {
  file: string;
  vocalsFile: string | null;
  startSec: number;
  endSec: number;
  tempo_bpm: number | null;
  tempo_octave_ambiguous: boolean;
  beats: number[];
  pitch_median_hz: number | null;
  pitch_low_hz: number | null;
  pitch_high_hz: number | null;
  pitch_median_note: string | null;
  loudness_lufs: number | null;
  loudness_range_lu: number | null;
  vibrato_rate_hz: number | null;
  vibrato_extent_cents: number | null;
  voiced_ratio: number;
  brightness_hz: number | null;
  hnr_db: number | null;
  categories: { gender: string | null; pitch: string | null; tempo: string | null; volume: string | null; timbre: string | null; breathiness: string | null };
  attributes: MeasuredAttribute[];
  proposals: ProposedSegment[];
}
