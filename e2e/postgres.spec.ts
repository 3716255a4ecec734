// The browser app on a PostgreSQL library: `s2cap serve --db postgres://…` (a fresh database on
// the test cluster) imports a track, opens it and separates it with the built-in separator; the
// stems play from the library's data folder. Playwright does not run vitest's globalSetup, so
// this file starts the throwaway cluster itself (scripts/pg-test-cluster.sh via pgGlobalSetup)
// unless S2CAP_TEST_PG_URL names a server; without PostgreSQL it is skipped with the reason
// (a failure under CI, as the other PostgreSQL tests).
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import startPgCluster from '../src/core/testing/pgGlobalSetup';
import { createPgTestDb, pgSkipReason, pgTestUrl, type PgTestDb } from '../src/core/testing/pgTestDb';
import type { TrackDetail } from '../src/shared/types';
import { rpc } from './playerPage';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

let stopCluster: (() => void) | undefined;
let pg: PgTestDb | undefined;
let served: Served | undefined;

test.beforeAll(() => {
  stopCluster = startPgCluster();
});
test.afterAll(async () => {
  await served?.stop();
  await pg?.drop();
  stopCluster?.();
});

test('a PostgreSQL library: import, open a track, separate it with the built-in separator', async ({ page, request }) => {
  test.skip(!pgTestUrl(), `PostgreSQL e2e skipped: ${pgSkipReason()}`);
  pg = await createPgTestDb();
  served = await serveTempLibrary({ db: pg.url });
  const auth = { authorization: `Bearer ${served.token}` };
  const r = await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: [path.join(ROOT, 'test', 'fixtures', 'duet', 'duet.mp3')] } });
  expect(r.status()).toBe(200);

  await page.goto(served.openUrl);
  await page.getByTestId('track-row').first().click();
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1);
  await expect(page.getByTestId('separator-name')).toContainText('built-in separator');
  await page.getByTestId('separate').click();
  await expect(page.getByTestId('job').first()).toContainText('2 stems by the built-in separator', { timeout: 30_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await expect(page.getByTestId('origin-vocals')).toHaveText('built-in separator, cpu');
  await page.screenshot({ path: screenshotPath('postgres-library-stems'), fullPage: true });

  // The stems were written to the data folder --data-dir named, which the library now records.
  const detail = await rpc<TrackDetail>(served, request, 'openTrack', { id: 1 });
  const dataDir = path.join(served.dir, 'library.data');
  expect(detail.stems.map((s) => s.path.startsWith(path.join(dataDir, 'stems') + path.sep))).toEqual([true, true]);
  for (const s of detail.stems) expect(fs.statSync(s.path).size).toBeGreaterThan(0);
});
