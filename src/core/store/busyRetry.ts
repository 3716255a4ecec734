// SQLite lets one connection write at a time; another process (a second studio, a CLI import, a
// backup) may hold a library's write lock for seconds. Waiting for it synchronously (busy_timeout)
// blocks this process's event loop, so the wait is kept short (BUSY_TIMEOUT_MS) and writes made
// from events, worker callbacks and background work retry SQLITE_BUSY asynchronously here, with
// backoff, while the process keeps answering. The schedule itself is p-retry's.
import pRetry from 'p-retry';
import { StudioError } from '../../shared/errors';

/** How long one statement waits synchronously for another process's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 200;

/**
 * SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, …), SQLITE_LOCKED, and
 * PostgreSQL's serialization failure and deadlock (40001, 40P01): nothing was written, try again.
 */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '40001' || code === '40P01');
}

export interface BusyRetryOptions {
  /**
   * Give up after this long (ms); default 60 s. `Infinity` retries until the write lands or `signal`
   * aborts. 0: one attempt, a busy failure thrown as it is (a command a person is waiting on, which
   * then says at once that the library is busy, see api/failureText).
   */
  maxWaitMs?: number;
  /** Stops retrying (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called after each busy attempt (e.g. to say the library is busy). */
  onBusy?: (attempt: number) => void;
}

/**
 * Runs a store write (a statement or a whole write transaction, see store.ts), retrying it while
 * the library is busy. SQLITE_BUSY means nothing was written (the statement or transaction rolled
 * back), so running `fn` again is safe. Other errors are thrown at once.
 */
export async function withBusyRetry<T>(fn: () => T | Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const maxWaitMs = opts.maxWaitMs ?? 60_000;
  if (maxWaitMs <= 0) return fn();
  try {
    return await pRetry(() => fn(), {
      retries: Infinity,
      minTimeout: 25,
      factor: 2,
      maxTimeout: 1000,
      randomize: true,
      maxRetryTime: maxWaitMs,
      signal: opts.signal,
      shouldRetry: ({ error }) => isBusyError(error),
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (isBusyError(error)) opts.onBusy?.(attemptNumber);
      },
    });
  } catch (err) {
    if (!isBusyError(err)) throw err;
    throw new StudioError('IO', `the library is busy: another process has held its write lock for over ${Math.round(maxWaitMs / 1000)} s (${(err as Error).message})`);
  }
}
