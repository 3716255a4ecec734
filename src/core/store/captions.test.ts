// The annotation side of the store on every back end (testStores: SQLite, and PostgreSQL when a
// test server is available): revisions with their v9 columns, drafts, per-track counts, segment
// overlap/restore queries and where a suggestion's score stands in the library.
import { describe, expect, it } from 'vitest';
import { trackRow } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';
import type { Store } from './store';

const backends = testStores();

const sample = (n: number) => trackRow(n);

const suggestion = (segmentId: number, text: string, score: number | null) => ({
  segmentId,
  startSec: 0,
  endSec: 10,
  text,
  score,
  tokenLogprobs: [],
  packId: null,
  ep: 'cpu',
  ms: 1,
});

describe.each(backends)('captions, drafts and counts ($name)', (backend) => {
  const open = async (): Promise<Store> => (await backend.open()).store;

  it('records and reads back every field of a revision, review verdicts included', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(1));
    const seg = await db.segments.insert(t.id, 0, 10);
    const sug = await db.suggestions.insert(suggestion(seg.id, 'a bright female voice', -0.4));
    const first = await db.captions.append({
      segmentId: seg.id,
      text: 'A bright female soprano.',
      author: 'ann',
      source: 'human',
      suggestionId: sug.id,
      status: 'approved',
      attributes: { gender: 'female', pitch: 'high', mood: '' },
      secondsSpent: 12.5,
      parentId: null,
    });
    expect(first).toMatchObject({
      parentId: null,
      status: 'approved',
      attributes: { gender: 'female', pitch: 'high' },
      secondsSpent: 12.5,
      note: null,
      review: 'pending',
      restoredFrom: null,
      suggestionId: sug.id,
    });
    const sent = await db.captions.append({ segmentId: seg.id, text: first.text, author: 'rev', source: 'human', status: 'draft', review: 'sentBack', note: 'say "soprano" once', parentId: first.id });
    const accepted = await db.captions.append({ segmentId: seg.id, text: first.text, author: 'rev', source: 'human', status: 'approved', review: 'accepted', restoredFrom: first.id });
    expect([sent.review, sent.note, sent.status]).toEqual(['sentBack', 'say "soprano" once', 'draft']);
    expect([accepted.review, accepted.restoredFrom, accepted.parentId, accepted.attributes]).toEqual(['accepted', first.id, sent.id, {}]);
    expect(await db.captions.get(sent.id)).toEqual(sent);
    expect(await db.captions.history(seg.id)).toEqual([first, sent, accepted]);
    expect(await db.captions.latest(seg.id)).toEqual(accepted);
    // The parent check still guards every save.
    await expect(db.captions.append({ segmentId: seg.id, text: 'late', author: 'bob', source: 'human', parentId: first.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`revision ${accepted.id} is the current one`),
    });
  });

  it('keeps one draft per segment and author, overwritten by each save, removed on request', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(2));
    const seg = await db.segments.insert(t.id, 0, 10);
    expect(await db.captions.getDraft(seg.id, 'ann')).toBeUndefined();
    const d1 = await db.captions.saveDraft({ segmentId: seg.id, author: 'ann', text: 'A soft', baseRevisionId: null, secondsSpent: 2 });
    const d2 = await db.captions.saveDraft({ segmentId: seg.id, author: 'ann', text: 'A soft male voice', attributes: { gender: 'male' }, baseRevisionId: null, secondsSpent: 5 });
    await db.captions.saveDraft({ segmentId: seg.id, author: 'bob', text: 'bob was here', baseRevisionId: null });
    expect(d2.updatedAt >= d1.updatedAt).toBe(true);
    expect(await db.captions.getDraft(seg.id, 'ann')).toEqual({
      segmentId: seg.id,
      author: 'ann',
      text: 'A soft male voice',
      attributes: { gender: 'male' },
      baseRevisionId: null,
      suggestionId: null,
      secondsSpent: 5,
      updatedAt: d2.updatedAt,
    });
    expect(await db.captions.deleteDraft(seg.id, 'ann')).toBe(true);
    expect(await db.captions.deleteDraft(seg.id, 'ann')).toBe(false);
    expect(await db.captions.getDraft(seg.id, 'ann')).toBeUndefined();
    expect((await db.captions.getDraft(seg.id, 'bob'))?.text).toBe('bob was here');
  });

  it('counts visible segments, suggested ones and approved heads per track in one query', async () => {
    const db = await open();
    const a = await db.tracks.insert(sample(3));
    const b = await db.tracks.insert(sample(4));
    const empty = await db.tracks.insert(sample(5));
    const [s1, s2, s3] = [await db.segments.insert(a.id, 0, 10), await db.segments.insert(a.id, 10, 20), await db.segments.insert(a.id, 20, 30)];
    const hidden = await db.segments.insert(a.id, 30, 40);
    await db.suggestions.insert(suggestion(s1.id, 'x', -1));
    await db.suggestions.insert(suggestion(s1.id, 'x again', -1));
    await db.suggestions.insert(suggestion(s2.id, 'y', null));
    await db.suggestions.insert(suggestion(hidden.id, 'z', -1));
    await db.captions.append({ segmentId: s1.id, text: 'ok', author: 'ann', source: 'human', status: 'approved' });
    // Approved once, then sent back: the head is what counts.
    await db.captions.append({ segmentId: s2.id, text: 'ok', author: 'ann', source: 'human', status: 'approved' });
    await db.captions.append({ segmentId: s2.id, text: 'ok', author: 'rev', source: 'human', status: 'draft', review: 'sentBack', note: 'no' });
    await db.captions.append({ segmentId: s3.id, text: 'ok', author: 'ann', source: 'human', status: 'flagged' });
    await db.captions.append({ segmentId: hidden.id, text: 'ok', author: 'ann', source: 'human', status: 'approved' });
    await db.segments.delete(hidden.id);
    await db.segments.insert(b.id, 0, 10);

    const some = await db.segments.countsByTrack([a.id, b.id, empty.id]);
    expect(Object.fromEntries(some)).toEqual({ [a.id]: { segments: 3, suggested: 2, approved: 1 }, [b.id]: { segments: 1, suggested: 0, approved: 0 } });
    expect(await db.segments.countsByTrack()).toEqual(some);
    expect((await db.segments.countsByTrack([])).size).toBe(0);
  });

  it('finds overlapping segments (touching edges do not overlap) and restores hidden ones', async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(6));
    const a = await db.segments.insert(t.id, 10, 25);
    const b = await db.segments.insert(t.id, 40, 50);
    const ids = async (s: number, e: number, except?: number) => (await db.segments.overlapping(t.id, s, e, except)).map((x) => x.id);
    expect(await ids(0, 10)).toEqual([]);
    expect(await ids(25, 40)).toEqual([]);
    expect(await ids(24, 30)).toEqual([a.id]);
    expect(await ids(5, 45)).toEqual([a.id, b.id]);
    expect(await ids(12, 20, a.id)).toEqual([]);
    await db.segments.delete(a.id);
    expect(await ids(12, 20)).toEqual([]);
    expect(await db.segments.getAny(a.id)).toMatchObject({ hidden: true, segment: { id: a.id, startSec: 10 } });
    expect(await db.segments.restore(a.id)).toBe(true);
    expect(await db.segments.restore(a.id)).toBe(false);
    expect((await db.segments.list(t.id)).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await db.segments.getAny(9999)).toBeUndefined();
  });

  it("ranks a score among the library's current suggestions: the newest of each visible segment, scored", async () => {
    const db = await open();
    const t = await db.tracks.insert(sample(7));
    const segs = [];
    for (let i = 0; i < 6; i++) segs.push(await db.segments.insert(t.id, i * 10, i * 10 + 10));
    await db.suggestions.insert(suggestion(segs[0]!.id, 'old', -9)); // replaced below: not current
    await db.suggestions.insert(suggestion(segs[0]!.id, 'a', -0.1));
    await db.suggestions.insert(suggestion(segs[1]!.id, 'b', -0.2));
    await db.suggestions.insert(suggestion(segs[2]!.id, 'c', -0.3));
    await db.suggestions.insert(suggestion(segs[3]!.id, 'd', -0.4));
    await db.suggestions.insert(suggestion(segs[4]!.id, 'built-in', null));
    await db.suggestions.insert(suggestion(segs[5]!.id, 'hidden', -5));
    await db.segments.delete(segs[5]!.id);
    // Of the four current scored ones (-0.1…-0.4), two score at or below -0.3.
    expect(await db.suggestions.confidenceOf(-0.3)).toEqual({ score: -0.3, percentile: 50, level: 3 });
    expect(await db.suggestions.confidenceOf(-0.1)).toEqual({ score: -0.1, percentile: 100, level: 5 });
    expect(await db.suggestions.confidenceOf(-0.4)).toMatchObject({ percentile: 25, level: 2 });
    expect(await db.suggestions.confidenceOf(null)).toBeNull();
    expect((await db.suggestions.newestOf(segs[0]!.id))?.text).toBe('a');
    expect(await db.suggestions.newestOf(9999)).toBeUndefined();
  });
});
