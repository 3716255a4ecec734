// The work that runs on the DSP worker thread, as a table of named tasks. Each takes plain
// arguments and returns structured-clone-safe results, so the same functions run inline in tests.
import type { AttributeThresholds, MeasuredAttribute, TrackAnalysis } from '../../shared/attributes';
import { StudioError, type ErrorCode } from '../../shared/errors';
import { analyzeTrack } from '../analysis/analyze';
import { measureSpans } from '../analysis/measureSpans';
import { CenterSeparator } from '../builtin/centerSeparator';
import { suggestBuiltin } from '../builtin/suggest';
import { computePeaks } from '../audio/computePeaks';
import { encodePeaks } from '../audio/peaks';
import { astFeatures } from '../inference/features/fbank';
import type { CaptionerSpec, SeparatorSpec } from '../inference/packs/manifest';
import { getCaptioner, getSeparator, type EpSettings } from '../inference/runtime';
import { readSegments, readSpansNative } from '../inference/segmentAudio';
import { separateFile } from '../inference/separate/separateFile';

export interface TaskContext {
  signal: AbortSignal;
  progress(fraction: number, detail?: string): void;
}

export const TASKS = {
  /** Peaks of a file, encoded (see audio/peaks.ts). */
  async peaks(args: { file: string; durationSec?: number | null }, ctx: TaskContext): Promise<Uint8Array> {
    const peaks = await computePeaks(args.file, ctx.signal, (sec) => {
      if (args.durationSec) ctx.progress(Math.min(1, sec / args.durationSec));
    });
    return new Uint8Array(encodePeaks(peaks));
  },

  /** Captions segments of one file with a captioner pack, in batches. */
  async caption(
    args: { dir: string; spec: CaptionerSpec; ep: EpSettings; file: string; segments: { startSec: number; endSec: number }[]; numBeams?: number; batchSize?: number },
    ctx: TaskContext,
  ) {
    const n = args.segments.length;
    ctx.progress(0, 'loading the model');
    const cap = await getCaptioner(args.dir, args.spec, args.ep);
    ctx.progress(0, 'reading audio');
    const audio = await readSegments(args.file, args.segments, ctx.signal);
    const batch = Math.max(1, args.batchSize ?? 4);
    const out: { text: string; score: number; tokenLogprobs: number[]; ms: number }[] = [];
    let ep = cap.ep;
    const featuresOf = (from: number) => audio.slice(from, from + batch).map(astFeatures);
    let next = n ? featuresOf(0) : [];
    const started = performance.now();
    for (let i = 0; i < n; i += batch) {
      ctx.signal.throwIfAborted();
      const features = next;
      // Say which segments are being captioned now, not only after each batch.
      ctx.progress(i / n, features.length > 1 ? `segments ${i + 1}–${i + features.length}/${n}` : `segment ${i + 1}/${n}`);
      const running = cap.caption(features, { numBeams: args.numBeams });
      // onnxruntime runs the model on its own threads: the next batch's features are computed here meanwhile.
      next = i + batch < n ? featuresOf(i + batch) : [];
      const res = await running;
      ep = res.ep;
      for (const c of res.captions) out.push({ text: c.text, score: c.score, tokenLogprobs: c.tokenLogprobs, ms: res.ms.total / features.length });
      const rate = out.length / Math.max(1e-3, (performance.now() - started) / 1000);
      ctx.progress(Math.min(1, (i + features.length) / n), `captioned ${i + features.length}/${n} · ${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)} captions/s`);
    }
    return { captions: out, ep, fallbacks: cap.fallbacks };
  },

  /** The built-in suggester over several segments (measured attributes → template caption). */
  async suggestBuiltin(
    args: {
      file: string;
      vocalsFile: string | null;
      genre: string | null;
      segments: { startSec: number; endSec: number }[];
      thresholds?: AttributeThresholds;
      knownGenders?: (string | null)[];
    },
    ctx: TaskContext,
  ) {
    const t0 = performance.now();
    const out = await suggestBuiltin({ ...args, spans: args.segments }, ctx.signal, (step) =>
      'reading' in step ? ctx.progress(0, 'reading audio') : ctx.progress(step.segment / step.of, `segment ${step.segment + 1}/${step.of}`),
    );
    ctx.progress(1, `captioned ${out.length}/${out.length}`);
    const ms = (performance.now() - t0) / Math.max(1, out.length);
    return out.map((s) => ({ ...s, ms }));
  },

  /** The measured attributes of segments of a file (pitch, vibrato and timbre from the vocals file when given). */
  async measure(
    args: { file: string; vocalsFile: string | null; segments: { startSec: number; endSec: number }[]; thresholds?: AttributeThresholds; knownGenders?: (string | null)[] },
    ctx: TaskContext,
  ): Promise<MeasuredAttribute[][]> {
    const n = args.segments.length;
    const out = await measureSpans({ ...args, spans: args.segments }, ctx.signal, (step) =>
      'reading' in step ? ctx.progress(0, 'reading audio') : ctx.progress(step.segment / step.of, `measuring segment ${step.segment + 1}/${step.of}`),
    );
    ctx.progress(1, `measured ${n}/${n}`);
    return out.map((m) => m.attributes);
  },

  /** A whole track's evidence (pitch contour, beats, loudness, vocal activity and proposed segments). */
  async analyzeTrack(args: { file: string; vocalsFile: string | null }, ctx: TaskContext): Promise<Omit<TrackAnalysis, 'trackId'>> {
    ctx.progress(0, 'reading audio');
    const [mix] = await readSpansNative(args.file, [{ startSec: 0 }], ctx.signal);
    const vocals = args.vocalsFile ? (await readSpansNative(args.vocalsFile, [{ startSec: 0 }], ctx.signal))[0]! : null;
    ctx.signal.throwIfAborted();
    ctx.progress(0.5, 'analysing');
    const out = analyzeTrack({ mix: mix!, vocals });
    ctx.progress(1, 'analysed');
    return out;
  },

  /** Separates a file into stem files in outDir. */
  async separate(args: { dir: string | null; spec: SeparatorSpec | null; ep: EpSettings; file: string; outDir: string; shifts?: number }, ctx: TaskContext) {
    // No pack: the built-in classical separator (centre extraction + REPET).
    const sep = args.dir && args.spec ? await getSeparator(args.dir, args.spec, args.ep) : new CenterSeparator();
    const res = await separateFile(args.file, sep, { outDir: args.outDir, shifts: args.shifts, signal: ctx.signal, onProgress: (f, d) => ctx.progress(f, d) });
    return { ...res, ep: sep.ep, fallbacks: sep.fallbacks };
  },
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskArgs<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskResult<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;

export type ToWorker =
  | { type: 'run'; id: number; task: TaskName; args: unknown }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'progress'; id: number; fraction: number; detail?: string }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; aborted: boolean; code: ErrorCode };

/**
 * A StudioError keeps its code; a programming error (TypeError, ReferenceError) is INTERNAL;
 * anything else is IO — including RangeError, which wasm decoders and typed arrays throw on
 * corrupt input (a bad file, not a bug).
 */
export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof StudioError) return err.code;
  if (err instanceof TypeError || err instanceof ReferenceError) return 'INTERNAL';
  return 'IO';
}
