// Persisted jobs, shared by every process that opens the library. A job row outlives the process
// that ran it. A process claims a queued job in one statement (so two processes never claim the
// same one), records itself as its owner and refreshes its heartbeat while it runs; a job left
// 'running' by a process that died is put back in the queue once its heartbeat has lapsed (never
// one that a live process is running), which is how long work resumes after a crash.
import crypto from 'node:crypto';
import type { Db } from './db';

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

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  payload: string;
  progress: number;
  error: string | null;
  detail: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  owner: string | null;
  heartbeat_at: number | null;
}

const toJob = (r: JobRow): JobRecord => ({
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
  heartbeatAt: r.heartbeat_at,
});

export function createJob(db: Db, kind: string, payload: unknown): JobRecord {
  const id = crypto.randomUUID();
  db.prepare(`INSERT INTO jobs (id, kind, status, payload) VALUES (?, ?, 'queued', ?)`).run(id, kind, JSON.stringify(payload));
  return getJob(db, id)!;
}

export function getJob(db: Db, id: string): JobRecord | undefined {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row && toJob(row);
}

export type JobPatch = {
  status?: JobStatus;
  progress?: number;
  error?: string | null;
  detail?: string | null;
  result?: unknown;
  owner?: string | null;
  heartbeatAt?: number | null;
};

/** Changes the given fields of a job in one statement (no read first, so no lock upgrade). */
export function updateJob(db: Db, id: string, patch: JobPatch): JobRecord {
  const rec = patchJob(db, id, null, patch);
  if (!rec) throw new Error(`job ${id} not found`);
  return rec;
}

/**
 * Changes a job only if it is still in status `from` (e.g. cancels one that has not started) and,
 * with `owner`, still run by that process (a job another process took over is left alone), in one
 * statement; undefined when it was not (or does not exist).
 */
export function updateJobIf(db: Db, id: string, from: JobStatus, patch: JobPatch, owner?: string): JobRecord | undefined {
  return patchJob(db, id, from, patch, owner);
}

function patchJob(db: Db, id: string, from: JobStatus | null, patch: JobPatch, owner?: string): JobRecord | undefined {
  const sets: string[] = [];
  const values: unknown[] = [];
  const set = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    values.push(v);
  };
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.progress !== undefined) set('progress', patch.progress);
  if (patch.error !== undefined) set('error', patch.error);
  if (patch.detail !== undefined) set('detail', patch.detail);
  if (patch.result !== undefined) set('result', patch.result === null ? null : JSON.stringify(patch.result));
  if (patch.owner !== undefined) set('owner', patch.owner);
  if (patch.heartbeatAt !== undefined) set('heartbeat_at', patch.heartbeatAt);
  sets.push("updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')");
  const where = ['id = ?', ...(from === null ? [] : ['status = ?']), ...(owner === undefined ? [] : ['owner = ?'])];
  const row = db
    .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE ${where.join(' AND ')} RETURNING *`)
    .get(...values, id, ...(from === null ? [] : [from]), ...(owner === undefined ? [] : [owner])) as JobRow | undefined;
  return row && toJob(row);
}

/**
 * Claims the oldest queued job for `owner`, in ONE statement: SQLite runs it under the write lock,
 * so two processes claiming at once get different jobs, and a job cancelled before it is claimed
 * is never claimed. Undefined when nothing is queued.
 */
export function claimNextJob(db: Db, owner: string, now: number): JobRecord | undefined {
  const row = db
    .prepare(
      `UPDATE jobs SET status = 'running', owner = ?, heartbeat_at = ?, progress = 0, detail = 'starting', error = NULL, result = NULL,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1) AND status = 'queued'
       RETURNING *`,
    )
    .get(owner, now) as JobRow | undefined;
  return row && toJob(row);
}

/** Whether a job is queued (a cheap read, so an idle process polls without writing). */
export function hasQueuedJob(db: Db): boolean {
  return db.prepare("SELECT 1 FROM jobs WHERE status = 'queued' LIMIT 1").get() !== undefined;
}

/** Says `owner` is still running job `id`; false when it no longer is (cancelled or taken over elsewhere). */
export function heartbeatJob(db: Db, id: string, owner: string, now: number): boolean {
  return db.prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND owner = ? AND status = 'running'").run(now, id, owner).changes > 0;
}

/** Whether `owner` still runs job `id` (checked inside the transaction that records its results). */
export function isJobRunBy(db: Db, id: string, owner: string): boolean {
  return db.prepare("SELECT 1 FROM jobs WHERE id = ? AND owner = ? AND status = 'running'").get(id, owner) !== undefined;
}

/** Running jobs and who runs them (the owner), to tell a live run's files from a dead one's. */
export function runningJobOwners(db: Db): Map<string, string | null> {
  const rows = db.prepare("SELECT id, owner FROM jobs WHERE status = 'running'").all() as { id: string; owner: string | null }[];
  return new Map(rows.map((r) => [r.id, r.owner]));
}

/**
 * Progress of a running job (run by `owner`, when given); a job that has ended or been taken over
 * meanwhile is left alone (returns undefined).
 */
export function updateJobProgress(db: Db, id: string, progress: number, detail: string | null, owner?: string): JobRecord | undefined {
  const row = db
    .prepare(
      `UPDATE jobs SET progress = ?, detail = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE id = ? AND status = 'running' AND (? IS NULL OR owner = ?) RETURNING *`,
    )
    .get(progress, detail, id, owner ?? null, owner ?? null) as JobRow | undefined;
  return row && toJob(row);
}

export function listJobs(db: Db, statuses?: JobStatus[]): JobRecord[] {
  const rows = (
    statuses && statuses.length
      ? db
          .prepare(`SELECT * FROM jobs WHERE status IN (${statuses.map(() => '?').join(',')}) ORDER BY created_at, id`)
          .all(...statuses)
      : db.prepare('SELECT * FROM jobs ORDER BY created_at, id').all()
  ) as JobRow[];
  return rows.map(toJob);
}

/**
 * Jobs whose process died go back to the queue: those 'running' whose heartbeat is older than
 * `lapsedBefore` (epoch ms), or that have none (a row from before heartbeats). A job a live
 * process is running (fresh heartbeat) is never touched. Returns the re-queued jobs.
 */
export function requeueLapsedJobs(db: Db, lapsedBefore: number): JobRecord[] {
  const rows = db
    .prepare(
      `UPDATE jobs SET status = 'queued', owner = NULL, heartbeat_at = NULL,
         detail = 'interrupted (its process stopped answering); queued again', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?) RETURNING *`,
    )
    .all(lapsedBefore) as JobRow[];
  return rows.map(toJob);
}

/** Whether some running job's heartbeat has lapsed (a cheap read before requeueLapsedJobs writes). */
export function hasLapsedJob(db: Db, lapsedBefore: number): boolean {
  return db.prepare("SELECT 1 FROM jobs WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?) LIMIT 1").get(lapsedBefore) !== undefined;
}
