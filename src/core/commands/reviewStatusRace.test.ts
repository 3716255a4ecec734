// A track's review status under concurrent saves (trackReviewStatus.ts): two annotators approving
// the last two open segments of a track at the same moment must leave it "reviewed". On
// PostgreSQL each save runs on its own connection (READ COMMITTED), so without a lock on the
// track row each transaction counts approvals without the other's and neither sets the status.
import { describe, expect, it } from 'vitest';
import { withCaller } from '../caller';
import { rowStudios, trackRow } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';

const backends = testStores();
const studios = rowStudios();

describe.each(backends)('track review status under concurrent saves ($name)', (backend) => {
  it('is reviewed once two simultaneous saves approve its last two segments', async () => {
    const { studio, store } = await studios.open(backend);
    const tracks: { id: number; segs: [number, number] }[] = [];
    for (let n = 1; n <= 12; n++) {
      const t = await store.tracks.insert(trackRow(n));
      const a = await studio.createSegment({ trackId: t.id, startSec: 0, endSec: 10 });
      const b = await studio.createSegment({ trackId: t.id, startSec: 10, endSec: 20 });
      tracks.push({ id: t.id, segs: [a.id, b.id] });
    }
    const approve = (user: string, segmentId: number) =>
      withCaller({ user, role: 'annotator' }, () => studio.saveCaption({ segmentId, text: `by ${user}`, status: 'approved', parentId: null }));
    await Promise.all(tracks.map((t) => Promise.all([approve('ann', t.segs[0]), approve('bob', t.segs[1])])));
    const statuses = await Promise.all(tracks.map(async (t) => (await studio.getTrack({ id: t.id })).status));
    expect(statuses).toEqual(tracks.map(() => 'reviewed'));
  });
});

describe.each(backends.filter((b) => b.name === 'postgres'))('segment and track locks beside a caption job ($name)', (backend) => {
  it("a save while a job stores the segment's suggestions: neither fails (no deadlock), the track ends reviewed", async () => {
    const { studio, store } = await studios.open(backend);
    const t = await store.tracks.insert(trackRow(99));
    const seg = await studio.createSegment({ trackId: t.id, startSec: 0, endSec: 10 });
    let held!: () => void;
    const jobHolds = new Promise<void>((r) => (held = r));
    // What jobRunner.recordSuggestions does: suggestions first (a key-share lock on the segment's
    // row, from the foreign key), then the track's status; the save in between takes the track's
    // lock, then the segment's.
    const job = store.transaction(async (tx) => {
      await tx.suggestions.insert({ segmentId: seg.id, startSec: 0, endSec: 10, text: 'a voice', score: -1, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });
      held();
      await new Promise((r) => setTimeout(r, 300));
      await tx.tracks.advanceStatus(t.id, ['imported', 'separated'], 'captioned');
    });
    await jobHolds;
    const save = withCaller({ user: 'ann', role: 'annotator' }, () => studio.saveCaption({ segmentId: seg.id, text: 'mine', status: 'approved', parentId: null }));
    const [j, s] = await Promise.allSettled([job, save]);
    expect([j.status, s.status, s.status === 'rejected' ? String(s.reason) : '']).toEqual(['fulfilled', 'fulfilled', '']);
    expect((await studio.getTrack({ id: t.id })).status).toBe('reviewed');
  });
});
