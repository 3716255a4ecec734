// The annotation store's wiring of the rules in annotate/: what goes to the studio on approve,
// autosave and a refused save, and optimistic segment edits. The studio here is a small in-memory
// one that keeps the contract's rules (a save on a stale parent is a CONFLICT, a save clears the
// author's draft); the real server is exercised by the e2e.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import type { CaptionDraft, CaptionRevision, SaveCaptionInput, SegmentCaption } from '../../../shared/annotation';
import { StudioError } from '../../../shared/errors';
import type { Segment, TrackDetail } from '../../../shared/types';
import { CLIENT_KEY } from '../client/inject';
import type { StudioClient } from '../client/types';
import { useAnnotationStore } from './annotation';

const seg = (id: number, startSec: number): Segment => ({ id, trackId: 1, startSec, endSec: startSec + 10, createdAt: '' });

function fakeStudio() {
  const revisions: CaptionRevision[] = [];
  const drafts = new Map<number, CaptionDraft>();
  const calls: string[] = [];
  let refuseDelete = false;
  /** Drafts held in flight until released (a slow network): they land when `landDrafts` is called. */
  let held: (() => void)[] | null = null;
  const head = (segmentId: number) => revisions.filter((r) => r.segmentId === segmentId).at(-1) ?? null;
  const write = (i: SaveCaptionInput, author = 'ana'): CaptionRevision => {
    const r: CaptionRevision = {
      id: revisions.length + 1, segmentId: i.segmentId, parentId: i.parentId, text: i.text, attributes: i.attributes ?? {}, status: i.status,
      author, source: 'human', suggestionId: i.suggestionId ?? null, secondsSpent: i.secondsSpent ?? null, note: i.note ?? null,
      review: 'pending', restoredFrom: null, createdAt: new Date().toISOString(),
    };
    revisions.push(r);
    if (drafts.get(i.segmentId)?.author === author) drafts.delete(i.segmentId);
    return r;
  };
  const handlers = new Map<string, (e: unknown) => void>();
  const client = {
    on: (name: string, fn: (e: unknown) => void) => (handlers.set(name, fn), () => handlers.delete(name)),
    openTrack: async () => detail(),
    queryQueue: async () => ({ items: [] }),
    getCaption: async ({ segmentId }: { segmentId: number }): Promise<SegmentCaption> => ({
      segment: seg(segmentId, segmentId * 20), track: { id: 1, title: null, artist: null, album: null, fileName: 'a.wav' }, state: 'suggested',
      head: head(segmentId), suggestion: null, confidence: null, attributes: [], draft: drafts.get(segmentId) ?? null,
    }),
    saveCaption: async (i: SaveCaptionInput) => {
      calls.push(`save ${i.segmentId} ${i.status} parent=${i.parentId}`);
      if ((head(i.segmentId)?.id ?? null) !== i.parentId) throw new StudioError('CONFLICT', 'someone saved in between');
      return write(i);
    },
    saveDraft: async (d: Omit<CaptionDraft, 'author' | 'updatedAt'>) => {
      calls.push(`draft ${d.segmentId} "${d.text}"`);
      if (held) {
        await new Promise<void>((r) => held!.push(r));
        calls.push(`draft ${d.segmentId} landed`);
      }
      const out = { ...d, author: 'ana', attributes: d.attributes ?? {}, suggestionId: d.suggestionId ?? null, secondsSpent: d.secondsSpent ?? 0, updatedAt: '' };
      drafts.set(d.segmentId, out);
      return out;
    },
    discardDraft: async ({ segmentId }: { segmentId: number }) => (drafts.delete(segmentId), { segmentId }),
    deleteSegment: async ({ id }: { id: number }) => {
      calls.push(`delete ${id}`);
      if (refuseDelete) throw new StudioError('CONFLICT', 'segment is being captioned');
      return { id };
    },
    restoreSegment: async ({ id }: { id: number }) => (calls.push(`restore ${id}`), seg(id, id * 20)),
  };
  return {
    client: client as unknown as StudioClient, calls, write, drafts, refuseDeletes: () => (refuseDelete = true),
    holdDrafts: () => (held = []),
    /** Someone else saves: the revision is written and every window is told. */
    saveAs: (author: string, i: SaveCaptionInput) => {
      const r = write(i, author);
      handlers.get('captionChanged')?.({ segmentId: r.segmentId, trackId: 1, revision: r });
      return r;
    },
    landDrafts: () => (held?.splice(0).forEach((r) => r()), (held = null)),
  };
}

