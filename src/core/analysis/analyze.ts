// The measured-attribute analysis of a span or a whole track: runs the DSP modules (loudness and
// beats on the mix; pitch, vibrato, timbre and vocal activity on the vocal stem when there is one,
// else on the mix, downmixed to mono) and turns their numbers into MeasuredAttribute rows
// (categories.ts) or into the series a track's lanes draw (TrackAnalysis). Pure functions over
// planar audio at the file's own rate, so they run inline in tests and on the DSP worker alike.
import type { AttributeThresholds, MeasuredAttribute, ProposedSegment, Series, TrackAnalysis } from '../../shared/attributes';
import { toMono } from '../audio/channels';
import { proposeSegments, vocalActivity } from './activity';
import { trackBeats } from './beats';
import { measuredAttributes, type Measurements } from './categories';
import { measureLoudness } from './loudness';
import { summarizePitch, trackPitch } from './pitch';
import { DEFAULT_THRESHOLDS } from './thresholds';
import { measureTimbre } from './timbre';
import type { Audio, PitchTrack } from './types';
import { measureVibrato } from './vibrato';

export interface SpanAudio {
  mix: Audio;
  /** The vocal stem over the same span (a separator's output), when the track has one. */
  vocals?: Audio | null;
}

/** Milliseconds each module took (the benchmark prints them). */
export interface ModuleTimings {
  loudness: number;
  beats: number;
  pitch: number;
  vibrato: number;
  timbre: number;
  activity?: number;
}

export interface SpanAnalysis {
  /** The MEASURED_NAMES rows, in that order. */
  attributes: MeasuredAttribute[];
  /** Beat times (s from the span's start) on the mix. */
  beats: number[];
  tempoOctaveAmbiguous: boolean;
  /** Other tempi worth showing (e.g. the octave), most likely first. */
  tempoAlternatives: number[];
  /** Caption segments the span's vocal activity proposes (s from the span's start), most vocal-dense first. */
  proposals: ProposedSegment[];
  /** What pitch, vibrato and timbre were measured on. */
  voiceSource: 'vocals' | 'mix';
  /** The span's length (of the mix). */
  durationSec: number;
  timingsMs: ModuleTimings;
}

/** The attributes of one span. `knownGender` (a caption's or tag's male/female) picks the pitch boundaries. */
export function analyzeSpan(audio: SpanAudio, thresholds: AttributeThresholds = DEFAULT_THRESHOLDS, knownGender?: string | null): SpanAnalysis {
  const { m, pitch, voice, timingsMs, voiceSource } = measure(audio);
  const t = performance.now();
  const proposals = proposeSegments(vocalActivity(pitch, voice, ACTIVITY_HOP_SEC), ACTIVITY_HOP_SEC);
  timingsMs.activity = performance.now() - t;
  return {
    attributes: measuredAttributes(m, thresholds, knownGender, voiceSource),
    beats: m.tempo.beats.map(ms),
    tempoOctaveAmbiguous: m.tempo.octaveAmbiguous,
    tempoAlternatives: m.tempo.alternatives.map((x) => Math.round(x * 10) / 10),
    proposals,
    voiceSource,
    durationSec: audio.mix.channels[0]!.length / audio.mix.sampleRate,
    timingsMs,
  };
}

/** Series at most this many frames a second cross to the renderer (the pitch contour is decimated to it). */
export const MAX_SERIES_FPS = 50;
/** Vocal activity hop (s). */
export const ACTIVITY_HOP_SEC = 0.1;

