// The export query on both back ends: which segments it takes (head status, annotator, pack,
// after a revision id, hidden segments never) and what it says of each (the head's text, author
// and chips; the suggestion the head started from, else the newest; the vocal stem; who wrote the
// caption as opposed to the reviewer whose verdict is the head).
import { describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';
import type { Store } from './store';

async function world(store: Store) {
  const pack = await store.packs.ensureRow({ name: 'cap', version: '2.0', roles: ['captioner'] }, '/packs/cap');
  const t1 = await store.tracks.insert({ path: '/music/a.wav', fileName: 'a.wav', sha256: 'a'.repeat(64), sizeBytes: 1, title: null, artist: null, album: null, genre: null, durationSec: 60, sampleRate: 44100, channels: 2, container: null, codec: null });
  const t2 = await store.tracks.insert({ path: '/music/b.wav', fileName: 'b.wav', sha256: 'b'.repeat(64), sizeBytes: 2, title: null, artist: null, album: null, genre: null, durationSec: 30, sampleRate: 48000, channels: 1, container: null, codec: null });
  await store.stems.upsert({ trackId: t1.id, name: 'vocals', path: '/stems/a-vocals.wav' });
  const sug = (segmentId: number, text: string, packId: number | null, score: number | null) =>
    store.suggestions.insert({ segmentId, startSec: 0, endSec: 10, text, score, tokenLogprobs: [], packId, ep: 'cpu', ms: 1 });
  // s1: approved by ana from the pack's first suggestion; a newer built-in suggestion came later.
  const s1 = await store.segments.insert(t1.id, 0, 10);
  const first = await sug(s1.id, 'a warm voice', pack, -0.5);
  await sug(s1.id, 'a built-in guess', null, null);
  const r1 = await store.captions.append({ segmentId: s1.id, text: 'a warm female voice', author: 'ana', source: 'human', suggestionId: first.id, status: 'approved', attributes: { gender: 'female' } });
  // s2: approved by bo, no suggestion named: the newest (built-in) counts.
  const s2 = await store.segments.insert(t1.id, 20, 30);
  await sug(s2.id, 'built-in text', null, null);
  const r2 = await store.captions.append({ segmentId: s2.id, text: 'raspy', author: 'bo', source: 'human', status: 'approved' });
  // s3: draft head over an earlier approved one.
  const s3 = await store.segments.insert(t2.id, 0, 10);
  await store.captions.append({ segmentId: s3.id, text: 'old', author: 'ana', source: 'human', status: 'approved' });
  const r3 = await store.captions.append({ segmentId: s3.id, text: 'being rewritten', author: 'ana', source: 'human', status: 'draft' });
  // s4: approved but hidden; s5: no caption at all.
  const s4 = await store.segments.insert(t2.id, 12, 20);
  await store.captions.append({ segmentId: s4.id, text: 'hidden', author: 'ana', source: 'human', status: 'approved' });
  await store.segments.delete(s4.id);
  await store.segments.insert(t2.id, 22, 28);
  return { s1, s2, s3, r1, r2, r3, t1 };
}

describe.each(testStores())('export query ($name)', (backend) => {
  it('takes visible segments by head status, with the head, its suggestion, pack and vocals', async () => {
    const { store } = await backend.open();
    const w = await world(store);
    const rows = await store.exports.rows({ status: ['approved'] });
    expect(rows.map((r) => r.segmentId)).toEqual([w.s1.id, w.s2.id]);
    const [a, b] = rows;
    expect(a).toEqual({
      segmentId: w.s1.id,
      startSec: 0,
      endSec: 10,
      track: { id: w.t1.id, sha256: 'a'.repeat(64), path: '/music/a.wav', durationSec: 60, sampleRate: 44100, channels: 2 },
      vocalsPath: '/stems/a-vocals.wav',
      head: { id: w.r1.id, text: 'a warm female voice', author: 'ana', status: 'approved', attributes: { gender: 'female' } },
      annotator: 'ana',
      reviewer: null,
      suggestion: { id: expect.any(Number), text: 'a warm voice', score: -0.5, model: 'cap@2.0' },
    });
    expect(b!.suggestion).toMatchObject({ text: 'built-in text', score: null, model: 'built-in' });
    expect((await store.exports.rows({ status: ['draft'] })).map((r) => r.head.id)).toEqual([w.r3.id]);
    expect(await store.exports.rows({ status: ['approved', 'draft'] })).toHaveLength(3);
  });

  it('filters by annotator, pack and revision id', async () => {
    const { store } = await backend.open();
    const w = await world(store);
    const ids = async (q: Parameters<Store['exports']['rows']>[0]) => (await store.exports.rows(q)).map((r) => r.segmentId);
    expect(await ids({ status: ['approved'], annotator: 'bo' })).toEqual([w.s2.id]);
    expect(await ids({ status: ['approved'], pack: 'cap@2.0' })).toEqual([w.s1.id]);
    expect(await ids({ status: ['approved'], pack: 'cap' })).toEqual([w.s1.id]);
    expect(await ids({ status: ['approved'], pack: 'built-in' })).toEqual([w.s2.id]);
    expect(await ids({ status: ['approved'], pack: 'cap@9' })).toEqual([]);
    expect(await ids({ status: ['approved'], afterRevisionId: w.r1.id })).toEqual([w.s2.id]);
    expect(await ids({ status: ['approved'], afterRevisionId: w.r2.id })).toEqual([]);
  });

  it('credits the annotator a reviewer accepted or sent back, not the reviewer, and names the reviewer', async () => {
    const { store } = await backend.open();
    const t = await store.tracks.insert({ path: '/music/c.wav', fileName: 'c.wav', sha256: 'c'.repeat(64), sizeBytes: 3, title: null, artist: null, album: null, genre: null, durationSec: 60, sampleRate: 44100, channels: 2, container: null, codec: null });
    const rev = (segmentId: number, author: string, status: 'approved' | 'draft', review?: 'accepted' | 'sentBack', text = 'a bright tenor') =>
      store.captions.append({ segmentId, text, author, source: 'human', status, ...(review ? { review } : {}) });
    // a: cy approved, rev accepted (the accept revision, written under rev's name, is the head).
    const a = await store.segments.insert(t.id, 0, 10);
    await rev(a.id, 'cy', 'approved');
    const aHead = await rev(a.id, 'rev', 'approved', 'accepted');
    // b: dee approved, rev sent it back (head: a draft written by rev).
    const b = await store.segments.insert(t.id, 10, 20);
    await rev(b.id, 'dee', 'approved');
    await rev(b.id, 'rev', 'draft', 'sentBack');
    // c: dee approved, rev sent back, dee approved again: no verdict on the head.
    const c = await store.segments.insert(t.id, 20, 30);
    await rev(c.id, 'dee', 'approved');
    await rev(c.id, 'rev', 'draft', 'sentBack');
    await rev(c.id, 'dee', 'approved', undefined, 'a bright, airy tenor');
    // d: cy approved, fay rewrote and approved, rev accepted: fay's is the caption.
    const d = await store.segments.insert(t.id, 30, 40);
    await rev(d.id, 'cy', 'approved');
    await rev(d.id, 'fay', 'approved', undefined, 'a dark tenor');
    await rev(d.id, 'rev', 'approved', 'accepted', 'a dark tenor');

    const who = async (q: Parameters<Store['exports']['rows']>[0]) =>
      (await store.exports.rows(q)).map((r) => [r.segmentId, r.annotator, r.reviewer, r.head.author]);
    expect(await who({ status: ['approved'] })).toEqual([
      [a.id, 'cy', 'rev', 'rev'],
      [c.id, 'dee', null, 'dee'],
      [d.id, 'fay', 'rev', 'rev'],
    ]);
    expect(await who({ status: ['draft'] })).toEqual([[b.id, 'dee', 'rev', 'rev']]);
    // --annotator filters on who wrote the caption: the reviewer wrote none.
    expect((await store.exports.rows({ status: ['approved', 'draft'], annotator: 'rev' })).map((r) => r.segmentId)).toEqual([]);
    expect((await store.exports.rows({ status: ['approved', 'draft'], annotator: 'cy' })).map((r) => r.segmentId)).toEqual([a.id]);
    expect((await store.exports.rows({ status: ['approved', 'draft'], annotator: 'dee' })).map((r) => r.segmentId)).toEqual([b.id, c.id]);
    expect((await store.exports.rows({ status: ['approved'], annotator: 'fay' })).map((r) => r.head.id)).toEqual([expect.any(Number)]);
    expect((await store.exports.rows({ status: ['approved'], afterRevisionId: aHead.id })).map((r) => r.segmentId)).toEqual([c.id, d.id]);
  });
});
