// The back ends the store-level tests run against: SQLite always (a library file in a temporary
// folder), PostgreSQL when a test server is available (see pgTestDb.ts: a fresh database per
// library, dropped after the file's tests). Used as `describe.each(testStores())(…)` so one suite
// checks both back ends behave the same.
import path from 'node:path';
import { afterAll } from 'vitest';
import { openStore, type Store } from '../store/store';
import { createPgTestDb, hasPg } from './pgTestDb';
import { tempDir } from './tmp';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /**
   * A fresh, empty, migrated library. `target` opens the same library again (as a second
   * process would); every store opened here is closed after the file's tests.
   */
  open(): Promise<{ store: Store; target: string }>;
  /** Opens another store on an existing library (closed after the file's tests). */
  reopen(target: string): Promise<Store>;
}

/** Call at a test file's top level (it registers the clean-up). */
export function testStores(): TestBackend[] {
  const tmp = tempDir();
  const open: Store[] = [];
  const drops: (() => Promise<void>)[] = [];
  const track = (s: Store) => (open.push(s), s);
  afterAll(async () => {
    for (const s of open) await s.close().catch(() => {});
    for (const d of drops) await d().catch(() => {});
    tmp.cleanup();
  });
  const reopen = async (target: string) => track(await openStore(target));
  const backends: TestBackend[] = [
    {
      name: 'sqlite',
      async open() {
        const target = path.join(tmp.dir, `lib-${Math.random().toString(36).slice(2)}.s2cap.db`);
        return { store: track(await openStore(target)), target };
      },
      reopen,
    },
  ];
  if (hasPg('store tests on PostgreSQL')) {
    backends.push({
      name: 'postgres',
      async open() {
        const db = await createPgTestDb();
        drops.push(db.drop);
        return { store: track(await openStore(db.url)), target: db.url };
      },
      reopen,
    });
  }
  return backends;
}
