// The review store's wiring: what a verdict sends (the head it judged, the note), how the open
// segment follows the new head, and what a refusal does. The studio is a small fake that keeps
// core's rules for reviewCaption (the head must still be the one judged; a send-back needs a note).
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from 'vue';
import type { CaptionRevision, SegmentCaption } from '../../../shared/annotation';
import { StudioError } from '../../../shared/errors';
import type { Segment } from '../../../shared/types';
import { CLIENT_KEY } from '../client/inject';
import type { StudioClient } from '../client/types';
import { useAnnotationStore } from './annotation';
import { useAnnotatorStore } from './annotator';
import { useReviewStore } from './review';

const seg: Segment = { id: 1, trackId: 1, startSec: 0, endSec: 10, createdAt: '' };
const rev = (o: Partial<CaptionRevision>): CaptionRevision => ({
  id: 1, segmentId: 1, parentId: null, text: 'A calm alto.', attributes: {}, status: 'approved', author: 'alice', source: 'human',
  suggestionId: null, secondsSpent: 4, note: null, review: 'pending', restoredFrom: null, createdAt: '2025-01-01T00:00:00Z', ...o,
});

function setup() {
  const revisions: CaptionRevision[] = [rev({})];
  const sent: unknown[] = [];
  const head = () => revisions.at(-1)!;
  const caption = (): SegmentCaption => ({
    segment: seg, track: { id: 1, title: null, artist: null, album: null, fileName: 'a.wav' }, state: head().status, head: head(),
    suggestion: null, confidence: null, attributes: [], draft: null,
  });
  const client = {
    mode: 'browser',
    on: () => () => {},
    getCaption: async () => caption(),
    reviewCaption: async (i: { segmentId: number; revisionId: number; verdict: 'accepted' | 'sentBack'; note?: string }) => {
      sent.push(i);
      if (i.revisionId !== head().id) throw new StudioError('CONFLICT', `revision ${i.revisionId} is not the current caption`);
      const r = rev({ id: revisions.length + 1, parentId: head().id, author: 'rita', review: i.verdict, status: i.verdict === 'accepted' ? 'approved' : 'draft', note: i.note ?? null });
      revisions.push(r);
      return r;
    },
  };
  const app = createApp({}).provide(CLIENT_KEY, client as unknown as StudioClient);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  const annotation = useAnnotationStore();
  useAnnotatorStore().me = { name: 'rita', role: 'reviewer', fixed: true };
  annotation.trackId = 1;
  annotation.detail = { track: { id: 1 }, segments: [seg], suggestions: [], attributes: [], jobs: [], stems: [] } as never;
  return { annotation, review: useReviewStore(), sent, revisions, someoneSaves: () => revisions.push(rev({ id: revisions.length + 1, parentId: head().id, text: 'Changed.' })) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('review store', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(async () => {
    t = setup();
    t.annotation.select(1);
    await flush();
  });

  it('accept sends the head it judged; the open segment shows the acceptance', async () => {
    expect(t.review.view).toMatchObject({ kind: 'review', head: { id: 1, author: 'alice' } });
    expect(await t.review.review('accepted')).toMatchObject({ id: 2, review: 'accepted' });
    expect(t.sent).toEqual([{ segmentId: 1, revisionId: 1, verdict: 'accepted' }]);
    expect(t.review.view).toEqual({ kind: 'accepted', by: 'rita', at: '2025-01-01T00:00:00Z' });
    expect(t.annotation.editor?.baseId).toBe(2); // an edit after it names the acceptance as its parent
    expect(t.annotation.states.get(1)).toBe('approved');
  });

  it('send back needs a note; with one, the segment is a draft again carrying it', async () => {
    expect(await t.review.review('sentBack', '  ')).toBeNull();
    expect(t.sent).toEqual([]);
    expect(t.annotation.error).toMatch(/note/);
    expect(await t.review.review('sentBack', ' Say the genre. ')).toMatchObject({ status: 'draft', review: 'sentBack' });
    expect(t.sent).toEqual([{ segmentId: 1, revisionId: 1, verdict: 'sentBack', note: 'Say the genre.' }]);
    expect(t.review.view).toMatchObject({ kind: 'sentBack', by: 'rita', note: 'Say the genre.' });
  });

  it('the reviewer’s own edits are not accepted as theirs', async () => {
    t.annotation.setText('A calm alto, softly.');
    expect(t.review.canAccept).toBe(false);
    expect(await t.review.review('accepted')).toBeNull();
    expect(t.sent).toEqual([]);
  });

  it('a verdict on a caption someone changed in between is refused and the new head is shown', async () => {
    t.someoneSaves();
    expect(await t.review.review('accepted')).toBeNull();
    expect(t.annotation.error).toMatch(/refused: revision 1 is not the current caption/);
    await flush();
    expect(t.annotation.caption?.head?.text).toBe('Changed.');
    expect(t.review.view).toMatchObject({ kind: 'review', head: { id: 2 } });
  });
});
