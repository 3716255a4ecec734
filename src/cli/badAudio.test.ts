// The CLI on cut-off audio: `import` refuses it unless --allow-truncated, and `features` /
// `caption` never write output made from zero samples — one line naming the file instead.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../core/testing/tmp';
import { runCaptured } from './runCaptured';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let cut: string;
beforeEach(() => {
  tmp = tempDir();
  db = path.join(tmp.dir, 'lib.db');
  cut = path.join(tmp.dir, 'cut.flac');
  const flac = fs.readFileSync(fixture('aria.flac'));
  fs.writeFileSync(cut, flac.subarray(0, Math.floor(flac.length / 2)));
});
afterEach(() => tmp.cleanup());

const run = runCaptured;

describe('s2cap on cut-off audio', () => {
  it('import refuses a cut FLAC with its decodable length; --allow-truncated imports that part', async () => {
    const refused = await run('import', cut, '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/! cut\.flac: truncated: \d\.\d of 2\.0 s decodable/);
    const allowed = await run('import', cut, '--allow-truncated', '--json', '--db', db);
    expect(allowed.code).toBe(0);
    const report = JSON.parse(allowed.out);
    expect(report.imported).toHaveLength(1);
    expect(report.imported[0].durationSec).toBeGreaterThan(0.3);
    expect(report.imported[0].durationSec).toBeLessThan(1.9);
    expect(report.truncated[0]).toMatchObject({ name: 'cut.flac', reason: expect.stringMatching(/^truncated: /) });
  });

  it('features and caption name the file instead of writing output from zero samples', async () => {
    const empty = path.join(tmp.dir, 'header-only.flac');
    fs.writeFileSync(empty, fs.readFileSync(fixture('aria.flac')).subarray(0, 200));
    const npy = path.join(tmp.dir, 'f.npy');
    for (const argv of [
      ['features', empty, '--out', npy],
      ['features', cut, '--out', npy, '--segment', '1.5:2'],
      ['caption', empty],
      ['caption', cut, '--segment', '1.9:2'],
    ]) {
      const r = await run(...argv, '--db', db);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toMatch(new RegExp(`^s2cap: .*${path.basename(argv[1]!)}.*: no audio in `));
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
      expect(fs.existsSync(npy)).toBe(false);
    }
  });
});
