// The export's folder and query rules, on both back ends: --since writes only newer revisions (the
// state map as a whole: incrementalExport.test.ts), an
// existing target is refused and --force replaces it only once the new one is complete, a cancel or
// a failing writer leaves no target and no temporary folder, a temporary folder left by a killed
// exporter is removed by the next export, and a bad --since file is one line naming it.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportManifest, ExportRow } from '../../shared/dataset';
import { seedExport } from '../testing/seedExport';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import type { FormatWriter } from './formatWriter';
import { jsonlWriter } from './jsonl';
import { runExport } from './runExport';

const tmp = tempDir();
const REPO = path.resolve(__dirname, '../../..');
const fresh = (name: string) => path.join(tmp.dir, `${name}-${crypto.randomBytes(4).toString('hex')}`);
const readRows = (dir: string) => fs.readFileSync(path.join(dir, 'data.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportRow);
const siblings = (out: string) => fs.readdirSync(path.dirname(out)).filter((n) => n.startsWith(`.${path.basename(out)}.`));

describe.each(testStores())('export folder and query rules ($name)', (backend) => {
  it('--since an earlier manifest writes only the revisions newer than it', async () => {
    const { store } = await backend.open();
    const ids = await seedExport(store, { tracks: 4, perTrack: 2 });
    const first = await runExport(store, { format: 'jsonl', out: fresh('v1') });
    expect(first.manifest.counts.total).toBe(8);
    // One caption revised, one newly approved on a new track; nothing else changed.
    const head = (await store.captions.latest(ids[2]!))!;
    const revised = await store.captions.append({ segmentId: ids[2]!, text: 'revised caption', author: 'bo', source: 'human', status: 'approved', parentId: head.id });
    const [added] = await seedExport(store, { tracks: 1, perTrack: 1, tag: 'later' });
    const since = path.join(first.out, 'manifest.json');
    const second = await runExport(store, { format: 'jsonl', out: fresh('v2'), since });
    const rows = readRows(second.out);
    expect(rows.map((r) => [r.id.split('-')[1], r.caption])).toEqual([
      [String(ids[2]), 'revised caption'],
      [String(added), expect.any(String)],
    ]);
    expect(second.manifest.maxRevisionId).toBeGreaterThan(revised.id);
    expect(second.manifest.query.since).toBe(since);
    // Nothing newer: an empty export that carries the watermark forward.
    const third = await runExport(store, { format: 'jsonl', out: fresh('v3'), since: path.join(second.out, 'manifest.json') });
    expect(third.manifest.counts.total).toBe(0);
    expect(third.manifest.maxRevisionId).toBe(second.manifest.maxRevisionId);
    expect(fs.readFileSync(path.join(third.out, 'data.jsonl'), 'utf8')).toBe('');
  });

  it('refuses an existing target; --force replaces an earlier export (only) with the complete new export', async () => {
    const { store } = await backend.open();
    await seedExport(store, { tracks: 2, perTrack: 2 });
    const out = fresh('taken');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    await expect(runExport(store, { format: 'jsonl', out })).rejects.toMatchObject({ code: 'CONFLICT', message: `${out} exists: choose another folder or pass --force` });
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    // A folder of someone's files is never replaced, --force or not.
    await expect(runExport(store, { format: 'jsonl', out, force: true })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is not an earlier export') });
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    // An earlier export is.
    const earlier = fresh('earlier');
    await runExport(store, { format: 'jsonl', out: earlier });
    fs.writeFileSync(path.join(earlier, 'data.jsonl'), 'old rows');
    // A --force whose writer fails leaves the old target as it was.
    const failing: FormatWriter = { write: async () => Promise.reject(new Error('disk full')) };
    await expect(runExport(store, { format: 'jsonl', out: earlier, force: true }, { writer: failing })).rejects.toThrow('disk full');
    expect(fs.readFileSync(path.join(earlier, 'data.jsonl'), 'utf8')).toBe('old rows');
    const report = await runExport(store, { format: 'jsonl', out: earlier, force: true });
    expect(fs.readdirSync(earlier).sort()).toEqual(['data.jsonl', 'manifest.json']);
    expect(readRows(earlier)).toHaveLength(4);
    expect(report.out).toBe(earlier);
    expect(siblings(earlier)).toEqual([]);
    // An empty folder is fine too.
    const empty = fresh('empty');
    fs.mkdirSync(empty);
    await runExport(store, { format: 'jsonl', out: empty, force: true });
    expect(readRows(empty)).toHaveLength(4);
  });

  it('a cancel mid-write or a failing writer leaves no target and no temporary folder', async () => {
    const { store } = await backend.open();
    await seedExport(store, { tracks: 20, perTrack: 5 });
    const out = fresh('cancelled');
    const controller = new AbortController();
    let seen = 0;
    const slow: FormatWriter = {
      write: (dir, groups, opts) =>
        jsonlWriter.write(dir, groups, {
          ...opts,
          onProgress(done, total) {
            opts.onProgress(done, total);
            if (++seen === 30) controller.abort();
          },
        }),
    };
    const progress: string[] = [];
    await expect(runExport(store, { format: 'jsonl', out }, { signal: controller.signal, writer: slow, onProgress: (p) => progress.push(p.phase) })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('was cancelled'),
    });
    expect(seen).toBe(30); // stopped at once, not after writing the rest
    expect(progress).toContain('write');
    expect(progress).not.toContain('done');
    expect(fs.existsSync(out)).toBe(false);
    expect(siblings(out)).toEqual([]);
    const crash: FormatWriter = {
      async write(dir) {
        fs.mkdirSync(path.join(dir, 'train'));
        fs.writeFileSync(path.join(dir, 'train', 'half.wav'), 'RIFF');
        throw new Error('decoder crashed');
      },
    };
    await expect(runExport(store, { format: 'jsonl', out }, { writer: crash })).rejects.toThrow('decoder crashed');
    expect(fs.existsSync(out)).toBe(false);
    expect(siblings(out)).toEqual([]);
  });

  it('a bad --since file is a one-line error naming it, and nothing is written', async () => {
    const { store } = await backend.open();
    const out = fresh('since');
    const bad = path.join(tmp.dir, 'bad-manifest.json');
    const cases: [string, string | null, RegExp][] = [
      [path.join(tmp.dir, 'missing.json'), null, /: file not found$/],
      [bad, '{ not json', /: not valid JSON/],
      [bad, '{"hello": 1}', /: not an export manifest/],
      [bad, '{"schemaVersion": 1, "maxRevisionId": "x"}', /maxRevisionId is missing or not a whole number/],
      [bad, '{"schemaVersion": 1, "maxRevisionId": 3, "exported": {"abc-1": [3, 0]}}', /its exported entry "abc-1" is not \[revisionId, begin, end\]$/],
    ];
    for (const [file, text, why] of cases) {
      if (text !== null) fs.writeFileSync(file, text);
      const err = (await runExport(store, { format: 'jsonl', out, since: file }).catch((e: unknown) => e)) as Error & { code: string };
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(why);
      expect(err.message.startsWith(`--since ${file}: `)).toBe(true);
      expect(err.message).not.toContain('\n');
    }
    expect(fs.existsSync(out)).toBe(false);
    expect(siblings(out)).toEqual([]);
  });
});

describe('an exporter killed mid-export', () => {
  it('leaves only its temporary folder, which the next export into the same parent removes', async () => {
    const lib = tempDir();
    try {
      const target = path.join(lib.dir, 'lib.db');
      const { openStore } = await import('../store/store');
      const store = await openStore(target);
      await seedExport(store, { tracks: 2, perTrack: 1 });
      const out = path.join(lib.dir, 'exports', 'v1');
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/core/testing/exportInChild.ts'), target, out], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let said = '';
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const partial = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          said += b.toString();
          const m = /^writing (.+)$/m.exec(said);
          if (m) resolve(m[1]!);
        });
        child.on('exit', () => reject(new Error(`the child ended before writing: ${err}`)));
      });
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect(fs.existsSync(partial)).toBe(true);
      expect(fs.existsSync(out)).toBe(false);
      const other = path.join(lib.dir, 'exports', 'unrelated');
      fs.mkdirSync(other);
      const report = await runExport(store, { format: 'jsonl', out });
      expect(fs.existsSync(partial)).toBe(false);
      expect(readRows(report.out)).toHaveLength(2);
      expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['unrelated', 'v1']);
      await store.close();
    } finally {
      lib.cleanup();
    }
  }, 60_000);
});

