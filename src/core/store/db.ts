// Opens one library file with the pragmas the studio relies on (WAL, foreign keys) and migrates
// it forward. A library written by a newer studio is refused rather than silently misread.
// Another process's write lock is waited for only briefly here (BUSY_TIMEOUT_MS): a longer wait
// would freeze the event loop, so background writers retry asynchronously (see busyRetry.ts).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { BUSY_TIMEOUT_MS } from './busyRetry';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export const SCHEMA_VERSION = MIGRATIONS.length;

const OPEN_BUSY_TIMEOUT_MS = 10_000;

/** Opens (creating if needed) a library database; `:memory:` gives a throwaway one for tests. */
export function openDb(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new StudioError('IO', `cannot open library ${file}: ${(err as Error).message}`);
  }
  try {
    // Opening may wait longer for another process (it switches to WAL or migrates); nothing else
    // runs on this connection yet. Afterwards a statement waits only BUSY_TIMEOUT_MS.
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (err) {
    db.close();
    if (err instanceof StudioError) throw err;
    const msg = (err as Error).message;
    throw new StudioError('IO', `cannot open library ${file}: ${msg === 'file is not a database' ? 'not a studio library (file is not a database)' : msg}`);
  }
  return db;
}

export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StudioError(
      'UNSUPPORTED',
      `library schema v${current} is newer than this studio understands (v${MIGRATIONS.length}); update S2Cap Studio`,
    );
  }
  if (current === MIGRATIONS.length) return current;
  // One step per IMMEDIATE transaction, re-reading the version under the write lock: two
  // processes opening an old library at once migrate it once, not twice.
  const step = db.transaction((): boolean => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate());
  return MIGRATIONS.length;
}
