// Caption revisions are append-only (issue 7, item 3): every way SQL can change or remove a
// revision is refused by the library itself, so neither a bug in the app nor a hand-written query
// can rewrite an annotator's history. Schema changes (DROP TRIGGER, DROP TABLE) are out of scope.
// The statements both dialects speak run against every back end; SQLite's own conflict clauses
// (OR REPLACE, REPLACE INTO, OR IGNORE) against SQLite.
import { sql, type Kysely } from 'kysely';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { testStores, type TestBackend } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { openDb } from './db';
import type { Database } from './schema';
import { storeKyselyForTests, type Store } from './store';

const backends = testStores();

const REFUSED = /append-only|FOREIGN KEY constraint failed|violates foreign key constraint|caption revisions/;

const SETUP = [
  `INSERT INTO tracks (id, path, file_name, sha256, size_bytes) VALUES (1, '/m/a.wav', 'a.wav', 'a', 1), (2, '/m/b.wav', 'b.wav', 'b', 1)`,
  `INSERT INTO segments (id, track_id, start_sec, end_sec) VALUES (10, 1, 0, 5), (11, 1, 5, 10)`,
  `INSERT INTO suggestions (id, segment_id, text) VALUES (7, 10, 'a bright female voice')`,
];

/** Statements every back end must refuse. */
const COMMON: [string, string][] = [
  ['UPDATE', `UPDATE caption_revisions SET text = 'rewritten' WHERE id = 1`],
  ['UPDATE of every row', `UPDATE caption_revisions SET author = 'mallory'`],
  ['DELETE', `DELETE FROM caption_revisions WHERE id = 1`],
  ['DELETE all', `DELETE FROM caption_revisions`],
  [
    'UPSERT (ON CONFLICT DO UPDATE)',
    `INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')
       ON CONFLICT(id) DO UPDATE SET text = excluded.text, author = excluded.author`,
  ],
  ['deleting its segment (foreign key)', `DELETE FROM segments WHERE id = 10`],
  ['deleting its track (cascades to segments)', `DELETE FROM tracks WHERE id = 1`],
  ['renumbering its segment', `UPDATE segments SET id = 99 WHERE id = 10`],
  ['deleting the suggestion it started from', `DELETE FROM suggestions WHERE id = 7`],
];

/** SQLite's conflict clauses, which replace or skip rows without UPDATE/DELETE triggers of their own. */
const SQLITE_ONLY: [string, string][] = [
  ['UPDATE OR REPLACE', `UPDATE OR REPLACE caption_revisions SET id = 2 WHERE id = 1`],
  ['UPDATE OR IGNORE', `UPDATE OR IGNORE caption_revisions SET author = 'mallory'`],
  ['INSERT OR REPLACE', `INSERT OR REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')`],
  ['REPLACE INTO', `REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')`],
  [
    'INSERT OR REPLACE from a SELECT',
    `INSERT OR REPLACE INTO caption_revisions (id, segment_id, parent_id, text, author, source) SELECT id, segment_id, parent_id, 'rewritten', author, source FROM caption_revisions`,
  ],
  [
    'UPSERT without a conflict target',
    `INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')
       ON CONFLICT DO UPDATE SET text = excluded.text`,
  ],
  ['replacing its segment (REPLACE deletes the old row)', `INSERT OR REPLACE INTO segments (id, track_id, start_sec, end_sec) VALUES (11, 2, 50, 60)`],
  ['REPLACE INTO its segment', `REPLACE INTO segments (id, track_id, start_sec, end_sec) VALUES (11, 2, 50, 60)`],
];

const exec = (k: Kysely<Database>, statement: string) => sql.raw(statement).execute(k);

describe.each(backends)('caption revisions are append-only ($name)', (backend: TestBackend) => {
  let store: Store;
  let k: Kysely<Database>;
  let snapshot: () => Promise<unknown>;
  beforeEach(async () => {
    store = (await backend.open()).store;
    k = storeKyselyForTests(store);
    for (const s of SETUP) await exec(k, s);
    await store.captions.append({ segmentId: 10, text: 'a bright female voice', author: 'ann', source: 'suggestion', suggestionId: 7 });
    await store.captions.append({ segmentId: 10, text: 'a bright female soprano', author: 'ann', source: 'human' });
    await store.captions.append({ segmentId: 11, text: 'a low male voice', author: 'bob', source: 'human' });
    snapshot = async () => ({
      revisions: await k.selectFrom('caption_revisions').selectAll().orderBy('id').execute(),
      segments: await k.selectFrom('segments').select(['id', 'track_id', 'start_sec', 'end_sec', 'created_at']).orderBy('id').execute(),
    });
  });

  it.each([...COMMON, ...(backend.name === 'sqlite' ? SQLITE_ONLY : [])])('refuses %s and leaves history as it was', async (_name, statement) => {
    const before = await snapshot();
    await expect(exec(k, statement)).rejects.toThrow(REFUSED);
    expect(await snapshot()).toEqual(before);
  });

  it('still appends new revisions, and segments can still be resized and hidden', async () => {
    const before = (await snapshot()) as { revisions: unknown[] };
    const rev = await store.captions.append({ segmentId: 11, text: 'a low male baritone', author: 'bob', source: 'human' });
    expect(rev.parentId).toBe(3);
    await exec(k, `INSERT INTO caption_revisions (segment_id, text, author, source) VALUES (10, 'explicit', 'ann', 'human')`);
    // An insert onto an existing id is refused whatever its conflict clause, even one that would change nothing.
    const onExisting = exec(k, `INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human') ON CONFLICT DO NOTHING`);
    await expect(onExisting).rejects.toThrow(REFUSED);
    if (backend.name === 'sqlite') {
      await expect(exec(k, `INSERT OR IGNORE INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human')`)).rejects.toThrow(REFUSED);
    }
    // Resizing or hiding a segment is an UPDATE of the segment, never of its revisions.
    await exec(k, `UPDATE segments SET start_sec = 1, end_sec = 6, deleted_at = 'now' WHERE id = 10`);
    const after = await k.selectFrom('caption_revisions').selectAll().orderBy('id').execute();
    expect(after.slice(0, before.revisions.length)).toEqual(before.revisions);
    expect(after).toHaveLength(before.revisions.length + 2);
  });
});

describe('caption revisions are append-only inside a SQLite transaction', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('refuses them inside a transaction too, and the transaction can still commit what else it did', () => {
    const db = openDb(path.join(tmp.dir, `append-only-${Math.random()}.db`));
    for (const s of SETUP) db.exec(s);
    db.exec(`INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'a bright female voice', 'ann', 'human')`);
    const revisions = () => db.prepare('SELECT * FROM caption_revisions ORDER BY id').all();
    const before = revisions();
    db.exec('BEGIN');
    db.exec(`INSERT INTO segments (track_id, start_sec, end_sec) VALUES (2, 0, 5)`);
    expect(() => db.exec(`REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human')`)).toThrow(REFUSED);
    db.exec('COMMIT');
    expect(revisions()).toEqual(before);
    expect(db.prepare('SELECT count(*) AS n FROM segments WHERE track_id = 2').get()).toEqual({ n: 1 });
    db.close();
  });
});
