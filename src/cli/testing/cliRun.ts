// Test helpers for the CLI tests: a fresh library file per test, the CLI run in process
// (runCaptured), and assertions that a run succeeded with its stdout as text or parsed JSON.
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { tempDir } from '../../core/testing/tmp';
import { runCaptured } from '../runCaptured';

export { runCaptured };

export type CliResult = Awaited<ReturnType<typeof runCaptured>>;

/** Registers beforeEach/afterEach for a temp folder holding a library file `fileName`. */
export function cliLibrary(fileName = 'lib.db'): { readonly dir: string; readonly db: string } {
  let tmp: ReturnType<typeof tempDir> | undefined;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    tmp?.cleanup();
    tmp = undefined;
  });
  return {
    get dir() {
      if (!tmp) throw new Error('cliLibrary: used outside a test');
      return tmp.dir;
    },
    get db() {
      return path.join(this.dir, fileName);
    },
  };
}

/** Expects a clean, successful run and returns its stdout. */
export function cliOk(r: CliResult): string {
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

/** Expects a clean, successful run and returns its stdout parsed as JSON. */
export function cliJson<T>(r: CliResult): T {
  return JSON.parse(cliOk(r)) as T;
}
