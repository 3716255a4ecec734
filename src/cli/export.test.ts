// `s2cap export` as a script uses it: a real library file with a real imported recording and
// captions saved through the CLI; the summary line, --json report, the target refused then
// replaced with --force, a bad --since and bad flags as one line with their exit codes, the
// --since fallback note for a manifest from before the state map; and
// exportDataset/cancelExport through a studio, progress events included.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportProgress, ExportReport, ExportRow } from '../shared/dataset';
import { freshStudio } from '../core/testing/freshLibrary';
import { seedExport } from '../core/testing/seedExport';
import { FIXTURE_DUET } from '../core/testing/tmp';
import { cliLibrary, cliOk as ok, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();

describe('s2cap export', () => {
  it('exports approved captions of an imported track; refuses the target again unless --force', async () => {
    const audio = path.join(FIXTURE_DUET, 'duet.mp3');
    ok(await run('import', audio, '--db', lib.db));
    const [track] = JSON.parse(ok(await run('list', '--db', lib.db, '--json'))) as { id: number }[];
    const seg = async (a: string, b: string) => (JSON.parse(ok(await run('segments', 'add', String(track!.id), a, b, '--db', lib.db, '--json'))) as { id: number }).id;
    const s1 = await seg('0', '5');
    const s2 = await seg('5', '10');
    ok(await run('captions', 'set', String(s1), 'A soft duet, two voices.', '--status', 'approved', '--author', 'ann', '--db', lib.db));
    ok(await run('captions', 'set', String(s2), 'Still a draft.', '--author', 'ann', '--db', lib.db));

    const out = path.join(lib.dir, 'exports', 'v1');
    const r = await run('export', '--format', 'jsonl', '--out', out, '--db', lib.db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^exported 1 segment to ${out}: train \\d, validation \\d, test \\d; skipped 0$`));
    expect(r.err).toMatch(/^s2cap: export: query…\ns2cap: export: write…$/);
    const rows = fs.readFileSync(path.join(out, 'data.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ExportRow);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ caption: 'A soft duet, two voices.', begin: 0, end: 5, source_path: audio, annotator: 'ann', status: 'approved', suggestion: null, edited: false, edit_distance: null });

    const again = await run('export', '--format', 'csv', '--out', out, '--db', lib.db);
    expect(again).toEqual({ code: 1, out: '', err: `s2cap: ${out} exists: choose another folder or pass --force` });
    expect(fs.existsSync(path.join(out, 'data.jsonl'))).toBe(true);

    const forced = JSON.parse(ok(await run('export', '--format', 'csv', '--out', out, '--status', 'approved,draft', '--force', '--json', '--db', lib.db))) as ExportReport;
    expect(forced.manifest.counts).toMatchObject({ total: 2, byStatus: { approved: 1, draft: 1 } });
    expect(fs.readdirSync(out).sort()).toEqual(['data.csv', 'manifest.json']);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['v1']);
  });

  it('says what is wrong in one line: a bad --since, flags, a format', async () => {
    const { openStore } = await import('../core/store/store');
    const store = await openStore(lib.db);
    await seedExport(store, { tracks: 2, perTrack: 1 });
    await store.close();
    const out = path.join(lib.dir, 'x');
    const bad = path.join(lib.dir, 'notes.txt');
    fs.writeFileSync(bad, 'hello');
    const cases: [string[], number, RegExp][] = [
      [['--format', 'jsonl', '--out', out, '--since', bad], 1, new RegExp(`^s2cap: --since ${bad}: not valid JSON`)],
      [['--format', 'jsonl', '--out', out, '--since', path.join(lib.dir, 'nope.json')], 1, /nope\.json: file not found$/],
      [['--format', 'tsv', '--out', out], 2, /^s2cap: export: invalid exportDataset payload: format/],
      [['--out', out], 2, /^s2cap: export needs --format/],
      [['--format', 'jsonl'], 2, /^s2cap: export needs --out/],
      [['--format', 'jsonl', '--out', out, '--splits', '0.8,0.2'], 2, /^s2cap: --splits must be three ratios/],
      [['--format', 'jsonl', '--out', out, '--status', 'done'], 2, /^s2cap: export: invalid exportDataset payload: status/],
      [['--format', 'jsonl', '--out', out, '--sample-rate', '8000'], 2, /^s2cap: --sample-rate must be 16000 or original/],
    ];
    for (const [args, code, err] of cases) {
      const r = await run('export', ...args, '--db', lib.db);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err).toMatch(err);
      expect(r.err).not.toContain('\n');
    }
    expect(fs.existsSync(out)).toBe(false);
    // The splits flag works when right.
    const m = JSON.parse(ok(await run('export', '--format', 'jsonl', '--out', out, '--splits', '0,0,1', '--json', '--db', lib.db))) as ExportReport;
    expect(m.manifest.counts.bySplit).toEqual({ train: 0, validation: 0, test: 2 });
  });

  it('--since a manifest from before the state map: the fallback is one note line on stderr', async () => {
    const { openStore } = await import('../core/store/store');
    const store = await openStore(lib.db);
    await seedExport(store, { tracks: 2, perTrack: 1 });
    await store.close();
    const v1 = path.join(lib.dir, 'v1');
    ok(await run('export', '--format', 'jsonl', '--out', v1, '--json', '--db', lib.db));
    const manifest = JSON.parse(fs.readFileSync(path.join(v1, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    delete manifest.exported;
    const old = path.join(lib.dir, 'old-manifest.json');
    fs.writeFileSync(old, JSON.stringify(manifest));
    const r = await run('export', '--format', 'jsonl', '--out', path.join(lib.dir, 'v2'), '--since', old, '--db', lib.db);
    expect(r.code).toBe(0);
    const notes = r.err.split('\n').filter((l) => l.startsWith('s2cap: note: '));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^s2cap: note: --since ${old}: .*maxRevisionId \\d+`));
    expect(r.out).toMatch(/^exported 0 segments/);
  });

  it('the summary line counts the ids a --since export withdrew', async () => {
    const { formatExportSummary } = await import('./exportCommand');
    const manifest = { counts: { total: 1, bySplit: { train: 1, validation: 0, test: 0 }, byStatus: {} }, withdrawn: ['a-1', 'a-2'] };
    const line = formatExportSummary({ out: '/x', skipped: [], manifest } as unknown as Parameters<typeof formatExportSummary>[0]);
    expect(line).toBe('exported 1 segment to /x: train 1, validation 0, test 0; skipped 0; withdrawn 2');
  });
});

