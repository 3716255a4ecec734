// The stem player end to end in Chromium: a real track with two stems served by `s2cap serve`,
// played by Tone.js; every check reads the player's state from the UI. Long tracks (a minute,
// twenty minutes) are made with sox for the zoom, scroll and reopen checks.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

const DUET = path.join(ROOT, 'test', 'fixtures', 'duet');
let served: Served;
let mixPath: string;
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

test.beforeEach(async ({ request }) => {
  served = await serveTempLibrary();
  mixPath = path.join(served.dir, 'duet.mp3');
  fs.copyFileSync(path.join(DUET, 'duet.mp3'), mixPath);
  const auth = { authorization: `Bearer ${served.token}` };
  const imp = await (await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: [mixPath] } })).json();
  const trackId = imp.value.imported[0].id;
  for (const name of ['vocals', 'accompaniment']) {
    const r = await request.post(`${served.url}api/rpc/attachStem`, {
      headers: auth,
      data: { trackId, name, path: path.join(DUET, `duet.${name}.ogg`) },
    });
    expect(r.status()).toBe(200);
  }
});
test.afterEach(async () => served.stop());

/** Playhead in seconds, read from the transport's clock ("m:ss.t"). */
async function position(page: Page): Promise<number> {
  const text = (await page.getByTestId('position').textContent()) ?? '';
  const [m, s] = text.split(':');
  return Number(m) * 60 + Number(s);
}

async function openDuet(page: Page): Promise<void> {
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: 'Fixture Duet' }).click();
  await expect(page.getByTestId('track-title')).toHaveText('Fixture Duet');
  await expect(page.getByTestId('player-loading')).toHaveCount(0);
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
}

test('plays the mix and stems together, mutes, solos, seeks and follows the keyboard', async ({ page }) => {
  await openDuet(page);
  for (const lane of ['mix', 'vocals', 'accompaniment']) await expect(page.getByTestId(`lane-${lane}`)).toBeVisible();
  // With stems present the mix starts muted, so the stems are what you hear.
  await expect(page.getByTestId('mute-mix')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('mute-vocals')).toHaveAttribute('aria-pressed', 'false');

  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toHaveText('Pause');
  await expect.poll(() => position(page), { timeout: 5000 }).toBeGreaterThan(0.5);

  await page.getByTestId('mute-vocals').click();
  await expect(page.getByTestId('mute-vocals')).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: screenshotPath('player-playing-vocals-muted'), fullPage: true });

  // Keyboard: 3 focuses the accompaniment, S solos it, M mutes it; space pauses.
  await page.keyboard.press('3');
  await expect(page.getByTestId('lane-accompaniment')).toHaveClass(/focused/);
  await page.keyboard.press('s');
  await expect(page.getByTestId('solo-accompaniment')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('m');
  await expect(page.getByTestId('mute-accompaniment')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Play');
  const paused = await position(page);
  await page.waitForTimeout(400);
  expect(await position(page)).toBe(paused);

  // Seek by clicking three quarters into the vocals waveform, then ← 5 s.
  const wave = page.getByTestId('lane-vocals').getByTestId('waveform');
  const box = (await wave.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  await expect.poll(() => position(page)).toBeGreaterThan(7.0);
  expect(await position(page)).toBeLessThan(8.0);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => position(page)).toBeLessThan(3.0);
  expect(await position(page)).toBeGreaterThan(2.0);

  // A–B loop: A here (~2.5 s), B five seconds later; L toggles it off.
  await page.getByTestId('set-a').click();
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('set-b').click();
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('loop')).toContainText(/Loop 0:02\.\d–0:07\.\d/);
  await page.keyboard.press('l');
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'false');

  // Speed and stop.
  await page.getByTestId('speed').selectOption('1.5');
  await page.getByTestId('stop').click();
  expect(await position(page)).toBe(0);
});

