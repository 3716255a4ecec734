// ITU-R BS.1770-4 / EBU R128 loudness of planar audio at any sample rate: K-weighting, momentary
// loudness (400 ms blocks every 100 ms), integrated loudness (absolute −70 LUFS and relative −10 LU
// gates), short-term loudness (3 s) and loudness range (EBU Tech 3342).
//
// Why hand-written: the maintained npm build of libebur128 (ebur128-wasm 3.0.0, the Rust ebur128
// crate) exposes only integrated loudness and true peak, ships as bundler-only ESM importing .wasm,
// and gives neither the momentary series drawn in the UI nor the loudness range; so K-weighting and
// gating are written here and checked against ffmpeg's ebur128 filter (the libebur128 reference) in
// loudness.test.ts.
//
// How: one pass per channel runs the two K-weighting biquads (high-shelf pre-filter, RLB high-pass)
// in Float64, with coefficients derived for the actual sample rate from f0, Q and gain via the
// bilinear transform exactly as libebur128 does, and sums squared output per 100 ms sub-block. Every
// 400 ms / 3 s window energy then comes from cumulative sums of those sub-blocks (a window whose
// energy is tiny next to the running total is re-summed directly so cancellation cannot leak into
// quiet passages; a window of all-zero sub-blocks is exactly −Infinity).
//
// Series timing: momentaryLufs[k] and shortTermLufs[k] both describe the window ENDING at
// 0.4 + 0.1·k s (the same grid, so the UI can draw them together). Short-term values before 3 s
// cover the audio available so far (0 … t); only full 3 s windows enter the loudness range. A
// trailing remainder shorter than 100 ms is not measured (as in libebur128).
import { checkAudio } from './decimate';
import type { Audio, LoudnessResult } from './types';

/** BS.1770 offset: loudness = −0.691 + 10·log10(Σ channel mean squares of the K-weighted signal). */
const LUFS_OFFSET = -0.691;
const ABSOLUTE_GATE_LUFS = -70;
/** Relative gates: integrated loudness −10 LU, loudness range −20 LU (Tech 3342). */
const INTEGRATED_RELATIVE_GATE_LU = -10;
const RANGE_RELATIVE_GATE_LU = -20;
const SUB_BLOCKS_MOMENTARY = 4; // 400 ms
const SUB_BLOCKS_SHORT_TERM = 30; // 3 s
/** Fewer gated short-term values than this (1 s of 100 ms steps) gives no loudness range. */
const MIN_RANGE_VALUES = 10;
/** Below this sample rate the 1.68 kHz shelf sits too close to Nyquist to mean anything. */
const MIN_SAMPLE_RATE = 4000;

/** Normalised biquad y = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²). */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** The two K-weighting stages for `sampleRate`, derived as libebur128's ebur128_init_filter does. */
export function kWeightingFilters(sampleRate: number): { shelf: Biquad; highPass: Biquad } {
  // Stage 1: high-shelf pre-filter (+4 dB above ~1.7 kHz, the acoustic effect of the head).
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  // Stage 2: RLB high-pass (numerator 1, −2, 1 as in BS.1770 and libebur128).
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return { shelf, highPass };
}

function lufs(meanSquare: number): number {
  return meanSquare > 0 ? LUFS_OFFSET + 10 * Math.log10(meanSquare) : -Infinity;
}

function energyOf(loudnessLufs: number): number {
  return Math.pow(10, (loudnessLufs - LUFS_OFFSET) / 10);
}

/** What loudness needs beyond the analysis' common checks (decimate.ts checkAudio): a rate of at
 *  least MIN_SAMPLE_RATE, mono or stereo. */
function checkLoudnessAudio(audio: Audio): void {
  const { sampleRate, channels } = audio;
  if (!Number.isFinite(sampleRate) || sampleRate < MIN_SAMPLE_RATE) {
    throw new Error(`measureLoudness: sample rate ${sampleRate} is not a rate of at least ${MIN_SAMPLE_RATE} Hz`);
  }
  if (channels.length < 1 || channels.length > 2) {
    throw new Error(`measureLoudness: ${channels.length} channels given, expected mono or stereo`);
  }
  checkAudio(audio, 'measureLoudness');
}

/**
 * K-weights one channel (Float64, transposed direct form II, both stages inline) and adds the sum
 * of squared output of each complete `hop`-sample sub-block to `out`.
 */
