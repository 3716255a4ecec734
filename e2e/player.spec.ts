// The stem player end to end in Chromium: a real track with two stems served by `s2cap serve`,
// played by Tone.js; every check reads the player's state from the UI. Long tracks, zoom and the
// timeline are in zoom.spec.ts; memory and lane alignment in memory.spec.ts.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { collectErrors, importCopy, openTrack, position, rpc as call } from './playerPage';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

const DUET = path.join(ROOT, 'test', 'fixtures', 'duet');
let served: Served;
let mixPath: string;

test.use({ viewport: { width: 1440, height: 900 } });

const rpc = <T = unknown>(request: APIRequestContext, command: string, data: unknown) => call<T>(served, request, command, data);

test.beforeEach(async ({ request }) => {
  served = await serveTempLibrary();
  const trackId = await importCopy(served, request, path.join(DUET, 'duet.mp3'));
  mixPath = path.join(served.dir, 'duet.mp3');
  for (const name of ['vocals', 'accompaniment']) await rpc(request, 'attachStem', { trackId, name, path: path.join(DUET, `duet.${name}.ogg`) });
  // The annotator's name, so the first-run name dialog does not cover the player.
  await rpc(request, 'setAnnotatorName', { name: 'player-e2e' });
});
test.afterEach(async () => served.stop());

async function openDuet(page: Page): Promise<void> {
  await openTrack(page, served, 'Fixture Duet', 3);
  await expect(page.getByTestId('track-title')).toHaveText('Fixture Duet');
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

  // A–B loop: A here (~2.5 s), B five seconds later (keys a and b); the range is drawn on the
  // ruler but loops only once L turns it on; L again turns it off, and the range stays drawn.
  await page.keyboard.press('a');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('b');
  await expect(page.getByTestId('ab-band')).toHaveAttribute('data-on', 'false');
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('l');
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('loop')).toContainText(/Loop 0:02\.\d–0:07\.\d/);
  await expect(page.getByTestId('ab-band')).toHaveAttribute('data-on', 'true');
  await page.keyboard.press('l');
  await expect(page.getByTestId('loop')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('ab-band')).toHaveAttribute('data-on', 'false');

  // ? opens the cheat sheet; a key is remapped there (A → Q), a chord in use is refused.
  await page.keyboard.press('Shift+?');
  await expect(page.getByTestId('cheat-sheet')).toBeVisible();
  await page.getByTestId('key-setLoopStart-0').click();
  await page.keyboard.press('m');
  await expect(page.getByTestId('shortcut-message')).toContainText('M is already "Mute the focused lane"');
  await page.keyboard.press('q');
  await expect(page.getByTestId('key-setLoopStart-0')).toHaveText('Q');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('cheat-sheet')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await page.keyboard.press('q'); // still Q after a reload: A moves to the playhead (0:00)
  await expect(page.getByTestId('set-a')).toContainText('A 0:00.0');

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

test('stems arriving while a track is open keep the playhead and each lane\'s mute, solo and volume', async ({ page, request }) => {
  await openDuet(page);
  await page.getByTestId('mute-vocals').click();
  await page.getByTestId('solo-accompaniment').click();
  await page.getByLabel('accompaniment volume').fill('0.5');
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
  // What the listener set on the lanes that were there stays; the mix stays muted behind its stems.
  await expect(page.getByTestId('mute-vocals')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('solo-accompaniment')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('accompaniment volume')).toHaveValue('0.5');
  await expect(page.getByTestId('mute-mix')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('mute-extra')).toHaveAttribute('aria-pressed', 'false');
});


test('leaving a track while its lanes are still opening stops and releases them', async ({ page }) => {
  // Every <audio> the player makes, to see afterwards that none is left holding a stream.
  await page.addInitScript(() => {
    const made: HTMLAudioElement[] = [];
    (window as unknown as { __audios: HTMLAudioElement[] }).__audios = made;
    const Original = window.Audio;
    window.Audio = function (src?: string) {
      const el = new Original(src);
      made.push(el);
      return el;
    } as unknown as typeof Audio;
    window.Audio.prototype = Original.prototype;
  });
  // Slow media so that the lanes are still opening when the listener leaves.
  let held = 0;
  await page.route('**/api/media/**', async (route) => {
    held++;
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => undefined);
  });
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').filter({ hasText: 'Fixture Duet' }).click();
  await expect(page.getByTestId('player-loading')).toBeVisible();
  await expect.poll(() => held).toBeGreaterThan(0);
  await page.getByTestId('back').click();
  await expect(page.getByTestId('track-row')).toHaveCount(1);
  await page.unroute('**/api/media/**');
  // Long enough for the held requests to be answered and the lanes to finish opening.
  await page.waitForTimeout(3000);
  const audios = await page.evaluate(() =>
    (window as unknown as { __audios: HTMLAudioElement[] }).__audios.map((el) => ({ src: el.getAttribute('src'), paused: el.paused })),
  );
  expect(audios.length).toBeGreaterThan(0);
  expect(audios.filter((a) => a.src !== null || !a.paused)).toEqual([]);
});

test('resizing the segment being looped moves the loop with it', async ({ page, request }) => {
  await openDuet(page);
  const trackId = await page.evaluate(() => Number(new URL(location.href).hash.match(/(\d+)/)?.[1] ?? NaN));
  const seg = await rpc<{ id: number }>(request, 'createSegment', { trackId, startSec: 2, endSec: 7 });
  const row = page.getByTestId('segment-row');
  await expect(row).toHaveCount(1);
  await row.click();
  await expect(page.getByTestId('loop')).toHaveText('Loop 0:02.0–0:07.0');
  // The same write a drag of its edges makes; the page hears of it as any change to the track.
  await rpc(request, 'updateSegment', { id: seg.id, startSec: 3, endSec: 8.5 });
  await expect(row).toContainText('0:03.0 – 0:08.5');
  await expect(page.getByTestId('loop')).toHaveText('Loop 0:03.0–0:08.5');
});
