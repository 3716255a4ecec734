// Writes job rows on behalf of callbacks (worker progress, completion, cancellation), so that a
// library busy in another process never throws into them and never stalls the event loop.
// Progress is best effort: while the library is busy only the newest value waits for a retry and
// the UI still sees it through the event. Status transitions are retried until they land (or the
// runner stops); one that cannot be written at all is reported, never thrown into a callback.
// Claims and heartbeats (jobs shared by several processes, see jobOwner) go through here too; a
// write made for a claim names its owner, so a job another process took over is never changed.
import { isBusyError, withBusyRetry } from '../store/busyRetry';
import type { JobPatch, JobRecord, JobStatus } from '../store/jobs';
import type { Store } from '../store/store';

/** Progress of one job being written (or waiting for a retry); the newest value wins. */
interface PendingProgress {
  owner?: string;
  progress: number;
  detail: string | null;
  /** A newer value arrived while a write was in flight: write again when it ends. */
  dirty: boolean;
  delayMs: number;
  timer?: NodeJS.Timeout;
}

export class JobWrites {
  /** Progress being written or not yet written per job, with its retry timer. */
  private readonly pending = new Map<string, PendingProgress>();
  /** Last row written per running job, to show progress while the library is busy. */
  private readonly last = new Map<string, JobRecord>();

  /** `stopped` aborts when the runner stops: pending progress is dropped and waiting transitions reject. */
  constructor(
    private readonly store: Store,
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
    const rec = await withBusyRetry(async () => ((await this.store.jobs.hasQueued()) ? this.store.jobs.claimNext(owner, Date.now()) : undefined), {
      maxWaitMs: Infinity,
      signal: this.stopped,
    });
    return this.claimed(rec);
  }

  /**
   * Claims queued job `id` for `owner` (retried while the library is busy) and emits it; undefined
   * when it is no longer queued (claimed by another process, or cancelled).
   */
  async claimQueued(id: string, owner: string): Promise<JobRecord | undefined> {
    return this.claimed(await withBusyRetry(() => this.store.jobs.claim(id, owner, Date.now()), { maxWaitMs: 30_000, signal: this.stopped }));
  }

  /** A job just claimed (if any): kept as its last row, and emitted. */
  private claimed(rec: JobRecord | undefined): JobRecord | undefined {
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
  async heartbeat(id: string, owner: string): Promise<boolean> {
    try {
      return await this.store.jobs.heartbeat(id, owner, Date.now());
    } catch (err) {
      if (!isBusyError(err)) this.report(`job ${id}: heartbeat not recorded: ${(err as Error).message}`);
      return true;
    }
  }

  /** Records progress of a running job (of claim `owner`, when given) as soon as the library lets it; never throws. */
  progress(id: string, progress: number, detail: string | null, owner?: string): void {
    const waiting = this.pending.get(id);
    if (waiting) {
      // A write is in flight or a retry is scheduled: it will write this newer value.
      waiting.progress = progress;
      waiting.detail = detail;
      waiting.dirty = true;
      this.show(id, progress, detail);
      return;
    }
    const p: PendingProgress = { owner, progress, detail, dirty: false, delayMs: 0 };
    this.pending.set(id, p);
    void this.writeProgress(id, p);
  }

  /**
   * Writes a status change, retrying while the library is busy (until it lands, the runner stops,
   * or `maxWaitMs`), and emits the row. With `from`, only a job still in that status (and with
   * `owner`, still run by that claim) is changed; undefined when it was not.
   */
  async transition(id: string, patch: JobPatch, opts: { from?: JobStatus; owner?: string; maxWaitMs?: number } = {}): Promise<JobRecord | undefined> {
    this.dropProgress(id);
    const { from, owner } = opts;
    const rec = await withBusyRetry(() => (from ? this.store.jobs.updateIf(id, from, patch, owner) : this.store.jobs.update(id, patch)), {
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

  /** Writes `p` (the pending progress of job `id`); a transition meanwhile drops it (never emitted after). */
  private async writeProgress(id: string, p: PendingProgress): Promise<void> {
    p.timer = undefined;
    p.dirty = false;
    try {
      const rec = await this.store.jobs.updateProgress(id, p.progress, p.detail, p.owner);
      if (this.pending.get(id) !== p) return;
      if (rec) {
        this.last.set(id, rec);
        this.emit(rec);
      }
      if (p.dirty) void this.writeProgress(id, p);
      else this.pending.delete(id);
    } catch (err) {
      if (this.pending.get(id) !== p) return;
      if (!isBusyError(err) || this.stopped.aborted) {
        if (!isBusyError(err)) this.report(`job ${id}: progress not recorded: ${(err as Error).message}`);
        this.pending.delete(id);
        return;
      }
      p.delayMs = Math.min(1000, p.delayMs ? p.delayMs * 2 : 50);
      const timer = setTimeout(() => {
        if (this.pending.get(id) === p && p.timer === timer) void this.writeProgress(id, p);
      }, p.delayMs);
      timer.unref();
      p.timer = timer;
      this.show(id, p.progress, p.detail);
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
