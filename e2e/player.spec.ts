// The stem player end to end in Chromium: a real track with two stems served by `s2cap serve`,
// played by Tone.js; every check reads the player's state from the UI.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

const DUET = path.join(ROOT, 'test', 'fixtures', 'duet');
let served: Served;
let mixPath: string;

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
