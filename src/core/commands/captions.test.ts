// The caption commands (commands/captions.ts) on a real studio over every back end: who writes,
// saves with their parent check, drafts, history and restore, review rules, and the track status
// that follows review, and a save on a busy library. Tracks are rows (nothing here decodes audio).
import { describe, expect, it } from 'vitest';
import type { StudioEvents } from '../../shared/api';
import { dispatch } from '../api/dispatch';
import { BUSY_MESSAGE } from '../api/failureText';
import { withCaller } from '../caller';
import { holdWriteLock } from '../store/holdWriteLock';
import { studioStore, type Studio } from '../studio';
import type { Store } from '../store/store';
import { rowStudios, trackRow } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';

const backends = testStores();
const studios = rowStudios();

const ann = { user: 'ann', role: 'annotator' as const };
const bob = { user: 'bob', role: 'annotator' as const };
const rita = { user: 'rita', role: 'reviewer' as const };

describe.each(backends)('caption commands ($name)', (backend) => {
  async function setup(): Promise<{ studio: Studio; store: Store; trackId: number; segs: number[] }> {
    const { studio, store } = await studios.open(backend);
    const t = await store.tracks.insert(trackRow(1, { title: 'Song', artist: 'Singer', album: 'LP', fileName: 'song.wav' }));
    const segs = [(await studio.createSegment({ trackId: t.id, startSec: 0, endSec: 10 })).id, (await studio.createSegment({ trackId: t.id, startSec: 10, endSec: 20 })).id];
    return { studio, store, trackId: t.id, segs };
  }
  const suggest = (store: Store, segmentId: number, text: string, score: number | null, startSec = 0, endSec = 10) =>
    store.suggestions.insert({ segmentId, startSec, endSec, text, score, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });

  it('knows who is calling: the annotator name setting outside a scope, a fixed name for a server user', async () => {
    const { studio, segs } = await setup();
    expect(await studio.whoAmI()).toEqual({ name: null, role: 'owner', fixed: false });
    await expect(studio.saveCaption({ segmentId: segs[0]!, text: 'x', status: 'draft', parentId: null })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^no annotator name: /),
    });
    expect(await studio.setAnnotatorName({ name: '  Dana  ' })).toEqual({ name: 'Dana', role: 'owner', fixed: false });
    expect((await studio.saveCaption({ segmentId: segs[0]!, text: 'x', status: 'draft', parentId: null })).author).toBe('Dana');
    // The CLI's --author wins over the setting.
    expect((await studio.saveCaption({ segmentId: segs[1]!, text: 'y', status: 'draft', parentId: null, author: 'Eve' })).author).toBe('Eve');
    await withCaller(ann, async () => {
      expect(await studio.whoAmI()).toEqual({ name: 'ann', role: 'annotator', fixed: true });
      await expect(studio.setAnnotatorName({ name: 'mallory' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('signed in as "ann"') });
      const head = (await studio.getCaption({ segmentId: segs[0]! })).head!;
      await expect(studio.saveCaption({ segmentId: segs[0]!, text: 'z', status: 'draft', parentId: head.id, author: 'bob' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await studio.saveCaption({ segmentId: segs[0]!, text: 'z', status: 'draft', parentId: head.id, author: 'ann' })).author).toBe('ann');
    });
    expect((await studio.whoAmI()).name).toBe('Dana');
  });

  it("refuses a save on a stale parent, naming the head, and loses nobody's work", async () => {
    const { studio, store, segs } = await setup();
    const seg = segs[0]!;
    const root = await withCaller(ann, () => studio.saveCaption({ segmentId: seg, text: 'A soft voice.', status: 'draft', parentId: null }));
    const events: StudioEvents['captionChanged'][] = [];
    studio.on('captionChanged', (e) => events.push(e));
    // Both opened the same head; both keep a draft while typing.
    await withCaller(ann, () => studio.saveDraft({ segmentId: seg, text: 'A soft female voice.', baseRevisionId: root.id }));
    await withCaller(bob, () => studio.saveDraft({ segmentId: seg, text: 'A soft male voice.', baseRevisionId: root.id }));
    const first = await withCaller(ann, () => studio.saveCaption({ segmentId: seg, text: 'A soft female voice.', status: 'approved', parentId: root.id, secondsSpent: 4 }));
    await expect(withCaller(bob, () => studio.saveCaption({ segmentId: seg, text: 'A soft male voice.', status: 'approved', parentId: root.id }))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`revision ${first.id} is the current one`),
    });
    expect((await studio.captionHistory({ segmentId: seg })).map((r) => [r.text, r.author, r.parentId])).toEqual([
      ['A soft voice.', 'ann', null],
      ['A soft female voice.', 'ann', root.id],
    ]);
    // The saver's draft went with the save; the refused one's draft is still there for the merge.
    expect(await store.captions.getDraft(seg, 'ann')).toBeUndefined();
    expect((await store.captions.getDraft(seg, 'bob'))?.text).toBe('A soft male voice.');
    expect(events).toEqual([{ segmentId: seg, trackId: expect.any(Number), revision: first }]);
  });

  it('shows the segment as the Annotate view needs it: head, suggestion, confidence, attributes, own draft', async () => {
    const { studio, store, segs, trackId } = await setup();
    const [s1, s2] = segs as [number, number];
    const one = await studio.getCaption({ segmentId: s1 });
    expect(one).toMatchObject({ state: 'unsuggested', head: null, suggestion: null, confidence: null, draft: null, attributes: [] });
    expect(one.track).toEqual({ id: trackId, title: 'Song', artist: 'Singer', album: 'LP', fileName: 'song.wav' });
    const sug = await suggest(store, s1, 'a breathy female voice', -0.2);
    await suggest(store, s2, 'a dark male voice', -0.9);
    await store.attributes.insert({ segmentId: s1, startSec: 0, endSec: 10 }, 'measured', { gender: 'female', tempo: 92.345 });
    const two = await studio.getCaption({ segmentId: s1 });
    expect(two).toMatchObject({ state: 'suggested', suggestion: { id: sug.id, text: 'a breathy female voice' }, confidence: { score: -0.2, percentile: 100, level: 5 } });
    expect(two.attributes.map((a) => [a.name, a.value])).toEqual([
      ['gender', 'female'],
      ['tempo', '92.35'],
    ]);
    expect((await studio.getCaption({ segmentId: s2 })).confidence).toEqual({ score: -0.9, percentile: 50, level: 3 });

    await withCaller(ann, () => studio.saveDraft({ segmentId: s1, text: 'a breathy', baseRevisionId: null, suggestionId: sug.id, secondsSpent: 3 }));
    expect((await withCaller(ann, () => studio.getCaption({ segmentId: s1 }))).draft).toMatchObject({ text: 'a breathy', author: 'ann', suggestionId: sug.id, secondsSpent: 3 });
    expect((await withCaller(bob, () => studio.getCaption({ segmentId: s1 }))).draft).toBeNull();
    // Someone else saves after ann's draft: her draft of the old head is still offered, with its
    // base, so her editor shows both to merge rather than losing what she typed.
    const h = await withCaller(bob, () => studio.saveCaption({ segmentId: s1, text: 'a breathy female voice', status: 'draft', parentId: null, suggestionId: sug.id }));
    expect(h.source).toBe('suggestion');
    const stale = await withCaller(ann, () => studio.getCaption({ segmentId: s1 }));
    expect(stale.head?.id).toBe(h.id);
    expect(stale.draft).toMatchObject({ text: 'a breathy', baseRevisionId: null, author: 'ann' });
    // She starts from the new head and types on.
    await withCaller(ann, () => studio.saveDraft({ segmentId: s1, text: 'a breathy alto', baseRevisionId: h.id }));
    expect((await withCaller(ann, () => studio.getCaption({ segmentId: s1 }))).draft?.text).toBe('a breathy alto');
    // A draft that says what the head says (text as saved, the same attributes) holds nothing of
    // hers: it is not offered, and it is gone.
    await withCaller(ann, () => studio.saveDraft({ segmentId: s1, text: ' a breathy female voice ', attributes: { mood: '' }, baseRevisionId: null }));
    expect((await withCaller(ann, () => studio.getCaption({ segmentId: s1 }))).draft).toBeNull();
    expect(await store.captions.getDraft(s1, 'ann')).toBeUndefined();
    await withCaller(ann, () => studio.saveDraft({ segmentId: s1, text: 'a breathy female voice', attributes: { mood: 'calm' }, baseRevisionId: null }));
    expect((await withCaller(ann, () => studio.getCaption({ segmentId: s1 }))).draft?.attributes).toEqual({ mood: 'calm' });
    expect(await store.captions.deleteDraft(s1, 'ann', '2000-01-01T00:00:00.000Z')).toBe(false); // autosaved since: kept
    await withCaller(ann, () => studio.discardDraft({ segmentId: s1 }));
    expect((await withCaller(ann, () => studio.getCaption({ segmentId: s1 }))).draft).toBeNull();
    expect((await studio.getCaption({ segmentId: s1 })).state).toBe('draft');
    // A resize makes the suggestion stale; an approved head outranks it.
    await studio.updateSegment({ id: s1, startSec: 0, endSec: 8 });
    expect((await studio.getCaption({ segmentId: s1 })).state).toBe('stale');
    await withCaller(ann, () => studio.saveCaption({ segmentId: s1, text: 'ok', status: 'approved', parentId: h.id }));
    expect((await studio.getCaption({ segmentId: s1 })).state).toBe('approved');
    await expect(studio.saveCaption({ segmentId: s2, text: 'x', status: 'draft', parentId: null, author: 'a', suggestionId: sug.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(studio.getCaption({ segmentId: 9999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('restores an earlier revision as a new one, with the parent check', async () => {
    const { studio, segs } = await setup();
    const seg = segs[0]!;
    await studio.setAnnotatorName({ name: 'Dana' });
    const v1 = await studio.saveCaption({ segmentId: seg, text: 'v1', attributes: { mood: 'calm' }, status: 'flagged', note: 'check the pitch', parentId: null });
    const v2 = await studio.saveCaption({ segmentId: seg, text: 'v2', status: 'approved', parentId: v1.id });
    await expect(studio.restoreRevision({ segmentId: seg, revisionId: v1.id, parentId: v1.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(studio.restoreRevision({ segmentId: segs[1]!, revisionId: v1.id, parentId: null })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const v3 = await studio.restoreRevision({ segmentId: seg, revisionId: v1.id, parentId: v2.id });
    expect(v3).toMatchObject({ text: 'v1', attributes: { mood: 'calm' }, status: 'flagged', restoredFrom: v1.id, parentId: v2.id, author: 'Dana', source: 'human' });
    expect((await studio.captionHistory({ segmentId: seg })).map((r) => r.id)).toEqual([v1.id, v2.id, v3.id]);
    // History stays readable once the segment is hidden.
    await studio.deleteSegment({ id: seg });
    expect(await studio.captionHistory({ segmentId: seg })).toHaveLength(3);
    await expect(studio.captionHistory({ segmentId: 9999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets reviewers accept or send back an approved head written by someone else', async () => {
    const { studio, segs } = await setup();
    const seg = segs[0]!;
    const draft = await withCaller(ann, () => studio.saveCaption({ segmentId: seg, text: 'A warm tenor.', status: 'draft', parentId: null }));
    await expect(withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: draft.id, verdict: 'accepted' }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('only an approved caption'),
    });
    const approved = await withCaller(ann, () => studio.saveCaption({ segmentId: seg, text: 'A warm tenor.', attributes: { gender: 'male' }, status: 'approved', parentId: draft.id }));
    await expect(withCaller(bob, () => studio.reviewCaption({ segmentId: seg, revisionId: approved.id, verdict: 'accepted' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: draft.id, verdict: 'accepted' }))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`revision ${approved.id} is`),
    });
    await expect(withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: approved.id, verdict: 'sentBack' }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('note'),
    });
    await expect(withCaller({ user: 'ann', role: 'reviewer' }, () => studio.reviewCaption({ segmentId: seg, revisionId: approved.id, verdict: 'accepted' }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('your own caption'),
    });
    const back = await withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: approved.id, verdict: 'sentBack', note: 'tenor? sounds baritone' }));
    expect(back).toMatchObject({ text: 'A warm tenor.', attributes: { gender: 'male' }, status: 'draft', review: 'sentBack', note: 'tenor? sounds baritone', author: 'rita', parentId: approved.id });
    const again = await withCaller(ann, () => studio.saveCaption({ segmentId: seg, text: 'A warm baritone.', status: 'approved', parentId: back.id }));
    const ok = await withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: again.id, verdict: 'accepted' }));
    expect(ok).toMatchObject({ text: 'A warm baritone.', status: 'approved', review: 'accepted', author: 'rita', parentId: again.id });
    await expect(withCaller(rita, () => studio.reviewCaption({ segmentId: seg, revisionId: ok.id, verdict: 'accepted' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Outside a caller scope the studio's user is the owner, who may review.
    await studio.setAnnotatorName({ name: 'Owner' });
    const own = await withCaller(ann, () => studio.saveCaption({ segmentId: segs[1]!, text: 'x', status: 'approved', parentId: null }));
    expect((await studio.reviewCaption({ segmentId: segs[1]!, revisionId: own.id, verdict: 'accepted' })).author).toBe('Owner');
  });

  it("sets the track's status from review: reviewed once every visible segment is approved, back when not", async () => {
    const { studio, store, segs, trackId } = await setup();
    const [s1, s2] = segs as [number, number];
    await store.tracks.setStatus(trackId, 'captioned');
    await suggest(store, s1, 'x', -1);
    const status = async () => (await studio.getTrack({ id: trackId })).status;
    await studio.setAnnotatorName({ name: 'Dana' });
    const a = await studio.saveCaption({ segmentId: s1, text: 'one', status: 'approved', parentId: null });
    expect(await status()).toBe('captioned');
    const b = await studio.saveCaption({ segmentId: s2, text: 'two', status: 'approved', parentId: null });
    expect(await status()).toBe('reviewed');
    const detail = await studio.openTrack({ id: trackId });
    expect(detail.track.counts).toEqual({ segments: 2, suggested: 1, approved: 2 });
    await withCaller(rita, () => studio.reviewCaption({ segmentId: s2, revisionId: b.id, verdict: 'sentBack', note: 'redo' }));
    expect(await status()).toBe('captioned');
    await studio.saveCaption({ segmentId: s2, text: 'two', status: 'approved', parentId: (await studio.getCaption({ segmentId: s2 })).head!.id });
    expect(await status()).toBe('reviewed');
    // A new segment needs a caption; hiding it again makes the track reviewed again; so does undo.
    const s3 = await studio.createSegment({ trackId, startSec: 20, endSec: 30 });
    expect(await status()).toBe('captioned');
    await studio.deleteSegment({ id: s3.id });
    expect(await status()).toBe('reviewed');
    await studio.restoreSegment({ id: s3.id });
    expect(await status()).toBe('captioned');
    await studio.deleteSegment({ id: s3.id });
    // Without suggestions left on visible segments, it falls back to separated (stems) or imported.
    await studio.saveCaption({ segmentId: s1, text: 'one', status: 'draft', parentId: a.id });
    await studio.deleteSegment({ id: s1 });
    expect(await status()).toBe('reviewed');
    await studio.saveCaption({ segmentId: s2, text: 'two?', status: 'flagged', parentId: (await studio.getCaption({ segmentId: s2 })).head!.id });
    expect(await status()).toBe('imported');
  });
});

// SQLite's write lock, held by another process (PostgreSQL has row locks, no library-wide one).
describe('caption saves on a busy SQLite library', () => {
  it('says at once that a library another process is writing is busy, and writes nothing', async () => {
    const { studio, target } = await studios.open(backends[0]!);
    const t = await studio.createSegment({ trackId: (await studioStore(studio).tracks.insert(trackRow(9))).id, startSec: 0, endSec: 10 });
    const save = { segmentId: t.id, text: 'A soft voice.', status: 'approved', parentId: null, author: 'ann' };
    const lock = holdWriteLock(target, 1500);
    await lock.acquired;
    expect(await dispatch(studio, 'saveCaption', save)).toEqual({ ok: false, error: { code: 'CONFLICT', message: BUSY_MESSAGE } });
    expect(await dispatch(studio, 'createSegment', { trackId: t.trackId, startSec: 20, endSec: 30 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await lock.released;
    expect(await studio.captionHistory({ segmentId: t.id })).toEqual([]);
    expect(await dispatch(studio, 'saveCaption', save)).toMatchObject({ ok: true, value: { text: 'A soft voice.' } });
  });
});
