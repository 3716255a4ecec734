// The Export view end to end in Chromium against a real `s2cap serve` (issue 11, items 1 and 4): a
// library with built-in suggestions and approved captions (saved with `s2cap captions set`), an
// S2Cap JSONL export through the form, the written rows and manifest read back from disk (checksums
// verified), an existing folder refused until "replace" is ticked, the form remembered across a
// reload; then `s2cap eval` on the same library and its run in the Stats view's model report.
import { expect, test } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ExportManifest, ExportRow } from '../src/shared/dataset';
import { s2cap, seedTrack } from './annotatePage';
import { screenshotPath, serveTempLibrary, type Served } from './serve';

let served: Served;
test.use({ viewport: { width: 1280, height: 900 } });
test.beforeEach(async () => {
  served = await serveTempLibrary();
});
test.afterEach(async () => served.stop());

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('export approved captions as JSONL from the Export view; the rows and manifest on disk; replace only when asked; eval in the model report', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { segments } = await seedTrack(served, request, { spans: [[0, 6], [6, 12], [12, 18]] });
  const [a, b, c] = segments;
  s2cap(served, 'captions', 'set', String(a!.id), 'A bright female voice sings a slow aria over strings.', '--status', 'approved', '--author', 'ana');
  s2cap(served, 'captions', 'set', String(b!.id), 'A soft female voice, mid-tempo, classical.', '--status', 'approved', '--author', 'bo');
  s2cap(served, 'captions', 'set', String(c!.id), 'Not sure yet.', '--status', 'draft', '--author', 'ana');

  await page.goto(served.openUrl);
  await page.getByTestId('nav-export').click();
  await expect(page.getByTestId('export-view')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/export');
  const out = path.join(served.dir, 'exports', 'first');
  // Nothing to send without a folder: the button waits and the form says why.
  await expect(page.getByTestId('export-start')).toBeDisabled();
  await expect(page.getByTestId('export-invalid')).toContainText('folder');
  await page.getByTestId('export-format').selectOption('jsonl');
  await page.getByTestId('export-out').fill(out);
  await expect(page.getByTestId('export-status-approved')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('export-start').click();

  const result = page.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('export-total')).toHaveText('2');
  await expect(page.getByTestId('export-count-approved')).toHaveText('2');
  await expect(page.getByTestId('export-result-out')).toHaveText(out);
  await page.screenshot({ path: screenshotPath('export-done'), fullPage: true });

  // What was written: the two approved segments, with their suggestions; the manifest's checksums hold.
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as ExportManifest;
  expect(manifest).toMatchObject({ schemaVersion: 1, format: 'jsonl', counts: { total: 2, byStatus: { approved: 2 } } });
  const files = Object.keys(manifest.files);
  expect(files.length).toBeGreaterThan(0);
  await expect(page.getByTestId('export-files')).toHaveText(String(files.length));
  for (const f of files) expect(sha256(path.join(out, f)), f).toBe(manifest.files[f]);
  const dataFile = files.find((f) => f.endsWith('.jsonl'))!;
  const rows = fs.readFileSync(path.join(out, dataFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ExportRow);
  expect(rows.map((r) => [r.caption, r.annotator, r.status, r.begin, r.end])).toEqual([
    ['A bright female voice sings a slow aria over strings.', 'ana', 'approved', 0, 6],
    ['A soft female voice, mid-tempo, classical.', 'bo', 'approved', 6, 12],
  ]);
  for (const r of rows) {
    expect(r.suggestion).toMatch(/voice/);
    expect(r.suggestion_model).toBe('built-in');
    expect(r.edited).toBe(true);
  }
  expect(rows[0]!.id).toMatch(new RegExp(`-${a!.id}$`));

  // The same folder again: refused in one line, the first export untouched.
  const firstManifest = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');
  await page.getByTestId('export-start').click();
  const error = page.getByTestId('export-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toHaveText(/^Export failed: .+/);
  expect((await error.textContent())!.includes('\n')).toBe(false);
  expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(firstManifest);
  // With "replace", and drafts too: three rows now.
  await page.getByTestId('export-force').check();
  await page.getByTestId('export-status-draft').click();
  await page.getByTestId('export-start').click();
  await expect(page.getByTestId('export-total')).toHaveText('3', { timeout: 30_000 });
  await expect(page.getByTestId('export-error')).toHaveCount(0);
  const second = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as ExportManifest;
  expect(second.counts).toMatchObject({ total: 3, byStatus: { approved: 2, draft: 1 } });
  expect(JSON.stringify(second)).not.toBe(firstManifest);
  // "replace" is never remembered; the rest of the form is.
  await expect(page.getByTestId('export-force')).not.toBeChecked();
  await page.reload();
  await expect(page.getByTestId('export-out')).toHaveValue(out);
  await expect(page.getByTestId('export-status-draft')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('export-force')).not.toBeChecked();

  // The model report: `s2cap eval` with the built-in suggester against the approved captions.
  const evaluated = JSON.parse(s2cap(served, 'eval', '--pack', 'built-in', '--json')) as { n: number; pack: string; metrics: { bleu_4: number } };
  expect(evaluated).toMatchObject({ n: 2, pack: 'built-in' });
  await page.getByTestId('nav-stats').click();
  const row = page.getByTestId('eval-model-row').filter({ hasText: 'built-in suggester' });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('eval-bleu4')).toHaveText(evaluated.metrics.bleu_4.toFixed(3));
  await expect(page.getByTestId('eval-chart')).toHaveAttribute('data-pack', 'built-in');
  await expect(page.getByTestId('eval-line-bleu_4')).toHaveAttribute('d', /^M[\d.]+ [\d.]+$/);
  await page.getByTestId('model-report').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('export-model-report'), fullPage: true });
});
