// The built-in separator: classical centre-channel vocal isolation, for when no separator pack
// is installed. Lead vocals are usually mixed to the centre; per STFT bin, the more alike the
// left and right channels are (in amplitude and phase), the more of the bin is taken as vocals,
// within the voice's band. Needs a stereo mix; the rest of the mix is the accompaniment.
// It runs through the same chunked pipeline as model separators (separateFile).
import FFT from 'fft.js';
import type { SeparatorSpec } from '../inference/packs/manifest';
import type { RunSegment } from '../inference/separate/overlapAdd';

export const BUILTIN_SEPARATOR = 'built-in separator';
const N = 2048;
const HOP = 512;
const SEGMENT = 44100 * 10;
const LOW_HZ = 90;
const HIGH_HZ = 9000;
const SHARPNESS = 6;

export class CenterSeparator {
  readonly ep = 'cpu' as const;
  readonly needsStereo = `the ${BUILTIN_SEPARATOR} isolates centre-panned vocals and needs a stereo mix; install a separator pack for mono recordings`;
  readonly fallbacks: string[] = [];
  runMs = 0;
  readonly spec: SeparatorSpec = {
    kind: 'waveform',
    model: '(built-in)',
    sampleRate: 44100,
    channels: 2,
    segmentSamples: SEGMENT,
    sources: ['vocals', 'accompaniment'],
    inputs: {},
    outputs: {},
  };
  private readonly fft = new FFT(N);
  private readonly window = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));

  get sources(): string[] {
    return this.spec.sources;
  }

  readonly runSegment: RunSegment = async ([left, right]) => {
    const t0 = performance.now();
    const L = left!.length;
    const vocals = [new Float64Array(L + N), new Float64Array(L + N)];
    const norm = new Float64Array(L + N);
    const fl = this.fft.createComplexArray();
    const fr = this.fft.createComplexArray();
    const spec = this.fft.createComplexArray();
    const back = this.fft.createComplexArray();
    const frame = new Float64Array(N);
    const lowBin = Math.floor((LOW_HZ * N) / 44100);
    const highBin = Math.ceil((HIGH_HZ * N) / 44100);
    const pad = N / 2;
    for (let start = -pad; start < L; start += HOP) {
      const read = (ch: Float32Array, out: number[]) => {
        for (let i = 0; i < N; i++) {
          const j = start + i;
          frame[i] = (j >= 0 && j < L ? ch[j]! : 0) * this.window[i]!;
        }
        this.fft.realTransform(out, frame);
        this.fft.completeSpectrum(out);
      };
      read(left!, fl);
      read(right!, fr);
      spec.fill(0);
      for (let k = lowBin; k <= highBin; k++) {
        const lr = fl[2 * k]!, li = fl[2 * k + 1]!, rr = fr[2 * k]!, ri = fr[2 * k + 1]!;
        const power = lr * lr + li * li + rr * rr + ri * ri;
        if (power < 1e-12) continue;
        const similarity = Math.max(0, (2 * (lr * rr + li * ri)) / power); // 1 = identical in both channels
        const m = similarity ** SHARPNESS;
        const cr = (m * (lr + rr)) / 2;
        const ci = (m * (li + ri)) / 2;
        spec[2 * k] = cr;
        spec[2 * k + 1] = ci;
        if (k > 0) {
          spec[2 * (N - k)] = cr;
          spec[2 * (N - k) + 1] = -ci;
        }
      }
      this.fft.inverseTransform(back, spec);
      for (let i = 0; i < N; i++) {
        const j = start + pad + i;
        const w = this.window[i]!;
        vocals[0]![j]! += back[2 * i]! * w;
        norm[j]! += w * w;
      }
    }
    const v = new Float32Array(L);
    for (let i = 0; i < L; i++) v[i] = norm[i + pad]! > 1e-9 ? vocals[0]![i + pad]! / norm[i + pad]! : 0;
    const accL = Float32Array.from(left!, (x, i) => x - v[i]!);
    const accR = Float32Array.from(right!, (x, i) => x - v[i]!);
    this.runMs += performance.now() - t0;
    return [
      [v, Float32Array.from(v)],
      [accL, accR],
    ];
  };
}
