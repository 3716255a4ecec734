// Busy libraries against a real SQLite file held by a second connection (as a second process
// would): a write transaction waits without failing and lands once, other work of this process
// goes on meanwhile, a lock held too long gives a clear reason, other errors are not retried.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { withBusyRetry } from './busyRetry';
import { openStore } from './store';

const tmp = tempDir();
afterAll(tmp.cleanup);

async function library() {
  const file = path.join(tmp.dir, `busy-${Math.random()}.db`);
  const store = await openStore(file);
  const other = new Database(file); // another writer, as a second process would be
  return { store, other };
}

describe('busy library', () => {
  it('retries a write transaction while another connection holds the lock, and writes it once', async () => {
    const { store, other } = await library();
    other.exec('BEGIN IMMEDIATE');
    let released = false;
    setTimeout(() => {
      other.exec('COMMIT');
      released = true;
    }, 600);
    let busy = 0;
    let runs = 0;
    const write = store.transaction(
      async (tx) => {
        runs++;
        if (!(await tx.settings.get('k'))) await tx.settings.set('k', 1);
      },
      { onBusy: () => busy++ },
    );
    // Between attempts the connection is free: this process still reads while it waits.
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.settings.get('k')).toBeUndefined();
    expect(released).toBe(false);
    await write;
    expect(busy).toBeGreaterThan(0);
    expect(runs).toBe(1); // BEGIN IMMEDIATE failed before fn ran: nothing ran twice
    expect(await store.settings.get('k')).toBe(1);
    expect(other.prepare("SELECT count(*) AS n FROM settings WHERE key = 'k'").get()).toEqual({ n: 1 });
    await store.close();
    other.close();
  });

  it('gives up after maxWaitMs with a one-line reason', async () => {
    const { store, other } = await library();
    other.exec('BEGIN IMMEDIATE');
    await expect(store.transaction((tx) => tx.settings.set('k', 1), { maxWaitMs: 500 })).rejects.toThrow(
      /^the library is busy: another process has held its write lock for over 1 s \(database is locked\)$/,
    );
    other.exec('ROLLBACK');
    await store.close();
    other.close();
  });

  it('does not retry other errors', async () => {
    const { store, other } = await library();
    let attempts = 0;
    await expect(
      withBusyRetry(async () => {
        attempts++;
        await store.tracks.insert({ path: '/a', fileName: 'a', sha256: 'x', sizeBytes: 1, title: null, artist: null, album: null, genre: null, durationSec: null, sampleRate: null, channels: null, container: null, codec: null });
        await store.tracks.insert({ path: '/b', fileName: 'b', sha256: 'x', sizeBytes: 1, title: null, artist: null, album: null, genre: null, durationSec: null, sampleRate: null, channels: null, container: null, codec: null });
      }),
    ).rejects.toThrow(/b: the library already has this content/);
    expect(attempts).toBe(1);
    await store.close();
    other.close();
  });
});
