// Odd paths given to the CLI: a FIFO is refused at once (it used to hang features, caption and
// separate for ever), a symlink loop is called one, and every failure is one line naming the file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../core/testing/tmp';
import { runCaptured } from './runCaptured';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let fifo: string;
beforeEach(() => {
  tmp = tempDir();
  db = path.join(tmp.dir, 'lib.db');
  fifo = path.join(tmp.dir, 'pipe.wav');
  execFileSync('mkfifo', [fifo]);
});
afterEach(() => {
  // If a regression opened the FIFO for reading, give it a writer so the open returns and the
  // test process can exit (the test itself has already failed on its timeout).
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    /* nobody is reading: nothing to release */
  }
  tmp.cleanup();
});

const run = runCaptured;

/** Fails (rather than hangs) when the command does not return within `ms`. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still running after ${ms} ms (hangs)`)), ms))]);
}

describe('odd paths', () => {
  it.each([
    ['features', '--out', 'f.npy'],
    ['caption'],
    ['separate', '--out', 'stems'],
  ])('%s refuses a FIFO at once', async (command, ...rest) => {
    const r = await within(8000, run(command, fifo, ...rest.map((x) => (x.startsWith('--') ? x : path.join(tmp.dir, x))), '--db', db));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`s2cap: ${fifo}: a named pipe (FIFO), not an audio file`);
  }, 15_000);

  it('calls a symlink loop a symlink loop, and a folder a folder', async () => {
    const a = path.join(tmp.dir, 'a.wav');
    const b = path.join(tmp.dir, 'b.wav');
    fs.symlinkSync(b, a);
    fs.symlinkSync(a, b);
    const loop = await run('features', a, '--out', path.join(tmp.dir, 'x.npy'), '--db', db);
    expect(loop.err).toBe(`s2cap: ${a}: symlink loop (or too many symbolic links)`);
    const imp = await run('import', a, '--db', db, '--json');
    expect(JSON.parse(imp.out).failed[0].reason).toMatch(/^symlink loop/);
    const dir = path.join(tmp.dir, 'folder.wav');
    fs.mkdirSync(dir);
    expect((await run('caption', dir, '--db', db)).err).toBe(`s2cap: ${dir}: a folder, not an audio file`);
  });

  it('names the file and the reason for a file-system failure, in words', async () => {
    const out = path.join(tmp.dir, 'no', 'such', 'folder', 'x.npy');
    const r = await run('features', path.resolve(__dirname, '../../test/fixtures/features/voice16k.wav'), '--out', out, '--db', db);
    expect(r.code).toBe(1);
    // (The final name; a temporary name beside it is core/fsAtomic's to hide.)
    expect(r.err.startsWith(`s2cap: ${out}`)).toBe(true);
    expect(r.err).toMatch(/: no such file or folder$/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
