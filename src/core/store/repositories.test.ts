// Repositories and the store's transactions, run against every back end (testStores: SQLite, and
// PostgreSQL when a test server is available), plus a throwaway in-memory SQLite library.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';
import { openStore, storeKyselyForTests, type Store } from './store';
import type { NewTrack } from './tracks';

const backends = testStores();

const sample = (n: number, over: Partial<NewTrack> = {}): NewTrack => ({
  path: `/music/song${n}.wav`,
  fileName: `song${n}.wav`,
  sha256: `${n}`.padStart(64, '0'),
  sizeBytes: 1000 + n,
  title: `Song ${n}`,
  artist: 'Artist',
  album: null,
  genre: 'Pop',
  durationSec: 12.5,
  sampleRate: 44100,
  channels: 2,
  container: 'WAVE',
  codec: 'PCM',
  ...over,
});

const CHECK = /CHECK constraint|check constraint/i;
const FOREIGN_KEY = /FOREIGN KEY constraint|foreign key constraint/i;

describe.each(backends)('repositories ($name)', (backend) => {
  const open = async (): Promise<Store> => (await backend.open()).store;

  it('two connections adding the same content at once: one track, one duplicate, no error', async () => {
    // As two importers racing on copies of one file: each reads "unknown" in its own transaction,
    // then inserts; the database decides (ON CONFLICT DO NOTHING), so READ COMMITTED on PostgreSQL
    // cannot turn the loser into a unique-key failure.
    const { store: a, target } = await backend.open();
    const b = await backend.reopen(target);
    const t = sample(21);
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    let reads = 0;
    const add = (db: Store) =>
      db.transaction(async (tx) => {
        // PostgreSQL: both read "unknown" before either inserts. SQLite: write transactions begin
        // IMMEDIATE, so the second starts only once the first committed (and then finds it).
        await tx.tracks.findByHash(t.sha256);
        if (++reads === 2) release();
        await Promise.race([bothRead, new Promise((r) => setTimeout(r, 300))]);
        return tx.tracks.insertUnlessKnown(t);
      });
    const results = await Promise.all([add(a), add(b)]);
    expect(results.map((r) => r.inserted).sort()).toEqual([false, true]);
    expect(results[0]!.track.id).toBe(results[1]!.track.id);
    expect(await a.tracks.count()).toBe(1);
    await expect(a.tracks.insert(t)).rejects.toThrow(/already has this content/);
  });

  it('inserts, finds and lists tracks', async () => {
    const db = await open();
    const a = await db.tracks.insert(sample(2, { title: 'Zebra' }));
    const b = await db.tracks.insert(sample(1, { title: 'Apple' }));
    expect(a.id).toBeGreaterThan(0);
    expect(a.status).toBe('imported');
    expect(a.addedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await db.tracks.get(a.id)).toEqual(a);
    expect((await db.tracks.findByHash(sample(1).sha256))?.id).toBe(b.id);
    expect((await db.tracks.list()).map((t) => t.title)).toEqual(['Apple', 'Zebra']);
    expect(await db.tracks.count()).toBe(2);
    await expect(db.tracks.insert(sample(1))).rejects.toThrow(/already has this content \(track \d+\)/);
    await expect(db.tracks.require(999)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no track with id 999' });
  });

  it('relinks a track and changes its status', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(3));
    const moved = await db.tracks.relink(t.id, '/elsewhere/song3.wav', 'song3.wav', 1234.5);
    expect(moved.path).toBe('/elsewhere/song3.wav');
    expect(moved.sha256).toBe(t.sha256);
    expect(await db.tracks.fileStamp(t.id)).toEqual({ sizeBytes: t.sizeBytes, mtimeMs: 1234.5 });
    expect((await db.tracks.setStatus(t.id, 'separated')).status).toBe('separated');
    await expect(db.tracks.setStatus(999, 'separated')).rejects.toThrow(/not found/);
  });

  it('keeps caption revisions append-only with parent links', async () => {
    const db = await open();
    const k = storeKyselyForTests(db);
    const t = await db.tracks.insert(sample(4));
    const seg = await db.segments.insert(t.id, 0, 10);
    const r1 = await db.captions.append({ segmentId: seg.id, text: 'A man sings softly.', author: 'model', source: 'suggestion' });
    const r2 = await db.captions.append({ segmentId: seg.id, text: 'A woman sings softly.', author: 'ana', source: 'human' });
    expect(r1.parentId).toBeNull();
    expect(r2.parentId).toBe(r1.id);
    expect((await db.captions.latest(seg.id))?.text).toBe('A woman sings softly.');
    expect((await db.captions.history(seg.id)).map((r) => r.text)).toEqual(['A man sings softly.', 'A woman sings softly.']);
    await expect(sql`UPDATE caption_revisions SET text = ${'x'} WHERE id = ${r1.id}`.execute(k)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM caption_revisions WHERE id = ${r1.id}`.execute(k)).rejects.toThrow(/append-only/);
    // Deleting the track cannot silently take the revisions with it.
    await expect(sql`DELETE FROM tracks WHERE id = ${t.id}`.execute(k)).rejects.toThrow();
    expect(await db.captions.history(seg.id)).toHaveLength(2);
  });

  it('gives concurrent appends to one segment a chain, never two children of one head', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(14));
    const seg = await db.segments.insert(t.id, 0, 10);
    const revs = await Promise.all(Array.from({ length: 8 }, (_, i) => db.captions.append({ segmentId: seg.id, text: `v${i}`, author: 'a', source: 'human' })));
    const history = await db.captions.history(seg.id);
    expect(history).toHaveLength(8);
    expect(history.map((r) => r.parentId)).toEqual([null, ...history.slice(0, -1).map((r) => r.id)]);
    expect(new Set(revs.map((r) => r.id)).size).toBe(8);
  });

  it('two connections saving on one parent at once: one is recorded, the other refused with the current head', async () => {
    // Two stores on one library, as two processes have (on PostgreSQL two connections, each in READ
    // COMMITTED). A's save is still uncommitted when B saves on the same parent: B must wait for A
    // and then be refused, not read the old head and record a second child of it.
    const { store: a, target } = await backend.open();
    const b = await backend.reopen(target);
    const t = await a.tracks.insert(sample(15));
    const seg = await a.segments.insert(t.id, 0, 10);
    const root = await a.captions.append({ segmentId: seg.id, text: 'v0', author: 'a', source: 'human', parentId: null });
    let bSave: Promise<unknown> = Promise.resolve();
    let bSettled = false;
    const fromA = await a.transaction(async (tx) => {
      const mine = await tx.captions.append({ segmentId: seg.id, text: 'from A', author: 'a', source: 'human', parentId: root.id });
      bSave = b.captions.append({ segmentId: seg.id, text: 'from B', author: 'b', source: 'human', parentId: root.id }).finally(() => (bSettled = true));
      bSave.catch(() => {});
      // SQLite: A holds the library's write lock, so B cannot begin before A commits. PostgreSQL:
      // wait until B either finished (the bug) or waits on a lock held by A's transaction.
      if (backend.name === 'postgres') {
        const k = storeKyselyForTests(a);
        const waitingOnLock = async () =>
          Number(
            (await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(k)).rows[0]!.n,
          ) > 0;
        while (!bSettled && !(await waitingOnLock())) await new Promise((r) => setTimeout(r, 10));
      }
      return mine;
    });
    await expect(bSave).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`revision ${fromA.id} is the current one`) });
    const history = await b.captions.history(seg.id);
    expect(history.map((r) => [r.text, r.parentId])).toEqual([
      ['v0', null],
      ['from A', root.id],
    ]);
    // A stale save is refused outright; one on the current head is recorded.
    await expect(b.captions.append({ segmentId: seg.id, text: 'stale', author: 'b', source: 'human', parentId: root.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(b.captions.append({ segmentId: seg.id, text: 'first', author: 'b', source: 'human', parentId: null })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await b.captions.append({ segmentId: seg.id, text: 'from B', author: 'b', source: 'human', parentId: fromA.id })).parentId).toBe(fromA.id);
  });

  it('orders segments, enforces their bounds, hides rather than deletes', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(5));
    await db.segments.insert(t.id, 20, 30);
    const first = await db.segments.insert(t.id, 0, 10);
    expect((await db.segments.list(t.id)).map((s) => s.startSec)).toEqual([0, 20]);
    await expect(db.segments.insert(t.id, 10, 5)).rejects.toThrow(CHECK);
    await expect(db.segments.insert(12345, 0, 5)).rejects.toThrow(FOREIGN_KEY);
    expect(await db.segments.update(first.id, 1, 9)).toMatchObject({ startSec: 1, endSec: 9 });
    expect(await db.segments.delete(first.id)).toBe(true);
    expect(await db.segments.delete(first.id)).toBe(false);
    expect(await db.segments.get(first.id)).toBeUndefined();
    await expect(db.segments.require(first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.segments.update(first.id, 1, 9)).rejects.toThrow(/not found/);
    expect((await db.segments.list(t.id)).map((s) => s.startSec)).toEqual([20]);
  });

  it('keeps one stem per name, in Demucs order, with the pack that made it, and says which files went unreferenced', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(6));
    const pack = await db.packs.ensureRow({ name: 'demucs', version: '4.0.0', roles: ['separator'] }, '/packs/demucs');
    await db.stems.upsert({ trackId: t.id, name: 'zzz', path: '/s/zzz.wav' });
    const first = await db.stems.replace(t.id, [
      { name: 'other', path: '/s/1/other.wav', packId: pack, ep: 'cpu' },
      { name: 'vocals', path: '/s/1/vocals.wav', packId: pack, ep: 'cpu', durationSec: 12.5 },
    ]);
    expect(first.unreferenced).toEqual([]);
    expect((await db.stems.list(t.id)).map((s) => [s.name, s.pack])).toEqual([
      ['vocals', 'demucs@4.0.0'],
      ['other', 'demucs@4.0.0'],
      ['zzz', null],
    ]);
    // vocals replaced by a new file, other keeps its file (still referenced): only the old vocals file is unreferenced.
    const second = await db.stems.replace(t.id, [
      { name: 'vocals', path: '/s/2/vocals.wav' },
      { name: 'other', path: '/s/1/other.wav' },
    ]);
    expect(second.unreferenced).toEqual(['/s/1/vocals.wav']);
    expect(second.stems.map((s) => s.path)).toEqual(['/s/2/vocals.wav', '/s/1/other.wav']);
    expect((await db.stems.listPaths()).sort()).toEqual(['/s/1/other.wav', '/s/2/vocals.wav', '/s/zzz.wav']);
    const vocals = (await db.stems.list(t.id))[0]!;
    expect(await db.stems.get(vocals.id)).toEqual(vocals);
    expect(await db.stems.delete(vocals.id)).toBe(true);
    expect(await db.stems.get(vocals.id)).toBeUndefined();
  });

  it('stores settings as JSON', async () => {
    const db = await open();
    expect(await db.settings.get('ep')).toBeUndefined();
    await db.settings.set('ep', { captioner: 'cpu', threads: 4 });
    await db.settings.set('ep', { captioner: 'webgpu', threads: 2 });
    expect(await db.settings.get('ep')).toEqual({ captioner: 'webgpu', threads: 2 });
    expect(await db.settings.delete('ep')).toBe(true);
    expect(await db.settings.delete('ep')).toBe(false);
    expect(await db.settings.get('ep')).toBeUndefined();
  });

  it('persists jobs and requeues the ones a crash interrupted', async () => {
    const db = await open();
    const j = await db.jobs.create('separate', { trackId: 1 });
    expect(j.status).toBe('queued');
    await db.jobs.update(j.id, { status: 'running', progress: 0.4 });
    const done = await db.jobs.create('caption', { segmentId: 2 });
    await db.jobs.update(done.id, { status: 'done', progress: 1, result: { text: 'ok' } });
    expect((await db.jobs.requeueLapsed(Date.now())).map((x) => x.id)).toEqual([j.id]);
    expect(await db.jobs.get(j.id)).toMatchObject({ status: 'queued', progress: 0.4, payload: { trackId: 1 } });
    expect((await db.jobs.get(done.id))?.result).toEqual({ text: 'ok' });
    expect((await db.jobs.list(['queued'])).map((x) => x.id)).toEqual([j.id]);
    await expect(db.jobs.update('nope', { status: 'done' })).rejects.toThrow(/not found/);
  });

  it('commits a transaction, rolls it back when it throws, and runs nested calls on the outer one', async () => {
    const db = await open();
    const t = await db.transaction(async (tx) => {
      const track = await tx.tracks.insert(sample(7));
      // The store's own repositories, and a nested transaction, join this transaction (no deadlock).
      expect(await db.tracks.get(track.id)).toEqual(track);
      await db.transaction((inner) => inner.settings.set('inner', 1));
      return track;
    });
    expect(await db.tracks.get(t.id)).toEqual(t);
    expect(await db.settings.get('inner')).toBe(1);
    await expect(
      db.transaction(async (tx) => {
        await tx.tracks.insert(sample(8));
        await db.settings.set('inner', 2);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.tracks.findByHash(sample(8).sha256)).toBeUndefined();
    expect(await db.settings.get('inner')).toBe(1);
    // Work started outside the transaction meanwhile waits for it and then runs normally.
    const [inside, outside] = await Promise.all([
      db.transaction(async (tx) => (await tx.tracks.insert(sample(9))).id),
      db.tracks.count(),
    ]);
    expect(await db.tracks.get(inside)).toBeDefined();
    expect(outside).toBeGreaterThanOrEqual(1);
  });

  it('sees the same library from a second store (as another process would)', async () => {
    const { store: a, target } = await backend.open();
    const b = await backend.reopen(target);
    const t = await a.tracks.insert(sample(10));
    expect(await b.tracks.get(t.id)).toEqual(t);
    await b.settings.set('from-b', true);
    expect(await a.settings.get('from-b')).toBe(true);
  });
});

describe('a throwaway in-memory library', () => {
  it('opens migrated, works, and closes', async () => {
    const db = await openStore(':memory:');
    expect(db.dialect).toBe('sqlite');
    const t = await db.tracks.insert(sample(11));
    expect(await db.tracks.list()).toEqual([t]);
    await db.close();
    await db.close(); // twice is harmless
    await expect(db.transaction((tx) => tx.tracks.count())).rejects.toThrow(/closed/);
  });
});
