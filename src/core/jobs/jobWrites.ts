// Writes job rows on behalf of callbacks (worker progress, completion, cancellation), so that a
// library busy in another process never throws into them and never stalls the event loop.
// Progress is best effort: while the library is busy only the newest value waits for a retry and
// the UI still sees it through the event. Status transitions are retried until they land (or the
// runner stops); one that cannot be written at all is reported, never thrown into a callback.
import { isBusyError, withBusyRetry } from '../store/busyRetry';
import type { Db } from '../store/db';
import { updateJob, updateJobIf, updateJobProgress, type JobPatch, type JobRecord, type JobStatus } from '../store/jobs';

interface PendingProgress {
  progress: number;
  detail: string | null;
  delayMs: number;
  timer: NodeJS.Timeout;
}

export class JobWrites {
  /** Newest progress not yet written per job, with its retry timer. */
  private readonly pending = new Map<string, PendingProgress>();
  /** Last row written per running job, to show progress while the library is busy. */
  private readonly last = new Map<string, JobRecord>();

  /** `stopped` aborts when the runner stops: pending progress is dropped and waiting transitions reject. */
  constructor(
    private readonly db: Db,
    private readonly emit: (job: JobRecord) => void,
    private readonly stopped: AbortSignal,
    private readonly report: (line: string) => void = (line) => console.error(`[s2cap] ${line}`),
  ) {
    stopped.addEventListener('abort', () => {
      for (const id of [...this.pending.keys()]) this.dropProgress(id);
    });
  }

  /** Records progress of a running job if the library lets it now; never throws. */
  progress(id: string, progress: number, detail: string | null): void {
    const waiting = this.pending.get(id);
    if (waiting) {
      // A retry is already scheduled: it will write this newer value.
      waiting.progress = progress;
      waiting.detail = detail;
      this.show(id, progress, detail);
      return;
    }
    this.tryProgress(id, progress, detail, 0);
  }

  /**
   * Writes a status change, retrying while the library is busy (until it lands, the runner stops,
   * or `maxWaitMs`), and emits the row. With `from`, only a job still in that status is changed;
   * undefined when it was not.
   */
  async transition(id: string, patch: JobPatch, opts: { from?: JobStatus; maxWaitMs?: number } = {}): Promise<JobRecord | undefined> {
    this.dropProgress(id);
    const rec = await withBusyRetry(() => (opts.from ? updateJobIf(this.db, id, opts.from, patch) : updateJob(this.db, id, patch)), {
      maxWaitMs: opts.maxWaitMs ?? Infinity,
      signal: this.stopped,
      onBusy: (n) => n === 1 && this.report(`job ${id}: the library is busy (another process is writing); "${patch.status ?? 'update'}" will be recorded when it is free`),
    });
    if (!rec) return undefined;
    if (rec.status === 'running') this.last.set(id, rec);
    else this.last.delete(id);
    this.emit(rec);
    return rec;
  }

  private tryProgress(id: string, progress: number, detail: string | null, delayMs: number): void {
    this.pending.delete(id);
    try {
      const rec = updateJobProgress(this.db, id, progress, detail);
      if (rec) {
        this.last.set(id, rec);
        this.emit(rec);
      }
    } catch (err) {
      if (!isBusyError(err)) {
        this.report(`job ${id}: progress not recorded: ${(err as Error).message}`);
        return;
      }
      if (this.stopped.aborted) return;
      const next = Math.min(1000, delayMs ? delayMs * 2 : 50);
      const timer = setTimeout(() => {
        const p = this.pending.get(id);
        if (p?.timer === timer) this.tryProgress(id, p.progress, p.detail, p.delayMs);
      }, next);
      timer.unref();
      this.pending.set(id, { progress, detail, delayMs: next, timer });
      this.show(id, progress, detail);
    }
  }

  /** Tells listeners about progress that could not be written yet. */
  private show(id: string, progress: number, detail: string | null): void {
    const last = this.last.get(id);
    if (last) this.emit({ ...last, progress, detail, updatedAt: new Date().toISOString() });
  }

  private dropProgress(id: string): void {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
  }
}
