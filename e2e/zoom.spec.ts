// Long tracks on the shared timeline, in Chromium against `s2cap serve`: saved segments drawn
// where they are after reopening (and never moved by it), and a 20-minute track with a stem that
// zooms until a 5 s segment is wide, scrolls with the wheel, follows seeks, fetches finer peaks for
// the span in view and shows a time ruler. The tracks are made here with sox.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectErrors, importCopy, openTrack, position, rpc as call } from './playerPage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

let served: Served;
let made: string;

test.use({ viewport: { width: 1440, height: 900 } });

test.beforeAll(() => {
  // Tremolo at 6 Hz: detail that coarse peaks smear into a blob and fine peaks show.
  made = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-e2e-audio-'));
  const synth = (name: string, sec: number, ...effect: string[]) =>
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', path.join(made, name), 'synth', String(sec), 'sine', '300', ...effect]);
  synth('minute.flac', 60, 'tremolo', '6', '90');
  synth('long.flac', 1200, 'tremolo', '6', '90');
  synth('long-stem.flac', 1200, 'tremolo', '2', '60');
});
test.afterAll(() => fs.rmSync(made, { recursive: true, force: true }));

test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

const rpc = <T = unknown>(request: APIRequestContext, command: string, data: unknown) => call<T>(served, request, command, data);
const importMade = (request: APIRequestContext, name: string) => importCopy(served, request, path.join(made, name));
const openTitled = (page: Page, name: string, lanes: number) => openTrack(page, served, name, lanes);

/** The mix lane's scrolling box (inside wavesurfer's shadow root). */
async function scroller(page: Page, lane = 'mix'): Promise<{ left: number; width: number; client: number }> {
  return page
    .getByTestId(`lane-${lane}`)
    .locator('.scroll')
    .evaluate((el) => ({ left: el.scrollLeft, width: el.scrollWidth, client: el.clientWidth }));
}

/** Fraction of the drawn columns in the middle of a lane's view that reach under half the tallest. */
async function dippedColumns(page: Page, lane: string): Promise<number> {
  return page
    .getByTestId(`lane-${lane}`)
    .locator('.scroll')
    .evaluate((scroll) => {
      const mid = scroll.scrollLeft + scroll.clientWidth / 2;
      const canvas = [...scroll.querySelectorAll<HTMLCanvasElement>('.canvases canvas')].find((c) => {
        const left = parseFloat(c.style.left);
        return left <= mid && mid < left + parseFloat(c.style.width);
      });
      if (!canvas) return 0;
      const { width, height } = canvas;
      const px = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const heights: number[] = [];
      for (let x = 0; x < width; x++) {
        let h = 0;
        for (let y = 0; y < height; y++) if (px[(y * width + x) * 4 + 3]! > 0) h++;
        heights.push(h);
      }
      const tallest = Math.max(...heights);
      return heights.filter((h) => h < tallest / 2).length / width;
    });
}

test('a saved segment is drawn where it is after reopening, and reopening never moves it', async ({ page, request }) => {
  const trackId = await importMade(request, 'minute.flac');
  const seg = await rpc<{ id: number }>(request, 'createSegment', { trackId, startSec: 20, endSec: 30 });
  const writes: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/rpc\/updateSegment/.test(r.url())) writes.push(r.postData() ?? '');
  });
  const expectDrawnAt = async () => {
    const wave = (await page.getByTestId('lane-mix').getByTestId('waveform').boundingBox())!;
    const region = page.getByTestId('lane-mix').locator(`[part~="seg-${seg.id}"]`);
    await expect(region).toBeVisible();
    const box = (await region.boundingBox())!;
    // 20–30 s of 60 s: from a third to half of the lane.
    expect(Math.abs(box.x - (wave.x + wave.width / 3))).toBeLessThan(3);
    expect(Math.abs(box.width - wave.width / 6)).toBeLessThan(3);
  };
  await openTitled(page, 'minute', 1);
  await expectDrawnAt();
  await page.reload();
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1, { timeout: 30_000 });
  await expectDrawnAt();
  await page.screenshot({ path: screenshotPath('player-reopened-segment'), fullPage: true });

  // A drag near the start makes a new segment; the saved one stays where it was.
  const wave = (await page.getByTestId('lane-mix').getByTestId('waveform').boundingBox())!;
  await page.mouse.move(wave.x + 6, wave.y + wave.height / 2);
  await page.mouse.down();
  await page.mouse.move(wave.x + 40, wave.y + wave.height / 2, { steps: 5 });
  await page.mouse.move(wave.x + 80, wave.y + wave.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('segment-row')).toHaveCount(2);
  const detail = await rpc<{ segments: { id: number; startSec: number; endSec: number }[] }>(request, 'openTrack', { id: trackId });
  const saved = detail.segments.find((s) => s.id === seg.id)!;
  expect([saved.startSec, saved.endSec]).toEqual([20, 30]);
  expect(writes).toEqual([]);
});

