// Test helpers: throwaway folders and paths to the committed audio fixtures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FIXTURE_AUDIO = path.resolve(__dirname, '../../../test/fixtures/audio');

export function fixture(name: string): string {
  return path.join(FIXTURE_AUDIO, name);
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 's2cap-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A 10 s mix with two stems that sum to it (vocals, accompaniment). */
export const FIXTURE_DUET = path.resolve(__dirname, '../../../test/fixtures/duet');
