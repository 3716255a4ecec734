// withBusyRetry against a real library held by a second connection: a busy write waits without
// failing and lands once, a lock held too long gives a clear reason, other errors are not retried.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { withBusyRetry, writeTransaction } from './busyRetry';
import { openDb } from './db';
import { getSetting } from './settings';

const tmp = tempDir();
afterAll(tmp.cleanup);

function library() {
  const file = path.join(tmp.dir, `busy-${Math.random()}.db`);
  const db = openDb(file);
  const other = new Database(file); // another writer, as a second process would be
  return { db, other };
}

describe('withBusyRetry', () => {
  it('retries a write while another connection holds the lock, and writes it once', async () => {
    const { db, other } = library();
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('COMMIT'), 600);
    let busy = 0;
    await writeTransaction(
      db,
      () => {
        if (!getSetting(db, 'k')) db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
      },
      { onBusy: () => busy++ },
    );
    expect(busy).toBeGreaterThan(0);
    expect(db.prepare("SELECT count(*) AS n FROM settings WHERE key = 'k'").get()).toEqual({ n: 1 });
    db.close();
    other.close();
  });

  it('gives up after maxWaitMs with a one-line reason', async () => {
    const { db, other } = library();
    other.exec('BEGIN IMMEDIATE');
    await expect(withBusyRetry(() => db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run(), { maxWaitMs: 500 })).rejects.toThrow(
      /^the library is busy: another process has held its write lock for over 1 s \(database is locked\)$/,
    );
    other.exec('ROLLBACK');
    db.close();
    other.close();
  });

  it('does not retry other errors', async () => {
    const { db, other } = library();
    let attempts = 0;
    await expect(
      withBusyRetry(() => {
        attempts++;
        db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1'), ('k', '2')").run();
      }),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    expect(attempts).toBe(1);
    db.close();
    other.close();
  });
});
