// A library folder travels as a whole: what the studio made (stems, uploads, installed packs,
// peaks) is recorded relative to the library's data folder, so a SQLite library (file + NAME.data/)
// moved elsewhere, or a PostgreSQL library whose data folder moved (--data-dir), still plays,
// shows its stems and peaks and runs its packs; the user's own files stay where they were.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR_SETTING } from './libraryFolder';
import { redactUrl } from './store/postgres';
import { storeKyselyForTests } from './store/store';
import { createStudio, studioStore, type Studio, type StudioOptions } from './studio';
import { waitForJob } from './testing/jobs';
import { createPgTestDb, hasPg, type PgTestDb } from './testing/pgTestDb';
import { FIXTURE_AUDIO, FIXTURE_DUET, tempDir } from './testing/tmp';

const PACKS = path.resolve(__dirname, '../../test/fixtures/packs');
const PACK = 'identity-separator@1.0.0';

let tmp: ReturnType<typeof tempDir>;
const open: Studio[] = [];
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  tmp.cleanup();
});

async function studioAt(opts: StudioOptions): Promise<Studio> {
  const s = await createStudio({ bundledPacksDir: undefined, ...opts });
  open.push(s);
  return s;
}

async function close(s: Studio) {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

interface Made {
  uploadId: number;
  userId: number;
  peakFiles: string[];
}

/** Fills a library as a user would: an upload separated with an installed pack, a user's track with a stem attached from elsewhere, peaks. */
async function fill(studio: Studio): Promise<Made> {
  const music = path.join(tmp.dir, 'music');
  fs.mkdirSync(music, { recursive: true });
  for (const f of ['duet.mp3', 'duet.vocals.ogg']) fs.copyFileSync(path.join(FIXTURE_DUET, f), path.join(music, f));
  // An upload lands in the data folder's uploads/ (as server/upload.ts puts it) and is imported from there.
  const up = path.join(studio.dataDir, 'uploads', crypto.randomUUID());
  fs.mkdirSync(up, { recursive: true });
  fs.copyFileSync(path.join(FIXTURE_AUDIO, 'aria.wav'), path.join(up, 'aria.wav'));
  const uploadId = (await studio.importPaths({ paths: [path.join(up, 'aria.wav')] })).imported[0]!.id;
  const userId = (await studio.importPaths({ paths: [path.join(music, 'duet.mp3')] })).imported[0]!.id;
  await studio.installPack({ path: path.join(PACKS, 'identity-separator') });
  const job = await studio.startSeparation({ trackId: uploadId, pack: PACK });
  expect((await waitForJob(studio, job.id)).status).toBe('done');
  await studio.attachStem({ trackId: userId, name: 'vocals', path: path.join(music, 'duet.vocals.ogg') });
  await studio.getPeaks({ source: { kind: 'track', id: uploadId }, maxPeaks: 100 });
  for (const s of (await studio.openTrack({ id: uploadId })).stems) await studio.getPeaks({ source: { kind: 'stem', id: s.id }, maxPeaks: 100 });
  return { uploadId, userId, peakFiles: fs.readdirSync(path.join(studio.dataDir, 'cache', 'peaks')).sort() };
}

/** What the rows record: the studio's own files relative to the data folder, the user's absolute. */
async function recorded(studio: Studio) {
  const db = storeKyselyForTests(studioStore(studio));
  return {
    tracks: (await db.selectFrom('tracks').select('path').orderBy('id').execute()).map((r) => r.path),
    stems: (await db.selectFrom('stems').select('path').orderBy('id').execute()).map((r) => r.path),
    packs: (await db.selectFrom('model_packs').select('dir').execute()).map((r) => r.dir),
  };
}

/** Everything resolves in the library's (new) data folder, peaks come from the cache, and the pack runs. */
async function expectPlays(studio: Studio, made: Made, music: string) {
  const upload = await studio.media('track', made.uploadId);
  expect(upload.path.startsWith(path.join(studio.dataDir, 'uploads') + path.sep)).toBe(true);
  expect((await studio.media('track', made.userId)).path).toBe(path.join(music, 'duet.mp3'));
  const stems = (await studio.openTrack({ id: made.uploadId })).stems;
  expect(stems.length).toBe(2);
  for (const s of stems) {
    expect(s.path.startsWith(path.join(studio.dataDir, 'stems') + path.sep)).toBe(true);
    expect((await studio.media('stem', s.id)).size).toBeGreaterThan(0);
    await studio.getPeaks({ source: { kind: 'stem', id: s.id }, maxPeaks: 100 });
  }
  const attached = (await studio.openTrack({ id: made.userId })).stems;
  expect(attached.map((s) => s.path)).toEqual([path.join(music, 'duet.vocals.ogg')]);
  await studio.getPeaks({ source: { kind: 'track', id: made.uploadId }, maxPeaks: 100 });
  // The peaks cache moved with the folder and was used, not recomputed beside it.
  expect(fs.readdirSync(path.join(studio.dataDir, 'cache', 'peaks')).sort()).toEqual(made.peakFiles);
  const packs = await studio.listPacks();
  expect(packs.find((p) => p.id === PACK)?.dir).toBe(path.join(studio.dataDir, 'packs', PACK));
  const again = await studio.startSeparation({ trackId: made.uploadId, pack: PACK });
  const done = await waitForJob(studio, again.id);
  expect(done.error ?? null).toBeNull();
  expect(done.status).toBe('done');
}

describe('a moved library folder', () => {
  it('SQLite: the library file and its data folder moved together still play, show stems and peaks, and run the pack', async () => {
    const before = path.join(tmp.dir, 'before');
    fs.mkdirSync(before);
    const first = await studioAt({ dbPath: path.join(before, 'team.s2cap.db') });
    const made = await fill(first);
    const rows = await recorded(first);
    // The upload and the stems the studio made are relative; the user's track and stem are not.
    expect(rows.tracks).toEqual([expect.stringMatching(/^uploads\/[^/]+\/aria\.wav$/), path.join(tmp.dir, 'music', 'duet.mp3')]);
    expect(rows.stems.filter((p) => p.startsWith('stems/')).length).toBe(2);
    expect(rows.stems).toContain(path.join(tmp.dir, 'music', 'duet.vocals.ogg'));
    expect(rows.packs).toEqual([`packs/${PACK}`]);
    await close(first);

    const after = path.join(tmp.dir, 'moved', 'elsewhere');
    fs.mkdirSync(path.dirname(after));
    fs.renameSync(before, after);
    const moved = await studioAt({ dbPath: path.join(after, 'team.s2cap.db') });
    expect(moved.dataDir).toBe(path.join(after, 'team.s2cap.data'));
    await expectPlays(moved, made, path.join(tmp.dir, 'music'));
  });

  it('SQLite: a library an older studio filled with absolute paths is rewritten to relative ones on open, and then moves', async () => {
    const before = path.join(tmp.dir, 'old');
    fs.mkdirSync(before);
    const db = path.join(before, 'old.s2cap.db');
    const first = await studioAt({ dbPath: db });
    const made = await fill(first);
    // As an older studio recorded them: absolute paths into the data folder.
    const k = storeKyselyForTests(studioStore(first));
    const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(first.dataDir, p));
    for (const r of await k.selectFrom('stems').select(['id', 'path']).execute()) await k.updateTable('stems').set({ path: abs(r.path) }).where('id', '=', r.id).execute();
    for (const r of await k.selectFrom('tracks').select(['id', 'path']).execute()) await k.updateTable('tracks').set({ path: abs(r.path) }).where('id', '=', r.id).execute();
    await k.updateTable('model_packs').set({ dir: path.join(first.dataDir, 'packs', PACK) }).execute();
    await k.deleteFrom('settings').where('key', '=', 'store.pathsRelativeTo').execute();
    await close(first);

    const reopened = await studioAt({ dbPath: db, runJobs: false });
    const rows = await recorded(reopened);
    expect(rows.tracks[0]).toMatch(/^uploads\//);
    expect(rows.stems.filter((p) => p.startsWith('stems/')).length).toBe(2);
    expect(rows.packs).toEqual([`packs/${PACK}`]);
    await close(reopened);

    const after = path.join(tmp.dir, 'new');
    fs.renameSync(before, after);
    await expectPlays(await studioAt({ dbPath: path.join(after, 'old.s2cap.db') }), made, path.join(tmp.dir, 'music'));
  });
});

describe.skipIf(!hasPg('moved PostgreSQL library tests'))('a PostgreSQL library and its data folder', () => {
  let pg: PgTestDb;
  beforeEach(async () => {
    pg = await createPgTestDb();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close().catch(() => {});
    await pg.drop();
  });

  it('records its data folder in its settings and finds it again without --data-dir', async () => {
    const home = path.join(tmp.dir, 'home', 'libraries', 'x.data');
    const notes: string[] = [];
    const first = await studioAt({ dbPath: pg.url, defaultDataDir: home, runJobs: false, onNotice: (l) => notes.push(l) });
    expect(first.dataDir).toBe(home);
    expect(fs.statSync(home).isDirectory()).toBe(true);
    expect(await studioStore(first).settings.get(DATA_DIR_SETTING)).toBe(home);
    expect(notes).toEqual([expect.stringContaining(home)]);
    await close(first);
    // Another process, another default: the library's own folder wins.
    const second = await studioAt({ dbPath: pg.url, defaultDataDir: path.join(tmp.dir, 'other'), runJobs: false });
    expect(second.dataDir).toBe(home);
    expect(fs.existsSync(path.join(tmp.dir, 'other'))).toBe(false);
  });

  it('moved data folder: refused (one line naming it) until --data-dir names the new place, which is then recorded; everything resolves', async () => {
    const before = path.join(tmp.dir, 'pgdata');
    const first = await studioAt({ dbPath: pg.url, dataDir: before });
    const made = await fill(first);
    const rows = await recorded(first);
    expect(rows.tracks[0]).toMatch(/^uploads\//);
    expect(rows.packs).toEqual([`packs/${PACK}`]);
    await close(first);

    const after = path.join(tmp.dir, 'mounted', 'pgdata');
    fs.mkdirSync(path.dirname(after));
    fs.renameSync(before, after);
    const missing = createStudio({ dbPath: pg.url, runJobs: false });
    await expect(missing).rejects.toThrow(`the data folder of library ${redactUrl(pg.url)} is missing here`);
    await expect(missing).rejects.toThrow(before);

    const notes: string[] = [];
    const moved = await studioAt({ dbPath: pg.url, dataDir: after, onNotice: (l) => notes.push(l) });
    expect(notes).toEqual([expect.stringMatching(/data folder moved from .* to /)]);
    await expectPlays(moved, made, path.join(tmp.dir, 'music'));
    await close(moved);
    expect((await studioAt({ dbPath: pg.url, runJobs: false })).dataDir).toBe(after);
  });

  it('--data-dir naming another folder while the recorded one exists is used for this run only, and says so', async () => {
    const own = path.join(tmp.dir, 'own');
    await close(await studioAt({ dbPath: pg.url, dataDir: own, runJobs: false }));
    const elsewhere = path.join(tmp.dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const notes: string[] = [];
    const s = await studioAt({ dbPath: pg.url, dataDir: elsewhere, runJobs: false, onNotice: (l) => notes.push(l) });
    expect(s.dataDir).toBe(elsewhere);
    expect(notes).toEqual([expect.stringContaining(`using data folder ${elsewhere} for this run; the library's own stays ${own}`)]);
    expect(await studioStore(s).settings.get(DATA_DIR_SETTING)).toBe(own);
  });
});
