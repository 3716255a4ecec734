// `s2cap dataset import` as a user runs it, on real library files: the summary with skipped rows by
// line and missing audio (exit 1, the rest imported), --json, usage errors; and the round trips —
// the studio's own jsonl, csv and Label Studio exports (s2cap export) re-imported into a fresh
// library reproduce every exported caption: its text, status, author and attributes, on the same
// audio and span.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetImportReport } from '../core/dataset/datasetImporter';
import { createStudio, studioStore } from '../core/studio';
import { makeDatasetAudio } from '../core/testing/datasetAudio';
import { tempDir } from '../core/testing/tmp';
import { runCaptured as run } from './runCaptured';

let tmp: ReturnType<typeof tempDir>;
let audio: { a: string; b: string };
beforeEach(() => {
  tmp = tempDir();
  audio = makeDatasetAudio(path.join(tmp.dir, 'audio'), { a: 'yt_AAAA', b: 'yt_BBBB' });
});
afterEach(() => tmp.cleanup());

/** `s2cap export` (its progress lines on stderr are fine). */
const exportTo = async (...args: string[]) => expect((await run('export', ...args)).code).toBe(0);

const ok = (r: { code: number; out: string; err: string }) => {
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
};

/** Every segment's head caption, keyed by content hash and span, as a library holds them. */
async function heads(db: string) {
  const studio = await createStudio({ dbPath: db, runJobs: false });
  try {
    const store = studioStore(studio);
    const out: Record<string, { text: string; status: string; author: string; attributes: object; source: string }> = {};
    for (const t of await store.tracks.list()) {
      for (const s of await store.segments.list(t.id)) {
        const h = (await store.captions.latest(s.id))!;
        out[`${t.sha256.slice(0, 8)} ${s.startSec}-${s.endSec}`] = { text: h.text, status: h.status, author: h.author, attributes: h.attributes, source: h.source };
      }
    }
    return out;
  } finally {
    await studio.close();
  }
}

describe('s2cap dataset import s2cap', () => {
  it('imports what it can, lists skipped lines and missing audio, and exits 1', async () => {
    const db = path.join(tmp.dir, 'lib.db');
    const meta = path.join(tmp.dir, 'meta.csv');
    // Line 3 opens a quote it never closes: csv-parse cannot read past it, and says so.
    fs.writeFileSync(meta, 'id,caption,begin,end,youtube_id,split\nx0,A high female voice.,0,10,yt_AAAA,train\nbroken,"row\nx1,Nobody has this audio.,0,10,yt_ZZZZ,test\n');
    const r = await run('dataset', 'import', 's2cap', meta, '--audio', path.join(tmp.dir, 'audio'), '--db', db);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      `${meta} (s2cap): 1 caption read`,
      '  tracks: 1 imported, 0 already in the library',
      '  segments: 1 created, 0 already there',
      '  revisions: 1 created, 0 already there (train 1)',
      expect.stringMatching(new RegExp(`^  ! ${meta}:\\d+: Quote Not Closed`)),
    ]);
    expect(r.err).toBe('s2cap: 1 row skipped (listed above); the rest was imported');

    fs.writeFileSync(meta, 'id,caption,begin,end,youtube_id\nx0,A high female voice.,0,10,yt_AAAA\nx1,Nobody has this audio.,0,10,yt_ZZZZ\nx2,Nor this.,10,20,yt_ZZZZ\n');
    const j = await run('dataset', 'import', 's2cap', meta, '--audio', path.join(tmp.dir, 'audio'), '--db', db, '--json');
    expect(j.code).toBe(1);
    const report = JSON.parse(j.out) as DatasetImportReport;
    expect(report).toMatchObject({ revisions: { created: 0, unchanged: 1 }, missingAudio: [{ key: 'yt_ZZZZ', lines: [3, 4], where: [] }], problems: [] });
    expect(j.err).toBe('s2cap: audio missing for 1 file (listed in the report); the rest was imported');
    const human = await run('dataset', 'import', 's2cap', meta, '--audio', path.join(tmp.dir, 'audio'), '--db', db);
    expect(human.out).toContain('  ? no audio for "yt_ZZZZ" (line 3, line 4)');
  });

  it('says what is wrong in one line', async () => {
    const db = path.join(tmp.dir, 'lib.db');
    const cases: [string[], number, RegExp][] = [
      [['dataset'], 2, /^s2cap: usage: s2cap dataset import s2cap/],
      [['dataset', 'import', 'csv', 'x.csv'], 2, /^s2cap: dataset import: unknown format "csv"/],
      [['dataset', 'import', 's2cap'], 2, /^s2cap: dataset import s2cap needs the file to import/],
      [['dataset', 'import', 's2cap', path.join(tmp.dir, 'nope.csv')], 1, /nope\.csv: no such file$/],
      [['dataset', 'import', 's2cap', path.join(tmp.dir, 'nope.csv'), '--audio', path.join(tmp.dir, 'nowhere')], 1, /^s2cap: --audio .*nowhere: no such file or folder$/],
    ];
    for (const [args, code, err] of cases) {
      const r = await run(...args, '--db', db);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.err).toMatch(err);
      expect(r.err).not.toContain('\n');
    }
  });
});