/** A whole track's evidence: pitch contour and voicing, beats, momentary loudness, vocal activity and proposed segments. */
export function analyzeTrack(audio: SpanAudio, onTimings?: (t: ModuleTimings) => void): Omit<TrackAnalysis, 'trackId'> {
  const { m, pitch, voice, timingsMs, voiceSource } = measure(audio, { vibrato: false, timbre: false });
  const t = performance.now();
  const activity = vocalActivity(pitch, voice, ACTIVITY_HOP_SEC);
  const proposals = proposeSegments(activity, ACTIVITY_HOP_SEC);
  timingsMs.activity = performance.now() - t;
  onTimings?.(timingsMs);
  const contour = decimateContour(pitch);
  const mom = m.loudness.momentaryLufs;
  return {
    durationSec: audio.mix.channels[0]!.length / audio.mix.sampleRate,
    pitch: { ...contour.pitch, source: voiceSource },
    voicing: contour.voicing,
    beats: m.tempo.beats.map(ms),
    tempoBpm: m.tempo.bpm === null ? null : Math.round(m.tempo.bpm * 10) / 10,
    tempoOctaveAmbiguous: m.tempo.bpm !== null && m.tempo.octaveAmbiguous,
    tempoAlternatives: m.tempo.bpm === null ? [] : m.tempo.alternatives.map((x) => Math.round(x * 10) / 10),
    // Block i covers [0.1·i, 0.1·i + 0.4] s: placed at its centre so the curve lines up with the waveform.
    loudness: { startSec: 0.2, hopSec: 0.1, values: Array.from(mom, (v) => (Number.isFinite(v) && v >= -70 ? Math.round(v * 100) / 100 : null)) },
    // Activity value k describes [k·hop, (k+1)·hop): placed at its centre.
    activity: { startSec: ACTIVITY_HOP_SEC / 2, hopSec: ACTIVITY_HOP_SEC, values: Array.from(activity, (v) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null)) },
    proposals,
  };
}

function measure(audio: SpanAudio, want: { vibrato?: boolean; timbre?: boolean } = {}) {
  const voiceSource: 'vocals' | 'mix' = audio.vocals ? 'vocals' : 'mix';
  const voice = mono(audio.vocals ?? audio.mix);
  const timed = <T>(key: keyof ModuleTimings, f: () => T): T => {
    const t = performance.now();
    const out = f();
    timingsMs[key] = performance.now() - t;
    return out;
  };
  const timingsMs: ModuleTimings = { loudness: 0, beats: 0, pitch: 0, vibrato: 0, timbre: 0 };
  const loudness = timed('loudness', () => measureLoudness(audio.mix));
  const tempo = timed('beats', () => trackBeats(audio.mix));
  const pitch = timed('pitch', () => trackPitch(voice));
  const summary = summarizePitch(pitch);
  const vibrato = want.vibrato === false ? { rateHz: null, extentCents: null, confidence: 0 } : timed('vibrato', () => measureVibrato(pitch));
  const timbre = want.timbre === false ? { centroidHz: null, hnrDb: null, confidence: 0 } : timed('timbre', () => measureTimbre(voice, pitch));
  const m: Measurements = { loudness, tempo, pitch: summary, vibrato, timbre };
  return { m, pitch, voice, timingsMs, voiceSource };
}

/** One channel: a stereo stem's average (the voice is centred), a mono one as it is. */
const mono = (a: Audio): Audio => (a.channels.length === 1 ? a : { sampleRate: a.sampleRate, channels: [toMono(a.channels)] });

/** The f0 track at ≤ MAX_SERIES_FPS: each group of k frames gives the mean f0 of its voiced frames (null when fewer than half are voiced) and its mean voicing. */
export function decimateContour(p: PitchTrack): { pitch: Series; voicing: Series } {
  const k = Math.max(1, Math.ceil(1 / p.hopSec / MAX_SERIES_FPS));
  const n = Math.ceil(p.f0Hz.length / k);
  const f0: (number | null)[] = new Array(n);
  const voicing: (number | null)[] = new Array(n);
  for (let g = 0; g < n; g++) {
    let sum = 0;
    let voiced = 0;
    let prob = 0;
    const end = Math.min(p.f0Hz.length, (g + 1) * k);
    for (let i = g * k; i < end; i++) {
      prob += p.voicedProb[i]!;
      if (p.f0Hz[i]! > 0) {
        sum += p.f0Hz[i]!;
        voiced++;
      }
    }
    const size = end - g * k;
    f0[g] = voiced * 2 >= size && voiced ? Math.round((sum / voiced) * 10) / 10 : null;
    voicing[g] = Math.round((prob / size) * 100) / 100;
  }
  const startSec = p.startSec + ((k - 1) * p.hopSec) / 2;
  return { pitch: { startSec, hopSec: k * p.hopSec, values: f0 }, voicing: { startSec, hopSec: k * p.hopSec, values: voicing } };
}

const ms = (sec: number) => Math.round(sec * 1000) / 1000;
