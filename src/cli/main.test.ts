// The CLI as a user runs it: real library file, real fixtures, exit codes and output streams.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, FIXTURE_AUDIO, FIXTURE_DUET } from '../core/testing/tmp';
import { cliLibrary, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();

describe('s2cap', () => {
  it('imports a folder and lists it, as text and as JSON', async () => {
    const imp = await run('import', FIXTURE_AUDIO, '--db', lib.db);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/^Imported 7, duplicates 0, relinked 0, failed 0/);
    const list = await run('list', '--db', lib.db, '--json');
    expect(list.code).toBe(0);
    const tracks = JSON.parse(list.out);
    expect(tracks).toHaveLength(7);
    expect(tracks.map((t: { fileName: string }) => t.fileName)).toContain('aria.opus');
    const table = await run('list', '--db', lib.db);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+TITLE\s+ARTIST\s+LENGTH\s+STATUS$/);
    expect(table.out).toContain('Fixture Aria');

    // One page of a search, sorted, as the app's library list asks for it.
    const page = await run('list', '--db', lib.db, '--search', 'ARIA.', '--sort', 'title:desc', '--limit', '2', '--offset', '1', '--json');
    expect(page.code).toBe(0);
    const p = JSON.parse(page.out);
    expect(p.total).toBe(6);
    expect(p.offset).toBe(1);
    expect(p.tracks).toHaveLength(2);
    const text = await run('list', '--db', lib.db, '--search', 'lullaby');
    expect(text.out).toMatch(/lullaby\.wav[\s\S]*\n1–1 of 1 matching$/);
    const bad = await run('list', '--db', lib.db, '--sort', 'loudness');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^s2cap: list: .*sort/);
  });

  it('exits 1 naming bad files, after importing the good ones; --json keeps stdout pure JSON', async () => {
    const bad = path.join(lib.dir, 'broken.flac');
    fs.writeFileSync(bad, 'fLaC but then nothing useful');
    const r = await run('import', fixture('aria.wav'), bad, '--db', lib.db, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.imported).toHaveLength(1);
    expect(report.failed).toEqual([{ path: bad, name: 'broken.flac', reason: expect.any(String) }]);
    expect(r.err).toBe('s2cap: 1 file could not be imported (reasons above)');
    // Running it again reports a duplicate and still adds nothing.
    const again = await run('import', fixture('aria.wav'), '--db', lib.db, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).duplicates).toHaveLength(1);
  });

  it('says the library is empty, in words a new user can act on', async () => {
    expect((await run('list', '--db', lib.db)).out).toMatch(/library is empty.*s2cap import/);
    expect(JSON.parse((await run('list', '--db', lib.db, '--json')).out)).toEqual([]);
  });

  it.each([
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['stems', 'x'], 2, /expected a track id/],
    [['segments', 'add', '1', 'a', '3'], 2, /START must be a number/],
    [['relink', '1'], 2, /usage: s2cap relink/],
    [['import'], 2, /import needs at least one file or folder/],
    [['list', '--bogus'], 2, /Unknown option '--bogus'/],
    [['list', 'extra'], 2, /list takes no arguments/],
    [['serve', '--port', 'abc'], 2, /--port must be a whole number/],
  ])('%j fails with one line (exit %i)', async (argv, code, msg) => {
    const r = await run(...argv, '--db', lib.db);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(msg);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('refuses a --db that is not a library with one line', async () => {
    const notDb = path.join(lib.dir, 'song.db');
    fs.writeFileSync(notDb, 'definitely not sqlite '.repeat(20));
    const r = await run('list', '--db', notDb);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^s2cap: cannot open library .*not a studio library/);
  });

  it('prints help and version', async () => {
    expect((await run('--help')).out).toMatch(/Usage: s2cap <command>/);
    expect((await run('--version')).out).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('attaches stems, edits segments and relinks from the command line', async () => {
    const duet = path.join(FIXTURE_DUET, 'duet.mp3');
    const copy = path.join(lib.dir, 'duet.mp3');
    fs.copyFileSync(duet, copy);
    expect((await run('import', copy, '--db', lib.db)).code).toBe(0);
    const att = await run('stems', 'attach', '1', 'vocals', path.join(FIXTURE_DUET, 'duet.vocals.ogg'), '--db', lib.db, '--json');
    expect(att.code).toBe(0);
    expect(JSON.parse(att.out)).toMatchObject({ name: 'vocals', trackId: 1 });
    expect((await run('stems', '1', '--db', lib.db)).out).toMatch(/^\d+\tvocals\t0:10\t/);
    const bad = await run('stems', 'attach', '1', 'drums', fixture('aria.wav'), '--db', lib.db);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a stem of this track/);
    expect((await run('segments', 'add', '1', '0', '6', '--db', lib.db)).out).toBe('segment 1: 0–6 s');
    expect(JSON.parse((await run('segments', '1', '--db', lib.db, '--json')).out)).toHaveLength(1);
    expect((await run('segments', 'rm', '1', '--db', lib.db)).out).toBe('deleted segment 1');
    const moved = path.join(lib.dir, 'moved.mp3');
    fs.renameSync(copy, moved);
    expect((await run('relink', '1', moved, '--db', lib.db)).out).toBe(`track 1 now points to ${moved}`);
    const wrong = await run('relink', '1', fixture('aria.mp3'), '--db', lib.db);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/not the same recording/);
  });

  it('runs models: features, separate (registering stems of a library track), caption, models', async () => {
    const PACKS = path.resolve(FIXTURE_AUDIO, '..', 'packs');
    const npy = path.join(lib.dir, 'f.npy');
    const feat = await run('features', path.resolve(FIXTURE_AUDIO, '..', 'features', 'voice16k.wav'), '--out', npy, '--json', '--db', lib.db);
    expect(JSON.parse(feat.out)).toMatchObject({ shape: [1024, 128], seconds: 3 });
    expect(fs.statSync(npy).size).toBe(128 + 1024 * 128 * 4);

    expect((await run('models', 'list', '--db', lib.db)).out).toMatch(/No model packs installed/);
    const builtin = JSON.parse((await run('caption', path.join(FIXTURE_DUET, 'duet.mp3'), '--json', '--db', lib.db)).out);
    expect(builtin).toMatchObject({ pack: 'built-in', ep: 'cpu' });
    expect(builtin.score).toBeLessThan(0); // ln(mean confidence of the attributes it states)
    expect(builtin.text).toMatch(/\b(singer|vocalist)\b/);
    const inst = await run('models', 'install', path.join(PACKS, 'identity-separator'), '--db', lib.db);
    expect(inst.out).toMatch(/installed identity-separator@1.0.0 \(separator\) — a test fixture/);
    const builtinSep = await run('separate', path.join(FIXTURE_DUET, 'duet.mp3'), '--out', path.join(lib.dir, 'b'), '--json', '--db', lib.db);
    expect(JSON.parse(builtinSep.out)).toMatchObject({ pack: 'built-in', ep: 'cpu', stems: [{ name: 'vocals' }, { name: 'accompaniment' }] });
    expect((await run('models', 'use', 'separator', 'identity-separator@1.0.0', '--db', lib.db)).code).toBe(0);

    await run('import', fixture('lullaby.wav'), '--db', lib.db);
    const sep = await run('separate', fixture('lullaby.wav'), '--out', path.join(lib.dir, 's'), '--ep', 'cpu', '--json', '--db', lib.db);
    expect(sep.code).toBe(0);
    expect(JSON.parse(sep.out)).toMatchObject({ pack: 'identity-separator@1.0.0', ep: 'cpu', track: 1, stems: [{ name: 'vocals' }, { name: 'accompaniment' }] });
    expect(JSON.parse((await run('stems', '1', '--json', '--db', lib.db)).out).map((s: { name: string }) => s.name)).toEqual(['vocals', 'accompaniment']);

    const cap = await run('caption', fixture('aria.flac'), '--pack', path.join(PACKS, 'tiny-captioner'), '--segment', '0:2', '--beams', '2', '--json', '--db', lib.db);
    expect(cap.code).toBe(0);
    const c = JSON.parse(cap.out);
    expect(Object.keys(c)).toEqual(['text', 'score', 'pack', 'ep', 'ms']);
    expect(c).toMatchObject({ pack: 'tiny-captioner@1.0.0', ep: 'encoder cpu, decoder cpu' });
    // Same input, same output.
    expect(JSON.parse((await run('caption', fixture('aria.flac'), '--pack', path.join(PACKS, 'tiny-captioner'), '--segment', '0:2', '--beams', '2', '--json', '--db', lib.db)).out).text).toBe(c.text);

    for (const [argv, msg] of [
      [['caption', fixture('aria.flac'), '--pack', path.join(PACKS, 'tiny-captioner'), '--ep', 'tpu'], /unknown execution provider "tpu" \(valid: auto, cpu, webgpu, cuda, coreml, dml\)/],
      [['caption', fixture('aria.flac'), '--pack', path.join(PACKS, 'identity-separator')], /is not a captioner/],
      [['caption', fixture('aria.flac'), '--segment', '5:2'], /end must be after its start/],
      [['features', fixture('aria.flac')], /needs --out/],
      [['models', 'install', fixture('aria.flac')], /a model pack is a folder or a .zip/],
    ] as const) {
      const r = await run(...argv, '--db', lib.db);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(r.err.split('\n')).toHaveLength(1);
    }
  });

  it('captions with --pack DIR given a bare Optimum export, as install accepts it', async () => {
    const dir = path.join(lib.dir, 'optimum-export');
    fs.cpSync(path.resolve(FIXTURE_AUDIO, '..', 'packs', 'tiny-captioner'), dir, { recursive: true });
    fs.rmSync(path.join(dir, 'model.json'));
    fs.rmSync(path.join(dir, 'generation_config.json'));
    const before = fs.readdirSync(dir).sort();
    const cap = await run('caption', fixture('aria.flac'), '--pack', dir, '--segment', '0:2', '--json', '--db', lib.db);
    expect(cap.err).toBe('');
    expect(cap.code).toBe(0);
    const c = JSON.parse(cap.out);
    expect(c).toMatchObject({ pack: 'optimum-export@0.0.0', text: expect.any(String) });
    expect(c.assumptions.join('\n')).toMatch(/model.json was missing/);
    expect(fs.readdirSync(dir).sort()).toEqual(before); // nothing written into the user's folder
    const text = await run('caption', fixture('aria.flac'), '--pack', dir, '--segment', '0:2', '--db', lib.db);
    expect(text.out).toMatch(/assumed: generation_config.json was missing/);
  });
});
