// Persisted jobs, shared by every process that opens the library. A job row outlives the process
// that ran it. A process claims a queued job in one statement (so two processes never claim the
// same one), records itself as its owner and refreshes its heartbeat while it runs; a job left
// 'running' by a process that died is put back in the queue once its heartbeat has lapsed (never
// one that a live process is running), which is how long work resumes after a crash.
// A job may also be created reserved: queued, but with an owner and a heartbeat (a one-shot runner
// that runs only the jobs it queues, see jobs/jobRunner), so no other process claims it in the
// instant before its creator does; a reservation whose heartbeat lapses is released to the queue
// like a running job's.
import crypto from 'node:crypto';
import type { ExpressionBuilder, Selectable, Updateable } from 'kysely';
import { changed, nowIso, type RepoContext } from './repoContext';
import type { Database, JobsTable } from './schema';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  payload: unknown;
  progress: number;
  error: string | null;
  detail: string | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
  /** The process running (or that last ran) the job: "<host>:<pid>:<token>"; null if never claimed. */
  owner: string | null;
  /** When the owner last said it is alive (epoch ms); null if never claimed. */
  heartbeatAt: number | null;
}

const toJob = (r: Selectable<JobsTable>): JobRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  payload: JSON.parse(r.payload),
  progress: r.progress,
  error: r.error,
  detail: r.detail,
  result: r.result === null ? null : JSON.parse(r.result),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  owner: r.owner,
  heartbeatAt: r.heartbeat_at === null ? null : Number(r.heartbeat_at),
});

export type JobPatch = {
  status?: JobStatus;
  progress?: number;
  error?: string | null;
  detail?: string | null;
  result?: unknown;
  owner?: string | null;
  heartbeatAt?: number | null;
};

function toSet(patch: JobPatch): Updateable<JobsTable> {
  const set: Updateable<JobsTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.progress !== undefined) set.progress = patch.progress;
  if (patch.error !== undefined) set.error = patch.error;
  if (patch.detail !== undefined) set.detail = patch.detail;
  if (patch.result !== undefined) set.result = patch.result === null ? null : JSON.stringify(patch.result);
  if (patch.owner !== undefined) set.owner = patch.owner;
  if (patch.heartbeatAt !== undefined) set.heartbeat_at = patch.heartbeatAt;
  set.updated_at = nowIso();
  return set;
}

/** What a claim writes: running, by `owner`, heartbeat now, a fresh start (claimNext and claim). */
const claimed = (owner: string, now: number): JobPatch => ({ status: 'running', owner, heartbeatAt: now, progress: 0, detail: 'starting', error: null, result: null });

type JobsWhere = ExpressionBuilder<Database, 'jobs'>;
/** A job anyone may claim: queued, and not reserved (see create). */
const claimable = (eb: JobsWhere) => eb.and([eb('status', '=', 'queued'), eb('owner', 'is', null)]);
/** A heartbeat older than `before` (epoch ms), or none (a row from before heartbeats). */
const lapsed = (before: number) => (eb: JobsWhere) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', before)]);

export class JobsRepo {
  constructor(private readonly c: RepoContext) {}

