// Caption revisions are append-only (issue 7, item 3): every way SQL can change or remove a
// revision is refused by the library itself, so neither a bug in the app nor a hand-written query
// can rewrite an annotator's history. Schema changes (DROP TRIGGER, DROP TABLE) are out of scope.
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { appendRevision } from './captions';
import { openDb, type Db } from './db';

const tmp = tempDir();
afterAll(tmp.cleanup);

let db: Db;
let snapshot: () => unknown;
beforeEach(() => {
  db = openDb(path.join(tmp.dir, `append-only-${Math.random()}.db`));
  db.exec(`
    INSERT INTO tracks (id, path, file_name, sha256, size_bytes) VALUES (1, '/m/a.wav', 'a.wav', 'a', 1), (2, '/m/b.wav', 'b.wav', 'b', 1);
    INSERT INTO segments (id, track_id, start_sec, end_sec) VALUES (10, 1, 0, 5), (11, 1, 5, 10);
    INSERT INTO suggestions (id, segment_id, text) VALUES (7, 10, 'a bright female voice');
  `);
  appendRevision(db, { segmentId: 10, text: 'a bright female voice', author: 'ann', source: 'suggestion', suggestionId: 7 });
  appendRevision(db, { segmentId: 10, text: 'a bright female soprano', author: 'ann', source: 'human' });
  appendRevision(db, { segmentId: 11, text: 'a low male voice', author: 'bob', source: 'human' });
  const all = db.prepare('SELECT * FROM caption_revisions ORDER BY id');
  const segs = db.prepare('SELECT id, track_id, start_sec, end_sec, created_at FROM segments ORDER BY id');
  snapshot = () => ({ revisions: all.all(), segments: segs.all() });
});

const REFUSED = /append-only|FOREIGN KEY constraint failed|caption revisions/;

describe('caption revisions are append-only', () => {
  const attempts: [string, string][] = [
    ['UPDATE', `UPDATE caption_revisions SET text = 'rewritten' WHERE id = 1`],
    ['UPDATE OR REPLACE', `UPDATE OR REPLACE caption_revisions SET id = 2 WHERE id = 1`],
    ['UPDATE OR IGNORE', `UPDATE OR IGNORE caption_revisions SET author = 'mallory'`],
    ['DELETE', `DELETE FROM caption_revisions WHERE id = 1`],
    ['DELETE all', `DELETE FROM caption_revisions`],
    ['INSERT OR REPLACE', `INSERT OR REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')`],
    ['REPLACE INTO', `REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')`],
    [
      'INSERT OR REPLACE from a SELECT',
      `INSERT OR REPLACE INTO caption_revisions (id, segment_id, parent_id, text, author, source) SELECT id, segment_id, parent_id, 'rewritten', author, source FROM caption_revisions`,
    ],
    [
      'UPSERT (ON CONFLICT DO UPDATE)',
      `INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')
         ON CONFLICT(id) DO UPDATE SET text = excluded.text, author = excluded.author`,
    ],
    [
      'UPSERT without a conflict target',
      `INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (2, 10, 'rewritten', 'mallory', 'human')
         ON CONFLICT DO UPDATE SET text = excluded.text`,
    ],
    ['deleting its segment (foreign key)', `DELETE FROM segments WHERE id = 10`],
    ['deleting its track (cascades to segments)', `DELETE FROM tracks WHERE id = 1`],
    ['renumbering its segment', `UPDATE segments SET id = 99 WHERE id = 10`],
    ['replacing its segment (REPLACE deletes the old row)', `INSERT OR REPLACE INTO segments (id, track_id, start_sec, end_sec) VALUES (11, 2, 50, 60)`],
    ['REPLACE INTO its segment', `REPLACE INTO segments (id, track_id, start_sec, end_sec) VALUES (11, 2, 50, 60)`],
    ['deleting the suggestion it started from', `DELETE FROM suggestions WHERE id = 7`],
  ];

  it.each(attempts)('refuses %s and leaves history as it was', (_name, sql) => {
    const before = snapshot();
    expect(() => db.exec(sql)).toThrow(REFUSED);
    expect(snapshot()).toEqual(before);
  });

  it('refuses them inside a transaction too, and the transaction can still commit what else it did', () => {
    const before = snapshot();
    db.exec('BEGIN');
    db.exec(`INSERT INTO segments (track_id, start_sec, end_sec) VALUES (2, 0, 5)`);
    expect(() => db.exec(`REPLACE INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human')`)).toThrow(REFUSED);
    db.exec('COMMIT');
    expect((snapshot() as { revisions: unknown }).revisions).toEqual((before as { revisions: unknown }).revisions);
  });

  it('still appends new revisions, and segments can still be resized and hidden', () => {
    const before = snapshot() as { revisions: unknown[] };
    const rev = appendRevision(db, { segmentId: 11, text: 'a low male baritone', author: 'bob', source: 'human' });
    expect(rev.parentId).toBe(3);
    db.exec(`INSERT INTO caption_revisions (segment_id, text, author, source) VALUES (10, 'explicit', 'ann', 'human')`);
    // An insert onto an existing id is refused whatever its conflict clause, even one that would change nothing.
    expect(() => db.exec(`INSERT INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human') ON CONFLICT DO NOTHING`)).toThrow(REFUSED);
    expect(() => db.exec(`INSERT OR IGNORE INTO caption_revisions (id, segment_id, text, author, source) VALUES (1, 10, 'x', 'm', 'human')`)).toThrow(REFUSED);
    // Resizing or hiding a segment is an UPDATE of the segment, never of its revisions.
    db.exec(`UPDATE segments SET start_sec = 1, end_sec = 6, deleted_at = 'now' WHERE id = 10`);
    const after = db.prepare('SELECT * FROM caption_revisions ORDER BY id').all();
    expect(after.slice(0, before.revisions.length)).toEqual(before.revisions);
    expect(after).toHaveLength(before.revisions.length + 2);
  });
});