describe('manifest read as --since', () => {
  it('names the manifest written by an export as usable', async () => {
    const m: Partial<ExportManifest> = { schemaVersion: 1, maxRevisionId: 7 };
    const file = path.join(tmp.dir, 'ok-manifest.json');
    fs.writeFileSync(file, JSON.stringify(m));
    const { readSinceManifest } = await import('./manifest');
    expect(await readSinceManifest(file)).toEqual({ maxRevisionId: 7, exported: null });
  });
});

describe('an export for a confined caller (the HTTP server)', () => {
  it('refuses an allowed folder itself as --out: its temporary and old folders would sit outside it, and --force would delete it', async () => {
    const lib = tempDir();
    try {
      const { openStore } = await import('../store/store');
      const { PathConfinement } = await import('../../server/pathGuard');
      const { runInPathScope } = await import('../pathScope');
      const store = await openStore(path.join(lib.dir, 'lib.db'));
      await seedExport(store, { tracks: 1, perTrack: 1 });
      const allowed = path.join(lib.dir, 'srv', 'music');
      fs.mkdirSync(allowed, { recursive: true });
      fs.writeFileSync(path.join(allowed, 'song.wav'), 'the music');
      const scope = await PathConfinement.create([allowed]);
      for (const force of [false, true]) {
        const err = await runInPathScope(scope, () => runExport(store, { format: 'jsonl', out: allowed, force })).catch((e: { code: string; message: string }) => e);
        expect(err).toMatchObject({ code: 'FORBIDDEN', message: `${allowed}: ${scope.refusal}` });
      }
      expect(fs.readdirSync(allowed)).toEqual(['song.wav']);
      expect(fs.readdirSync(path.dirname(allowed))).toEqual(['music']);
      // Inside it, as before.
      const inside = path.join(allowed, 'exports', 'v1');
      const report = await runInPathScope(scope, () => runExport(store, { format: 'jsonl', out: inside }));
      expect(readRows(report.out)).toHaveLength(1);
      await store.close();
    } finally {
      lib.cleanup();
    }
  });
});
