// The library list with thousands of tracks: rows seeded through the store's repositories
// (bench/seedLibrary.ts) before `s2cap serve` opens the library, then Chromium scrolls, searches
// and sorts. The page holds a bounded number of rows however long the library is.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

const COUNT = 2500;
let served: Served;
test.beforeAll(async () => {
  served = await serveTempLibrary({
    prepare: (db) => execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'seedLibrary.ts'), db, String(COUNT)], { cwd: ROOT, stdio: 'inherit' }),
  });
});
test.afterAll(async () => {
  await served.stop();
});

const rows = (page: Page) => page.getByTestId('track-row');
const firstTitle = async (page: Page) => (await rows(page).first().locator('td.title').textContent())?.trim();

test('a 2,500-track library pages in as the user scrolls, and searches and sorts on the server', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => r.url().includes('/api/rpc/queryTracks') && requests.push(r.postData() ?? ''));
  await page.goto(served.openUrl);
  await expect(page.getByTestId('track-count')).toHaveText(`${COUNT} tracks`);
  await expect(rows(page).first()).toBeVisible();
  const shown = await rows(page).count();
  expect(shown).toBeGreaterThan(5);
  expect(shown).toBeLessThan(200);
  // Default order: artist, then title ("Artist 00" holds tracks 97, 194, …).
  await expect(rows(page).first()).toContainText('Artist 00');
  const firstRequests = requests.length;
  expect(firstRequests).toBeGreaterThanOrEqual(1);
  await page.screenshot({ path: screenshotPath('library-big'), fullPage: false });

  // Scrolling to the end fetches the pages on the way and shows the last rows; the DOM stays small.
  const scroller = page.getByTestId('library-scroll');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator(`[data-testid="track-row"][data-index="${COUNT - 1}"]`)).toBeVisible();
  await expect(rows(page).last()).toContainText('Artist 96');
  expect(requests.length).toBeGreaterThan(firstRequests);
  expect(await rows(page).count()).toBeLessThan(200);
  expect(await page.locator('tbody tr').count()).toBeLessThan(200);
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(page.locator(`[data-testid="track-row"][data-index="1250"]`)).toBeAttached();

  // Search narrows to the matches: a title word, then a caption word (every 7th track has one).
  await page.getByTestId('library-search').fill('Seed 0042');
  await expect(page.getByTestId('track-count')).toHaveText('10 tracks match');
  await expect(rows(page)).toHaveCount(10);
  for (const t of await rows(page).locator('td.title').allTextContents()) expect(t).toContain('Seed 0042');
  await page.getByTestId('library-search').fill('BREATHY');
  // Tracks n ≡ 0 mod 7 with n mod 6 = 0 ("breathy"): n a multiple of 42 up to 2500 → 59.
  await expect(page.getByTestId('track-count')).toHaveText('59 tracks match');
  await page.getByTestId('library-search').fill('');
  await expect(page.getByTestId('track-count')).toHaveText(`${COUNT} tracks`);

  // Status filter: a quarter of the tracks are reviewed.
  await page.getByTestId('status-filter').selectOption('reviewed');
  await expect(page.getByTestId('track-count')).toHaveText(`${COUNT / 4} tracks match`);
  await expect(rows(page).first()).toContainText('Reviewed');
  await page.getByTestId('status-filter').selectOption('');

  // Sorting by title, then the other way round.
  await page.getByTestId('sort-title').click();
  await expect.poll(() => firstTitle(page)).toBe('Seed 00001 blue harbor');
  await expect(page.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByTestId('sort-title').click();
  await expect.poll(() => firstTitle(page)).toBe('Seed 02500 ember ember');
  await expect(page.getByRole('columnheader', { name: /Title/ })).toHaveAttribute('aria-sort', 'descending');
  expect(await rows(page).count()).toBeLessThan(200);
  await page.screenshot({ path: screenshotPath('library-big-sorted'), fullPage: false });
});
