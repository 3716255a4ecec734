// Installing packs the ways users have them — a pack folder, a .zip, a bare Optimum export —
// and refusing broken ones with a message that names what is wrong.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../store/store';
import { tempDir } from '../../testing/tmp';
import { onFileHashed } from './packFiles';
import { PackRegistry } from './registry';
import { validatePack } from './validate';

const PACKS = path.resolve(__dirname, '../../../../test/fixtures/packs');
let tmp: ReturnType<typeof tempDir>;
let db: Store;
let reg: PackRegistry;
beforeEach(async () => {
  tmp = tempDir();
  db = await openStore(':memory:');
  reg = new PackRegistry(db, { installDir: path.join(tmp.dir, 'packs') });
});
afterEach(async () => {
  await db.close();
  tmp.cleanup();
});

function copyPack(name: string, edit?: (dir: string) => void): string {
  const dir = path.join(tmp.dir, 'src', `${name}-${Math.random().toString(36).slice(2)}`);
  fs.cpSync(path.join(PACKS, name), dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const editManifest = (dir: string, f: (m: Record<string, any>) => void) => {
  const p = path.join(dir, 'model.json');
  const m = JSON.parse(fs.readFileSync(p, 'utf8'));
  f(m);
  fs.writeFileSync(p, JSON.stringify(m));
};

describe('PackRegistry', () => {
  it('installs folders, lists them, and never makes a fixture the default', async () => {
    const { pack } = await reg.install(copyPack('tiny-captioner'));
    expect(pack.manifest.name).toBe('tiny-captioner');
    await reg.install(copyPack('identity-separator'));
    const info = await reg.info();
    expect(info.map((p) => p.id).sort()).toEqual(['identity-separator@1.0.0', 'tiny-captioner@1.0.0']);
    expect(info.every((p) => p.fixture && p.activeFor.length === 0)).toBe(true);
    expect(await reg.choose('captioner')).toBeNull(); // none active: the built-in suggester's turn
    await expect(reg.choose('captioner', 'nope@1.0.0')).rejects.toThrow(/no installed pack or pack folder "nope@1.0.0"/);
    // Chosen explicitly, a fixture is used (developers and tests do this).
    await reg.use('captioner', 'tiny-captioner@1.0.0');
    expect((await reg.choose('captioner'))!.manifest.name).toBe('tiny-captioner');
    await expect(reg.use('separator', 'tiny-captioner@1.0.0')).rejects.toThrow(/is not a separator/);
    await expect(reg.install(copyPack('tiny-captioner'))).rejects.toThrow(/already installed/);
    await reg.remove('tiny-captioner@1.0.0');
    expect((await reg.info()).map((p) => p.id)).toEqual(['identity-separator@1.0.0']);
    expect(await reg.choose('captioner')).toBeNull();
  });

  it('refuses to install a pack that is already bundled under the same id', async () => {
    const bundled = new PackRegistry(db, { installDir: path.join(tmp.dir, 'packs'), bundledDir: PACKS });
    await expect(bundled.install(copyPack('identity-separator'))).rejects.toThrow(/already bundled with the studio/);
    await expect(bundled.remove('identity-separator@1.0.0')).rejects.toThrow(/ships with the studio/);
  });

  it('installs a .zip (wrapped in a folder or not)', async () => {
    const zip = path.join(tmp.dir, 'sep.zip');
    execFileSync('python3', ['-m', 'zipfile', '-c', zip, copyPack('identity-separator')]);
    expect((await reg.install(zip)).pack.manifest.name).toBe('identity-separator');
    await expect(reg.install(path.join(tmp.dir, 'nope.zip'))).rejects.toThrow(/not found/);
    const junk = path.join(tmp.dir, 'junk.zip');
    fs.writeFileSync(junk, 'not a zip');
    await expect(reg.install(junk)).rejects.toThrow(/not a readable zip/);
  });

  it('installs a bare Optimum export, saying what it assumed', async () => {
    const dir = copyPack('tiny-captioner', (d) => {
      fs.rmSync(path.join(d, 'model.json'));
      fs.rmSync(path.join(d, 'generation_config.json'));
    });
    const { pack, assumptions } = await reg.install(dir);
    expect(pack.manifest.roles).toEqual(['captioner']);
    expect(pack.manifest.captioner).toMatchObject({
      decoderMerged: 'decoder_model_merged.onnx',
      decoder: 'decoder_model.onnx',
      decoderWithPast: 'decoder_with_past_model.onnx',
    });
    expect(assumptions.join('\n')).toMatch(/model.json was missing/);
    expect(assumptions.join('\n')).toMatch(/generation_config.json was missing/);
    await expect(validatePack(pack.dir)).resolves.toBeTruthy();
  });

  it.each([
    ['a missing file', 'tiny-captioner', (d: string) => fs.rmSync(path.join(d, 'decoder_with_past_model.onnx')), /missing file decoder_with_past_model.onnx/],
    ['a corrupted file', 'tiny-captioner', (d: string) => fs.appendFileSync(path.join(d, 'tokenizer.json'), ' '), /tokenizer.json: checksum does not match/],
    ['a wrong input name', 'identity-separator', (d: string) => editManifest(d, (m) => (m.separator.inputs.waveform = 'audio')), /missing input tensor "audio" \(has: mix\)/],
    ['a wrong segment length', 'identity-separator', (d: string) => editManifest(d, (m) => (m.separator.segmentSamples = 44100)), /dimension 2 is 22050, expected 44100/],
    ['a wrong number of sources', 'passthrough-htdemucs', (d: string) => editManifest(d, (m) => (m.separator.sources = ['vocals', 'other'])), /"add_67" dimension 1 is 4, expected 2/],
    ['an encoder in place of a decoder', 'tiny-captioner', (d: string) => editManifest(d, (m) => (m.captioner.decoderMerged = 'encoder_model.onnx')), /no past_key_values/],
    ['a broken model.json', 'tiny-captioner', (d: string) => editManifest(d, (m) => delete m.roles), /model.json: roles/],
  ])('refuses a pack with %s, naming it', async (_what, name, edit, message) => {
    await expect(reg.install(copyPack(name, edit))).rejects.toThrow(message);
    expect(await reg.info()).toEqual([]);
    // Validated in place: the install folder was not even created.
    expect(fs.existsSync(path.join(tmp.dir, 'packs')) ? fs.readdirSync(path.join(tmp.dir, 'packs')) : []).toEqual([]);
  });

  it('checks a pack folder used in place (its graphs opened) once per process while unchanged; a broken one at every lookup', async () => {
    const dir = copyPack('tiny-captioner');
    const opened = vi.spyOn(ort.InferenceSession, 'create');
    try {
      await reg.choose('captioner', dir);
      const once = opened.mock.calls.length;
      expect(once).toBeGreaterThan(0);
      await Promise.all([reg.choose('captioner', dir), new PackRegistry(db, { installDir: path.join(tmp.dir, 'other') }).choose('captioner', dir)]);
      expect(opened.mock.calls.length).toBe(once);

      // A file added: checked again, and refused (it is not listed); fixed, it is checked again.
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      await expect(reg.choose('captioner', dir)).rejects.toThrow(/notes\.txt is not listed in model\.json/);
      await expect(reg.choose('captioner', dir)).rejects.toThrow(/notes\.txt is not listed/);
      fs.rmSync(path.join(dir, 'notes.txt'));
      const before = opened.mock.calls.length;
      await reg.choose('captioner', dir);
      expect(opened.mock.calls.length).toBe(before + once);
      // A graph rewritten in place with the same bytes: checked again.
      fs.writeFileSync(path.join(dir, 'encoder_model.onnx'), fs.readFileSync(path.join(dir, 'encoder_model.onnx')));
      await reg.choose('captioner', dir);
      expect(opened.mock.calls.length).toBe(before + 2 * once);
    } finally {
      opened.mockRestore();
    }
  });

  it('hashes each file of a folder used in place once per process, and again only once it changes', async () => {
    const dir = copyPack('tiny-captioner', (d) => fs.rmSync(path.join(d, 'model.json'))); // derived at every lookup
    const hashed = new Map<string, number>();
    const stop = onFileHashed((f, why) => why === 'digest' && hashed.set(path.basename(f), (hashed.get(path.basename(f)) ?? 0) + 1));
    try {
      const files = fs.readdirSync(dir).sort();
      const first = (await reg.choose('captioner', dir))!;
      expect(first.manifest.files['config.json']!.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'config.json'))).digest('hex'));
      await reg.choose('captioner', dir);
      // Another registry in the same process (another library, the next job): still no hashing.
      await new PackRegistry(db, { installDir: path.join(tmp.dir, 'other') }).choose('captioner', dir);
      expect([...hashed.keys()].sort()).toEqual(files);
      expect([...hashed.values()].every((n) => n === 1)).toBe(true);

      // A file rewritten (new size) is hashed again and its new checksum used; one rewritten with
      // the same bytes (same size, new times) is hashed again too; the others are not.
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
      const text = JSON.stringify({ ...config, note: 'edited' });
      fs.writeFileSync(path.join(dir, 'config.json'), text);
      fs.writeFileSync(path.join(dir, 'encoder_model.onnx'), fs.readFileSync(path.join(dir, 'encoder_model.onnx')));
      const again = (await reg.choose('captioner', dir))!;
      expect(again.manifest.files['config.json']!.sha256).toBe(crypto.createHash('sha256').update(text).digest('hex'));
      expect(again.manifest.files['encoder_model.onnx']).toEqual(first.manifest.files['encoder_model.onnx']);
      expect(hashed.get('config.json')).toBe(2);
      expect(hashed.get('encoder_model.onnx')).toBe(2);
      expect(files.filter((f) => f !== 'config.json' && f !== 'encoder_model.onnx').every((f) => hashed.get(f) === 1)).toBe(true);

      // Installing it still hashes every byte it copies into the library.
      const copied: string[] = [];
      const stopCopy = onFileHashed((f, why) => why === 'copy' && copied.push(path.basename(f)));
      await reg.install(dir).finally(stopCopy);
      expect(copied.sort()).toEqual(files);
    } finally {
      stop();
    }
  });
});