test('segments: drag to create, loop while playing, delete', async ({ page }) => {
  await openDuet(page);
  const mix = page.getByTestId('lane-mix').getByTestId('waveform');
  const box = (await mix.boundingBox())!;
  // Drag from 20% to 40% (2 s): the studio stretches it to the 5 s minimum.
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const rows = page.getByTestId('segment-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('5.0 s');
  // Reopening the track shows the saved segment once (its region is not taken for a new drag).
  await page.reload();
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await page.waitForTimeout(500);
  await expect(rows).toHaveCount(1);

  // Selecting the segment plays it looped; at 2× speed it wraps within a few seconds.
  await page.getByTestId('speed').selectOption('2');
  await rows.first().click();
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('play')).toHaveText('Pause');
  const seen: number[] = [];
  for (let i = 0; i < 16; i++) {
    seen.push(await position(page));
    await page.waitForTimeout(250);
  }
  const start = 2.0;
  const end = 7.0;
  for (const p of seen) {
    expect(p).toBeGreaterThanOrEqual(start - 0.15);
    expect(p).toBeLessThanOrEqual(end + 0.15);
  }
  expect(seen.some((p, i) => i > 0 && p < seen[i - 1]! - 1)).toBe(true); // it wrapped
  await page.screenshot({ path: screenshotPath('player-segment-loop'), fullPage: true });

  // L turns the loop off; Delete removes the selected segment.
  await page.keyboard.press('l');
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Delete');
  await expect(rows).toHaveCount(0);
});

test('a track whose file moved says so and plays again after relinking', async ({ page }) => {
  const moved = path.join(served.dir, 'moved-duet.mp3');
  fs.renameSync(mixPath, moved);
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: 'Fixture Duet' }).click();
  const problem = page.getByTestId('file-problem');
  await expect(problem).toContainText('missing (moved or deleted)');
  await expect(page.getByTestId('play')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('player-file-missing'), fullPage: true });

  // A different recording is refused; the moved file is accepted.
  await page.getByTestId('relink-path').fill(path.join(ROOT, 'test', 'fixtures', 'audio', 'aria.mp3'));
  await page.getByTestId('relink').click();
  await expect(page.getByRole('alert').filter({ hasText: 'not the same recording' })).toBeVisible();
  await page.getByTestId('relink-path').fill(moved);
  await page.getByTestId('relink').click();
  await expect(problem).toHaveCount(0);
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await page.getByTestId('play').click();
  await expect.poll(() => position(page), { timeout: 5000 }).toBeGreaterThan(0.3);
});

async function rpc<T = unknown>(request: APIRequestContext, command: string, data: unknown): Promise<T> {
  const r = await request.post(`${served.url}api/rpc/${command}`, { headers: { authorization: `Bearer ${served.token}` }, data });
  const body = await r.json();
  expect(r.status(), JSON.stringify(body)).toBe(200);
  return body.value as T;
}

async function importMade(request: APIRequestContext, name: string): Promise<number> {
  const file = path.join(served.dir, name);
  fs.copyFileSync(path.join(made, name), file);
  const imp = await rpc<{ imported: { id: number }[] }>(request, 'importPaths', { paths: [file] });
  return imp.imported[0]!.id;
}

async function openTitled(page: Page, name: string, lanes: number): Promise<void> {
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: name }).click();
  await expect(page.getByTestId('player-loading')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(lanes, { timeout: 30_000 });
}

/** Page errors and console errors, collected from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

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

test('clicking a segment row twice quickly plays it without an error', async ({ page }) => {
  await openDuet(page);
  const errors = collectErrors(page);
  await page.getByTestId('add-segment').click();
  const row = page.getByTestId('segment-row').first();
  await expect(row).toBeVisible();
  await row.dblclick();
  await expect(page.getByTestId('play')).toHaveText('Pause');
  await row.click({ clickCount: 3 });
  await expect.poll(() => position(page), { timeout: 5000 }).toBeGreaterThan(0.3);
  await page.waitForTimeout(300);
  expect(errors).toEqual([]);
});

test('stems arriving while a track is open keep the playhead where it was', async ({ page, request }) => {
  await openDuet(page);
  const wave = page.getByTestId('lane-vocals').getByTestId('waveform');
  const box = (await wave.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect.poll(() => position(page)).toBeGreaterThan(5.5);
  const before = await position(page);
  const trackId = await page.evaluate(() => Number(new URL(location.href).hash.match(/(\d+)/)?.[1] ?? NaN));
  await rpc(request, 'attachStem', { trackId, name: 'extra', path: path.join(DUET, 'duet.vocals.ogg') });
  await expect(page.getByTestId('lane-extra')).toBeVisible();
  await expect(page.getByTestId('player-loading')).toHaveCount(0);
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(4);
  await page.waitForTimeout(300);
  expect(Math.abs((await position(page)) - before)).toBeLessThan(0.05);
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
  for (let i = 0; i < 12 && (await widthA()) < 100; i++) {
    await page.getByTestId('zoom-in').click();
    await page.waitForTimeout(100);
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
