// The library list's paging, filters and sorting (TracksRepo.query), on every back end: pages
// never overlap, the total counts every match, search is case-insensitive, takes % and _
// literally, and finds a track by its current caption (not by a caption since replaced). On
// SQLite, the sorted pages walk migration 8's indexes rather than sorting the whole table.
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TrackQuery, TrackStatus } from '../../shared/types';
import { testStores } from '../testing/testStores';
import { storeKyselyForTests, type Store } from './store';
import { trackPageQueries, type NewTrack } from './tracks';

const backends = testStores();

const track = (n: number, over: Partial<NewTrack> = {}): NewTrack => ({
  path: `/music/f${n}.wav`,
  fileName: `f${n}.wav`,
  sha256: `${n}`.padStart(64, '0'),
  sizeBytes: 1000,
  title: `Song ${n}`,
  artist: null,
  album: null,
  genre: null,
  durationSec: n,
  sampleRate: 44100,
  channels: 2,
  container: 'WAVE',
  codec: 'PCM',
  ...over,
});

describe.each(backends)('track list query ($name)', (backend) => {
  let db: Store;
  const titles = async (q: Parameters<Store['tracks']['query']>[0]) => (await db.tracks.query(q)).tracks.map((t) => t.title ?? t.fileName);

  it('pages through every track exactly once, with the total', async () => {
    db = (await backend.open()).store;
    for (let n = 1; n <= 25; n++) await db.tracks.insert(track(n, { artist: n % 2 ? 'Odd' : 'Even', title: `Song ${String(n).padStart(2, '0')}` }));
    const seen: number[] = [];
    for (let offset = 0; offset < 25; offset += 10) {
      const page = await db.tracks.query({ offset, limit: 10 });
      expect(page.total).toBe(25);
      expect(page.offset).toBe(offset);
      seen.push(...page.tracks.map((t) => t.id));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    // Default order: artist, then title.
    const all = await db.tracks.query({ limit: 1000 });
    expect(all.tracks.slice(0, 2).map((t) => [t.artist, t.title])).toEqual([['Even', 'Song 02'], ['Even', 'Song 04']]);
    expect(all.tracks.map((t) => t.id)).toEqual((await db.tracks.list()).map((t) => t.id));
    expect((await db.tracks.query({})).limit).toBe(100);
    expect((await db.tracks.query({ limit: 5000 })).limit).toBe(1000);
  });

  it('sorts by each column in both directions, unknown durations last', async () => {
    db = (await backend.open()).store;
    const b = await db.tracks.insert(track(1, { title: 'beta', artist: 'Zed', durationSec: 30 }));
    const a = await db.tracks.insert(track(2, { title: 'Alpha', artist: 'amy', durationSec: null }));
    const c = await db.tracks.insert(track(3, { title: null, fileName: 'gamma.wav', artist: null, durationSec: 10 }));
    await db.tracks.setStatus(a.id, 'reviewed');
    await db.tracks.setStatus(b.id, 'separated');
    expect(await titles({ sort: 'title' })).toEqual(['Alpha', 'beta', 'gamma.wav']);
    expect(await titles({ sort: 'title', dir: 'desc' })).toEqual(['gamma.wav', 'beta', 'Alpha']);
    expect(await titles({ sort: 'artist' })).toEqual(['gamma.wav', 'Alpha', 'beta']);
    expect(await titles({ sort: 'duration' })).toEqual(['gamma.wav', 'beta', 'Alpha']);
    expect(await titles({ sort: 'duration', dir: 'desc' })).toEqual(['beta', 'gamma.wav', 'Alpha']);
    expect(await titles({ sort: 'status' })).toEqual(['gamma.wav', 'beta', 'Alpha']);
    expect(await titles({ sort: 'status', dir: 'desc' })).toEqual(['Alpha', 'beta', 'gamma.wav']);
    expect((await db.tracks.query({ sort: 'addedAt', dir: 'desc' })).tracks.map((t) => t.id)).toEqual([c.id, a.id, b.id]);
  });

  it('filters by status and by text in title, artist, file name and current caption', async () => {
    db = (await backend.open()).store;
    const a = await db.tracks.insert(track(1, { title: 'Moon River', artist: 'Audrey' }));
    const b = await db.tracks.insert(track(2, { title: 'Sun', artist: 'MOONLIGHT band' }));
    await db.tracks.insert(track(3, { title: null, fileName: 'moonwalk_take_2.wav' }));
    await db.tracks.insert(track(4, { title: '100% pure', artist: 'x' }));
    const d = await db.tracks.insert(track(5, { title: 'Quiet', artist: 'Nobody' }));
    const e = await db.tracks.insert(track(6, { title: 'Loud', artist: 'Somebody' }));
    await db.tracks.setStatus(b.id, 'captioned' satisfies TrackStatus);

    expect((await titles({ q: 'moon' })).sort()).toEqual(['Moon River', 'Sun', 'moonwalk_take_2.wav']);
    expect((await db.tracks.query({ q: '  MOON ' })).total).toBe(3);
    expect(await titles({ q: 'moon', status: ['captioned'] })).toEqual(['Sun']);
    expect((await titles({ status: ['imported', 'captioned'] })).length).toBe(6);
    expect(await titles({ status: ['reviewed'] })).toEqual([]);
    // % and _ are the user's characters, not wildcards.
    expect(await titles({ q: '100%' })).toEqual(['100% pure']);
    expect(await titles({ q: '%' })).toEqual(['100% pure']);
    expect(await titles({ q: 'take_2' })).toEqual(['moonwalk_take_2.wav']);
    expect(await titles({ q: 'k_t' })).toEqual(['moonwalk_take_2.wav']);
    expect(await titles({ q: 'e_2' })).toEqual(['moonwalk_take_2.wav']);
    expect(await titles({ q: 'f_.wav' })).toEqual([]);

    // Captions: the newest revision of a visible segment counts; older revisions do not.
    const seg = await db.segments.insert(d.id, 0, 5);
    await db.captions.append({ segmentId: seg.id, text: 'A breathy female VOICE over soft piano', author: 'ann', source: 'human' });
    expect(await titles({ q: 'breathy' })).toEqual(['Quiet']);
    await db.captions.append({ segmentId: seg.id, text: 'A raspy male voice', author: 'ann', source: 'human' });
    expect(await titles({ q: 'breathy' })).toEqual([]);
    expect(await titles({ q: 'RASPY' })).toEqual(['Quiet']);
    const hidden = await db.segments.insert(e.id, 0, 5);
    await db.captions.append({ segmentId: hidden.id, text: 'raspy growl', author: 'ann', source: 'human' });
    expect((await titles({ q: 'raspy' })).sort()).toEqual(['Loud', 'Quiet']);
    await db.segments.delete(hidden.id);
    expect(await titles({ q: 'raspy' })).toEqual(['Quiet']);
    expect((await db.tracks.query({ q: 'raspy', offset: 1 })).total).toBe(1);
    expect(a.id).toBeGreaterThan(0);
  });

  it('finds non-ASCII text typed as it is stored (the database folds the case of both sides alike)', async () => {
    db = (await backend.open()).store;
    await db.tracks.insert(track(1, { title: 'Élan vital', artist: 'ÅSA' }));
    const seg = await db.segments.insert((await db.tracks.insert(track(2, { title: 'Plain' }))).id, 0, 5);
    await db.captions.append({ segmentId: seg.id, text: 'Ätherische STIMME', author: 'ann', source: 'human' });
    expect(await titles({ q: 'Élan' })).toEqual(['Élan vital']);
    expect(await titles({ q: 'ÅSA' })).toEqual(['Élan vital']);
    expect(await titles({ q: 'Ätherische stimme' })).toEqual(['Plain']);
  });
});

it('walks the sort indexes for a page on SQLite (no sort of the whole table)', async () => {
  const db = (await backends[0]!.open()).store;
  const k = storeKyselyForTests(db);
  const plan = async (q: TrackQuery) => {
    const c = trackPageQueries(k, q).page.compile();
    const rows = await k.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]));
    return rows.rows.map((r) => r.detail).join('; ');
  };
  const first = await plan({});
  expect(first).toContain('tracks_sort_artist');
  expect(first).not.toContain('TEMP B-TREE');
  expect(await plan({ sort: 'title', dir: 'desc', offset: 500 })).toContain('tracks_sort_title');
  expect(await plan({ sort: 'addedAt' })).toContain('tracks_added');
  expect(await plan({ status: ['reviewed'] })).toContain('tracks_status');
});
