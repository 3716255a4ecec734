// Runs separation and captioning jobs one at a time on the DSP worker (a caption job together
// with the queued caption jobs that can share its model run, each still a job of its own: see
// captionBatch). Jobs are rows first (so a crash or quit leaves them queued, and they resume on
// the next start), then work; results
// land in the library (stems, suggestions and beside them the segments' measured attributes) with
// the pack and provider that produced them, and any provider fallback is kept on the job. Job
// rows are written through JobWrites, so a library that another process holds locked delays the
// records but never throws into a worker callback.
// Several processes may run jobs on one library: a job is claimed in one statement, carries its
// claim's owner and a heartbeat refreshed while it runs, and its results are recorded only while
// it is still that claim's. A job whose process died is re-queued once its heartbeat has lapsed,
// by any runner: at start-up, and by an idle runner polling the queue (see jobOwner for timings).
// A runner that stops cancels its runs back to the queue, and waits for a claim in flight: a job
// claimed once it has stopped goes back to the queue too, before the library closes.
// A runner that was never started (a one-shot CLI command: runJobs false) runs only the jobs it
// queues itself, one at a time, each claimed by its id: never a job another process queued, which
// stays queued, untouched, for a studio that runs the queue. It creates each job reserved for
// itself in the same statement (queued, with its reservation owner and a heartbeat it keeps
// fresh until it claims the job), so a studio running the queue never takes it in the instant
// between creation and claim; when it stops, what it has not claimed goes to the queue, and if its
// process dies, the reservation lapses like a running job's heartbeat (see store/jobs).
// A train job (trainJob.ts) belongs to no track: it runs the Python retraining recipe and installs
// the pack it makes; its run's metrics are kept in its result.
import { StudioError } from '../../shared/errors';
import type { TrainingOutcome } from '../../shared/training';
import type { Job, JobKind } from '../../shared/types';
import type { StudioEventHub } from '../events';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import { isBusyError, withBusyRetry } from '../store/busyRetry';
import type { JobPatch, JobRecord } from '../store/jobs';
import type { Repositories, Store } from '../store/store';
import type { WorkerPool } from '../worker/pool';
import { DEFAULT_JOB_TIMING, newClaimOwner, type JobTiming } from './jobOwner';
import { sweepStemLeftovers } from '../stemFiles';
import { CaptionGroup, captionJob, claimCompanions } from './captionBatch';
import { separateJob, type JobWork } from './jobWork';
import { JobWrites } from './jobWrites';
import { Reservations } from './reservations';
import { trainJob, type TrainPayload } from './trainJob';

export interface JobPayload {
  trackId: number;
  pack?: string | null;
  ep: EpSettings;
  shifts?: number;
  segmentIds?: number[];
  numBeams?: number;
}

export interface JobRunnerDeps {
  store: Store;
  events: StudioEventHub;
  pool: WorkerPool;
  packs: PackRegistry;
  dataDir: string;
  /** Heartbeat, lapse and poll intervals (defaults: DEFAULT_JOB_TIMING; tests shorten them). */
  timing?: Partial<JobTiming>;
}

