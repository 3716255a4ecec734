// The STFT and inverse STFT around a two-branch htdemucs export, exactly as demucs computes them
// (demucs.spec / HTDemucs._spec and _ispec): n_fft 4096, hop 1024, periodic Hann, normalised,
// centred with reflect padding; the Nyquist bin dropped and two frames trimmed on each side.
import FFT from 'fft.js';

export const NFFT = 4096;
export const HOP = 1024;
export const FREQ_BINS = NFFT / 2; // 2048, Nyquist dropped

let fft: FFT | null = null;
let window: Float64Array | null = null;
function tables(): { fft: FFT; window: Float64Array } {
  if (!fft || !window) {
    fft = new FFT(NFFT);
    window = new Float64Array(NFFT);
    for (let i = 0; i < NFFT; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / NFFT);
  }
  return { fft, window };
}

/** Reflect padding as torch's F.pad(mode='reflect'): the edge sample is not repeated. */
export function reflectPad(x: Float32Array, left: number, right: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n + left + right);
  out.set(x, left);
  for (let i = 1; i <= left; i++) out[left - i] = x[reflectIndex(i, n)]!;
  for (let i = 1; i <= right; i++) out[left + n - 1 + i] = x[reflectIndex(n - 1 - i, n)]!;
  return out;
}

function reflectIndex(i: number, n: number): number {
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** Complex spectrogram of one channel: re/im as [frames][FREQ_BINS] after demucs' trimming. */
export interface Spec {
  frames: number;
  re: Float32Array; // [FREQ_BINS * frames], bin-major: re[f * frames + t]
  im: Float32Array;
}

/** HTDemucs._spec for one channel of `length` samples → 2048 bins × ceil(length / 1024) frames. */
export function htdemucsSpec(x: Float32Array): Spec {
  const { fft, window } = tables();
  const le = Math.ceil(x.length / HOP);
  const pad = (HOP / 2) * 3;
  const padded = reflectPad(x, pad, pad + le * HOP - x.length);
  const centred = reflectPad(padded, NFFT / 2, NFFT / 2); // torch.stft(center=True)
  const total = 1 + Math.floor((centred.length - NFFT) / HOP); // = le + 4
  const frames = le;
  const re = new Float32Array(FREQ_BINS * frames);
  const im = new Float32Array(FREQ_BINS * frames);
  const frame = new Float64Array(NFFT);
  const out = fft.createComplexArray();
  const scale = 1 / Math.sqrt(NFFT); // normalized=True
  for (let t = 2; t < total - 2; t++) {
    const off = t * HOP;
    for (let i = 0; i < NFFT; i++) frame[i] = centred[off + i]! * window[i]!;
    fft.realTransform(out, frame);
    const col = t - 2;
    for (let f = 0; f < FREQ_BINS; f++) {
      re[f * frames + col] = out[2 * f]! * scale;
      im[f * frames + col] = out[2 * f + 1]! * scale;
    }
  }
  return { frames, re, im };
}

/** HTDemucs._ispec: back to `length` samples from a spectrogram shaped as htdemucsSpec returns. */
export function htdemucsIspec(spec: Spec, length: number): Float32Array {
  const { fft, window } = tables();
  const pad = (HOP / 2) * 3;
  const frames = spec.frames + 4; // two zero frames restored on each side
  const signalLen = NFFT + HOP * (frames - 1);
  const acc = new Float64Array(signalLen);
  const wsum = new Float64Array(signalLen);
  const input = fft.createComplexArray();
  const output = fft.createComplexArray();
  const scale = Math.sqrt(NFFT);
  for (let t = 0; t < frames; t++) {
    const col = t - 2;
    input.fill(0);
    if (col >= 0 && col < spec.frames) {
      for (let f = 0; f < FREQ_BINS; f++) {
        const r = spec.re[f * spec.frames + col]!;
        const i = spec.im[f * spec.frames + col]!;
        input[2 * f] = r;
        input[2 * f + 1] = i;
        if (f > 0) {
          input[2 * (NFFT - f)] = r; // conjugate symmetry; bin NFFT/2 (Nyquist) stays 0
          input[2 * (NFFT - f) + 1] = -i;
        }
      }
    }
    fft.inverseTransform(output, input);
    const off = t * HOP;
    for (let n = 0; n < NFFT; n++) {
      acc[off + n]! += output[2 * n]! * scale * window[n]!;
      wsum[off + n]! += window[n]! * window[n]!;
    }
  }
  // torch.istft: divide by the summed squared window, drop the centre padding, keep `le` samples.
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const j = NFFT / 2 + pad + i;
    out[i] = wsum[j]! > 1e-11 ? acc[j]! / wsum[j]! : 0;
  }
  return out;
}
