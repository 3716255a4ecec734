// Segment commands beyond the 5–30 s rule (tracks.test.ts has that): overlaps refused unless
// allowed, restoreSegment as the undo of delete, and the per-track counts the library list and the
// player show — on every back end. Tracks are rows (nothing here decodes audio).
import { describe, expect, it } from 'vitest';
import type { Studio } from '../studio';
import type { Store } from '../store/store';
import { rowStudios, trackRow } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';

const backends = testStores();
const studios = rowStudios();

describe.each(backends)('segments and counts ($name)', (backend) => {
  async function setup(): Promise<{ studio: Studio; store: Store; track: (n: number) => Promise<number> }> {
    const { studio, store } = await studios.open(backend);
    const track = async (n: number) => (await store.tracks.insert(trackRow(n))).id;
    return { studio, store, track };
  }

  it('refuses overlapping segments unless allowed; touching edges are fine', async () => {
    const { studio, track } = await setup();
    const t = await track(1);
    const a = await studio.createSegment({ trackId: t, startSec: 10, endSec: 25 });
    const b = await studio.createSegment({ trackId: t, startSec: 25, endSec: 40 });
    await studio.createSegment({ trackId: t, startSec: 0, endSec: 10 });
    await expect(studio.createSegment({ trackId: t, startSec: 20, endSec: 30 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(new RegExp(`^overlaps segment #${a.id} \\(0:10–0:25\\)`)),
    });
    await expect(studio.updateSegment({ id: b.id, startSec: 24, endSec: 40 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`#${a.id}`) });
    // Moving a segment within its own span, or onto another with allowOverlap, is fine.
    expect(await studio.updateSegment({ id: b.id, startSec: 26, endSec: 40 })).toMatchObject({ startSec: 26 });
    await studio.createSegment({ trackId: t, startSec: 20, endSec: 30, allowOverlap: true });
    expect(await studio.updateSegment({ id: a.id, startSec: 12, endSec: 30, allowOverlap: true })).toMatchObject({ startSec: 12, endSec: 30 });
    // Hidden segments are not in the way.
    await studio.deleteSegment({ id: b.id });
    expect((await studio.createSegment({ trackId: t, startSec: 30, endSec: 45 })).startSec).toBe(30);
  });

  it('restores a hidden segment (undo of delete), refusing one that never existed or would now overlap', async () => {
    const { studio, track } = await setup();
    const t = await track(1);
    const a = await studio.createSegment({ trackId: t, startSec: 0, endSec: 10 });
    await studio.deleteSegment({ id: a.id });
    expect((await studio.openTrack({ id: t })).segments).toEqual([]);
    expect(await studio.restoreSegment({ id: a.id })).toEqual(a);
    expect((await studio.openTrack({ id: t })).segments).toEqual([a]);
    expect(await studio.restoreSegment({ id: a.id })).toEqual(a); // already visible: nothing to do
    await expect(studio.restoreSegment({ id: 9999 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no segment with id 9999' });
    await studio.deleteSegment({ id: a.id });
    const b = await studio.createSegment({ trackId: t, startSec: 5, endSec: 15 });
    await expect(studio.restoreSegment({ id: a.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`#${b.id}`) });
    // A segment made with allowOverlap is undeleted the same way.
    expect(await studio.restoreSegment({ id: a.id, allowOverlap: true })).toEqual(a);
  });

  it('fills in each track’s counts in openTrack, queryTracks and listTracks', async () => {
    const { studio, store, track } = await setup();
    const t1 = await track(1);
    const t2 = await track(2);
    const t3 = await track(3);
    const s1 = await studio.createSegment({ trackId: t1, startSec: 0, endSec: 10 });
    const s2 = await studio.createSegment({ trackId: t1, startSec: 10, endSec: 20 });
    const gone = await studio.createSegment({ trackId: t1, startSec: 20, endSec: 30 });
    await studio.createSegment({ trackId: t2, startSec: 0, endSec: 10 });
    for (const s of [s1, s2]) await store.suggestions.insert({ segmentId: s.id, startSec: 0, endSec: 10, text: 'x', score: -1, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });
    await studio.saveCaption({ segmentId: s1.id, text: 'done', status: 'approved', parentId: null, author: 'ann' });
    await studio.saveCaption({ segmentId: gone.id, text: 'done', status: 'approved', parentId: null, author: 'ann' });
    await studio.deleteSegment({ id: gone.id });
    const want = {
      [t1]: { segments: 2, suggested: 2, approved: 1 },
      [t2]: { segments: 1, suggested: 0, approved: 0 },
      [t3]: { segments: 0, suggested: 0, approved: 0 },
    };
    const byId = (tracks: { id: number; counts?: unknown }[]) => Object.fromEntries(tracks.map((t) => [t.id, t.counts]));
    expect(byId((await studio.queryTracks({ sort: 'title' })).tracks)).toEqual(want);
    expect(byId((await studio.queryTracks({ q: 'Song 2' })).tracks)).toEqual({ [t2]: want[t2] });
    expect(byId(await studio.listTracks())).toEqual(want);
    expect((await studio.openTrack({ id: t1 })).track.counts).toEqual(want[t1]);
  });
});
