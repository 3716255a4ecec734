// The data folder of a PostgreSQL library is chosen once: two processes opening a fresh library at
// the same moment (a team starting two workers) must agree on one folder, or the files one of them
// records relative to its folder are missing for the other.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { choosePgDataDir, DATA_DIR_SETTING } from './libraryFolder';
import { openStore, type Store } from './store/store';
import { createPgTestDb, hasPg, type PgTestDb } from './testing/pgTestDb';
import { tempDir } from './testing/tmp';

const tmp = tempDir();
const stores: Store[] = [];
let db: PgTestDb | undefined;
afterAll(async () => {
  for (const s of stores) await s.close();
  await db?.drop();
  tmp.cleanup();
});

describe.runIf(hasPg('data folder tests on PostgreSQL'))('choosePgDataDir (postgres)', () => {
  it('gives two processes opening a fresh library at once the same folder', async () => {
    db = await createPgTestDb();
    const a = await openStore(db.url);
    const b = await openStore(db.url);
    stores.push(a, b);
    const [dirA, dirB] = await Promise.all([
      choosePgDataDir(a.settings, { url: db.url, fallback: path.join(tmp.dir, 'a.data') }),
      choosePgDataDir(b.settings, { url: db.url, fallback: path.join(tmp.dir, 'b.data') }),
    ]);
    expect(dirB).toBe(dirA);
    expect(await a.settings.get(DATA_DIR_SETTING)).toBe(dirA);
  });
});
