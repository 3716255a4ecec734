// Test helper, the parent's side of studioInChild.ts: starts a studio in a child process on a
// library and collects what it says (its job updates, one JSON line each), so a test can wait for
// an event of that process (`when`), kill -9 it mid-job and see it exit, and tell afterwards which
// process claimed and ended each job.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { CommandInput } from '../../shared/api';
import type { Job } from '../../shared/types';
import type { JobTiming } from '../jobs/jobOwner';

const REPO = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(REPO, 'src/core/testing/studioInChild.ts');

export interface ChildStudioOptions {
  /** The library: a SQLite file or a postgres:// URL. */
  target: string;
  /** The library's data folder (a PostgreSQL library needs one). */
  dataDir?: string;
  timing?: Partial<JobTiming>;
  /** Run the job queue (default true). */
  runJobs?: boolean;
  /** Start a separation of this track once open (of each of these tracks, one after another). */
  separate?: number | number[];
  /** Autosave this draft once open (as the library's annotator); `ready` comes after it is saved. */
  saveDraft?: CommandInput<'saveDraft'>;
}

/** One job update the child made, as it printed it (`at`: its clock, epoch ms). */
export interface ChildJobUpdate {
  event: 'job';
  id: string;
  status: Job['status'];
  progress: number;
  detail: string | null;
  error: string | null;
  at: number;
}

export interface ChildStudio {
  child: ChildProcess;
  /** Every job update so far, in order. */
  updates: ChildJobUpdate[];
  /** Resolves once the studio is open (its start-up sweep and re-queueing done, and any `saveDraft` saved). */
  ready: Promise<void>;
  /** Resolves with the first update that matches (already seen or to come); rejects if the child ends first. */
  when(pred: (u: ChildJobUpdate) => boolean): Promise<ChildJobUpdate>;
  /** Resolves with the signal that ended the child (null for a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
  /** What the child wrote on stderr. */
  stderr(): string;
  /** Kills the child with SIGKILL (if still running) and waits for it. */
  kill(): Promise<NodeJS.Signals | null>;
}

/** A claim: the update a runner emits when it takes a job from the queue. */
export const isClaim = (u: { status: Job['status']; detail: string | null }) => u.status === 'running' && u.detail === 'starting';
export const isEnd = (u: { status: Job['status'] }) => u.status === 'done' || u.status === 'failed' || u.status === 'cancelled';

export function startChildStudio(opts: ChildStudioOptions): ChildStudio {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(opts)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const updates: ChildJobUpdate[] = [];
  const waiters = new Set<() => void>();
  let err = '';
  let buf = '';
  let isReady = false;
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const ended = (what: string) => exited.then(() => Promise.reject(new Error(`the child studio (pid ${child.pid}) ended before ${what}: ${err.trim()}`)));
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      // Lines that are not the script's own (something the studio printed) are kept with stderr.
      let msg: ChildJobUpdate | { event: 'ready' } | undefined;
      try {
        msg = JSON.parse(text) as ChildJobUpdate | { event: 'ready' };
      } catch {
        err += `${text}\n`;
      }
      if (msg?.event === 'ready') isReady = true;
      else if (msg?.event === 'job') updates.push(msg);
    }
    for (const w of [...waiters]) w();
  });
  const waitFor = <T>(what: string, get: () => T | undefined): Promise<T> =>
    Promise.race([
      new Promise<T>((resolve) => {
        const check = () => {
          const v = get();
          if (v === undefined) return;
          waiters.delete(check);
          resolve(v);
        };
        waiters.add(check);
        check();
      }),
      ended(what),
    ]);
  const ready = waitFor('it was open', () => (isReady ? true : undefined)).then(() => {});
  ready.catch(() => {}); // a test that never awaits it sees the failure elsewhere
  return {
    child,
    updates,
    ready,
    when: (pred) => waitFor('the awaited job update', () => updates.find(pred)),
    exited,
    stderr: () => err,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