describe('round trip: the studio export re-imported into a fresh library', () => {
  /** Library A: both songs imported, five segments with heads of every status, some with attributes. */
  async function libraryA(): Promise<string> {
    const db = path.join(tmp.dir, 'a.db');
    const studio = await createStudio({ dbPath: db, runJobs: false });
    try {
      await studio.importPaths({ paths: [audio.a, audio.b] });
      const [ta, tb] = (await studio.listTracks()).sort((x, y) => x.fileName.localeCompare(y.fileName));
      const save = async (trackId: number, startSec: number, endSec: number, texts: string[], status: 'draft' | 'approved' | 'rejected' | 'flagged', author: string, attributes = {}) => {
        const seg = await studio.createSegment({ trackId, startSec, endSec, allowOverlap: true });
        let parentId: number | null = null;
        for (const [i, text] of texts.entries()) {
          const last = i === texts.length - 1;
          parentId = (await studio.saveCaption({ segmentId: seg.id, text, status: last ? status : 'draft', parentId, author, ...(last ? { attributes } : {}) })).id;
        }
        return seg.id;
      };
      const first = await save(ta!.id, 0, 10, ['first try', 'A bright female voice over piano, "airy", mid-tempo.'], 'approved', 'ann', { gender: 'female', mood: 'airy' });
      await save(ta!.id, 5, 15, ['Overlapping span, flagged.'], 'flagged', 'bob');
      await save(ta!.id, 20, 30, ['Still a draft, with a comma, and a\nnew line.'], 'draft', 'ann');
      await save(tb!.id, 5, 15, ['A low male voice, slow.'], 'rejected', 'bob', { tempo: 'slow' });
      await save(tb!.id, 20, 40.5, ['Chorus to the end, louder.'], 'approved', 'ann');
      // A pack's suggestion: the Label Studio export's prediction (model_version mycap@2.0.0).
      const store = studioStore(studio);
      const packId = await store.packs.ensureRow({ name: 'mycap', version: '2.0.0', roles: ['captioner'] }, path.join(tmp.dir, 'mycap'));
      await store.suggestions.insert({ segmentId: first, startSec: 0, endSec: 10, text: 'female voice, piano', score: -0.7, tokenLogprobs: [], packId, ep: 'cpu', ms: 5 });
    } finally {
      await studio.close();
    }
    return db;
  }

  const exported = (h: Awaited<ReturnType<typeof heads>>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, { ...v, source: 'import' }]));

  it('jsonl and csv: same captions, statuses, authors and attributes; a second import adds nothing', async () => {
    const a = await libraryA();
    const expected = exported(await heads(a));
    expect(Object.keys(expected)).toHaveLength(5);
    for (const format of ['jsonl', 'csv'] as const) {
      const out = path.join(tmp.dir, `export-${format}`);
      await exportTo('--format', format, '--out', out, '--status', 'approved,draft,rejected,flagged', '--db', a);
      const b = path.join(tmp.dir, `b-${format}.db`);
      const file = path.join(out, `data.${format}`);
      const r = JSON.parse(ok(await run('dataset', 'import', 's2cap', file, '--db', b, '--json'))) as DatasetImportReport;
      expect(r).toMatchObject({ format: 'studio-export', captions: 5, tracks: { imported: 2, reused: 0 }, revisions: { created: 5, unchanged: 0 }, problems: [], missingAudio: [] });
      expect(await heads(b)).toEqual(expected);
      const again = JSON.parse(ok(await run('dataset', 'import', 's2cap', file, '--db', b, '--json'))) as DatasetImportReport;
      expect(again).toMatchObject({ tracks: { imported: 0, reused: 2 }, segments: { created: 0, reused: 5 }, revisions: { created: 0, unchanged: 5 } });
    }
  });

  it('jsonl with the audio moved: found by file name in --audio, checked against the exported hash', async () => {
    const a = await libraryA();
    const out = path.join(tmp.dir, 'export');
    await exportTo('--format', 'jsonl', '--out', out, '--db', a);
    const moved = path.join(tmp.dir, 'moved');
    fs.mkdirSync(moved);
    fs.renameSync(audio.a, path.join(moved, 'yt_AAAA.wav'));
    // Song B is gone; another recording under its name is refused, not given B's captions.
    fs.rmSync(audio.b);
    fs.copyFileSync(path.join(moved, 'yt_AAAA.wav'), path.join(moved, 'yt_BBBB.wav'));
    const b = path.join(tmp.dir, 'b.db');
    const r = await run('dataset', 'import', 's2cap', path.join(out, 'data.jsonl'), '--audio', moved, '--db', b, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as DatasetImportReport;
    expect(report.revisions.created).toBe(1); // the approved caption of song A (the export's default: approved only)
    expect(report.problems).toEqual([{ file: path.join(out, 'data.jsonl'), line: expect.any(Number), reason: expect.stringMatching(/yt_BBBB\.wav is not the exported track \(its sha256 differs from track_sha256\)$/) }]);
  });

  it('label-studio: Label Studio export → import → the same captions, statuses, authors and attributes', async () => {
    const a = await libraryA();
    const out = path.join(tmp.dir, 'ls');
    await exportTo('--format', 'label-studio', '--out', out, '--status', 'approved,draft,rejected,flagged', '--db', a);
    const b = path.join(tmp.dir, 'b.db');
    const r = JSON.parse(ok(await run('dataset', 'import', 'label-studio', path.join(out, 'tasks.json'), '--db', b, '--json'))) as DatasetImportReport;
    expect(r).toMatchObject({ format: 'label-studio', captions: 5, revisions: { created: 5, unchanged: 0 }, suggestions: { created: 1, unchanged: 0 }, problems: [], missingAudio: [] });
    expect(await heads(b)).toEqual(exported(await heads(a)));
    // The exported prediction comes back as a suggestion labelled with where it came from.
    const studio = await createStudio({ dbPath: b, runJobs: false });
    try {
      const store = studioStore(studio);
      const ta = (await store.tracks.list()).find((t) => t.fileName === 'yt_AAAA.wav')!;
      const seg = (await store.segments.list(ta.id)).find((s) => s.startSec === 0)!;
      expect(await store.suggestions.newestOf(seg.id)).toMatchObject({ text: 'female voice, piano', pack: 'label-studio:mycap@2.0.0', score: -0.7, startSec: 0, endSec: 10 });
    } finally {
      await studio.close();
    }
  });
});