describe('exportDataset / cancelExport', () => {
  const studio = freshStudio({ runJobs: false });

  it('reports progress under its id and, cancelled, leaves nothing behind', async () => {
    const s = studio.it;
    const { openStore } = await import('../core/store/store');
    const store = await openStore(path.join(studio.dir, 'lib.db')); // the same library, as a second process would
    await seedExport(store, { tracks: 30, perTrack: 10 });
    await store.close();
    const seen: ExportProgress[] = [];
    s.on('exportProgress', (p) => seen.push(p));
    const out = path.join(studio.dir, 'done');
    const report = await s.exportDataset({ exportId: 'e1', format: 'jsonl', out });
    expect(report.manifest.counts.total).toBe(300);
    expect(seen[0]).toEqual({ exportId: 'e1', phase: 'query', done: 0, total: 1 });
    expect(seen.at(-1)).toEqual({ exportId: 'e1', phase: 'done', done: 300, total: 300 });
    expect(seen.length).toBeLessThan(10); // throttled, not one per row

    const cancelledOut = path.join(studio.dir, 'cancelled');
    const off = s.on('exportProgress', (p) => p.exportId === 'e2' && p.phase === 'write' && void s.cancelExport({ exportId: 'e2' }));
    await expect(s.exportDataset({ exportId: 'e2', format: 'jsonl', out: cancelledOut })).rejects.toMatchObject({ message: expect.stringContaining('was cancelled') });
    off();
    expect(fs.existsSync(cancelledOut)).toBe(false);
    expect(fs.readdirSync(studio.dir).filter((n) => n.includes('.partial-'))).toEqual([]);
    expect(await s.cancelExport({ exportId: 'e2' })).toEqual({ exportId: 'e2', cancelled: false });
  });
});
