// Two processes import the same folder at the same moment (issue 7, item 1): with the write
// transaction begun IMMEDIATE and SQLITE_BUSY retried, no file fails with "database is locked",
// and every file ends up imported by exactly one of them.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/store';
import { tempDir } from '../testing/tmp';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const CHILD = path.join(REPO, 'src/core/testing/importFolderChild.ts');
const FILES = 300;

let tmp: ReturnType<typeof tempDir>;
let folder: string;
beforeAll(() => {
  tmp = tempDir();
  folder = path.join(tmp.dir, 'music');
  fs.mkdirSync(folder);
  // One short real WAV, then copies that differ in their last sample, so every file hashes differently.
  const base = path.join(tmp.dir, 'base.wav');
  execFileSync('sox', ['-R', '-n', '-r', '8000', '-c', '1', '-b', '16', base, 'synth', '0.05', 'sine', '440']);
  const bytes = fs.readFileSync(base);
  const dataAt = bytes.indexOf('data');
  expect(dataAt + 8 + bytes.readUInt32LE(dataAt + 4)).toBe(bytes.length); // the samples run to the end
  for (let i = 0; i < FILES; i++) {
    const copy = Buffer.from(bytes);
    copy.writeUInt16LE(i, copy.length - 2);
    fs.writeFileSync(path.join(folder, `take-${String(i).padStart(3, '0')}.wav`), copy);
  }
});
afterAll(() => tmp.cleanup());

interface ChildReport {
  imported: string[];
  relinked: string[];
  duplicates: string[];
  failed: string[];
}

describe('two processes importing the same folder', () => {
  it('import every file exactly once, with no "database is locked" failures', async () => {
    const dbFile = path.join(tmp.dir, 'shared.db');
    await (await openStore(dbFile)).close(); // both find a migrated library
    const importer = () => run(process.execPath, ['--import', 'tsx', CHILD, dbFile, folder], { cwd: REPO, maxBuffer: 16 << 20 });
    const outs = await Promise.all([importer(), importer()]);
    const [a, b] = outs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as ChildReport);
    expect([...a!.failed, ...b!.failed]).toEqual([]);
    const importedA = new Set(a!.imported);
    const both = b!.imported.filter((h) => importedA.has(h));
    expect(both).toEqual([]);
    expect(a!.imported.length + b!.imported.length).toBe(FILES);
    // Each process accounts for every file: what it did not import, it found as a duplicate.
    for (const r of [a!, b!]) expect(r.imported.length + r.duplicates.length + r.relinked.length).toBe(FILES);
    const db = await openStore(dbFile);
    expect(await db.tracks.count()).toBe(FILES);
    await db.close();
  }, 120_000);
});