export function toJob(r: JobRecord): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    status: r.status,
    trackId: (r.payload as Partial<JobPayload>).trackId ?? null,
    progress: r.progress,
    detail: r.detail,
    error: r.error,
    fallbacks: (r.result as JobResult | null)?.fallbacks ?? [],
    ...((r.result as JobResult | null)?.training ? { training: (r.result as JobResult).training } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** What a job keeps in its `result` column. */
interface JobResult {
  /** Providers that could not run a model, and why ("webgpu: no adapter found"). */
  fallbacks?: string[];
  /** A train job's run: epochs, loss, last and best validation metrics, the installed pack. */
  training?: TrainingOutcome;
}

interface RunningJob {
  id: string;
  /** This claim's owner id, written in the job row. */
  owner: string;
  abort: AbortController;
  fallbacks: string[];
  /** A train job's run as it stands (kept in the result however the job ends). */
  training?: TrainingOutcome;
  done?: Promise<void>;
}

export class JobRunner {
  /** Jobs this runner is running now, by id: one, or a group of caption jobs sharing a model run (captionBatch). */
  private readonly running = new Map<string, RunningJob>();
  private pumping = false;
  private stopped = false;
  /** Aborted by stop(): retries of writes give up then. */
  private readonly lifetime = new AbortController();
  private readonly writes: JobWrites;
  private readonly timing: JobTiming;
  private poller: NodeJS.Timeout | undefined;
  /** A poll is reading the queue (polls never overlap). */
  private polling = false;
  /** start() was called: the runner works through the library's queue, not only its own jobs. */
  private started = false;
  /** The jobs an unstarted runner queued, run one after another (runOwn); never rejects. */
  private own: Promise<void> = Promise.resolve();
  /** The jobs an unstarted runner queued for itself and has not claimed yet. */
  private readonly reserved: Reservations;
  /** Claims in flight, each until its jobs run or go back to the queue (see landing); stop() waits for them. */
  private readonly claims = new Set<Promise<unknown>>();

  constructor(private readonly d: JobRunnerDeps) {
    this.writes = new JobWrites(d.store, (rec) => d.events.emit('jobUpdated', toJob(rec)), this.lifetime.signal);
    this.timing = { ...DEFAULT_JOB_TIMING, ...d.timing };
    this.reserved = new Reservations(this.writes, this.timing.heartbeatMs);
  }

  /**
   * Re-queues jobs whose process died (heartbeat lapsed; never one a live process runs) and starts
   * working through the queue, then polls it while idle; resolves with how many were re-queued.
   * Waits (without blocking) while another process holds the library, and never rejects: a library
   * that cannot be written is reported and the queue is not started.
   */
  async start(): Promise<number> {
    this.started = true;
    try {
      const n = await withBusyRetry(() => this.takeOverLapsed(), { maxWaitMs: Infinity, signal: this.lifetime.signal });
      if (this.stopped) return n;
      this.poller = setInterval(() => void this.poll(), this.timing.pollMs);
      this.poller.unref();
      void this.pump();
      return n;
    } catch (err) {
      if (!this.stopped) console.error(`[s2cap] job queue not started: ${(err as Error).message.split('\n')[0]}`);
      return 0;
    }
  }

  async enqueue(kind: JobKind, payload: JobPayload | TrainPayload): Promise<Job> {
    // An unstarted runner runs the job itself: created reserved for it, in the same statement (a
    // stopped one runs nothing: its job is queued for whoever runs the queue).
    const own = !this.started && !this.stopped;
    if (own) this.reserved.hold();
    let rec: JobRecord;
    try {
      rec = await withBusyRetry(() => this.d.store.jobs.create(kind, payload, own ? { owner: this.reserved.owner, now: Date.now() } : undefined), { maxWaitMs: 30_000 });
    } catch (err) {
      if (own) this.reserved.drop();
      throw err;
    }
    const job = toJob(rec);
    this.d.events.emit('jobUpdated', job);
    if (!own) void this.pump();
    else this.runOwn(job.id);
    return job;
  }

  /**
   * An unstarted runner (one-shot CLI use): runs job `id`, which it queued, after the ones it
   * queued before — claimed by its id, so no other queued job is touched. Nothing when the runner
   * stopped, or the job is no longer queued (cancelled, or claimed by a process running the queue).
   */
  private runOwn(id: string): void {
    this.own = this.own.then(async () => {
      // On a later turn: whoever queued the job gets it back (and can listen) before it runs.
      await new Promise((r) => setImmediate(r));
      if (this.stopped) return;
      try {
        const run = await this.landing(async () => {
          const owner = newClaimOwner();
          const rec = await this.writes.claimQueued(id, owner, this.reserved.owner);
          this.reserved.drop(); // claimed, or no longer queued: no longer reserved either way
          return rec ? [this.runOne(rec, owner)] : null;
        });
        await run;
      } catch (err) {
        // The library cannot be read or the job not even be marked running: say so, try later.
        if (this.stopped) return;
        console.error(`[s2cap] job ${id} not started: ${(err as Error).message.split('\n')[0]}; retrying in 5 s`);
        setTimeout(() => this.runOwn(id), 5000).unref();
      }
    });
  }

  async cancel(id: string): Promise<Job> {
    const rec = await this.d.store.jobs.get(id);
    if (!rec) throw new StudioError('NOT_FOUND', `no job ${id}`);
    if (rec.status === 'queued') {
      const cancelled = await this.writes.transition(id, { status: 'cancelled', detail: 'cancelled before it started' }, { from: 'queued', maxWaitMs: 30_000 });
      if (cancelled) return toJob(cancelled);
    }
    const mine = this.running.get(id);
    if (mine) mine.abort.abort();
    else if (rec.status === 'running') {
      // Run by another process (or one that died): its runner sees this at its next heartbeat and
      // stops, and can no longer record results (they are recorded only while the job is its claim's).
      const cancelled = await this.writes.transition(id, { status: 'cancelled', detail: 'cancelled (it was running in another process)' }, { from: 'running', maxWaitMs: 30_000 });
      if (cancelled) return toJob(cancelled);
    }
    return toJob((await this.d.store.jobs.get(id))!);
  }

  async list(trackId?: number): Promise<Job[]> {
    return (await this.d.store.jobs.list())
      .map(toJob)
      .filter((j) => trackId === undefined || j.trackId === trackId)
      .reverse();
  }

  /** Stops taking new jobs and cancels the running ones (they stay resumable: back to queued). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort('shutdown');
    // The runs end (back to the queue), and a claim in flight lands, its jobs back to the queue
    // too (runOne), while the library is still open.
    const ending = [...runs.map((r) => r.done), ...this.claims];
    if (ending.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(ending), new Promise((res) => (timer = setTimeout(res, 5000)))]);
      clearTimeout(timer);
    }
    // Jobs it queued and did not start: to the queue, for a studio that runs it.
    await this.reserved.release();
    // Whatever could not be recorded by now stays 'running' in the library and resumes on next start.
    this.lifetime.abort(new Error('the job runner stopped before the library could be written'));
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    // Start on a later turn: whoever queued the job gets it back (and can listen) before it runs.
    await new Promise((r) => setImmediate(r));
    await this.own; // one at a time: after the jobs queued before start() (runOwn)
    try {
      for (;;) {
        if (this.stopped) return;
        const run = await this.landing(async () => {
          // Claimed in one statement: another process polling the same queue gets another job.
          const owner = newClaimOwner();
          const next = await this.writes.claim(owner);
          if (!next) return null;
          // A caption job takes along the queued ones that can share its model run (captionBatch).
          const group = next.kind === 'caption' ? await claimCompanions(this.d, this.writes, next, owner) : [];
          if (group.length > 1) {
            const batch = new CaptionGroup(this.d, group);
            return group.map((m, i) => this.runOne(m.rec, m.owner, (w) => batch.work(i, w)));
          }
          return [group.length ? this.runOne(next, owner, (w) => captionJob(w, next.payload as JobPayload, group[0]!.plan)) : this.runOne(next, owner)];
        });
        if (!run) return;
        await run;
      }
    } catch (err) {
      // The library cannot be read or a job cannot even be marked running: say so and try later,
      // rather than spinning on the same job or letting the rejection take the process down.
      if (this.stopped) return;
      console.error(`[s2cap] job queue paused: ${(err as Error).message.split('\n')[0]}; retrying in 5 s`);
      setTimeout(() => void this.pump(), 5000).unref();
    } finally {
      this.pumping = false;
    }
  }

  /** Re-queues running jobs whose heartbeat has lapsed, and sweeps what their runs left on disk. */
  private async takeOverLapsed(): Promise<number> {
    const requeued = await this.d.store.jobs.requeueLapsed(Date.now() - this.timing.lapseMs);
    for (const rec of requeued) {
      this.d.events.emit('jobUpdated', toJob(rec));
      if (rec.kind === 'separate') await sweepStemLeftovers(this.d.store, this.d.dataDir, (rec.payload as JobPayload).trackId);
    }
    return requeued.length;
  }

  /**
   * While idle: takes over jobs whose process died and runs jobs other processes queued (a one-shot
   * CLI command, a studio that does not run jobs). Two reads when there is nothing to do; a busy
   * library just skips a tick.
   */
  private async poll(): Promise<void> {
    if (this.stopped || this.pumping || this.running.size || this.polling) return;
    this.polling = true;
    try {
      if (await this.d.store.jobs.hasLapsed(Date.now() - this.timing.lapseMs)) await this.takeOverLapsed();
      if (!this.stopped && (await this.d.store.jobs.hasQueued())) void this.pump();
    } catch (err) {
      if (!isBusyError(err) && !this.stopped) console.error(`[s2cap] job queue poll: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      this.polling = false;
    }
  }

  /**
   * A claim (`claim`: claims jobs and starts their runs, null when there was none), tracked from its
   * statement until its jobs run, or, when the runner stopped meanwhile, are back in the queue
   * (runOne): stop() waits for that before the library closes. Resolves with the runs' end.
   */
  private async landing(claim: () => Promise<Promise<void>[] | null>): Promise<Promise<unknown> | null> {
    const landed = claim().then(async (runs) => {
      if (runs && this.stopped) await Promise.all(runs); // handed back: part of the landing
      return runs;
    });
    this.claims.add(landed);
    try {
      const runs = await landed;
      return runs && Promise.all(runs);
    } finally {
      this.claims.delete(landed);
    }
  }

  /** Runs a claimed job; `body`: its work when not the kind's own (a member of a caption group). */
  private runOne(rec: JobRecord, owner: string, body?: (w: JobWork) => Promise<string>): Promise<void> {
    // Claimed as the runner stopped (the claim landed after stop() began, so stop() could not
    // cancel it): back to the queue, for a process that runs it, not run into a closing worker pool.
    if (this.stopped) return this.writes.handBack(rec.id, owner);
    const run: RunningJob = { id: rec.id, owner, abort: new AbortController(), fallbacks: [] };
    this.running.set(rec.id, run);
    run.done = this.work(rec, run, body).finally(() => {
      if (this.running.get(rec.id) === run) this.running.delete(rec.id);
    });
    return run.done;
  }

  /** Runs a claimed job (status 'running', owner `run.owner`) and records how it ended. */
  private async work(rec: JobRecord, run: RunningJob, body?: (w: JobWork) => Promise<string>): Promise<void> {
    const { abort, owner } = run;
    // Tell other processes this claim is alive; stop if the job is no longer this claim's.
    const beat = setInterval(() => {
      void this.writes.heartbeat(rec.id, owner).then((mine) => mine || abort.abort('lost'));
    }, this.timing.heartbeatMs);
    beat.unref();
    // Progress is throttled by JobWrites; nothing is written once the job is cancelled (a caption
    // group goes on after one of its jobs is cancelled) or has ended.
    const progress = this.writes.runProgress(rec.id, owner, abort.signal);
    const onProgress = (fraction: number, detail?: string) => progress.report(fraction, detail);
    let end: JobPatch;
    try {
      const payload = rec.payload as JobPayload;
      const w: JobWork = { d: this.d, run, onProgress, commit: (summary, fn) => this.commit(run, summary, fn), noteFallbacks: (f) => void (f?.length && run.fallbacks.push(...f)) };
      const summary = body
        ? await body(w)
        : rec.kind === 'train'
          ? await trainJob(w, rec.payload as TrainPayload, (o) => (run.training = o))
          : rec.kind === 'separate'
            ? await separateJob(w, payload)
            : await captionJob(w, payload);
      end = { status: 'done', progress: 1, detail: summary };
    } catch (err) {
      if (abort.signal.aborted) {
        const shutdown = abort.signal.reason === 'shutdown';
        end = shutdown
          ? { status: 'queued', owner: null, heartbeatAt: null, detail: 'interrupted; resumes on next start' }
          : { status: 'cancelled', detail: 'cancelled' };
      } else {
        const msg = (err as Error).message.split('\n')[0]!;
        end = { status: 'failed', error: msg, detail: msg };
      }
    } finally {
      progress.close();
      clearInterval(beat);
    }
    Object.assign(end, jobResult(run));
    try {
      // Only while the job is still this claim's; otherwise listeners learn what the row says now.
      const ended = await this.writes.transition(rec.id, end, { from: 'running', owner });
      const now = ended ? undefined : await this.d.store.jobs.get(rec.id);
      if (now) this.d.events.emit('jobUpdated', toJob(now));
    } catch (err) {
      // Only when the runner stopped or the library broke: the row stays 'running' and the job
      // runs again on next start. Listeners still learn how it ended.
      const why = (err as Error).message.split('\n')[0]!;
      console.error(`[s2cap] job ${rec.id}: could not record "${end.status}": ${why}`);
      this.d.events.emit('jobUpdated', {
        ...toJob({ ...rec, ...end, result: end.result ?? null } as JobRecord),
        detail: `${end.detail ?? end.status} (not recorded in the library: ${why})`,
        updatedAt: new Date().toISOString(),
      });
    }
  }

  /**
   * Records a job's results and marks it done in ONE write transaction (IMMEDIATE, retried while
   * another process writes), only if the job is still this claim's: one cancelled or taken over
   * elsewhere records nothing, and a crash after the commit cannot run the job again (its results
   * and its 'done' land together), so no stem or suggestion is registered twice, and no stem from
   * a swept folder. `summary` is the job's closing detail.
   */
  private commit<T>(run: RunningJob, summary: string, fn: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.d.store.transaction(
      async (tx) => {
        if (!(await tx.jobs.isRunBy(run.id, run.owner))) throw new StudioError('CONFLICT', 'the job was cancelled or taken over by another process; its results were not recorded');
        const out = await fn(tx);
        await tx.jobs.updateIf(run.id, 'running', { status: 'done', progress: 1, detail: summary, ...jobResult(run) }, run.owner);
        return out;
      },
      { signal: this.lifetime.signal },
    );
  }
}

/** The result column a job ends with: the provider fallbacks it met, and a train job's run, if any. */
const jobResult = (run: RunningJob): { result?: JobResult } =>
  run.fallbacks.length || run.training
    ? { result: { ...(run.fallbacks.length ? { fallbacks: [...new Set(run.fallbacks)] } : {}), ...(run.training ? { training: run.training } : {}) } }
    : {};
