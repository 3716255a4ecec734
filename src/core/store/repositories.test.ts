// Repository functions, run against both an in-memory and an on-disk library.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { appendRevision, latestRevision, revisionHistory } from './captions';
import { openDb, type Db } from './db';
import { createJob, getJob, listJobs, requeueLapsedJobs, updateJob } from './jobs';
import { insertSegment, listSegments } from './segments';
import { deleteSetting, getSetting, setSetting } from './settings';
import { countTracks, findTrackByHash, getTrack, insertTrack, listTracks, relinkTrack, setTrackStatus, type NewTrack } from './tracks';

const tmp = tempDir();
afterAll(tmp.cleanup);

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

describe.each([
  ['in memory', () => openDb(':memory:')],
  ['on file', () => openDb(path.join(tmp.dir, `repo-${Math.random()}.db`))],
])('repositories (%s)', (_label, open: () => Db) => {
  it('inserts, finds and lists tracks', () => {
    const db = open();
    const a = insertTrack(db, sample(2, { title: 'Zebra' }));
    const b = insertTrack(db, sample(1, { title: 'Apple' }));
    expect(a.id).toBeGreaterThan(0);
    expect(a.status).toBe('imported');
    expect(getTrack(db, a.id)).toEqual(a);
    expect(findTrackByHash(db, sample(1).sha256)?.id).toBe(b.id);
    expect(listTracks(db).map((t) => t.title)).toEqual(['Apple', 'Zebra']);
    expect(countTracks(db)).toBe(2);
    expect(() => insertTrack(db, sample(1))).toThrow(/UNIQUE/);
    db.close();
  });

  it('relinks a track and changes its status', () => {
    const db = open();
    const t = insertTrack(db, sample(3));
    const moved = relinkTrack(db, t.id, '/elsewhere/song3.wav', 'song3.wav');
    expect(moved.path).toBe('/elsewhere/song3.wav');
    expect(moved.sha256).toBe(t.sha256);
    expect(setTrackStatus(db, t.id, 'separated').status).toBe('separated');
    expect(() => setTrackStatus(db, 999, 'separated')).toThrow(/not found/);
    db.close();
  });

  it('keeps caption revisions append-only with parent links', () => {
    const db = open();
    const t = insertTrack(db, sample(4));
    const seg = insertSegment(db, t.id, 0, 10);
    const r1 = appendRevision(db, { segmentId: seg.id, text: 'A man sings softly.', author: 'model', source: 'suggestion' });
    const r2 = appendRevision(db, { segmentId: seg.id, text: 'A woman sings softly.', author: 'ana', source: 'human' });
    expect(r1.parentId).toBeNull();
    expect(r2.parentId).toBe(r1.id);
    expect(latestRevision(db, seg.id)?.text).toBe('A woman sings softly.');
    expect(revisionHistory(db, seg.id).map((r) => r.text)).toEqual(['A man sings softly.', 'A woman sings softly.']);
    expect(() => db.prepare('UPDATE caption_revisions SET text = ? WHERE id = ?').run('x', r1.id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM caption_revisions WHERE id = ?').run(r1.id)).toThrow(/append-only/);
    // Deleting the track cannot silently take the revisions with it.
    expect(() => db.prepare('DELETE FROM tracks WHERE id = ?').run(t.id)).toThrow();
    expect(revisionHistory(db, seg.id)).toHaveLength(2);
    db.close();
  });

  it('orders segments and enforces their bounds', () => {
    const db = open();
    const t = insertTrack(db, sample(5));
    insertSegment(db, t.id, 20, 30);
    insertSegment(db, t.id, 0, 10);
    expect(listSegments(db, t.id).map((s) => s.startSec)).toEqual([0, 20]);
    expect(() => insertSegment(db, t.id, 10, 5)).toThrow(/CHECK/);
    expect(() => insertSegment(db, 12345, 0, 5)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('stores settings as JSON', () => {
    const db = open();
    expect(getSetting(db, 'ep')).toBeUndefined();
    setSetting(db, 'ep', { captioner: 'cpu', threads: 4 });
    setSetting(db, 'ep', { captioner: 'webgpu', threads: 2 });
    expect(getSetting(db, 'ep')).toEqual({ captioner: 'webgpu', threads: 2 });
    expect(deleteSetting(db, 'ep')).toBe(true);
    expect(getSetting(db, 'ep')).toBeUndefined();
    db.close();
  });

  it('persists jobs and requeues the ones a crash interrupted', () => {
    const db = open();
    const j = createJob(db, 'separate', { trackId: 1 });
    expect(j.status).toBe('queued');
    updateJob(db, j.id, { status: 'running', progress: 0.4 });
    const done = createJob(db, 'caption', { segmentId: 2 });
    updateJob(db, done.id, { status: 'done', progress: 1, result: { text: 'ok' } });
    expect(requeueLapsedJobs(db, Date.now()).map((x) => x.id)).toEqual([j.id]);
    expect(getJob(db, j.id)).toMatchObject({ status: 'queued', progress: 0.4, payload: { trackId: 1 } });
    expect(getJob(db, done.id)?.result).toEqual({ text: 'ok' });
    expect(listJobs(db, ['queued']).map((x) => x.id)).toEqual([j.id]);
    db.close();
  });
});
