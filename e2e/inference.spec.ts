// Models from the UI: install the fixture packs, separate a track into stems that then play as
// lanes, add a segment and get a caption suggestion labelled with its pack and provider.
import { expect, test } from '@playwright/test';
import path from 'node:path';
import type { TrackDetail } from '../src/shared/types';
import { clock, rpc } from './playerPage';
import { ROOT, screenshotPath, serveTempLibrary, type Served } from './serve';

const PACKS = path.join(ROOT, 'test', 'fixtures', 'packs');
let served: Served;
test.beforeEach(async ({ request }) => {
  served = await serveTempLibrary();
  const auth = { authorization: `Bearer ${served.token}` };
  const r = await request.post(`${served.url}api/rpc/importPaths`, { headers: auth, data: { paths: [path.join(ROOT, 'test', 'fixtures', 'duet', 'duet.mp3')] } });
  expect(r.status()).toBe(200);
  // The annotator's name, so the first-run name dialog does not cover the page.
  expect((await request.post(`${served.url}api/rpc/setAnnotatorName`, { headers: auth, data: { name: 'inference-e2e' } })).status()).toBe(200);
});
test.afterEach(async () => served.stop());

test('install packs, separate a track, suggest a caption, with the provider shown', async ({ page }) => {
  await page.goto(served.openUrl);
  const models = page.getByTestId('models-panel');
  await expect(models).toContainText('No model packs yet');
  for (const p of ['identity-separator', 'tiny-captioner']) {
    await page.getByTestId('pack-path').fill(path.join(PACKS, p));
    await page.getByRole('button', { name: 'Install pack' }).click();
    await expect(models).toContainText(`Installed ${p}@1.0.0`);
  }
  // Fixtures are marked and not active until chosen.
  await expect(page.getByTestId('pack-row')).toHaveCount(2);
  await expect(page.getByTestId('pack-row').first()).toContainText('test fixture');
  // Installed but not chosen: the panel says the built-ins are doing the work meanwhile.
  await expect(page.getByTestId('builtins-in-use')).toContainText('In use: the built-in separator (classical vocal isolation) and the built-in suggester');
  await page.getByRole('button', { name: 'use as separator' }).click();
  await page.getByRole('button', { name: 'use as captioner' }).click();
  await expect(models).toContainText('active separator');
  await expect(models).toContainText('active captioner');
  await expect(page.getByTestId('ep-decoder')).toHaveValue('auto');
  await expect(page.getByTestId('builtins-in-use')).toHaveCount(0);
  // A CPU-threads value the studio cannot take is explained and left in the field, not dropped.
  await page.getByTestId('threads').fill('abc');
  await page.getByTestId('threads').press('Enter');
  await expect(models.getByRole('alert')).toContainText('CPU threads "abc" not saved: it is not a number');
  await expect(page.getByTestId('threads')).toHaveValue('abc');
  await page.getByTestId('threads').fill('2');
  await page.getByTestId('threads').press('Enter');
  await expect(models.getByRole('alert')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('threads')).toHaveValue('2');
  await page.screenshot({ path: screenshotPath('models-panel'), fullPage: true });

  await page.getByTestId('track-row').first().click();
  await expect(page.getByTestId('separator-name')).toContainText('identity-separator@1.0.0');
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(1);
  await page.getByTestId('separate').click();
  await expect(page.getByTestId('job').first()).toContainText('done', { timeout: 30_000 });
  await expect(page.getByTestId('job').first()).toContainText('2 stems by identity-separator on cpu');
  // `auto` tries WebGPU first for a separator; it ran on the CPU here, and the job says why.
  await expect(page.getByTestId('job').first().getByTestId('job-fallback')).toContainText(/^webgpu not used: \S/);
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await expect(page.getByTestId('lane-vocals')).toBeVisible();
  await expect(page.getByTestId('origin-vocals')).toHaveText('by identity-separator@1.0.0 on cpu');

  await expect(page.getByTestId('suggest')).toBeDisabled(); // no segments yet
  await page.getByTestId('add-segment').click();
  await expect(page.getByTestId('segment-row')).toHaveCount(1);
  await page.getByTestId('suggest').click();
  const suggestion = page.getByTestId('suggestion');
  await expect(suggestion).toBeVisible({ timeout: 30_000 });
  await expect(suggestion).toContainText('tiny-captioner@1.0.0');
  await expect(suggestion).toContainText('encoder cpu, decoder cpu');
  await expect(suggestion).toContainText(/confidence -\d+\.\d\d/);
  await page.screenshot({ path: screenshotPath('track-with-stems-and-suggestion'), fullPage: true });

  // int8 on CPU: the fixture carries Optimum-style *_quantized.onnx files; a new suggestion says it ran them.
  await page.getByTestId('back').click();
  // The first caption job under `auto` calibrated the captioner on this machine; the panel shows it.
  await expect(page.getByTestId('pack-calibration')).toContainText(/tiny-captioner@1\.0\.0: auto: (cpu for encoder and decoder|encoder \S+ \()/);
  await page.getByTestId('int8').check();
  await page.reload();
  await expect(page.getByTestId('int8')).toBeChecked();
  await page.getByTestId('track-row').first().click();
  await page.getByTestId('suggest').click();
  await expect(page.getByTestId('suggestion')).toContainText('encoder cpu int8, decoder cpu int8', { timeout: 30_000 });

  // The library shows the new status.
  await page.getByTestId('back').click();
  await expect(page.getByTestId('track-row').first()).toContainText('Suggested'); // a model suggested; nobody reviewed yet
  await expect(page.getByTestId('track-counts').first()).toHaveText('1 seg · 1 sugg · 0 ✓');

  // Removing the packs keeps what they made labelled with them (not "built-in").
  for (const id of ['identity-separator@1.0.0', 'tiny-captioner@1.0.0']) {
    await page.getByTestId('pack-row').filter({ hasText: id }).getByRole('button', { name: 'Remove' }).click();
  }
  await expect(page.getByTestId('pack-row')).toHaveCount(0);
  await page.getByTestId('track-row').first().click();
  await expect(page.getByTestId('origin-vocals')).toHaveText('by identity-separator@1.0.0 on cpu');
  await expect(page.getByTestId('suggestion')).toContainText('tiny-captioner@1.0.0');
  await expect(page.getByTestId('suggestion')).not.toContainText('built-in');
});

test('without packs, the built-in separator and suggester work and say what they are', async ({ page, request }) => {
  await page.goto(served.openUrl);
  await page.getByTestId('track-row').first().click();
  await expect(page.getByTestId('separator-name')).toContainText('built-in separator');
  await expect(page.getByTestId('separator-name')).toContainText('not a model');
  // A space between the name and what it is (it read "built-in separator(centre…").
  await expect(page.getByTestId('separator-name')).toContainText('built-in separator (classical vocal isolation, not a model)');
  await page.getByTestId('separate').click();
  await expect(page.getByTestId('job').first()).toContainText('2 stems by the built-in separator', { timeout: 30_000 });
  await expect(page.locator('[data-testid=waveform][data-ready=true]')).toHaveCount(3);
  await expect(page.getByTestId('origin-vocals')).toHaveText('built-in separator, cpu');
  await page.getByTestId('add-segment').click();
  await page.getByTestId('suggest').click();
  const suggestion = page.getByTestId('suggestion');
  await expect(suggestion).toContainText('built-in suggester (measured, not a model)', { timeout: 30_000 });
  await expect(suggestion).toContainText(/\b(singer|vocalist)\b/);
  await expect(suggestion).toContainText('confidence'); // ln(mean confidence of the attributes it states)
  await expect(page.getByTestId('attributes')).toContainText('measured: ');
  await expect(page.getByTestId('stale-note')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('track-builtin-defaults'), fullPage: true });

  // Resize the segment behind the page's back: after a reload the suggestion says it is stale.
  const detail = await rpc<TrackDetail>(served, request, 'openTrack', { id: 1 });
  const seg = detail.segments[0]!;
  expect(detail.suggestions[0]).toMatchObject({ segmentId: seg.id, startSec: seg.startSec, endSec: seg.endSec, stale: false });
  await rpc(served, request, 'updateSegment', { id: seg.id, startSec: seg.startSec + 1, endSec: seg.endSec });
  await page.reload();
  const note = page.getByTestId('stale-note');
  await expect(note).toHaveText(`⚠ made for ${clock(seg.startSec)}–${clock(seg.endSec)} — the segment has changed since; suggest again`);
  await expect(suggestion).toContainText(/\b(singer|vocalist)\b/); // kept, not erased
  await page.screenshot({ path: screenshotPath('track-stale-suggestion'), fullPage: true });
});
