// The category boundaries of the measured attributes (S2Cap's words: pitch low/normal/high per
// gender, tempo slow/normal/fast, volume low/normal/high, plus the timbre hints), the defaults the
// studio ships and the library's own once it has enough approved captions.
//
// S2Cap (arXiv 2409.09866) sets pitch low/normal/high at the 33 % / 66 % quantiles of the median
// vocal f0 per gender over its own data; the quantiles themselves are not published, so the
// defaults come from the usual singing ranges: male voices (bass E2–E4, baritone A2–A4, tenor
// C3–C5) sing with a median f0 of roughly 120–230 Hz, female voices (alto F3–F5, mezzo A3–A5,
// soprano C4–C6) roughly 220–440 Hz; the boundaries split those spreads in thirds (male 150 /
// 200 Hz ≈ D3 / G3, female 260 / 350 Hz ≈ C4 / F4). Without a known gender the span of both
// ([180, 300] Hz ≈ F#3 / D4) is used. Tempo: below 90 BPM reads as slow (ballads, adagio–andante),
// above 125 as fast (dance and up-tempo pop, allegro); loudness: mastered pop and rock sit near
// −14 to −8 LUFS, quiet acoustic and classical recordings near −20 to −30 LUFS, so integrated
// loudness under −20 LUFS is low (soft) and over −12 LUFS high (loud).
//
// Library thresholds follow S2Cap's rule on the library's own captions: once it has at least
// MIN_CAPTIONS_PER_GENDER approved captions whose attributes name the gender and whose segment has
// a current measured pitch, that gender's pitch boundaries become the 33 % / 66 % quantiles of
// those medians. Tempo and loudness stay at the defaults (S2Cap's tempo and volume boundaries are
// not per-library quantities a few hundred captions would improve).
import type { AttributeThresholds } from '../../shared/attributes';
import { quantile } from '../../shared/quantiles';

export const DEFAULT_THRESHOLDS: AttributeThresholds = {
  pitchHz: { male: [150, 200], female: [260, 350], unknown: [180, 300] },
  tempoBpm: [90, 125],
  loudnessLufs: [-20, -12],
  source: 'default',
};

/**
 * Timbre hints (not per library). Brightness: spectral centroid of the voice — a sung vowel's
 * centroid lies near 1–2 kHz; under 1 kHz sounds dark (muffled, low formants), over 2.2 kHz bright
 * (the 2–4 kHz "singer's formant" or sibilance dominating). Breathiness: harmonic-to-noise ratio —
 * modal sung vowels measure about 15–25 dB, breathy phonation under about 10 dB; between 9 and
 * 13 dB neither word is said.
 */
export const BRIGHTNESS_HZ: [number, number] = [1000, 2200];
export const BREATHY_BELOW_DB = 9;
export const CLEAR_ABOVE_DB = 13;

/** Median f0 (Hz) below which a voice reads as male and above which female; between them no guess. */
export const GENDER_BAND_HZ: [number, number] = [160, 200];

export const MIN_CAPTIONS_PER_GENDER = 30;

export interface GenderPitch {
  gender: 'male' | 'female';
  pitchHz: number;
}

/** The thresholds a library's approved captions give (DEFAULT_THRESHOLDS until a gender has enough). */
export function libraryThresholds(pairs: readonly GenderPitch[]): AttributeThresholds {
  const by = { male: [] as number[], female: [] as number[] };
  for (const p of pairs) if (Number.isFinite(p.pitchHz) && p.pitchHz > 0) by[p.gender].push(p.pitchHz);
  const counts = { male: by.male.length, female: by.female.length };
  const bounds = (g: 'male' | 'female'): [number, number] =>
    by[g].length >= MIN_CAPTIONS_PER_GENDER ? [round1(quantile(by[g], 1 / 3)), round1(quantile(by[g], 2 / 3))] : DEFAULT_THRESHOLDS.pitchHz[g];
  const fromLibrary = counts.male >= MIN_CAPTIONS_PER_GENDER || counts.female >= MIN_CAPTIONS_PER_GENDER;
  if (!fromLibrary) return DEFAULT_THRESHOLDS;
  return {
    ...DEFAULT_THRESHOLDS,
    pitchHz: { male: bounds('male'), female: bounds('female'), unknown: DEFAULT_THRESHOLDS.pitchHz.unknown },
    source: 'library',
    counts,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
