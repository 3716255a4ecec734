// Pack .zip extraction under hostile archives: bombs are refused before anything is written,
// a header that lies about an entry's size is cut off at the cap, and link entries are refused.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/tmp';
import { extractZip } from './zip';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const MiB = 1 << 20;

/** Writes a zip with python's zipfile: entries are [name, bytes] or [name, link target, 'symlink']. */
function makeZip(file: string, entries: [string, number | string, ('symlink' | 'deflate')?][]): string {
  const py = `
import sys, zipfile, json
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, what, kind in entries:
        if kind == 'symlink':
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (0o120777 << 16)
            z.writestr(info, what)
        else:
            z.writestr(name, bytes(what))
`;
  execFileSync('python3', ['-c', py, file, JSON.stringify(entries.map(([n, w, k]) => [n, w, k ?? 'deflate']))]);
  return file;
}

/** Total bytes of regular files under dir (0 when it does not exist). */
function bytesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((n, e) => n + (e.isFile() ? fs.statSync(path.join(e.parentPath, e.name)).size : 0), 0);
}

describe('extractZip', () => {
  it('extracts an ordinary archive', async () => {
    const zip = makeZip(path.join(tmp.dir, 'ok.zip'), [['p/a.bin', 1000], ['p/b.bin', 10]]);
    const dest = path.join(tmp.dir, 'out');
    await extractZip(zip, dest, { maxTotalBytes: MiB });
    expect(fs.statSync(path.join(dest, 'p', 'a.bin')).size).toBe(1000);
  });

  it('refuses a bomb from its central directory, before writing anything', async () => {
    // 3 × 8 MiB of zeros compress to a few KiB; the cap is 16 MiB.
    const zip = makeZip(path.join(tmp.dir, 'bomb.zip'), [['a.bin', 8 * MiB], ['b.bin', 8 * MiB], ['c.bin', 8 * MiB]]);
    expect(fs.statSync(zip).size).toBeLessThan(MiB);
    const dest = path.join(tmp.dir, 'out');
    await expect(extractZip(zip, dest, { maxTotalBytes: 16 * MiB, maxRatio: 1e9 })).rejects.toThrow(/bomb\.zip: unpacks to 24\.0 MiB, over the 16\.0 MiB limit/);
    expect(bytesUnder(dest)).toBe(0);
  });

  it('refuses an entry whose compression ratio says bomb', async () => {
    const zip = makeZip(path.join(tmp.dir, 'ratio.zip'), [['zeros.bin', 8 * MiB]]);
    const dest = path.join(tmp.dir, 'out');
    await expect(extractZip(zip, dest)).rejects.toThrow(/ratio\.zip: entry "zeros\.bin" compresses \d+:1, too much for model weights/);
    expect(bytesUnder(dest)).toBe(0);
  });

  it('refuses a bomb spread over many entries each at most 1 MiB, before writing anything', async () => {
    // 16 entries of exactly 1 MiB of zeros: no entry is over the per-entry threshold, but the
    // archive as a whole compresses about 1000:1 (the same bomb as one 16 MiB entry).
    const entries = Array.from({ length: 16 }, (_, i): [string, number] => [`part${i}.bin`, MiB]);
    const zip = makeZip(path.join(tmp.dir, 'spread.zip'), entries);
    const dest = path.join(tmp.dir, 'out');
    await expect(extractZip(zip, dest)).rejects.toThrow(/spread\.zip: the archive compresses \d+:1, too much for model weights/);
    expect(bytesUnder(dest)).toBe(0);
  });

  it('stops a header that lies about an entry size at the declared size, under the cap', async () => {
    const zip = makeZip(path.join(tmp.dir, 'liar.zip'), [['x.bin', 4 * MiB]]);
    // Rewrite the uncompressed size (local header offset 22, central directory offset 24) to 100.
    const buf = fs.readFileSync(zip);
    buf.writeUInt32LE(100, 22);
    const cd = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(100, cd + 24);
    fs.writeFileSync(zip, buf);
    const dest = path.join(tmp.dir, 'out');
    await expect(extractZip(zip, dest, { maxTotalBytes: MiB, maxRatio: 1e9 })).rejects.toThrow(/liar\.zip: entry "x\.bin"/);
    expect(bytesUnder(dest)).toBeLessThanOrEqual(100);
  });

  it('refuses symbolic link entries', async () => {
    const zip = makeZip(path.join(tmp.dir, 'link.zip'), [['p/model.json', 10], ['p/tokenizer.json', '/etc/passwd', 'symlink']]);
    const dest = path.join(tmp.dir, 'out');
    await expect(extractZip(zip, dest)).rejects.toThrow(/link\.zip: entry "p\/tokenizer\.json" is a symbolic link: packs may not contain links/);
    expect(bytesUnder(dest)).toBe(0);
  });
});
