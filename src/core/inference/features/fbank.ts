// AST input features, exactly as Hugging Face's ASTFeatureExtractor computes them: Kaldi fbank
// (torchaudio.compliance.kaldi) on 16 kHz mono — 25 ms symmetric Hann frames every 10 ms,
// DC removal, pre-emphasis 0.97, power spectrum of a 512-point FFT, 128 Kaldi mel bins from
// 20 Hz to Nyquist, log with floor 1.1920929e-07 — padded or cut to 1024 frames, then
// normalised as (x + 4.2677393) / (2 · 4.5689974). Tested against torchaudio's output.
import FFT from 'fft.js';

export const AST_SAMPLE_RATE = 16000;
export const AST_FRAMES = 1024;
export const AST_MEL_BINS = 128;
export const AST_MEAN = -4.2677393;
export const AST_STD = 4.5689974;

const FRAME_LEN = 400; // 25 ms
const FRAME_SHIFT = 160; // 10 ms
const NFFT = 512; // next power of two
const PREEMPH = 0.97;
const LOW_FREQ = 20;
const LOG_FLOOR = 1.1920929e-7;

const melScale = (f: number): number => 1127 * Math.log(1 + f / 700);

let cached: { window: Float64Array; banks: Float64Array[]; first: Int32Array; fft: FFT } | null = null;

function tables() {
  if (cached) return cached;
  const window = new Float64Array(FRAME_LEN);
  for (let i = 0; i < FRAME_LEN; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME_LEN - 1));
  // The mel banks are computed in float32, step by step as torchaudio does: at low frequencies a
  // triangle spans one or two FFT bins, and a weight rounded differently shows up in the output.
  const f = Math.fround;
  const nyquist = AST_SAMPLE_RATE / 2;
  const binWidth = AST_SAMPLE_RATE / NFFT;
  const melLow = f(melScale(LOW_FREQ));
  const delta = f((melScale(nyquist) - melScale(LOW_FREQ)) / (AST_MEL_BINS + 1));
  const melOfBin = new Float64Array(NFFT / 2);
  for (let k = 0; k < NFFT / 2; k++) melOfBin[k] = f(1127 * f(Math.log(f(1 + f(f(binWidth * k) / 700)))));
  const banks: Float64Array[] = [];
  const first = new Int32Array(AST_MEL_BINS);
  for (let m = 0; m < AST_MEL_BINS; m++) {
    const left = f(melLow + f(m * delta));
    const center = f(melLow + f((m + 1) * delta));
    const right = f(melLow + f((m + 2) * delta));
    const w = new Float64Array(NFFT / 2); // Kaldi uses bins 0..255; the Nyquist bin gets weight 0
    for (let k = 0; k < NFFT / 2; k++) {
      const mel = melOfBin[k]!;
      const up = f(f(mel - left) / f(center - left));
      const down = f(f(right - mel) / f(right - center));
      w[k] = Math.max(0, Math.min(up, down));
    }
    banks.push(w);
    first[m] = Math.max(0, w.findIndex((x) => x > 0));
  }
  cached = { window, banks, first, fft: new FFT(NFFT) };
  return cached;
}

/** Log-mel fbank frames of 16 kHz mono audio, [frames][128], before padding and normalisation. */
export function kaldiFbank(samples: Float32Array): Float32Array[] {
  const { window, banks, first, fft } = tables();
  const n = samples.length < FRAME_LEN ? 0 : 1 + Math.floor((samples.length - FRAME_LEN) / FRAME_SHIFT);
  const frame = new Float64Array(NFFT);
  const spectrum = fft.createComplexArray();
  const power = new Float64Array(NFFT / 2);
  const out: Float32Array[] = [];
  for (let t = 0; t < n; t++) {
    const off = t * FRAME_SHIFT;
    let mean = 0;
    for (let i = 0; i < FRAME_LEN; i++) mean += samples[off + i]!;
    mean /= FRAME_LEN;
    // Pre-emphasis uses the DC-removed frame, with the first sample as its own predecessor.
    let prev = samples[off]! - mean;
    for (let i = 0; i < FRAME_LEN; i++) {
      const x = samples[off + i]! - mean;
      frame[i] = (x - PREEMPH * prev) * window[i]!;
      prev = x;
    }
    frame.fill(0, FRAME_LEN);
    fft.realTransform(spectrum, frame);
    for (let k = 0; k < NFFT / 2; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
    const mel = new Float32Array(AST_MEL_BINS);
    for (let m = 0; m < AST_MEL_BINS; m++) {
      const w = banks[m]!;
      let e = 0;
      for (let k = first[m]!; k < w.length; k++) e += w[k]! * power[k]!;
      mel[m] = Math.log(Math.max(e, LOG_FLOOR));
    }
    out.push(mel);
  }
  return out;
}

/** The encoder's input: [1024 × 128] row-major, padded with zeros (before normalisation) or cut. */
export function astFeatures(samples: Float32Array): Float32Array {
  const frames = kaldiFbank(samples);
  const out = new Float32Array(AST_FRAMES * AST_MEL_BINS);
  for (let t = 0; t < AST_FRAMES; t++) {
    const row = frames[t];
    for (let m = 0; m < AST_MEL_BINS; m++) out[t * AST_MEL_BINS + m] = ((row ? row[m]! : 0) - AST_MEAN) / (2 * AST_STD);
  }
  return out;
}