function addKWeightedSubBlockEnergy(x: Float32Array, hop: number, filters: ReturnType<typeof kWeightingFilters>, out: Float64Array): void {
  const { b0, b1, b2, a1, a2 } = filters.shelf;
  const r1 = filters.highPass.a1;
  const r2 = filters.highPass.a2;
  let s1 = 0;
  let s2 = 0;
  let t1 = 0;
  let t2 = 0;
  let i = 0;
  for (let j = 0; j < out.length; j++) {
    let acc = 0;
    const end = i + hop;
    for (; i < end; i++) {
      const v = x[i]!;
      const y = b0 * v + s1;
      s1 = b1 * v - a1 * y + s2;
      s2 = b2 * v - a2 * y;
      const z = y + t1;
      t1 = -2 * y - r1 * z + t2;
      t2 = y - r2 * z;
      acc += z * z;
    }
    out[j]! += acc;
    // A decaying tail would otherwise crawl through denormals (slow) and never reach true silence.
    if (Math.abs(s1) < 1e-20) s1 = 0;
    if (Math.abs(s2) < 1e-20) s2 = 0;
    if (Math.abs(t1) < 1e-20) t1 = 0;
    if (Math.abs(t2) < 1e-20) t2 = 0;
  }
}

/**
 * Window energies (mean square, channels summed) from cumulative sums: entry k is the window ending
 * after sub-block `firstEnd + k` and spanning `span` sub-blocks (fewer at the start of the audio).
 */
function windowEnergies(
  sub: Float64Array,
  cum: Float64Array,
  nonZeroCum: Int32Array,
  hop: number,
  span: number,
  firstEnd: number,
): Float64Array {
  const count = Math.max(0, sub.length - firstEnd + 1);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const end = firstEnd + k;
    const start = Math.max(0, end - span);
    if (nonZeroCum[end]! === nonZeroCum[start]!) continue; // all-zero sub-blocks: exactly silent
    let sum = cum[end]! - cum[start]!;
    if (!(sum > cum[end]! * 1e-9)) {
      // Cancellation could dominate: re-sum this (quiet) window exactly.
      sum = 0;
      for (let j = start; j < end; j++) sum += sub[j]!;
    }
    out[k] = sum / ((end - start) * hop);
  }
  return out;
}

/** The energies passing the absolute gate and the gate `relativeLu` below the mean of those above it. */
function gatedEnergies(energies: Float64Array, relativeLu: number): number[] {
  const absolute = energyOf(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let n = 0;
  for (const e of energies) {
    if (e >= absolute) {
      sum += e;
      n++;
    }
  }
  if (n === 0) return [];
  const relative = (sum / n) * Math.pow(10, relativeLu / 10);
  const kept: number[] = [];
  for (const e of energies) if (e >= absolute && e >= relative) kept.push(e);
  return kept;
}

/** BS.1770-4 / EBU R128 loudness of `audio` (mono or stereo, channel weights 1.0). */
export function measureLoudness(audio: Audio): LoudnessResult {
  checkLoudnessAudio(audio);
  const { sampleRate, channels } = audio;
  const hop = Math.round(sampleRate / 10);
  const nSub = Math.floor(channels[0]!.length / hop);
  const filters = kWeightingFilters(sampleRate);

  const sub = new Float64Array(nSub);
  for (const ch of channels) addKWeightedSubBlockEnergy(ch, hop, filters, sub);
  const cum = new Float64Array(nSub + 1);
  const nonZeroCum = new Int32Array(nSub + 1);
  for (let j = 0; j < nSub; j++) {
    const e = sub[j]!;
    cum[j + 1] = cum[j]! + e;
    nonZeroCum[j + 1] = nonZeroCum[j]! + (e > 0 ? 1 : 0);
  }

  const momentaryEnergy = windowEnergies(sub, cum, nonZeroCum, hop, SUB_BLOCKS_MOMENTARY, SUB_BLOCKS_MOMENTARY);
  const shortTermEnergy = windowEnergies(sub, cum, nonZeroCum, hop, SUB_BLOCKS_SHORT_TERM, SUB_BLOCKS_MOMENTARY);
  const momentaryLufs = Float32Array.from(momentaryEnergy, lufs);
  const shortTermLufs = Float32Array.from(shortTermEnergy, lufs);

  const gated = gatedEnergies(momentaryEnergy, INTEGRATED_RELATIVE_GATE_LU);
  const integratedLufs = gated.length > 0 ? lufs(gated.reduce((a, b) => a + b, 0) / gated.length) : null;

  // Loudness range: only full 3 s windows (they start at index 30 − 4 of the short-term grid).
  const fullShortTerm = shortTermEnergy.subarray(SUB_BLOCKS_SHORT_TERM - SUB_BLOCKS_MOMENTARY);
  const rangeValues = gatedEnergies(fullShortTerm, RANGE_RELATIVE_GATE_LU).sort((a, b) => a - b);
  let rangeLu: number | null = null;
  if (rangeValues.length >= MIN_RANGE_VALUES) {
    const n = rangeValues.length;
    const low = rangeValues[Math.round((n - 1) * 0.1)]!;
    const high = rangeValues[Math.round((n - 1) * 0.95)]!;
    rangeLu = 10 * Math.log10(high / low);
  }

  return { integratedLufs, rangeLu, momentaryLufs, shortTermLufs };
}
