// dispatch under a busy library: a command whose write meets another process's write lock gets a
// CONFLICT saying the library is busy (nothing was written), not "INTERNAL: database is locked".
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createStudio } from '../studio';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';
import { dispatch } from './dispatch';
import { BUSY_MESSAGE } from './failureText';

const tmp = tempDir();
afterAll(tmp.cleanup);

it('a write command on a library another process is writing says the library is busy', async () => {
  const db = path.join(tmp.dir, 'busy.s2cap.db');
  const studio = await createStudio({ dbPath: db, runJobs: false });
  try {
    const report = await studio.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] });
    const track = report.imported[0]!;
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE');
    try {
      const env = await dispatch(studio, 'createSegment', { trackId: track.id, startSec: 0, endSec: 5 });
      expect(env).toEqual({ ok: false, error: { code: 'CONFLICT', message: BUSY_MESSAGE } });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const env = await dispatch(studio, 'createSegment', { trackId: track.id, startSec: 0, endSec: 5 });
    expect(env.ok).toBe(true);
  } finally {
    await studio.close();
  }
});
