// Writes job rows on behalf of callbacks (worker progress, completion, cancellation), so that a
// library busy in another process never throws into them and never stalls the event loop.
// Progress is best effort: while the library is busy only the newest value waits for a retry and
// the UI still sees it through the event. Status transitions are retried until they land (or the
// runner stops); one that cannot be written at all is reported, never thrown into a callback.
// Claims and heartbeats (jobs shared by several processes, see jobOwner) go through here too; a
// write made for a claim names its owner, so a job another process took over is never changed.
import { isBusyError, withBusyRetry } from '../store/busyRetry';
import type { Db } from '../store/db';
import {
  claimNextJob,
  hasQueuedJob,
  heartbeatJob,
  updateJob,
  updateJobIf,
  updateJobProgress,
  type JobPatch,
  type JobRecord,
  type JobStatus,
} from '../store/jobs';

interface PendingProgress {
  owner?: string;
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

  /**
   * Claims the oldest queued job for `owner` (retried while the library is busy, until the runner
   * stops) and emits it; undefined when nothing is queued. Reads first, so an idle queue costs no write.
   */
  async claim(owner: string): Promise<JobRecord | undefined> {
    const rec = await withBusyRetry(() => (hasQueuedJob(this.db) ? claimNextJob(this.db, owner, Date.now()) : undefined), {
      maxWaitMs: Infinity,
      signal: this.stopped,
    });
    if (rec) {
      this.last.set(rec.id, rec);
      this.emit(rec);
    }
    return rec;
  }

  /**
   * Refreshes the heartbeat of the job `owner` runs, if the library lets it now (a busy library
   * just skips a beat; the lapse allows several). Never throws. False only when the job is no
   * longer this claim's: cancelled from another process, or taken over after a lapse.
   */
  heartbeat(id: string, owner: string): boolean {
    try {
      return heartbeatJob(this.db, id, owner, Date.now());
    } catch (err) {
      if (!isBusyError(err)) this.report(`job ${id}: heartbeat not recorded: ${(err as Error).message}`);
      return true;
    }
  }

  /** Records progress of a running job (of claim `owner`, when given) if the library lets it now; never throws. */
  progress(id: string, progress: number, detail: string | null, owner?: string): void {
    const waiting = this.pending.get(id);
    if (waiting) {
      // A retry is already scheduled: it will write this newer value.
      waiting.progress = progress;
      waiting.detail = detail;
      this.show(id, progress, detail);
      return;
    }
    this.tryProgress(id, owner, progress, detail, 0);
  }

  /**
   * Writes a status change, retrying while the library is busy (until it lands, the runner stops,
   * or `maxWaitMs`), and emits the row. With `from`, only a job still in that status (and with
   * `owner`, still run by that claim) is changed; undefined when it was not.
   */
  async transition(id: string, patch: JobPatch, opts: { from?: JobStatus; owner?: string; maxWaitMs?: number } = {}): Promise<JobRecord | undefined> {
    this.dropProgress(id);
    const { from, owner } = opts;
    const rec = await withBusyRetry(() => (from ? updateJobIf(this.db, id, from, patch, owner) : updateJob(this.db, id, patch)), {
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

  private tryProgress(id: string, owner: string | undefined, progress: number, detail: string | null, delayMs: number): void {
    this.pending.delete(id);
    try {
      const rec = updateJobProgress(this.db, id, progress, detail, owner);
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
        if (p?.timer === timer) this.tryProgress(id, p.owner, p.progress, p.detail, p.delayMs);
      }, next);
      timer.unref();
      this.pending.set(id, { owner, progress, detail, delayMs: next, timer });
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