const detail = () =>
  ({ track: { id: 1, durationSec: 120 }, segments: [seg(1, 20), seg(2, 40)], suggestions: [], attributes: [], jobs: [], stems: [] }) as unknown as TrackDetail;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('annotation store', () => {
  let studio: ReturnType<typeof fakeStudio>;
  let store: ReturnType<typeof useAnnotationStore>;
  beforeEach(() => {
    studio = fakeStudio();
    const app = createApp({}).provide(CLIENT_KEY, studio.client);
    const pinia = createPinia();
    app.use(pinia);
    setActivePinia(pinia);
    store = useAnnotationStore();
    store.trackId = 1;
    store.detail = detail();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** Opens the track as the view does (listening to the studio's events), with fake timers. */
  async function openTrack() {
    vi.useFakeTimers();
    vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
    vi.stubGlobal('document', { visibilityState: 'hidden', hasFocus: () => false });
    store.trackId = null;
    await store.open(1);
  }
  async function openSegment(id: number) {
    store.select(id);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.editor?.segmentId).toBe(id);
  }

  async function open(id: number) {
    store.select(id);
    await flush();
    expect(store.editor?.segmentId).toBe(id);
  }

  it('approve then moving on writes the revision and no draft after it', async () => {
    await open(1);
    store.setText('A calm voice.');
    store.setAttribute('mood', 'calm');
    expect(store.dirty).toBe(true); // as the editor's status line reads it
    const saved = store.save('approved');
    expect(store.dirty).toBe(false);
    store.select(2); // approve & next moves on before the save returns
    expect(await saved).toMatchObject({ status: 'approved', text: 'A calm voice.', attributes: { mood: 'calm' } });
    await flush();
    expect(studio.calls).toEqual(['save 1 approved parent=null']);
    expect(studio.drafts.size).toBe(0);
  });

  it('typing is autosaved after a pause, and at once when another segment is opened', async () => {
    vi.useFakeTimers();
    store.select(1);
    await vi.advanceTimersByTimeAsync(0);
    store.setText('first');
    await vi.advanceTimersByTimeAsync(450);
    expect(studio.calls).toEqual(['draft 1 "first"']);
    store.setText('first words');
    store.select(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.calls).toEqual(['draft 1 "first"', 'draft 1 "first words"']);
  });

  it('a save waits for an autosave already in flight, so a late draft never outlives the revision', async () => {
    vi.useFakeTimers();
    store.select(1);
    await vi.advanceTimersByTimeAsync(0);
    studio.holdDrafts();
    store.setText('A calm voice.');
    await vi.advanceTimersByTimeAsync(450); // the autosave leaves and is slow to land
    expect(studio.calls).toEqual(['draft 1 "A calm voice."']);
    const saved = store.save('approved');
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.calls).toEqual(['draft 1 "A calm voice."']); // the save has not left yet
    studio.landDrafts();
    expect(await saved).toMatchObject({ status: 'approved', text: 'A calm voice.' });
    await vi.advanceTimersByTimeAsync(1000);
    // The draft landed first and the save cleared it; nothing was autosaved again for the saved text.
    expect(studio.calls).toEqual(['draft 1 "A calm voice."', 'draft 1 landed', 'save 1 approved parent=null']);
    expect(studio.drafts.size).toBe(0);
    store.select(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.calls).toHaveLength(3);
  });

  it('a save refused because someone saved in between opens the merge with the user text kept', async () => {
    await open(1);
    studio.write({ segmentId: 1, text: 'their words', status: 'approved', parentId: null }, 'ben');
    store.setText('my words');
    expect(await store.save('approved')).toBeNull();
    expect(store.merge).toMatchObject({ mine: { text: 'my words' }, theirs: { author: 'ben', text: 'their words' }, wanted: 'approved' });
    expect(store.editor).toMatchObject({ text: 'my words', baseId: 1 });
    expect(await store.save('approved')).toMatchObject({ parentId: 1, text: 'my words' });
    expect(store.merge).toBeNull();
  });

  it("someone else's save after the autosave landed keeps the user's text; reopening shows both to merge", async () => {
    await openTrack();
    await openSegment(1);
    store.setText('bob words');
    await vi.advanceTimersByTimeAsync(450); // autosave landed: nothing unsaved, but the edits are the user's own
    expect(studio.drafts.get(1)).toMatchObject({ text: 'bob words', baseRevisionId: null });
    expect(store.dirty).toBe(false);
    expect(store.ownEdits).toBe(true);

    const theirs = studio.saveAs('alice', { segmentId: 1, text: 'alice words', status: 'approved', parentId: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.editor).toMatchObject({ text: 'bob words', baseId: null });
    expect(store.remoteChange).toMatchObject({ id: theirs.id, author: 'alice' });
    expect(store.merge).toBeNull();

    // Reopened later: the draft started before alice's head opens the merge at once.
    await openSegment(2);
    await openSegment(1);
    expect(store.merge).toMatchObject({ mine: { text: 'bob words' }, theirs: { id: theirs.id, author: 'alice', text: 'alice words' } });
    expect(store.editor).toMatchObject({ text: 'bob words', baseId: theirs.id });
    expect(store.remoteChange).toBeNull();
    expect(await store.save('approved')).toMatchObject({ parentId: theirs.id, text: 'bob words' });
    expect(store.merge).toBeNull();
    expect(store.ownEdits).toBe(false);
  });

  it("without edits of the user's own (none, or typed and taken back), the editor follows someone else's save", async () => {
    await openTrack();
    await openSegment(1);
    store.setText('a few words');
    await vi.advanceTimersByTimeAsync(450);
    store.setText('');
    await vi.advanceTimersByTimeAsync(450); // back to the prefill: the draft goes too
    expect(studio.drafts.has(1)).toBe(false);
    expect(store.ownEdits).toBe(false);
    studio.saveAs('alice', { segmentId: 1, text: 'alice words', status: 'approved', parentId: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.editor).toMatchObject({ text: 'alice words', baseId: 1 });
    expect(store.remoteChange).toBeNull();
    expect(store.merge).toBeNull();
    expect(store.ownEdits).toBe(false);
  });

  it('a refused delete puts the segment back with the studio message; undo restores a deleted one', async () => {
    studio.refuseDeletes();
    expect(await store.deleteSegment(1)).toBe(false);
    expect(store.segments.map((s) => s.id)).toEqual([1, 2]);
    expect(store.error).toBe('segment is being captioned');

    const s2 = fakeStudio();
    studio.client.deleteSegment = s2.client.deleteSegment;
    expect(await store.deleteSegment(2)).toBe(true);
    expect(store.segments.map((s) => s.id)).toEqual([1]);
    expect(await store.undoSegmentOp()).toBe(true);
    expect(studio.calls.at(-1)).toBe('restore 2');
    expect(store.segments.map((s) => s.id)).toEqual([1, 2]);
  });

  it('undo pressed while a delete is still on its way undoes that delete once it lands, and two quick undos undo two edits', async () => {
    const landed: (() => void)[] = [];
    const fast = studio.client.deleteSegment;
    studio.client.deleteSegment = async (a: { id: number }) => (await new Promise<void>((r) => landed.push(r)), fast(a));
    const deleting = store.deleteSegment(2);
    expect(store.segments.map((s) => s.id)).toEqual([1]); // optimistic
    const undoing = store.undoSegmentOp();
    await flush();
    expect(studio.calls).not.toContain('restore 2'); // no restore racing the delete to the studio
    landed.shift()!();
    expect(await deleting).toBe(true);
    expect(await undoing).toBe(true);
    expect(studio.calls.slice(-2)).toEqual(['delete 2', 'restore 2']);
    expect(store.segments.map((s) => s.id).sort()).toEqual([1, 2]);

    studio.client.deleteSegment = fast;
    await store.deleteSegment(1);
    await store.deleteSegment(2);
    const both = [store.undoSegmentOp(), store.undoSegmentOp()];
    expect(await Promise.all(both)).toEqual([true, true]);
    expect(studio.calls.slice(-2)).toEqual(['restore 2', 'restore 1']);
  });

  it('an edit still waiting its turn when the track is left is made on its own track, and never touches the next one', async () => {
    await openTrack();
    const landed: (() => void)[] = [];
    const created: unknown[] = [];
    Object.assign(studio.client, {
      updateSegment: (a: { id: number; startSec: number; endSec: number }) =>
        new Promise<Segment>((r) => landed.push(() => r({ ...seg(a.id, a.startSec), endSec: a.endSec }))),
      createSegment: async (a: { trackId: number; startSec: number; endSec: number }) => (created.push(a), { ...seg(9, a.startSec), trackId: a.trackId, endSec: a.endSec }),
    });
    const moving = store.updateSegment(1, 22, 32); // on its way
    const creating = store.createSegment(60, 70); // waits for the move
    const other = { track: { id: 2, durationSec: 40 }, segments: [{ ...seg(5, 0), trackId: 2 }], suggestions: [], attributes: [], jobs: [], stems: [] };
    studio.client.openTrack = async () => other as unknown as TrackDetail;
    await store.open(2);
    landed.shift()!();
    await moving;
    await creating;
    await vi.advanceTimersByTimeAsync(0);
    expect(created).toEqual([{ trackId: 1, startSec: 60, endSec: 70 }]); // where and when it was drawn
    expect(store.segments.map((s) => s.id)).toEqual([5]); // track 2's list untouched by track 1's edits
    expect(store.canUndoSegment).toBe(false);
    expect(await store.undoSegmentOp()).toBe(false);
  });
});