  /**
   * A queued job. With `reserve`, reserved in the same statement for `reserve.owner` (heartbeat
   * `reserve.now`): no claim but that owner's (claim with `reservedBy`) takes it, and no other
   * process sees it queued, until the reservation is released or its heartbeat lapses.
   */
  async create(kind: string, payload: unknown, reserve?: { owner: string; now: number }): Promise<JobRecord> {
    const row = await this.c.db
      .insertInto('jobs')
      .values({ id: crypto.randomUUID(), kind, status: 'queued', payload: JSON.stringify(payload), error: null, result: null, detail: null, owner: reserve?.owner ?? null, heartbeat_at: reserve?.now ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(row);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.c.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  /** Changes the given fields of a job in one statement (no read first, so no lock upgrade). */
  async update(id: string, patch: JobPatch): Promise<JobRecord> {
    const rec = await this.patch(id, null, patch);
    if (!rec) throw new Error(`job ${id} not found`);
    return rec;
  }

  /**
   * Changes a job only if it is still in status `from` (e.g. cancels one that has not started) and,
   * with `owner`, still run by that process (a job another process took over is left alone), in one
   * statement; undefined when it was not (or does not exist).
   */
  updateIf(id: string, from: JobStatus, patch: JobPatch, owner?: string): Promise<JobRecord | undefined> {
    return this.patch(id, from, patch, owner);
  }

  private async patch(id: string, from: JobStatus | null, patch: JobPatch, owner?: string): Promise<JobRecord | undefined> {
    const row = await this.c.db
      .updateTable('jobs')
      .set(toSet(patch))
      .where('id', '=', id)
      .$if(from !== null, (q) => q.where('status', '=', from!))
      .$if(owner !== undefined, (q) => q.where('owner', '=', owner!))
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  /**
   * Claims the oldest queued job for `owner`, in ONE statement: SQLite runs it under the write lock,
   * and PostgreSQL picks the row with FOR UPDATE SKIP LOCKED, so two processes claiming at once get
   * different jobs, and a job cancelled before it is claimed is never claimed. A reserved job is
   * never taken (see create). Undefined when nothing is queued.
   */
  async claimNext(owner: string, now: number): Promise<JobRecord | undefined> {
    const pg = this.c.dialect === 'postgres';
    const row = await this.c.db
      .updateTable('jobs')
      .set(toSet(claimed(owner, now)))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where(claimable)
          .orderBy('created_at')
          .orderBy('id')
          .limit(1)
          .$if(pg, (q) => q.forUpdate().skipLocked()),
      )
      .where(claimable)
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  /**
   * Claims queued job `id` for `owner` in ONE statement (a runner taking jobs that can share a model
   * run with the one it claimed, see jobs/captionBatch; a one-shot runner taking a job it queued):
   * undefined when it is no longer queued (another process claimed it, or it was cancelled) or is
   * reserved by someone other than `reservedBy`. On PostgreSQL a concurrent claim of the same row
   * waits for this one and then finds it no longer queued.
   */
  async claim(id: string, owner: string, now: number, reservedBy?: string): Promise<JobRecord | undefined> {
    const row = await this.c.db
      .updateTable('jobs')
      .set(toSet(claimed(owner, now)))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where((eb) => (reservedBy === undefined ? eb('owner', 'is', null) : eb.or([eb('owner', 'is', null), eb('owner', '=', reservedBy)])))
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  /** Queued jobs of one kind that anyone may claim (not reserved), oldest first, at most `limit` (candidates for claim). */
  async queued(kind: string, limit: number): Promise<JobRecord[]> {
    const rows = await this.c.db
      .selectFrom('jobs')
      .selectAll()
      .where(claimable)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /** Whether a job anyone may claim is queued (a cheap read, so an idle process polls without writing). */
  async hasQueued(): Promise<boolean> {
    return (await this.c.db.selectFrom('jobs').select('id').where(claimable).limit(1).executeTakeFirst()) !== undefined;
  }

  /** Says `owner` is still there to run the jobs it reserved (see create); how many it holds. */
  async keepReserved(owner: string, now: number): Promise<number> {
    const r = await this.c.db.updateTable('jobs').set({ heartbeat_at: now }).where('status', '=', 'queued').where('owner', '=', owner).executeTakeFirst();
    return changed(r);
  }

  /** Hands the jobs `owner` reserved and has not claimed to the queue, for any runner (its process ends). */
  async release(owner: string): Promise<JobRecord[]> {
    const rows = await this.c.db
      .updateTable('jobs')
      .set({ owner: null, heartbeat_at: null, updated_at: nowIso() })
      .where('status', '=', 'queued')
      .where('owner', '=', owner)
      .returningAll()
      .execute();
    return rows.map(toJob);
  }

  /** Says `owner` is still running job `id`; false when it no longer is (cancelled or taken over elsewhere). */
  async heartbeat(id: string, owner: string, now: number): Promise<boolean> {
    const r = await this.c.db
      .updateTable('jobs')
      .set({ heartbeat_at: now })
      .where('id', '=', id)
      .where('owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return changed(r) > 0;
  }

  /** Whether `owner` still runs job `id` (checked inside the transaction that records its results). */
  async isRunBy(id: string, owner: string): Promise<boolean> {
    const q = this.c.db.selectFrom('jobs').select('id').where('id', '=', id).where('owner', '=', owner).where('status', '=', 'running');
    // PostgreSQL: hold the row until the results are committed, so a cancel waits for them.
    return (await (this.c.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst()) !== undefined;
  }

  /** Running jobs and who runs them (the owner), to tell a live run's files from a dead one's. */
  async runningOwners(): Promise<Map<string, string | null>> {
    const rows = await this.c.db.selectFrom('jobs').select(['id', 'owner']).where('status', '=', 'running').execute();
    return new Map(rows.map((r) => [r.id, r.owner]));
  }

  /**
   * Progress of a running job (run by `owner`, when given); a job that has ended or been taken over
   * meanwhile is left alone (returns undefined).
   */
  async updateProgress(id: string, progress: number, detail: string | null, owner?: string): Promise<JobRecord | undefined> {
    const row = await this.c.db
      .updateTable('jobs')
      .set({ progress, detail, updated_at: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .$if(owner !== undefined, (q) => q.where('owner', '=', owner!))
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  async list(statuses?: JobStatus[]): Promise<JobRecord[]> {
    const rows = await this.c.db
      .selectFrom('jobs')
      .selectAll()
      .$if(!!statuses?.length, (q) => q.where('status', 'in', statuses!))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toJob);
  }

  /**
   * Jobs whose process died go back to the queue: those 'running' whose heartbeat is older than
   * `lapsedBefore` (epoch ms), or that have none (a row from before heartbeats). A job a live
   * process is running (fresh heartbeat) is never touched. Reservations (see create) whose
   * heartbeat lapsed are released the same way: their creator died before it ran them. Returns the
   * re-queued and released jobs.
   */
  async requeueLapsed(lapsedBefore: number): Promise<JobRecord[]> {
    const rows = await this.c.db
      .updateTable('jobs')
      .set({ status: 'queued', owner: null, heartbeat_at: null, detail: 'interrupted (its process stopped answering); queued again', updated_at: nowIso() })
      .where('status', '=', 'running')
      .where(lapsed(lapsedBefore))
      .returningAll()
      .execute();
    const released = await this.c.db
      .updateTable('jobs')
      .set({ owner: null, heartbeat_at: null, updated_at: nowIso() })
      .where('status', '=', 'queued')
      .where('owner', 'is not', null)
      .where(lapsed(lapsedBefore))
      .returningAll()
      .execute();
    return [...rows, ...released].map(toJob);
  }

  /** Whether some running job's heartbeat (or a reservation's) has lapsed (a cheap read before requeueLapsed writes). */
  async hasLapsed(lapsedBefore: number): Promise<boolean> {
    const row = await this.c.db
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'queued'), eb('owner', 'is not', null)])]))
      .where(lapsed(lapsedBefore))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
