// Browser mode end to end: a real server, a real library file, real fixture audio, Chromium.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, screenshotPath, serveTempLibrary, type Served } from './serve';

let served: Served;
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => {
  await served.stop();
});

test('a new user sees the empty state, imports a folder by path and sees the tracks', async ({ page }) => {
  await page.goto(served.openUrl);
  await expect(page.getByTestId('empty-state')).toContainText('Your library is empty');
  // The token is taken out of the address bar once read.
  expect(new URL(page.url()).searchParams.get('token')).toBeNull();
  await page.screenshot({ path: screenshotPath('library-empty'), fullPage: true });

  await page.getByTestId('server-path').fill(FIXTURES);
  await page.getByRole('button', { name: 'Import path' }).click();
  await expect(page.getByTestId('import-report')).toContainText('Imported 7');
  const rows = page.getByTestId('track-row');
  await expect(rows).toHaveCount(7);
  await expect(page.getByTestId('library-table')).toContainText('Fixture Aria');
  await expect(page.getByTestId('library-table')).toContainText('Test Singer');
  await expect(page.getByTestId('library-table')).toContainText('lullaby.wav');
  await expect(rows.first()).toContainText('Imported');
  await page.screenshot({ path: screenshotPath('library-imported'), fullPage: true });

  // Reloading keeps the session (token in sessionStorage) and the library (in SQLite).
  await page.reload();
  await expect(page.getByTestId('track-row')).toHaveCount(7);
});

test('uploading a batch with corrupt files imports the good ones and names the bad ones', async ({ page }) => {
  const bad = path.join(served.dir, 'bad');
  fs.mkdirSync(bad);
  fs.writeFileSync(path.join(bad, 'empty.wav'), '');
  fs.writeFileSync(path.join(bad, 'lyrics.mp3'), 'la la la, not audio\n'.repeat(30));
  fs.writeFileSync(path.join(bad, 'cut.wav'), fs.readFileSync(path.join(FIXTURES, 'aria.wav')).subarray(0, 50_000));
  fs.writeFileSync(path.join(bad, 'notes.txt'), 'hello');

  await page.goto(served.openUrl);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.getByTestId('upload-input').setInputFiles([
    path.join(FIXTURES, 'aria.mp3'),
    path.join(bad, 'empty.wav'),
    path.join(bad, 'lyrics.mp3'),
    path.join(FIXTURES, 'aria.flac'),
    path.join(bad, 'cut.wav'),
    path.join(bad, 'notes.txt'),
  ]);
  const report = page.getByTestId('import-report');
  await expect(report).toContainText('Imported 2');
  await expect(report).toContainText('4 could not be imported');
  const failures = page.getByTestId('import-failure');
  await expect(failures).toHaveCount(4);
  await expect(failures.filter({ hasText: 'empty.wav' })).toContainText('empty file');
  await expect(failures.filter({ hasText: 'lyrics.mp3' })).toContainText(/not an audio file|not a readable audio file/);
  await expect(failures.filter({ hasText: 'cut.wav' })).toContainText('truncated');
  await expect(failures.filter({ hasText: 'notes.txt' })).toContainText('unsupported file type .txt');
  await expect(page.getByTestId('track-row')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('library-upload-with-errors'), fullPage: true });

  // A non-audio upload is refused by name before it is stored.
  await page.getByTestId('upload-input').setInputFiles([path.join(bad, 'notes.txt')]);
  await expect(failures).toHaveCount(1);
  await expect(failures.first()).toContainText('unsupported file type .txt');

  // The same upload again is a duplicate, not a second track.
  await page.getByTestId('upload-input').setInputFiles([path.join(FIXTURES, 'aria.mp3')]);
  await expect(report).toContainText('1 already in the library');
  await expect(page.getByTestId('track-row')).toHaveCount(2);

  // A cut-off file is refused with what decodes, and imported as that part only when asked.
  await page.getByTestId('upload-input').setInputFiles([path.join(bad, 'cut.wav')]);
  await expect(failures.first()).toContainText(/truncated: \d+\.\d of 2\.0 s decodable/);
  await page.screenshot({ path: screenshotPath('library-truncated-offer') });
  await page.getByTestId('import-decodable-part').click();
  await expect(page.getByTestId('import-truncated')).toContainText('cut.wav — imported the decodable part');
  await expect(report).toContainText('Imported 1 (1 cut short)');
  await expect(page.getByTestId('track-row')).toHaveCount(3);
  const tracks = (await (await page.request.get(`${served.url}api/tracks?token=${served.token}`)).json()) as { fileName: string; durationSec: number }[];
  const cut = tracks.find((t) => t.fileName === 'cut.wav')!;
  expect(cut.durationSec).toBeGreaterThan(0.1);
  expect(cut.durationSec).toBeLessThan(1);
});

test('files dropped on the window are uploaded and imported', async ({ page }) => {
  await page.goto(served.openUrl);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const bytes = [...fs.readFileSync(path.join(FIXTURES, 'lullaby.wav'))];
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'dropped-lullaby.wav', { type: 'audio/wav' }));
    const app = document.querySelector('.app')!;
    app.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expect(page.getByTestId('import-report')).toContainText('Imported 1');
  await expect(page.getByTestId('track-row')).toHaveCount(1);
  await expect(page.getByTestId('track-row')).toContainText('dropped-lullaby.wav');
});

test('the HTTP API enforces its token and serves media only by id', async ({ request }) => {
  const health = await request.get(`${served.url}api/health`);
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ ok: true, version: expect.any(String) });

  expect((await request.get(`${served.url}api/tracks`)).status()).toBe(401);
  expect((await request.get(`${served.url}api/tracks?token=wrong`)).status()).toBe(401);
  const auth = { authorization: `Bearer ${served.token}` };
  expect(await (await request.get(`${served.url}api/tracks`, { headers: auth })).json()).toEqual([]);

  const imp = await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: [path.join(FIXTURES, 'aria.wav')] } });
  expect(imp.status()).toBe(200);
  const track = (await imp.json()).value.imported[0];
  const tracks = await (await request.get(`${served.url}api/tracks?token=${served.token}`)).json();
  expect(tracks).toHaveLength(1);
  expect(tracks[0]).toMatchObject({ id: track.id, title: 'Fixture Aria', artist: 'Test Singer' });

  const bad = await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: 'nope' } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/invalid importPaths payload/);
  expect((await request.post(`${served.url}api/rpc/deleteEverything`, { headers: auth, data: {} })).status()).toBe(404);

  const size = fs.statSync(path.join(FIXTURES, 'aria.wav')).size;
  const part = await request.get(`${served.url}api/media/track/${track.id}`, { headers: { ...auth, range: 'bytes=0-11' } });
  expect(part.status()).toBe(206);
  expect(part.headers()['content-range']).toBe(`bytes 0-11/${size}`);
  expect((await part.body()).toString('ascii', 0, 4)).toBe('RIFF');
  expect((await request.get(`${served.url}api/media/track/${track.id}`)).status()).toBe(401);
  expect((await request.get(`${served.url}api/media/track/9999`, { headers: auth })).status()).toBe(404);
  // No route takes a path: traversal attempts get the app page or an error, never the file.
  for (const p of ['api/media/..%2F..%2Fetc%2Fpasswd', '..%2F..%2F..%2Fetc%2Fpasswd', 'assets/..%2F..%2F..%2Fpackage.json']) {
    const r = await request.get(`${served.url}${p}`, { headers: auth });
    expect(await r.text()).not.toMatch(/root:x:0:0|"name": "s2cap-studio"/);
  }
});
