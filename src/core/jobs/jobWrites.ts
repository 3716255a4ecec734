// Writes job rows on behalf of callbacks (worker progress, completion, cancellation), so that a
// library busy in another process never throws into them and never stalls the event loop.
// Progress is best effort: while the library is busy only the newest value waits for a retry and
// the UI still sees it through the event. A run's progress is also throttled here (runProgress):
// a step of the bar (1 % or more) is written at once, so what a watcher sees is never behind the
// work; other updates (the same fraction, a new detail) at most once per 200 ms, the newest of an
// interval written when it ends, so a job's last word before a quiet step ("exporting the pack")
// is never dropped; nothing once the run is closed (cancelled or ended) or the job transitions.
// Status transitions are retried until they land (or the runner stops); one that cannot be written
// at all is reported, never thrown into a callback.
// Claims, reservations and heartbeats (jobs shared by several processes, see jobOwner) go through
// here too; a write made for a claim names its owner, so a job another process took over is never
// changed.
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

/** How often a run's progress is written at most, unless the bar moves a step (ms). */
export const PROGRESS_INTERVAL_MS = 200;
/** A move of the bar this large (a fraction of the whole) is written at once. */
export const PROGRESS_STEP = 0.01;

/** A claimed run's progress, throttled (see the header); from JobWrites.runProgress. */
export interface RunProgress {
  /** The run has done `fraction` (0..1); `detail` says what it is doing. */
  report(fraction: number, detail?: string | null): void;
  /** Nothing more is written for this run (it was cancelled or has ended); a waiting update is dropped. */
  close(): void;
}

/** The throttle of one run: when and what it last wrote, and the update waiting for the interval's end. */
interface Throttle {
  lastAt: number;
  lastFraction: number;
  trailing?: NodeJS.Timeout;
  closed: boolean;
}

export class JobWrites {
  /** Progress being written or not yet written per job, with its retry timer. */
  private readonly pending = new Map<string, PendingProgress>();
  /** The throttle of each job's open run (runProgress). */
  private readonly throttles = new Map<string, Throttle>();
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
      for (const id of [...this.pending.keys(), ...this.throttles.keys()]) this.dropProgress(id);
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
   * when it is no longer queued (claimed by another process, or cancelled) or is reserved, unless
   * by `reservedBy` (see JobsRepo.create).
   */
  async claimQueued(id: string, owner: string, reservedBy?: string): Promise<JobRecord | undefined> {
    return this.claimed(await withBusyRetry(() => this.store.jobs.claim(id, owner, Date.now(), reservedBy), { maxWaitMs: 30_000, signal: this.stopped }));
  }

  /**
   * Refreshes the heartbeat of the jobs `owner` reserved and has not claimed yet, if the library
   * lets it now (a busy library just skips a beat). Never throws.
   */
  async keepReserved(owner: string): Promise<void> {
    try {
      await this.store.jobs.keepReserved(owner, Date.now());
    } catch (err) {
      if (!isBusyError(err)) this.report(`reserved jobs: heartbeat not recorded: ${(err as Error).message}`);
    }
  }

  /**
   * Hands the jobs `owner` reserved and has not claimed to the queue (retried briefly while the
   * library is busy) and emits them. Never throws: a reservation not released lapses like a heartbeat.
   */
  async release(owner: string): Promise<void> {
    try {
      for (const rec of await withBusyRetry(() => this.store.jobs.release(owner), { maxWaitMs: 5000, signal: this.stopped })) this.emit(rec);
    } catch (err) {
      this.report(`reserved jobs not handed to the queue (they are once their heartbeat lapses): ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /**
   * Puts job `id`, just claimed by `owner` as the runner stopped, back in the queue for a process
   * that runs it (retried briefly while the library is busy, although the runner has stopped: else
   * the claim would hold the job until its heartbeat lapses) and emits it. Never throws.
   */
  async handBack(id: string, owner: string): Promise<void> {
    try {
      const rec = await withBusyRetry(() => this.store.jobs.updateIf(id, 'running', { status: 'queued', owner: null, heartbeatAt: null, progress: 0, detail: null }, owner), { maxWaitMs: 5000 });
      this.last.delete(id);
      if (rec) this.emit(rec);
    } catch (err) {
      this.report(`job ${id}: not handed back to the queue (it is once its heartbeat lapses): ${(err as Error).message.split('\n')[0]}`);
    }
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

  /**
   * The progress of job `id`'s run by claim `owner`, throttled (see the header); closed when
   * `cancelled` aborts (a caption group goes on after one of its jobs is cancelled, and a cancelled
   * recipe may still print before it exits). Until it is closed (or the job transitions) it is the
   * job's only throttle: a later run of the same job gets a new one.
   */
  runProgress(id: string, owner: string, cancelled?: AbortSignal): RunProgress {
    this.dropProgress(id);
    const t: Throttle = { lastAt: -Infinity, lastFraction: -Infinity, closed: false };
    this.throttles.set(id, t);
    const report = (fraction: number, detail?: string | null): void => {
      clearTimeout(t.trailing);
      t.trailing = undefined;
      if (t.closed) return;
      const wait = t.lastAt + PROGRESS_INTERVAL_MS - Date.now();
      // (A step is compared with a little slack: 0.03 - 0.02 is 0.0099999… in floating point.)
      if (wait > 0 && fraction < 1 && fraction - t.lastFraction < PROGRESS_STEP - 1e-9) {
        t.trailing = setTimeout(() => report(fraction, detail), wait);
        t.trailing.unref();
        return;
      }
      t.lastAt = Date.now();
      t.lastFraction = fraction;
      this.progress(id, fraction, detail ?? null, owner);
    };
    const close = () => {
      if (this.throttles.get(id) === t) this.dropProgress(id);
      else closeThrottle(t);
    };
    if (cancelled?.aborted) close();
    else cancelled?.addEventListener('abort', close, { once: true });
    return { report, close };
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

  /** Drops the progress of job `id` waiting to be written, and closes its run's throttle. */
  private dropProgress(id: string): void {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
    const t = this.throttles.get(id);
    if (t) closeThrottle(t);
    this.throttles.delete(id);
  }
}

function closeThrottle(t: Throttle): void {
  t.closed = true;
  clearTimeout(t.trailing);
  t.trailing = undefined;
}
