// The signal-level contract of the measured-attribute analysis: what each DSP module takes and
// returns. core/analysis/analyze.ts combines them into MeasuredAttribute rows (shared/attributes);
// each module is a pure function over planar Float32 audio at any sample rate, so it runs inline in
// tests and on the DSP worker alike.

/** Planar audio at its own rate: one channel (mono) or two (left, right). */
export interface Audio {
  sampleRate: number;
  channels: Float32Array[];
}

/** loudness.ts — ITU-R BS.1770-4 / EBU R128 on all channels as given (K-weighting, gating). */
export interface LoudnessResult {
  /** Integrated loudness (absolute −70 LUFS and relative −10 LU gates); null when every block is gated out (silence). */
  integratedLufs: number | null;
  /** Loudness range (EBU Tech 3342: 3 s short-term, −20 LU relative gate, 10th–95th percentile); null when too short or silent. */
  rangeLu: number | null;
  /** Momentary loudness (400 ms blocks) every 100 ms, the first block ending at 0.4 s; −Infinity for digital silence. */
  momentaryLufs: Float32Array;
  /** Short-term loudness (3 s blocks) every 100 ms. */
  shortTermLufs: Float32Array;
}

/** beats.ts — onset envelope, tempo and a beat sequence on the mix. */
export interface TempoResult {
  /** null when there is no pulse (a held tone, noise, silence). */
  bpm: number | null;
  /** 0–1; near 0 without a clear periodicity. */
  confidence: number;
  /** True when half or double the tempo is about as likely (the alternative is in `alternatives`). */
  octaveAmbiguous: boolean;
  /** Other candidate tempi worth showing (e.g. the octave), most likely first. */
  alternatives: number[];
  /** Beat times in seconds from the start of the audio. */
  beats: number[];
}

/** pitch.ts — a frame-wise f0 track with voicing. */
export interface PitchTrack {
  hopSec: number;
  /** Time of frame 0's centre, seconds. */
  startSec: number;
  /** f0 in Hz per frame; 0 where unvoiced. */
  f0Hz: Float32Array;
  /** Voicing probability per frame, 0–1. */
  voicedProb: Float32Array;
}

/** pitch.ts — summary of a PitchTrack's voiced frames. */
export interface PitchSummary {
  /** null when fewer than ~0.5 s are voiced. */
  medianHz: number | null;
  /** 5th and 95th percentiles of voiced f0. */
  lowHz: number | null;
  highHz: number | null;
  /** Share of frames voiced (0–1). */
  voicedRatio: number;
  /** 0–1: mean voicing probability of voiced frames times how much is voiced; low for noise. */
  confidence: number;
}

/** vibrato.ts — from a PitchTrack. */
export interface VibratoResult {
  /** Hz (typically 4–8 for singers); null when no sustained note shows a periodic modulation. */
  rateHz: number | null;
  /** Peak-to-peak half extent in cents (± around the note); null with rateHz. */
  extentCents: number | null;
  confidence: number;
}

/** timbre.ts — brightness and breathiness hints. */
export interface TimbreResult {
  /** Spectral centroid (Hz), energy-weighted over non-silent frames; null for silence. */
  centroidHz: number | null;
  /** Harmonic-to-noise ratio (dB) over voiced frames (Boersma-style autocorrelation); null without voice. */
  hnrDb: number | null;
  confidence: number;
}
