// The work that runs on the DSP worker thread, as a table of named tasks. Each takes plain
// arguments and returns structured-clone-safe results, so the same functions run inline in tests.
import { computePeaks } from '../audio/computePeaks';
import { encodePeaks } from '../audio/peaks';

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
  | { type: 'error'; id: number; message: string; aborted: boolean };
