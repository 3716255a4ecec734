// Persisted jobs. A job row outlives the process that ran it: on start-up, jobs left 'running'
// by a crash are put back in the queue, which is how long work resumes after a restart.
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

export type JobPatch = { status?: JobStatus; progress?: number; error?: string | null; detail?: string | null; result?: unknown };

/** Changes the given fields of a job in one statement (no read first, so no lock upgrade). */
export function updateJob(db: Db, id: string, patch: JobPatch): JobRecord {
  const rec = patchJob(db, id, null, patch);
  if (!rec) throw new Error(`job ${id} not found`);
  return rec;
}

/**
 * Changes a job only if it is still in status `from` (e.g. claims a queued job, or cancels one
 * that has not started), in one statement; undefined when it was not (or does not exist).
 */
export function updateJobIf(db: Db, id: string, from: JobStatus, patch: JobPatch): JobRecord | undefined {
  return patchJob(db, id, from, patch);
}

function patchJob(db: Db, id: string, from: JobStatus | null, patch: JobPatch): JobRecord | undefined {
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
  sets.push("updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')");
  const where = from === null ? 'id = ?' : 'id = ? AND status = ?';
  const row = db
    .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE ${where} RETURNING *`)
    .get(...values, id, ...(from === null ? [] : [from])) as JobRow | undefined;
  return row && toJob(row);
}

/** Progress of a running job; a job that has ended meanwhile is left alone (returns undefined). */
export function updateJobProgress(db: Db, id: string, progress: number, detail: string | null): JobRecord | undefined {
  const row = db
    .prepare(
      `UPDATE jobs SET progress = ?, detail = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE id = ? AND status = 'running' RETURNING *`,
    )
    .get(progress, detail, id) as JobRow | undefined;
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

/** After a crash: jobs that were running go back to the queue. Returns how many. */
export function requeueInterruptedJobs(db: Db): number {
  return db
    .prepare(`UPDATE jobs SET status = 'queued', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE status = 'running'`)
    .run().changes;
}