test('a 20-minute track zooms until a 5 s segment is wide, scrolls, follows seeks and shows a ruler', async ({ page, request }) => {
  test.setTimeout(120_000);
  const trackId = await importMade(request, 'long.flac');
  fs.copyFileSync(path.join(made, 'long-stem.flac'), path.join(served.dir, 'long-stem.flac'));
  await rpc(request, 'attachStem', { trackId, name: 'vocals', path: path.join(served.dir, 'long-stem.flac') });
  const a = await rpc<{ id: number }>(request, 'createSegment', { trackId, startSec: 600, endSec: 605 });
  const b = await rpc<{ id: number }>(request, 'createSegment', { trackId, startSec: 1100, endSec: 1105 });
  const peaks: { startSec: number; endSec: number; samplesPerPeak: number; durationSec: number }[] = [];
  page.on('response', async (r) => {
    if (r.url().includes('/api/rpc/getPeaks')) peaks.push((await r.json()).value);
  });
  const errors = collectErrors(page);
  await openTitled(page, 'long', 2);
  const ruler = page.getByTestId('ruler');
  await expect(ruler).toContainText('10:00');
  await expect(ruler).toContainText('20:00');
  await page.screenshot({ path: screenshotPath('player-long-fit'), fullPage: true });
  const overview = Math.min(...peaks.map((p) => p.samplesPerPeak));

  // Play segment A (seeks to 10:00), pause, then zoom in around the playhead.
  await page.getByTestId('segment-row').nth(0).click();
  await expect.poll(() => position(page)).toBeGreaterThanOrEqual(600);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText('Play');
  const regionA = page.getByTestId('lane-mix').locator(`[part~="seg-${a.id}"]`);
  // Regions are in the page only while in view: a missing one counts as 0 px wide.
  const widthA = async () => ((await regionA.count()) ? ((await regionA.boundingBox())?.width ?? 0) : 0);
  // One step at a time, each seen drawn before the next (a slow machine must not overshoot).
  for (let i = 0, w = await widthA(); i < 12 && w < 100; i++) {
    await page.getByTestId('zoom-in').click();
    await expect.poll(widthA).toBeGreaterThan(w);
    w = await widthA();
  }
  const boxA = (await regionA.boundingBox())!;
  expect(boxA.width).toBeGreaterThanOrEqual(100);
  await expect(ruler).not.toContainText('20:00');
  await expect(ruler).toContainText('10:05');

  // The lane scrolls inside its box: nothing spills past the lane or the page.
  const s = await scroller(page);
  expect(s.width).toBeGreaterThan(s.client);
  for (const lane of ['mix', 'vocals']) {
    const laneBox = (await page.getByTestId(`lane-${lane}`).boundingBox())!;
    const waveBox = (await page.getByTestId(`lane-${lane}`).getByTestId('waveform').boundingBox())!;
    expect(waveBox.x + waveBox.width).toBeLessThanOrEqual(laneBox.x + laneBox.width);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  expect(boxA.x).toBeGreaterThanOrEqual((await page.getByTestId('lane-mix').getByTestId('waveform').boundingBox())!.x - 1);

  // Finer peaks were fetched for the visible span.
  await expect.poll(() => peaks.filter((p) => p.endSec - p.startSec < p.durationSec / 2).length).toBeGreaterThan(0);
  const fine = peaks.filter((p) => p.endSec - p.startSec < p.durationSec / 2);
  expect(Math.min(...fine.map((p) => p.samplesPerPeak))).toBeLessThan(overview);
  // …and drawn: closer in, the 6 Hz tremolo shows as dips (coarse peaks draw a flat block).
  await page.getByTestId('zoom-in').click();
  await page.getByTestId('zoom-in').click();
  await expect.poll(() => dippedColumns(page, 'mix'), { timeout: 5000 }).toBeGreaterThan(0.2);
  await page.waitForTimeout(500);
  await page.screenshot({ path: screenshotPath('player-long-zoomed'), fullPage: true });

  // The wheel scrolls (plain and with shift), and the lanes stay aligned.
  const wave = (await page.getByTestId('lane-vocals').getByTestId('waveform').boundingBox())!;
  await page.mouse.move(wave.x + wave.width / 2, wave.y + wave.height / 2);
  const before = (await scroller(page)).left;
  await page.mouse.wheel(0, 400);
  await expect.poll(async () => (await scroller(page)).left).toBeGreaterThan(before + 100);
  await page.keyboard.down('Shift');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Shift');
  await expect.poll(async () => (await scroller(page)).left).toBeLessThan(before + 350);
  await expect.poll(async () => Math.abs((await scroller(page, 'vocals')).left - (await scroller(page)).left)).toBeLessThanOrEqual(1);

  // Seeking far (segment B at 18:20) brings the view along.
  await page.getByTestId('segment-row').nth(1).click();
  await page.getByTestId('play').click();
  const regionB = page.getByTestId('lane-mix').locator(`[part~="seg-${b.id}"]`);
  await expect(regionB).toBeVisible();
  await expect(ruler).toContainText('18:2');
  await expect(ruler).not.toContainText('10:0');
  const laneWave = (await page.getByTestId('lane-mix').getByTestId('waveform').boundingBox())!;
  const boxB = (await regionB.boundingBox())!;
  expect(boxB.x).toBeGreaterThanOrEqual(laneWave.x);
  expect(boxB.x + boxB.width).toBeLessThanOrEqual(laneWave.x + laneWave.width);
  await expect.poll(async () => Math.abs((await scroller(page, 'vocals')).left - (await scroller(page)).left)).toBeLessThanOrEqual(1);
  await page.screenshot({ path: screenshotPath('player-long-followed'), fullPage: true });
  expect(errors).toEqual([]);
});
