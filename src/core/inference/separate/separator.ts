// A loaded separator pack: one fixed-length segment in, stems out. Two export layouts:
// - waveform: mix [1, 2, L] → stems [1, S, 2, L];
// - htdemucs: waveform [1, 2, L] and its complex-as-channels spectrogram [1, 4, 2048, T] in, a
//   frequency branch ([1, S, 4, 2048, T] or [1, S·4, 2048, T]) and a time branch [1, S, 2, L]
//   out; each stem is time + iSTFT(frequency), with the STFT/iSTFT done here (stft.ts).
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { SeparatorSpec } from '../packs/manifest';
import { openSession, type Ep, type EpChoice } from '../providers';
import type { RunSegment } from './overlapAdd';
import { FREQ_BINS, htdemucsIspec, htdemucsSpec, type Spec } from './stft';

export class Separator {
  /** Milliseconds inside session.run. */
  runMs = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly spec: SeparatorSpec,
    readonly ep: Ep,
    readonly fallbacks: string[],
  ) {}

  static async load(dir: string, spec: SeparatorSpec, opts: { ep?: EpChoice; threads?: number } = {}): Promise<Separator> {
    const s = await openSession(path.join(dir, spec.model), { ep: opts.ep ?? 'auto', kind: 'separator', threads: opts.threads });
    return new Separator(s.session, spec, s.ep, s.fallbacks);
  }

  get sources(): string[] {
    return this.spec.sources;
  }

  readonly runSegment: RunSegment = async (segment) => {
    const L = this.spec.segmentSamples;
    const S = this.spec.sources.length;
    const wave = new Float32Array(2 * L);
    wave.set(segment[0]!, 0);
    wave.set(segment[1]!, L);
    const waveTensor = new ort.Tensor('float32', wave, [1, 2, L]);
    const t0 = performance.now();
    if (this.spec.kind === 'waveform') {
      const out = await this.session.run({ [this.spec.inputs.waveform!]: waveTensor });
      this.runMs += performance.now() - t0;
      const data = out[this.spec.outputs.stems!]!.data as Float32Array;
      return Array.from({ length: S }, (_, s) => [0, 1].map((c) => data.slice((s * 2 + c) * L, (s * 2 + c + 1) * L)));
    }
    const specs = segment.map((ch) => htdemucsSpec(ch));
    const T = specs[0]!.frames;
    const x = new Float32Array(4 * FREQ_BINS * T);
    specs.forEach((sp, c) => {
      x.set(sp.re, (2 * c) * FREQ_BINS * T);
      x.set(sp.im, (2 * c + 1) * FREQ_BINS * T);
    });
    const out = await this.session.run({
      [this.spec.inputs.waveform!]: waveTensor,
      [this.spec.inputs.spectrogram!]: new ort.Tensor('float32', x, [1, 4, FREQ_BINS, T]),
    });
    this.runMs += performance.now() - t0;
    const freq = out[this.spec.outputs.frequency!]!.data as Float32Array; // [S][4][F][T] either way
    const time = out[this.spec.outputs.time!]!.data as Float32Array; // [S][2][L]
    const plane = FREQ_BINS * T;
    return Array.from({ length: S }, (_, s) =>
      [0, 1].map((c) => {
        const base = (s * 4 + 2 * c) * plane;
        const sp: Spec = { frames: T, re: freq.subarray(base, base + plane), im: freq.subarray(base + plane, base + 2 * plane) };
        const y = htdemucsIspec(sp, L);
        const t = time.subarray((s * 2 + c) * L, (s * 2 + c + 1) * L);
        for (let i = 0; i < L; i++) y[i]! += t[i]!;
        return y;
      }),
    );
  };
}
