// A junk MP3 at import is one line naming the file, not a screen of the decoder's per-frame errors
// (run as a user runs the CLI: a separate process, stderr as printed).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';

const tmp = tempDir();
afterAll(tmp.cleanup);
const ROOT = path.resolve(__dirname, '../../..');

it('importing random bytes behind an MPEG sync word prints the reason once and no decoder noise', async () => {
  const junk = path.join(tmp.dir, 'junk.mp3');
  // Deterministic noise (a sha256 chain), so every run meets the same frames.
  const blocks: Buffer[] = [];
  for (let h = Buffer.from('junk'); blocks.length < 6250; ) blocks.push((h = crypto.createHash('sha256').update(h).digest()));
  const bytes = Buffer.concat(blocks);
  fs.writeFileSync(junk, Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), bytes]));
  const run = promisify(execFile);
  const res = await run(process.execPath, [path.join(ROOT, 'bin', 's2cap.js'), 'import', junk, '--db', path.join(tmp.dir, 'lib.db')], { cwd: ROOT }).catch(
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  expect(res.stdout).toMatch(/! junk\.mp3: not valid audio: decodes to/);
  expect(res.stderr).not.toContain('mpg123-decoder');
  expect(res.stderr.trim().split('\n')).toEqual(['s2cap: 1 file could not be imported (reasons above)']);
}, 60_000);
