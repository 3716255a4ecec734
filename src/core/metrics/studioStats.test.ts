// The Stats view's numbers on a small library worked out by hand (every number below is derived in
// the comments), read through the store on every back end.
import { describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';
import type { NewRevision } from '../store/captions';
import type { Store } from '../store/store';
import { computeStudioStats } from './studioStats';

async function seedLibrary(store: Store) {
  const t = await store.tracks.insert({ path: '/a.wav', fileName: 'a.wav', sha256: 's'.repeat(64), sizeBytes: 1, title: null, artist: null, album: null, genre: null, durationSec: 600, sampleRate: null, channels: null, container: null, codec: null });
  const pack = await store.packs.ensureRow({ name: 'cap', version: '1', roles: ['captioner'] }, '/p');
  const seg = (i: number) => store.segments.insert(t.id, i * 10, i * 10 + 5);
  const suggest = (segmentId: number, i: number, text: string, packId: number | null) =>
    store.suggestions.insert({ segmentId, startSec: i * 10, endSec: i * 10 + 5, text, score: packId ? -1 : null, tokenLogprobs: [], packId, ep: 'cpu', ms: 1 });
  const rev = (r: Omit<NewRevision, 'source'>) => store.captions.append({ source: 'human', ...r });

  // S1: ana drafts (10 s), then approves "a warm female voice" (5 s) from cap@1's "a warm male voice":
  // 1 word edit, 15 s.
  const s1 = await seg(1);
  const a = await suggest(s1.id, 1, 'a warm male voice', pack);
  await rev({ segmentId: s1.id, text: 'a warm male voice singing', author: 'ana', status: 'draft', secondsSpent: 10, suggestionId: a.id });
  await rev({ segmentId: s1.id, text: 'a warm female voice', author: 'ana', status: 'approved', secondsSpent: 5, suggestionId: a.id });
  // S2: ana approves the built-in suggestion as it is (4 s); rita's accept on top is a verdict, so
  // the caption stays ana's: 0 edits, 4 s.
  const s2 = await seg(2);
  const b = await suggest(s2.id, 2, 'slow sad piano', null);
  await rev({ segmentId: s2.id, text: 'slow sad piano', author: 'ana', status: 'approved', secondsSpent: 4, suggestionId: b.id });
  await rev({ segmentId: s2.id, text: 'slow sad piano', author: 'rita', status: 'approved', review: 'accepted' });
  // S3: ana drafts "a bright rock song" (2 s); bo approves "Bright pop song!" (6 s) without naming a
  // suggestion: the segment's newest (cap@1 "bright pop song") counts, 0 edits; bo's time is 6 s.
  const s3 = await seg(3);
  await suggest(s3.id, 3, 'bright pop song', pack);
  await rev({ segmentId: s3.id, text: 'a bright rock song', author: 'ana', status: 'draft', secondsSpent: 2 });
  await rev({ segmentId: s3.id, text: 'Bright pop song!', author: 'bo', status: 'approved', secondsSpent: 6 });
  // S4: ana drafts "deep male voice"; bo flags "deep voice?": not approved.
  const s4 = await seg(4);
  await suggest(s4.id, 4, 'deep voice', pack);
  await rev({ segmentId: s4.id, text: 'deep male voice', author: 'ana', status: 'draft' });
  await rev({ segmentId: s4.id, text: 'deep voice?', author: 'bo', status: 'flagged', note: 'is it?' });
  // S5: hidden — its suggestion and approval count nowhere.
  const s5 = await seg(5);
  await suggest(s5.id, 5, 'hidden', pack);
  await rev({ segmentId: s5.id, text: 'hidden', author: 'ana', status: 'approved', secondsSpent: 100 });
  await store.segments.delete(s5.id);
  // S6: no suggestion, ana's draft.
  const s6 = await seg(6);
  await rev({ segmentId: s6.id, text: 'x', author: 'ana', status: 'draft' });
}

describe.each(testStores())('studio stats ($name)', (backend) => {
  it('per annotator, per model, agreement and totals, as worked out by hand', async () => {
    const { store } = await backend.open();
    await seedLibrary(store);
    const stats = computeStudioStats(await store.transaction((tx) => tx.stats.rows(), { write: false }));
    expect(stats.annotators).toEqual([
      // ana: 6 revisions on visible segments; approved S1 (1 edit, 15 s) and S2 (0 edits, 4 s).
      { name: 'ana', revisions: 6, approved: 2, meanWordEdits: 0.5, acceptedUnchanged: 0.5, medianSeconds: 9.5 },
      // bo: S3 approved unchanged in 6 s; S4 flagged.
      { name: 'bo', revisions: 2, approved: 1, meanWordEdits: 0, acceptedUnchanged: 1, medianSeconds: 6 },
      // rita only gave a verdict.
      { name: 'rita', revisions: 1, approved: 0, meanWordEdits: null, acceptedUnchanged: null, medianSeconds: null },
    ]);
    expect(stats.models).toEqual([
      { model: 'built-in', suggestions: 1, approved: 1, meanWordEdits: 0, acceptedUnchanged: 1, medianSeconds: 4 },
      // S1 (1 edit, 15 s) and S3 (0 edits, 6 s); 3 suggestions on visible segments.
      { model: 'cap@1', suggestions: 3, approved: 2, meanWordEdits: 0.5, acceptedUnchanged: 0.5, medianSeconds: 10.5 },
    ]);
    // ana and bo both wrote S3 ("a bright rock song" / "Bright pop song!": 2 edits of 4 words) and
    // S4 ("deep male voice" / "deep voice?": 1 edit of 3 words); rita's verdict is not a caption.
    expect(stats.agreement).toHaveLength(1);
    expect(stats.agreement[0]).toMatchObject({ a: 'ana', b: 'bo', segments: 2, meanWordEdits: 1.5 });
    expect(stats.agreement[0]!.meanNormalized).toBeCloseTo((2 / 4 + 1 / 3) / 2, 12);
    expect(stats.totals).toEqual({ segments: 5, suggested: 4, approved: 3, flagged: 1, rejected: 0, drafts: 1 });
  });

  it('counts only what happened inside the window (the totals are the library now)', async () => {
    const { store } = await backend.open();
    await seedLibrary(store);
    const rows = await store.transaction((tx) => tx.stats.rows({ until: '2000-01-01T00:00:00.000Z' }), { write: false });
    const before = computeStudioStats(rows, { until: '2000-01-01T00:00:00.000Z' });
    expect(before).toMatchObject({ annotators: [], models: [], agreement: [], totals: { segments: 5, approved: 3 } });
    const since = '2000-01-01T00:00:00.000Z';
    const all = computeStudioStats(await store.stats.rows({ since }), { since });
    expect(all.annotators.map((a) => [a.name, a.approved])).toEqual([['ana', 2], ['bo', 1], ['rita', 0]]);
  });
});
