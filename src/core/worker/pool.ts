// Runs TASKS on one background worker thread, started on first use. From source (tsx, vitest)
// the worker is the .ts file loaded through tsx; from a bundle it is dspWorker.js beside it.
// A crashed worker fails its pending tasks with a clear message and is restarted on next use.
// A task's failure arrives with the error code it raised (UNSUPPORTED stays UNSUPPORTED). A task may
// hand over parts of its result before it ends (onPartial), e.g. each file's captions.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../../shared/errors';
import type { FromWorker, TaskArgs, TaskName, TaskResult, ToWorker } from './tasks';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, detail?: string) => void;
  /** Part of the result a task hands over before it ends (TaskContext.partial), in order. */
  onPartial?: (value: unknown) => void;
}

interface Pending {
  worker: Worker;
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?: RunOptions['onProgress'];
  onPartial?: RunOptions['onPartial'];
}

function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), here.endsWith('.ts') ? 'dspWorker.dev.mjs' : 'dspWorker.js');
}

export class WorkerPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  run<T extends TaskName>(task: T, args: TaskArgs<T>, opts: RunOptions = {}): Promise<TaskResult<T>> {
    opts.signal?.throwIfAborted();
    const w = this.ensure();
    const id = this.nextId++;
    w.ref(); // keep the process alive while work is pending; unref again when idle
    return new Promise<TaskResult<T>>((resolve, reject) => {
      this.pending.set(id, { worker: w, resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress, onPartial: opts.onPartial });
      opts.signal?.addEventListener('abort', () => w.postMessage({ type: 'cancel', id } satisfies ToWorker), { once: true });
      w.postMessage({ type: 'run', id, task, args } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(workerEntry());
    w.unref();
    w.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress' || m.type === 'partial') {
        // A listener's failure is its own to report: it must never escape into this handler,
        // where it would take the whole process down.
        try {
          if (m.type === 'progress') p.onProgress?.(m.fraction, m.detail);
          else p.onPartial?.(m.value);
        } catch (err) {
          console.error(`[s2cap] ${m.type} listener failed: ${(err as Error).message}`);
        }
        return;
      }
      this.pending.delete(m.id);
      if (![...this.pending.values()].some((x) => x.worker === w)) w.unref();
      if (m.type === 'done') p.resolve(m.result);
      else {
        const err = m.aborted ? Object.assign(new Error('cancelled'), { name: 'AbortError' }) : new StudioError(m.code, m.message);
        p.reject(err);
      }
    });
    // Only this worker's tasks fail: a replacement may already be running the next job
    // (a crash emits 'error', then 'exit' a few milliseconds later).
    const fail = (reason: string) => {
      if (this.worker === w) this.worker = null;
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue;
        this.pending.delete(id);
        p.reject(new StudioError('INTERNAL', `background worker stopped: ${reason}`));
      }
    };
    w.on('error', (err) => fail(err.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }
}
