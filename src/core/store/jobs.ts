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

export function updateJob(
  db: Db,
  id: string,
  patch: { status?: JobStatus; progress?: number; error?: string | null; detail?: string | null; result?: unknown },
): JobRecord {
  const cur = getJob(db, id);
  if (!cur) throw new Error(`job ${id} not found`);
  db.prepare(
    `UPDATE jobs SET status = ?, progress = ?, error = ?, detail = ?, result = ?,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
  ).run(
    patch.status ?? cur.status,
    patch.progress ?? cur.progress,
    patch.error === undefined ? cur.error : patch.error,
    patch.detail === undefined ? cur.detail : patch.detail,
    patch.result === undefined ? (cur.result === null ? null : JSON.stringify(cur.result)) : JSON.stringify(patch.result),
    id,
  );
  return getJob(db, id)!;
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
