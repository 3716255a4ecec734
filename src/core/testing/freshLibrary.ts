// Test helpers: a fresh library for each test (a temp folder, a studio or a bare store on a SQLite
// file in it), opened before and closed and removed after — the lifecycle many test files share.
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createStudio, type Studio, type StudioOptions } from '../studio';
import { openStore, type Store } from '../store/store';
import { tempDir } from './tmp';

export interface Fresh<T> {
  /** The temp folder of the current test (holds lib.db and its data folder). */
  readonly dir: string;
  readonly it: T;
}

function fresh<T>(open: (db: string) => Promise<T>, close: (x: T) => Promise<void>): Fresh<T> {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let value: T | undefined;
  beforeEach(async () => {
    tmp = tempDir();
    value = await open(path.join(tmp.dir, 'lib.db'));
  });
  afterEach(async () => {
    if (value !== undefined) await close(value);
    tmp?.cleanup();
    value = undefined;
  });
  return {
    get dir() {
      return tmp!.dir;
    },
    get it() {
      return value!;
    },
  };
}

/** A studio on a new library file for every test (`opts` as createStudio's, less dbPath). */
export const freshStudio = (opts: Omit<StudioOptions, 'dbPath'> = {}): Fresh<Studio> =>
  fresh((dbPath) => createStudio({ ...opts, dbPath }), (s) => s.close());

/** A bare store on a new library file for every test. */
export const freshStore = (): Fresh<Store> => fresh(openStore, (s) => s.close());
