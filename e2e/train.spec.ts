// Retraining from the Export view in Chromium against a real `s2cap serve`: Train… opens the form,
// a folder that is not an export gives a failed job with the recipe's reason, then the recipe's
// synthetic export with its tiny config trains for real (Python with PyTorch), the job's progress
// shows stage and epoch, and it ends with the new pack as the captioner (also in `s2cap models
// list`); "Start over" then trains that run again from its first stage rather than resuming it.
// Skipped, with the reason, where no Python with PyTorch exists; required under CI (e2e/torchPython.ts).
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { syntheticExport, tinyConfigFile } from '../src/core/testing/trainingData';
import type { PackInfo } from '../src/shared/types';
import { s2cap } from './annotatePage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';
import { e2eTorchPython } from './torchPython';

let served: Served;
test.use({ viewport: { width: 1280, height: 900 } });
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

test('Train… beside Export: a wrong folder fails with the reason; an export trains, shows its progress and installs the captioner', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const py = await e2eTorchPython(testInfo);
  const data = syntheticExport(py, path.join(served.dir, 'exports', 'synthetic'));
  const config = tinyConfigFile(py, path.join(served.dir, 'tiny.json'), { stage1: 1, stage2: 2 }, { log_every_steps: 1 });
  const notExport = path.join(served.dir, 'not-an-export');
  fs.mkdirSync(notExport);

  await page.goto(served.openUrl);
  await page.getByTestId('nav-export').click();
  await expect(page.getByTestId('train-form')).toHaveCount(0);
  await page.getByTestId('train-open').click();
  await expect(page.getByTestId('train-start')).toBeDisabled(); // nothing to train on yet

  await page.getByTestId('train-data').fill(notExport);
  await page.getByTestId('train-start').click();
  const job = page.getByTestId('train-job');
  await expect(job).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(page.getByTestId('train-detail')).toContainText('not-an-export: not an audiofolder export');

  await page.getByTestId('train-open').click();
  await page.getByTestId('train-data').fill(data);
  await page.getByTestId('train-config').fill(config);
  await page.getByTestId('train-start').click();
  // Closes once the job is queued (startTraining first checks the Python: importing torch takes seconds).
  await expect(page.getByTestId('train-form')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('train-detail')).toContainText(/stage [12]\/2/, { timeout: 120_000 });
  await page.screenshot({ path: screenshotPath('train-running'), fullPage: true });
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const pack = (await page.getByTestId('train-pack').textContent())!.replace(/^Captioner now:\s*/, '').trim();
  expect(pack).toMatch(/^s2cap-synthetic@1\.0\.0\+[0-9a-f]{8}$/);
  await expect(page.getByTestId('train-detail')).toContainText(`trained 3/3 epochs on cpu; installed ${pack} as the captioner`);
  await page.screenshot({ path: screenshotPath('train-done'), fullPage: true });
  const packs = JSON.parse(s2cap(served, 'models', 'list', '--json')) as PackInfo[];
  expect(packs.find((p) => p.id === pack)?.activeFor).toEqual(['captioner']);

  // Start over: the same export and config (the same run folder, finished) train again from stage 1.
  await page.getByTestId('train-open').click();
  await page.getByTestId('train-data').fill(data);
  await page.getByTestId('train-config').fill(config);
  await page.getByTestId('train-start-over').check();
  // Every detail the job shows, however briefly (stage 1 of the tiny config passes quickly).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { trainDetails: string[] }).trainDetails = seen;
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="train-detail"]')?.textContent ?? '';
      if (t && seen.at(-1) !== t) seen.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('train-start').click();
  await expect(job).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(page.getByTestId('train-detail')).toContainText('trained 3/3 epochs on cpu;');
  const details = await page.evaluate(() => (window as unknown as { trainDetails: string[] }).trainDetails);
  expect(details.some((d) => /stage 1\/2/.test(d)), details.join('\n')).toBe(true);
  expect(details.some((d) => /resumed/.test(d)), details.join('\n')).toBe(false);
});
