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
import { captionFiles, type FileOutcome, type FileSegments } from '../inference/caption/captionFiles';
import type { Captioner } from '../inference/caption/captioner';
import type { CaptionerSpec, SeparatorSpec } from '../inference/packs/manifest';
import { measureProviders } from '../inference/calibration';
import type { Ep } from '../inference/providers';
import { getCaptioner, getSeparator, type EpSettings } from '../inference/runtime';
import { readSpansNative } from '../inference/segmentAudio';
import { separateFile } from '../inference/separate/separateFile';

export interface TaskContext {
  signal: AbortSignal;
  progress(fraction: number, detail?: string): void;
  /** Hands over part of the result before the task ends (see RunOptions.onPartial). */
  partial?(value: unknown): void;
}

/** The partial results of captionFiles: a file's progress, or its outcome (with the providers that ran). */
export type CaptionFilesPartial =
  | { progress: { index: number; done: number; of: number; captionsPerSec: number } }
  | { file: FileOutcome; ep: Captioner['ep']; fallbacks: string[] };

export const TASKS = {
  /** Peaks of a file, encoded (see audio/peaks.ts). */
  async peaks(args: { file: string; durationSec?: number | null }, ctx: TaskContext): Promise<Uint8Array> {
    const peaks = await computePeaks(args.file, ctx.signal, (sec) => {
      if (args.durationSec) ctx.progress(Math.min(1, sec / args.durationSec));
    });
    return new Uint8Array(encodePeaks(peaks));
  },

  /**
   * Captions the segments of one or more files (the caption jobs of several tracks, a lone job, an
   * evaluation) in one run of one loaded model, batches mixing files. Each file's outcome (its
   * captions, or why it could not be read) is handed over ONCE, as a partial result ({ file }), as
   * soon as it is known, with its progress ({ progress }), so each job is recorded and shown on its
   * own and a file that cannot be read fails alone. Every file's outcome has been handed over when
   * the task ends; its result says only which providers ran.
   */
  async captionFiles(
    args: { dir: string; spec: CaptionerSpec; ep: EpSettings; files: FileSegments[]; numBeams?: number; batchSize?: number },
    ctx: TaskContext,
  ): Promise<{ ep: Captioner['ep']; fallbacks: string[] }> {
    ctx.progress(0, 'loading the model');
    const cap = await getCaptioner(args.dir, args.spec, args.ep);
    await captionFiles(cap, args.files, {
      ...args,
      signal: ctx.signal,
      progress: ctx.progress,
      fileProgress: (index, done, of, captionsPerSec) => ctx.partial?.({ progress: { index, done, of, captionsPerSec } } satisfies CaptionFilesPartial),
      fileDone: (outcome) => ctx.partial?.({ file: outcome, ep: cap.ep, fallbacks: cap.fallbacks } satisfies CaptionFilesPartial),
    });
    return { ep: cap.ep, fallbacks: cap.fallbacks };
  },

  /** Times a captioner pack's encoder and decoder on each provider that starts here (see inference/calibration). */
  async calibrate(args: { dir: string; spec: CaptionerSpec; threads: number; int8?: boolean; candidates?: Ep[]; measureCpuAlone?: boolean }, ctx: TaskContext) {
    return measureProviders(args.dir, args.spec, { ...args, progress: (detail) => ctx.progress(0, detail) });
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
  | { type: 'partial'; id: number; value: unknown }
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
