// End-to-end tests. Browser mode runs Debian's Chromium (no browser download) against a real
// `s2cap serve` on a temp library; the Electron project runs only when an Electron binary exists.
import { defineConfig } from '@playwright/test';
import { ELECTRON_SKIP_REASON, electronBinary } from './e2e/electronBinary';

if (!electronBinary(import.meta.dirname) && !process.env.TEST_WORKER_INDEX) {
  console.log(`[electron e2e] will be skipped: ${ELECTRON_SKIP_REASON}`);
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/test-results',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'browser', testIgnore: /electron\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
});
