// A library that throws something that is not an Error (undefined, a string) still gets one
// meaningful line from the CLI; it used to print "error: undefined" or crash in the handler.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../core/testing/tmp';
import { runCaptured } from './runCaptured';

const thrown = vi.hoisted(() => ({ value: undefined as unknown }));
vi.mock('../core/store/tracks', async (original) => {
  const mod = await original<typeof import('../core/store/tracks')>();
  class TracksRepo extends mod.TracksRepo {
    override async list(): Promise<never> {
      throw thrown.value;
    }
  }
  return { ...mod, TracksRepo };
});

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('a thrown non-Error', () => {
  it.each([
    [undefined, 's2cap: unexpected failure (no details were given)'],
    ['decoder aborted', 's2cap: decoder aborted'],
    [7, 's2cap: unexpected failure (7)'],
  ])('%j prints one line and exits 1', async (value, line) => {
    thrown.value = value;
    const r = await runCaptured('list', '--db', path.join(tmp.dir, 'lib.db'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(line);
  });
});
