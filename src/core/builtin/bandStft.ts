// The STFT the built-in separator (centerSeparator.ts) works in: both channels of a stereo
// segment, Hann window, hop N/4, kept only up to a top bin (the voice's band), as interleaved
// re/im Float32Arrays; and the way back, a per-bin real mask applied to both channels and
// overlap-added with the window again (weighted overlap-add, normalised by Σw²). The transforms
// are PFFFT's (realFft.ts). Hand-written because no npm STFT keeps only a band and reuses its
// buffers, and the separator's speed is mostly this loop.
import { RealFft } from './realFft';

export class BandStft {
  readonly hop: number;
  private readonly window: Float32Array;
  private readonly synthesis: Float32Array; // window / N (the inverse FFT's scale folded in)
  private norm: Float32Array | null = null;

  private constructor(
    private readonly fft: RealFft,
    /** How many bins from 0 are kept (< size / 2). */
    readonly bins: number,
  ) {
    const N = fft.size;
    this.hop = N / 4;
    this.window = Float32Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    this.synthesis = this.window.map((w) => w / N);
  }

  /** `size`: FFT length (a power of two ≥ 32); `bins`: how many bins from 0 are kept. */
  static async create(size: number, bins: number): Promise<BandStft> {
    if (bins >= size / 2) throw new Error(`BandStft keeps fewer than ${size / 2} bins`);
    return new BandStft(await RealFft.create(size), bins);
  }

  get size(): number {
    return this.fft.size;
  }

  /** Frames covering `length` samples; frame t is centred on sample t·hop. */
  frames(length: number): number {
    return Math.floor(length / this.hop) + 1;
  }

  /** Spectrograms of both channels: [frame][bin] interleaved re/im, 2·bins floats per frame. */
  forward(left: Float32Array, right: Float32Array): [Float32Array, Float32Array] {
    const { size: N, hop, bins, window, fft } = this;
    const L = left.length;
    const T = this.frames(L);
    const input = fft.input;
    const output = fft.output;
    const spectra: [Float32Array, Float32Array] = [new Float32Array(T * bins * 2), new Float32Array(T * bins * 2)];
    for (let t = 0; t < T; t++) {
      const start = t * hop - N / 2;
      for (let c = 0; c < 2; c++) {
        const x = c ? right : left;
        if (start >= 0 && start + N <= L) for (let i = 0; i < N; i++) input[i] = x[start + i]! * window[i]!;
        else
          for (let i = 0; i < N; i++) {
            const j = start + i;
            input[i] = j >= 0 && j < L ? x[j]! * window[i]! : 0;
          }
        fft.forward();
        const X = spectra[c]!;
        const o = t * bins * 2;
        X[o] = output[0]!; // DC (output[1] is the Nyquist bin, never kept)
        for (let i = 2; i < 2 * bins; i++) X[o + i] = output[i]!;
      }
    }
    return spectra;
  }

  /** Both channels' spectra masked by `mask` ([frame][bin]), back to `length` samples each. */
  inverse(XL: Float32Array, XR: Float32Array, mask: Float32Array, length: number): [Float32Array, Float32Array] {
    const { size: N, hop, bins, synthesis, fft } = this;
    const T = this.frames(length);
    const input = fft.input;
    const output = fft.output;
    input.fill(0); // bins past `bins` (and the Nyquist) stay zero
    const acc = [new Float32Array(length + N), new Float32Array(length + N)];
    for (let t = 0; t < T; t++) {
      const o = t * bins;
      let any = false;
      for (let k = 0; k < bins; k++) if (mask[o + k] !== 0) any = true;
      if (!any) continue;
      const start = t * hop; // acc is offset by N/2: frame t is centred on sample t·hop
      for (let c = 0; c < 2; c++) {
        const X = c ? XR : XL;
        input[0] = mask[o]! * X[2 * o]!;
        for (let k = 1; k < bins; k++) {
          const m = mask[o + k]!;
          input[2 * k] = m * X[2 * (o + k)]!;
          input[2 * k + 1] = m * X[2 * (o + k) + 1]!;
        }
        fft.backward();
        const a = acc[c]!;
        for (let i = 0; i < N; i++) a[start + i]! += output[i]! * synthesis[i]!;
      }
    }
    const norm = this.overlapNorm(length);
    return acc.map((a) => {
      const y = new Float32Array(length);
      for (let i = 0; i < length; i++) y[i] = a[i + N / 2]! * norm[i]!;
      return y;
    }) as [Float32Array, Float32Array];
  }

  /** 1 / Σ w² at each output sample (1/1.5 inside; the ends computed), cached per length. */
  private overlapNorm(length: number): Float32Array {
    if (this.norm?.length === length) return this.norm;
    const { size: N, hop, window } = this;
    const sum = new Float64Array(length + N);
    const T = this.frames(length);
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) sum[t * hop + i]! += window[i]! * window[i]!;
    const norm = new Float32Array(length);
    for (let i = 0; i < length; i++) norm[i] = sum[i + N / 2]! > 1e-9 ? 1 / sum[i + N / 2]! : 0;
    return (this.norm = norm);
  }
}
