// A pack is what was checked: links and unlisted files are refused, a folder is validated in
// place before anything is copied, a file changed after install is noticed at load, a bare
// Optimum export works by path and by install (named after its folder), and errors name the
// path the user gave, never the internal staging folder.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/store';
import { tempDir } from '../../testing/tmp';
import { PackRegistry } from './registry';

const PACKS = path.resolve(__dirname, '../../../../test/fixtures/packs');
let tmp: ReturnType<typeof tempDir>;
let db: Store;
let reg: PackRegistry;
let installDir: string;
beforeEach(async () => {
  tmp = tempDir();
  db = await openStore(':memory:');
  installDir = path.join(tmp.dir, 'packs');
  reg = new PackRegistry(db, { installDir });
});
afterEach(async () => {
  await db.close();
  tmp.cleanup();
});

function copyPack(name: string, edit?: (dir: string) => void, as?: string): string {
  const dir = path.join(tmp.dir, 'src', as ?? `${name}-${Math.random().toString(36).slice(2)}`);
  fs.cpSync(path.join(PACKS, name), dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const bare = (d: string) => fs.rmSync(path.join(d, 'model.json'));

/** Replaces a file by a symbolic link to an identical copy outside the folder (same checksum). */
function linkOut(dir: string, file: string): void {
  const outside = path.join(tmp.dir, `outside-${file}`);
  fs.copyFileSync(path.join(dir, file), outside);
  fs.rmSync(path.join(dir, file));
  fs.symlinkSync(outside, path.join(dir, file));
}

const leftovers = () => (fs.existsSync(installDir) ? fs.readdirSync(installDir) : []);

describe('pack safety', () => {
  it('refuses a symbolic link inside a pack folder, at install and by path', async () => {
    const dir = copyPack('tiny-captioner', (d) => linkOut(d, 'tokenizer.json'));
    await expect(reg.install(dir)).rejects.toThrow(/tokenizer\.json is a symbolic link: packs may not contain links/);
    await expect(reg.choose('captioner', dir)).rejects.toThrow(/tokenizer\.json is a symbolic link/);
    const bareDir = copyPack('tiny-captioner', (d) => (bare(d), linkOut(d, 'encoder_model.onnx')));
    await expect(reg.install(bareDir)).rejects.toThrow(/encoder_model\.onnx is a symbolic link/);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a .zip holding a symbolic link', async () => {
    const zip = path.join(tmp.dir, 'linked.zip');
    const src = copyPack('identity-separator');
    execFileSync('python3', [
      '-c',
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.write(sys.argv[2] + '/model.json', 'p/model.json')
    i = zipfile.ZipInfo('p/separator.onnx'); i.create_system = 3; i.external_attr = 0o120777 << 16
    z.writestr(i, '/etc/passwd')`,
      zip,
      src,
    ]);
    await expect(reg.install(zip)).rejects.toThrow(/linked\.zip: entry "p\/separator\.onnx" is a symbolic link/);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a file that model.json does not list, and a derived manifest lists every file', async () => {
    const dir = copyPack('identity-separator', (d) => fs.writeFileSync(path.join(d, 'separator.onnx_data'), Buffer.alloc(4096, 7)));
    await expect(reg.install(dir)).rejects.toThrow(new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*separator\\.onnx_data is not listed in model\\.json files`));
    await expect(reg.choose('separator', dir)).rejects.toThrow(/separator\.onnx_data is not listed/);
    const sub = copyPack('identity-separator', (d) => fs.mkdirSync(path.join(d, 'extra')));
    await expect(reg.install(sub)).rejects.toThrow(/extra is a folder/);
    expect(leftovers()).toEqual([]);

    const opt = copyPack('tiny-captioner', (d) => (bare(d), fs.writeFileSync(path.join(d, 'encoder_model.onnx_data'), 'weights')));
    const { pack } = await reg.install(opt);
    expect(Object.keys(pack.manifest.files).sort()).toEqual(fs.readdirSync(opt).sort());
  });

  it('validates a folder in place before copying anything', async () => {
    // Not a pack: a big folder of other things. Nothing may appear under installDir, not even
    // a staging folder, and installDir is not created.
    const junk = path.join(tmp.dir, 'docs');
    fs.mkdirSync(junk);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(junk, `page${i}.html`), Buffer.alloc(256 * 1024, i));
    await expect(reg.install(junk)).rejects.toThrow(/docs: no model\.json and no encoder_model\.onnx/);
    expect(fs.existsSync(installDir)).toBe(false);

    fs.mkdirSync(installDir);
    const seen: string[] = [];
    const w = fs.watch(installDir, (_e, f) => seen.push(String(f)));
    try {
      await expect(reg.install(junk)).rejects.toThrow(/not a pack/);
      await expect(reg.install(copyPack('tiny-captioner', (d) => fs.appendFileSync(path.join(d, 'tokenizer.json'), ' ')))).rejects.toThrow(/checksum/);
      await new Promise((r) => setTimeout(r, 50)); // let inotify deliver anything it saw
    } finally {
      w.close();
    }
    expect(seen).toEqual([]);
  });

  it('notices a file changed after install, and accepts one only touched', async () => {
    await reg.install(copyPack('identity-separator'));
    const id = 'identity-separator@1.0.0';
    const installed = path.join(installDir, id);
    expect((await reg.choose('separator', id))!.dir).toBe(installed);

    // Touched, same bytes: re-hashed once, still fine.
    const onnx = path.join(installed, 'separator.onnx');
    fs.utimesSync(onnx, new Date(), new Date(Date.now() + 5000));
    expect((await reg.choose('separator', id))!.dir).toBe(installed);

    // Same size, other bytes, mtime put back: still noticed.
    const st = fs.statSync(onnx);
    const bytes = fs.readFileSync(onnx);
    bytes[bytes.length - 1]! ^= 1;
    fs.writeFileSync(onnx, bytes);
    fs.utimesSync(onnx, st.atime, st.mtime);
    await expect(reg.choose('separator', id)).rejects.toThrow(/identity-separator@1\.0\.0: separator\.onnx changed since it was installed/);
    await reg.use('separator', id).catch(() => {});
    await expect(reg.choose('separator')).rejects.toThrow(/changed since it was installed/);

    // Swapped for a link, or a file added next to it: refused too.
    fs.writeFileSync(onnx, fs.readFileSync(path.join(PACKS, 'identity-separator', 'separator.onnx')));
    linkOut(installed, 'separator.onnx');
    await expect(reg.choose('separator', id)).rejects.toThrow(/separator\.onnx is a symbolic link/);
    fs.rmSync(onnx);
    fs.copyFileSync(path.join(PACKS, 'identity-separator', 'separator.onnx'), onnx);
    expect((await reg.choose('separator', id))!.dir).toBe(installed);
    fs.writeFileSync(path.join(installed, 'extra.onnx'), 'x');
    await expect(reg.choose('separator', id)).rejects.toThrow(/extra\.onnx is not listed/);
  });

  it('checks a pack installed before install records existed in full once, then by its record', async () => {
    const dir = path.join(installDir, 'identity-separator@1.0.0');
    fs.cpSync(path.join(PACKS, 'identity-separator'), dir, { recursive: true });
    expect((await reg.choose('separator', 'identity-separator@1.0.0'))!.dir).toBe(dir);
    fs.appendFileSync(path.join(dir, 'separator.onnx'), 'x');
    await expect(reg.choose('separator', 'identity-separator@1.0.0')).rejects.toThrow(/separator\.onnx changed since it was installed/);
    const other = path.join(installDir, 'passthrough-htdemucs@1.0.0');
    fs.cpSync(path.join(PACKS, 'passthrough-htdemucs'), other, { recursive: true });
    fs.appendFileSync(path.join(other, 'htdemucs.onnx'), 'x');
    await expect(reg.choose('separator', 'passthrough-htdemucs@1.0.0')).rejects.toThrow(/htdemucs\.onnx: checksum does not match/);
  });

  it('names a bare install after its folder, or after config.json _name_or_path', async () => {
    const a = await reg.install(copyPack('tiny-captioner', bare, 'My Captioner'));
    expect(a.pack.manifest.name).toBe('My-Captioner');
    expect(a.assumptions.join('\n')).toMatch(/name "My-Captioner" from the folder name/);
    const b = await reg.install(
      copyPack('tiny-captioner', (d) => {
        bare(d);
        const p = path.join(d, 'config.json');
        fs.writeFileSync(p, JSON.stringify({ ...JSON.parse(fs.readFileSync(p, 'utf8')), _name_or_path: 'acme/s2cap-bart' }));
      }),
    );
    expect(b.pack.manifest.name).toBe('s2cap-bart');
    // A zip is named after its top folder, or the zip itself.
    const zip = path.join(tmp.dir, 'zipped-captioner.zip');
    const flat = copyPack('tiny-captioner', (d) => (bare(d), fs.rmSync(path.join(d, 'generation_config.json'))));
    execFileSync('python3', ['-c', 'import sys,zipfile,os\nwith zipfile.ZipFile(sys.argv[1],"w") as z:\n  [z.write(os.path.join(sys.argv[2],f), f) for f in os.listdir(sys.argv[2])]', zip, flat]);
    const c = await reg.install(zip);
    expect(c.pack.manifest.name).toBe('zipped-captioner');
    expect(c.assumptions.join('\n')).toMatch(/generation_config\.json was missing/);
    expect(fs.readdirSync(installDir).sort()).toEqual(['My-Captioner@0.0.0', 's2cap-bart@0.0.0', 'zipped-captioner@0.0.0']);
  });

  it('runs a bare Optimum export by path without writing into it, saying what it assumed', async () => {
    const dir = copyPack('tiny-captioner', (d) => (bare(d), fs.rmSync(path.join(d, 'generation_config.json'))));
    const before = fs.readdirSync(dir).sort();
    const pack = (await reg.choose('captioner', dir))!;
    expect(pack.manifest.captioner!.generation).toMatchObject({ decoder_start_token_id: expect.any(Number) });
    expect(pack.assumptions!.join('\n')).toMatch(/model\.json was missing/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('never names the staging folder in an error', async () => {
    const zip = path.join(tmp.dir, 'broken.zip');
    const src = copyPack('tiny-captioner', (d) => fs.rmSync(path.join(d, 'tokenizer.json')));
    execFileSync('python3', ['-m', 'zipfile', '-c', zip, src]);
    await expect(reg.install(zip)).rejects.toThrow(/broken\.zip.*missing file tokenizer\.json/);
    const notPack = path.join(tmp.dir, 'notes.zip');
    const notes = path.join(tmp.dir, 'notes');
    fs.mkdirSync(notes);
    fs.writeFileSync(path.join(notes, 'a.txt'), 'hi');
    execFileSync('python3', ['-m', 'zipfile', '-c', notPack, path.join(notes, 'a.txt')]);
    const err = await reg.install(notPack).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/notes\.zip/);
    expect((err as Error).message).not.toMatch(/staging/);
  });

  it('keeps name@version on stems and suggestions after the pack is removed', async () => {
    await reg.install(copyPack('identity-separator'));
    await reg.install(copyPack('tiny-captioner'));
    const sep = (await reg.choose('separator', 'identity-separator@1.0.0'))!;
    const cap = (await reg.choose('captioner', 'tiny-captioner@1.0.0'))!;
    const track = await db.tracks.insert({
      path: '/m/a.wav', fileName: 'a.wav', sha256: 'a'.repeat(64), sizeBytes: 1, title: null, artist: null, album: null,
      genre: null, durationSec: 10, sampleRate: 44100, channels: 2, container: 'WAVE', codec: 'PCM',
    });
    const seg = await db.segments.insert(track.id, 0, 6);
    await db.stems.upsert({ trackId: track.id, name: 'vocals', path: '/s/v.wav', packId: await reg.upsertRow(sep.manifest, sep.dir), ep: 'cpu' });
    await db.suggestions.insert({ segmentId: seg.id, startSec: 0, endSec: 6, text: 'a voice', score: -1, tokenLogprobs: [-1], packId: await reg.upsertRow(cap.manifest, cap.dir), ep: 'cpu', ms: 1 });
    expect((await db.stems.list(track.id))[0]!.pack).toBe('identity-separator@1.0.0');

    await reg.remove('identity-separator@1.0.0');
    await reg.remove('tiny-captioner@1.0.0');
    expect(await reg.info()).toEqual([]);
    expect((await db.stems.list(track.id))[0]).toMatchObject({ pack: 'identity-separator@1.0.0', packId: expect.any(Number) });
    expect((await db.suggestions.latest(track.id))[0]!.pack).toBe('tiny-captioner@1.0.0');
    // Installed again, the same row is reused.
    await reg.install(copyPack('identity-separator'));
    expect((await db.stems.list(track.id))[0]!.pack).toBe('identity-separator@1.0.0');
  });
});

describe('removing a pack while another process writes to the library', () => {
  it('waits for the lock and records the removal, instead of leaving the pack half-removed', async () => {
    const file = path.join(tmp.dir, 'busy.s2cap.db');
    const fileDb = await openStore(file);
    const busyReg = new PackRegistry(fileDb, { installDir: path.join(tmp.dir, 'busy-packs') });
    try {
      await busyReg.install(copyPack('identity-separator'));
      await busyReg.use('separator', 'identity-separator@1.0.0');
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      setTimeout(() => (other.exec('COMMIT'), other.close()), 800);
      await busyReg.remove('identity-separator@1.0.0');
      expect(await busyReg.list()).toEqual([]);
      // Marked removed: nothing recorded as installed any more.
      expect(await fileDb.packs.installedFiles('identity-separator', '1.0.0')).toBeNull();
      expect(await busyReg.active('separator')).toBeNull();
      expect(fs.readdirSync(path.join(tmp.dir, 'busy-packs'))).toEqual([]);
    } finally {
      await fileDb.close();
    }
  });
});
