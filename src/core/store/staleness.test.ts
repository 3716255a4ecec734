// Suggestions and measured attributes remember the span they were made for and go stale when
// their segment is resized (and fresh again when it is resized back), on every back end.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { migrate } from './db';
import { MIGRATIONS } from './migrations';
import { openStore } from './store';

const tmp = tempDir();
afterAll(tmp.cleanup);
const backends = testStores();

const track = {
  path: '/music/a.wav',
  fileName: 'a.wav',
  sha256: 'a'.repeat(64),
  sizeBytes: 1,
  title: null,
  artist: null,
  album: null,
  genre: null,
  durationSec: 300,
  sampleRate: 44100,
  channels: 2,
  container: 'WAVE',
  codec: 'PCM',
};

describe.each(backends)('stale suggestions and attributes ($name)', (backend) => {
  it('go stale when the segment is resized, fresh when resized back, and a new suggestion is fresh', async () => {
    const { store: db } = await backend.open();
    const t = await db.tracks.insert(track);
    const seg = await db.segments.insert(t.id, 100, 125);
    const other = await db.segments.insert(t.id, 10, 20);
    const made = { segmentId: seg.id, startSec: 100, endSec: 125 };
    const pack = await db.packs.ensureRow({ name: 'cap', version: '2.0.0', roles: ['captioner'] }, '/p');
    const first = await db.suggestions.insert({ ...made, text: 'A man sings softly.', score: -0.5, tokenLogprobs: [-0.123456, -1], packId: pack, ep: 'cpu', ms: 1 });
    expect(first).toMatchObject({ pack: 'cap@2.0.0', score: -0.5, tokenLogprobs: [-0.1235, -1], stale: false });
    await db.attributes.insert(made, 'measured', { gender: 'male', f0Hz: 110.123, nothing: null });
    await db.suggestions.insert({ segmentId: other.id, startSec: 10, endSec: 20, text: 'Other.', score: null, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });

    const fresh = (await db.suggestions.latest(t.id)).find((s) => s.segmentId === seg.id)!;
    expect(fresh).toMatchObject({ startSec: 100, endSec: 125, stale: false });
    expect(await db.attributes.latest(t.id)).toEqual([
      expect.objectContaining({ segmentId: seg.id, name: 'gender', value: 'male', startSec: 100, endSec: 125, stale: false }),
      expect.objectContaining({ segmentId: seg.id, name: 'f0Hz', value: '110.12', stale: false }),
    ]);

    await db.segments.update(seg.id, 100, 130);
    const stale = (await db.suggestions.latest(t.id)).find((s) => s.segmentId === seg.id)!;
    expect(stale).toMatchObject({ text: 'A man sings softly.', startSec: 100, endSec: 125, stale: true });
    expect((await db.attributes.latest(t.id)).every((a) => a.stale)).toBe(true);
    // The untouched segment's suggestion is not affected.
    expect((await db.suggestions.latest(t.id)).find((s) => s.segmentId === other.id)!.stale).toBe(false);

    await db.segments.update(seg.id, 100, 125);
    expect((await db.suggestions.latest(t.id)).find((s) => s.segmentId === seg.id)!.stale).toBe(false);
    expect((await db.attributes.latest(t.id)).some((a) => a.stale)).toBe(false);

    await db.segments.update(seg.id, 90.5, 110);
    await db.suggestions.insert({ segmentId: seg.id, startSec: 90.5, endSec: 110, text: 'A man sings loudly.', score: null, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });
    await db.attributes.insert({ segmentId: seg.id, startSec: 90.5, endSec: 110 }, 'measured', { gender: 'male' });
    const again = (await db.suggestions.latest(t.id)).find((s) => s.segmentId === seg.id)!;
    expect(again).toMatchObject({ text: 'A man sings loudly.', startSec: 90.5, endSec: 110, stale: false });
    // The newest value of each attribute counts: gender is fresh, the older f0 measurement is not.
    const attrs = await db.attributes.latest(t.id);
    expect(attrs.find((a) => a.name === 'gender')).toMatchObject({ stale: false, startSec: 90.5 });
    expect(attrs.find((a) => a.name === 'f0Hz')).toMatchObject({ stale: true, startSec: 100 });
    // A hidden segment's suggestions and attributes are not listed.
    await db.segments.delete(seg.id);
    expect((await db.suggestions.latest(t.id)).map((s) => s.segmentId)).toEqual([other.id]);
    expect(await db.attributes.latest(t.id)).toEqual([]);
  });
});

describe('rows from before spans were recorded (SQLite)', () => {

  it('backfills the span of rows written before spans were recorded from their segment', async () => {
    const file = path.join(tmp.dir, 'old.s2cap.db');
    const raw = new Database(file);
    const before = MIGRATIONS.findIndex((m) => /ALTER TABLE suggestions ADD COLUMN start_sec/.test(m));
    expect(before).toBeGreaterThan(0);
    for (let v = 0; v < before; v++) raw.exec(MIGRATIONS[v]!);
    raw.pragma(`user_version = ${before}`);
    raw.exec(`INSERT INTO tracks (id, path, file_name, sha256, size_bytes) VALUES (1, '/a.wav', 'a.wav', '${'b'.repeat(64)}', 1);
              INSERT INTO segments (id, track_id, start_sec, end_sec) VALUES (7, 1, 100, 125);
              INSERT INTO suggestions (segment_id, text) VALUES (7, 'old sentence');
              INSERT INTO attributes (segment_id, name, value, source) VALUES (7, 'tempo', '120', 'measured');`);
    migrate(raw);
    raw.close();
    const db = await openStore(file);
    expect(await db.suggestions.latest(1)).toEqual([expect.objectContaining({ text: 'old sentence', startSec: 100, endSec: 125, stale: false })]);
    expect(await db.attributes.latest(1)).toEqual([expect.objectContaining({ name: 'tempo', startSec: 100, endSec: 125, stale: false })]);
    await db.close();
  });
});
