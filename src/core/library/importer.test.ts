// Import against a real library file and the committed fixture audio, including the bad inputs
// people really have: empty, text renamed .mp3, cut-off downloads, folders, FIFOs, unknown types.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../testing/tmp';
import { importPaths } from './importer';
import { freshStore } from '../testing/freshLibrary';

const lib = freshStore();
const db = () => lib.it;

const FORMATS = ['aria.wav', 'aria.flac', 'aria.mp3', 'aria.ogg', 'aria.opus', 'aria.m4a'];

function copyTo(dir: string, names: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const n of names) fs.copyFileSync(fixture(n), path.join(dir, n));
  return dir;
}

function truncated(src: string, dest: string, bytes: number): string {
  fs.writeFileSync(dest, fs.readFileSync(fixture(src)).subarray(0, bytes));
  return dest;
}

describe('importPaths', () => {
  it('imports every supported format with its metadata', async () => {
    const report = await importPaths(db(), FORMATS.map(fixture));
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(FORMATS.length);
    for (const t of report.imported) {
      expect(t.title).toBe('Fixture Aria');
      expect(t.artist).toBe('Test Singer');
      expect(t.album).toBe('Fixtures');
      expect(t.genre).toBe('Opera');
      expect(t.channels).toBe(2);
      expect(t.durationSec).toBeGreaterThan(1.9);
      expect(t.durationSec).toBeLessThan(2.2);
      expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const byName = Object.fromEntries(report.imported.map((t) => [t.fileName, t]));
    expect(byName['aria.opus']!.sampleRate).toBe(48000);
    expect(byName['aria.flac']!.container).toBe('FLAC');
    expect(await db().tracks.count()).toBe(FORMATS.length);
  });

  it('walks folders recursively, keeps audio and counts the rest as skipped', async () => {
    const root = path.join(lib.dir, 'music');
    copyTo(path.join(root, 'a'), ['aria.wav']);
    copyTo(path.join(root, 'a', 'deeper'), ['aria.mp3']);
    copyTo(path.join(root, 'b'), ['lullaby.wav']);
    fs.writeFileSync(path.join(root, 'b', 'cover.jpg'), 'not audio');
    fs.writeFileSync(path.join(root, 'readme.txt'), 'hello');
    const progress: number[] = [];
    const report = await importPaths(db(), [root], { onFile: (p) => progress.push(p.done) });
    expect(report.imported.map((t) => t.fileName).sort()).toEqual(['aria.mp3', 'aria.wav', 'lullaby.wav']);
    expect(report.skipped).toBe(2);
    expect(report.failed).toEqual([]);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('reports the same file, or a copy, as a duplicate and adds nothing', async () => {
    await importPaths(db(), [fixture('aria.wav')]);
    const copy = copyTo(path.join(lib.dir, 'copy'), ['aria.wav']);
    const again = await importPaths(db(), [fixture('aria.wav'), path.join(copy, 'aria.wav')]);
    expect(again.imported).toEqual([]);
    expect(again.duplicates.map((d) => d.name)).toEqual(['aria.wav', 'aria.wav']);
    expect(again.duplicates[0]!.track.path).toBe(fixture('aria.wav'));
    expect(await db().tracks.count()).toBe(1);
  });

  it('relinks a moved file by its content hash', async () => {
    const first = copyTo(path.join(lib.dir, 'old'), ['lullaby.wav']);
    const [orig] = (await importPaths(db(), [path.join(first, 'lullaby.wav')])).imported;
    const newDir = path.join(lib.dir, 'new');
    fs.mkdirSync(newDir);
    fs.renameSync(path.join(first, 'lullaby.wav'), path.join(newDir, 'renamed.wav'));
    const report = await importPaths(db(), [newDir]);
    expect(report.imported).toEqual([]);
    expect(report.relinked).toHaveLength(1);
    expect(report.relinked[0]).toMatchObject({ id: orig!.id, path: path.join(newDir, 'renamed.wav'), fileName: 'renamed.wav' });
    expect(await db().tracks.count()).toBe(1);
  });

  it('two copies of a moved file: one relinks the track, the other is a duplicate', async () => {
    const old = copyTo(path.join(lib.dir, 'old'), ['lullaby.wav']);
    await importPaths(db(), [path.join(old, 'lullaby.wav')]);
    fs.rmSync(old, { recursive: true });
    const now = copyTo(path.join(lib.dir, 'now'), []);
    fs.copyFileSync(fixture('lullaby.wav'), path.join(now, 'copy1.wav'));
    fs.copyFileSync(fixture('lullaby.wav'), path.join(now, 'copy2.wav'));
    const report = await importPaths(db(), [now]);
    expect(report.relinked).toHaveLength(1);
    expect(report.duplicates).toHaveLength(1);
    expect(await db().tracks.count()).toBe(1);
  });

  it('imports the good files of a batch and names each bad one with a reason', async () => {
    const bad = path.join(lib.dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'empty.wav'), '');
    fs.writeFileSync(path.join(bad, 'notes.mp3'), 'these are lyrics, not an mp3 at all\n'.repeat(20));
    truncated('aria.wav', path.join(bad, 'cut.wav'), 100_000);
    truncated('aria.m4a', path.join(bad, 'cut.m4a'), 10_000);
    truncated('aria.ogg', path.join(bad, 'cut.ogg'), 10_000);
    truncated('aria.mp3', path.join(bad, 'cut.mp3'), 15_000);
    truncated('aria.wav', path.join(bad, 'header-only.wav'), 44);
    fs.writeFileSync(path.join(bad, 'random.flac'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
    fs.writeFileSync(path.join(bad, 'doc.pdf'), '%PDF-1.4');
    fs.mkdirSync(path.join(bad, 'folder.wav'));
    execFileSync('mkfifo', [path.join(bad, 'pipe.wav')]);
    const missing = path.join(lib.dir, 'gone.flac');

    const files = ['empty.wav', 'notes.mp3', 'cut.wav', 'cut.m4a', 'cut.ogg', 'cut.mp3', 'header-only.wav', 'random.flac', 'doc.pdf', 'pipe.wav'];
    const report = await importPaths(db(), [fixture('aria.flac'), ...files.map((f) => path.join(bad, f)), missing, fixture('lullaby.wav')]);

    expect(report.imported.map((t) => t.fileName)).toEqual(['aria.flac', 'lullaby.wav']);
    const reasons = Object.fromEntries(report.failed.map((f) => [f.name, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual([...files, 'gone.flac'].sort());
    expect(reasons['empty.wav']).toMatch(/empty file/);
    expect(reasons['notes.mp3']).toMatch(/not an audio file|not a readable audio file|unsupported/);
    expect(reasons['cut.wav']).toMatch(/truncated/);
    expect(reasons['cut.m4a']).toMatch(/truncated/);
    expect(reasons['cut.ogg']).toMatch(/truncated/);
    expect(reasons['cut.mp3']).toMatch(/truncated/);
    expect(reasons['header-only.wav']).toMatch(/truncated|no audio/);
    expect(reasons['random.flac']).toMatch(/not a readable audio file|not an audio file|unsupported/);
    expect(reasons['doc.pdf']).toMatch(/unsupported file type \.pdf/);
    expect(reasons['pipe.wav']).toMatch(/not a regular file/);
    expect(reasons['gone.flac']).toBe('file not found');
    for (const r of Object.values(reasons)) expect(r).not.toMatch(/\n/);
    // Nothing partial: only the two good files have rows.
    expect((await db().tracks.list()).map((t) => t.fileName).sort()).toEqual(['aria.flac', 'lullaby.wav']);
    // A folder named like audio inside a scanned folder is walked, not imported.
    expect(reasons['folder.wav']).toBeUndefined();
  });
});
