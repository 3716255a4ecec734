// The desktop app end to end, when an Electron binary is installed. Electron 45's npm package
// downloads its binary on first launch, which an offline machine cannot do, so without a binary
// this test is skipped with the reason (and never triggers the download).
import { _electron as electron, expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ELECTRON_SKIP_REASON, electronBinary } from './electronBinary';
import { FIXTURES, ROOT, screenshotPath } from './serve';

const binary = electronBinary(ROOT);

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  test('opens the library window, locked down, asks the annotator name on first run, and lists imported tracks', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 's2cap-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [path.join(ROOT, 'out', 'main', 'index.js'), '--no-sandbox'],
      env: { ...process.env, S2CAP_DB: path.join(home, 'library.s2cap.db') },
    });
    try {
      const win = await app.firstWindow();
      await expect(win.getByTestId('empty-state')).toBeVisible();
      // First run: the annotator's name is asked at start (annotate/namePrompt.ts), then shown in the header.
      await expect(win.getByTestId('annotator-dialog')).toBeVisible();
      await win.getByTestId('annotator-name').fill('Ann');
      await win.getByTestId('annotator-save').click();
      await expect(win.getByTestId('annotator-dialog')).toHaveCount(0);
      await expect(win.getByTestId('annotator-current')).toHaveText('Ann');
      // The page has the bridge but no Node.
      expect(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await win.evaluate(() => typeof window.studio?.commands.listTracks)).toBe('function');
      const env = await win.evaluate((p) => window.studio!.commands.importPaths({ paths: [p] }), FIXTURES);
      expect(env.ok).toBe(true);
      await expect(win.getByTestId('track-row')).toHaveCount(7);
      await win.screenshot({ path: screenshotPath('electron-library') });
    } finally {
      await app.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
