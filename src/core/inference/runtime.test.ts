// The warm model cache: one load per pack folder and settings, and a pack reinstalled under the
// same folder (a new copy renamed into place) is loaded afresh instead of served from memory.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readManifest } from './packs/validate';
import { getSeparator, type EpSettings } from './runtime';
import { tempDir } from '../testing/tmp';

const tmp = tempDir();
afterAll(tmp.cleanup);
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/packs/identity-separator');
const EP: EpSettings = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 1 };

it('keeps a loaded model warm, and loads a reinstalled copy of the folder afresh', async () => {
  const dir = path.join(tmp.dir, 'packs', 'identity-separator@1.0.0');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const spec = (await readManifest(dir)).separator!;
  const first = await getSeparator(dir, spec, EP);
  expect(await getSeparator(dir, spec, EP)).toBe(first);
  expect(await getSeparator(dir, spec, { ...EP, threads: 2 })).not.toBe(first);

  // Remove and install again: a new folder renamed into the same place.
  const staging = path.join(tmp.dir, 'packs', '.staging');
  fs.cpSync(FIXTURE, staging, { recursive: true });
  fs.rmSync(dir, { recursive: true });
  fs.renameSync(staging, dir);
  const again = await getSeparator(dir, spec, EP);
  expect(again).not.toBe(first);
  expect(await getSeparator(dir, spec, EP)).toBe(again);
});
