// Opens one library file with the pragmas the studio relies on (WAL, foreign keys) and migrates
// it forward. A library written by a newer studio is refused rather than silently misread.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export const SCHEMA_VERSION = MIGRATIONS.length;

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
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db);
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
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
