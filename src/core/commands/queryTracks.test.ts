// queryTracks through the StudioApi dispatcher (what every transport calls): a page of the real
// imported library with its total, and a payload outside the contract refused before core sees it.
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { createStudio } from '../studio';
import { FIXTURE_AUDIO, tempDir } from '../testing/tmp';

const tmp = tempDir();
afterAll(tmp.cleanup);

it('pages, searches and sorts the library, and refuses bad queries', async () => {
  const studio = await createStudio({ dbPath: path.join(tmp.dir, 'q.s2cap.db'), runJobs: false });
  try {
    const report = await studio.importPaths({ paths: [FIXTURE_AUDIO] });
    const n = report.imported.length;
    expect(n).toBeGreaterThan(3);
    const first = await studio.queryTracks({ limit: 2, sort: 'title' });
    expect(first.total).toBe(n);
    expect(first.tracks).toHaveLength(2);
    const rest = await studio.queryTracks({ offset: 2, limit: 1000, sort: 'title' });
    expect([...first.tracks, ...rest.tracks].map((t) => t.id).sort()).toEqual((await studio.listTracks()).map((t) => t.id).sort());
    const lullaby = await studio.queryTracks({ q: 'LULLABY' });
    expect(lullaby.tracks.map((t) => t.fileName)).toEqual(['lullaby.wav']);
    expect(lullaby.total).toBe(1);

    const bad = await dispatch(studio, 'queryTracks', { limit: 5000 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(JSON.stringify(bad)).toContain('limit is at most 1000');
    expect(await dispatch(studio, 'queryTracks', { sort: 'path' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(studio, 'queryTracks', { status: ['lost'] })).toMatchObject({ ok: false });
    expect(await dispatch(studio, 'queryTracks', {})).toMatchObject({ ok: true, value: { total: n, offset: 0, limit: 100 } });
  } finally {
    await studio.close();
  }
});
