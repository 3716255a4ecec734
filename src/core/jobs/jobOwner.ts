// Who runs a job, in a library that several processes may open at once (the desktop app, one or
// more `s2cap serve`). Each claim of a job gets its own owner id, "<host>:<pid>:<claim token>",
// written into the job row when the job is claimed; the claim token also names the run folder the
// job writes its stems into (core/stemFiles), so a sweep can tell a live run's folder from one a
// dead or finished claim left behind, even for the same job. Also the liveness timings.
import crypto from 'node:crypto';
import os from 'node:os';

export interface JobTiming {
  /** How often a running job's heartbeat is refreshed (ms). */
  heartbeatMs: number;
  /** A running job whose heartbeat is older than this is taken to have lost its process (ms). */
  lapseMs: number;
  /** How often an idle runner looks for queued jobs and jobs whose heartbeat has lapsed (ms). */
  pollMs: number;
}

/** Heartbeats every 5 s; a job silent for 30 s (six missed beats) is taken over; idle poll every 5 s. */
export const DEFAULT_JOB_TIMING: JobTiming = { heartbeatMs: 5000, lapseMs: 30_000, pollMs: 5000 };

/** A fresh owner id for one claim by this process. Host names never contain ':'. */
export function newClaimOwner(): string {
  return `${os.hostname().replace(/:/g, '_')}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

/** The claim token (8 hex digits) at the end of an owner id. */
export function claimToken(owner: string): string {
  return owner.slice(owner.lastIndexOf(':') + 1);
}
