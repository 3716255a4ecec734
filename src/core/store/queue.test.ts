// The annotation queue against a brute-force oracle: a random library (tracks, visible and hidden
// segments, resized ones, suggestions from packs and the built-in suggester, revisions of every
// status and review) is seeded row by row, the expected page of every query is computed here from
// those rows by the rules of shared/annotation.ts, and the repository must return exactly it, on
// every back end.
import { describe, expect, it } from 'vitest';
import type { QueueItem, QueueQuery, SegmentState } from '../../shared/annotation';
import { QUEUE_ORDERS, SEGMENT_STATES } from '../../shared/annotation';
import { testStores } from '../testing/testStores';
import { reviewVerdict } from './queue';
import { spanChanged } from './segments';
import { storeKyselyForTests, type Store } from './store';

const rng = (seed: number) => {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
};

interface Seg {
  id: number;
  trackId: number;
  start: number;
  end: number;
  hidden: boolean;
  createdAt: string;
}
interface Sug {
  id: number;
  segmentId: number;
  text: string;
  score: number | null;
  model: string;
  start: number;
  end: number;
  createdAt: string;
}
interface Rev {
  id: number;
  segmentId: number;
  text: string;
  author: string;
  status: (typeof STATUSES)[number];
  review: 'draft' | 'submitted' | 'accepted' | 'rejected';
  createdAt: string;
}
interface Trk {
  id: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  fileName: string;
}
interface World {
  tracks: Trk[];
  segs: Seg[];
  sugs: Sug[];
  revs: Rev[];
}

const WORDS = ['breathy', 'warm', 'Raspy', 'bright', 'airy', 'dark', 'falsetto', 'slow'];
const AUTHORS = ['ana', 'bo', 'cy'];
const STATUSES = ['draft', 'approved', 'rejected', 'flagged'] as const;
const REVIEWS = ['draft', 'submitted', 'accepted', 'rejected'] as const;
const time = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** Seeds a random library through the store's own executor (rows with chosen times and statuses). */
async function seed(store: Store, seedNo: number): Promise<World> {
  const next = rng(seedNo);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const k = storeKyselyForTests(store);
  const w: World = { tracks: [], segs: [], sugs: [], revs: [] };
  const packs: { id: number; label: string }[] = [];
  for (const [name, version] of [['cap', '1.0.0'], ['cap', '2.0.0'], ['other', '0.1.0']]) {
    const r = await k
      .insertInto('model_packs')
      .values({ name: name!, version: version!, roles: '["captioner"]', dir: `/p/${name}-${version}`, manifest: '{}', removed_at: null, files_stat: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    packs.push({ id: r.id, label: `${name}@${version}` });
  }
  let minute = 0;
  for (let n = 0; n < 30; n++) {
    const t: Omit<Trk, 'id'> = {
      title: next() < 0.2 ? null : `Song ${pick(WORDS)} ${n}`,
      artist: next() < 0.2 ? null : pick(['alpha', 'Beta', 'gamma']),
      album: next() < 0.3 ? null : pick(['one', 'Two']),
      fileName: `file-${n}-${pick(WORDS).toLowerCase()}.wav`,
    };
    const { id } = await k
      .insertInto('tracks')
      .values({ path: `/m/${n}.wav`, file_name: t.fileName, sha256: `h${n}`.padStart(64, '0'), size_bytes: 1, title: t.title, artist: t.artist, album: t.album, file_mtime_ms: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    w.tracks.push({ id, ...t });
    const nSegs = Math.floor(next() * 5);
    for (let j = 0; j < nSegs; j++) {
      // Starts repeat on purpose (ties on start_sec break by segment id).
      const start = Math.floor(next() * 4) * 10;
      const end = start + 5 + Math.floor(next() * 20);
      const hidden = next() < 0.15;
      const createdAt = time(minute++);
      const seg = await k
        .insertInto('segments')
        .values({ track_id: id, start_sec: start, end_sec: end, deleted_at: hidden ? createdAt : null, created_at: createdAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      const s: Seg = { id: seg.id, trackId: id, start, end, hidden, createdAt };
      w.segs.push(s);
      const nSugs = Math.floor(next() * 3);
      for (let m = 0; m < nSugs; m++) {
        const pack = next() < 0.25 ? null : pick(packs);
        // Some were made for another span (the segment was resized since); some just inside the tolerance.
        const shift = next() < 0.35 ? 1 : next() < 0.2 ? 0.0005 : 0;
        const score = pack === null ? null : Math.round(-next() * 30) / 10; // ties on purpose
        const sug: Omit<Sug, 'id'> = {
          segmentId: s.id,
          text: `A ${pick(WORDS)} voice, ${pick(WORDS)} mood`,
          score,
          model: pack?.label ?? 'built-in',
          start,
          end: end + shift,
          createdAt: time(minute++),
        };
        const r = await k
          .insertInto('suggestions')
          .values({ segment_id: s.id, text: sug.text, score, token_logprobs: null, pack_id: pack?.id ?? null, ep: 'cpu', ms: 1, start_sec: sug.start, end_sec: sug.end, created_at: sug.createdAt })
          .returning('id')
          .executeTakeFirstOrThrow();
        w.sugs.push({ id: r.id, ...sug });
      }
      const nRevs = Math.floor(next() * 4);
      let parent: number | null = null;
      for (let m = 0; m < nRevs; m++) {
        const rev: Omit<Rev, 'id'> = {
          segmentId: s.id,
          text: `${pick(WORDS)} singer ${m}`,
          author: pick(AUTHORS),
          status: pick(STATUSES),
          review: pick(REVIEWS),
          createdAt: time(minute++),
        };
        const r: { id: number } = await k
          .insertInto('caption_revisions')
          .values({ segment_id: s.id, parent_id: parent, text: rev.text, author: rev.author, source: 'human', suggestion_id: null, review: rev.review, status: rev.status, created_at: rev.createdAt, attributes: null, seconds_spent: null, note: null, restored_from: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        parent = r.id;
        w.revs.push({ id: r.id, ...rev });
      }
    }
  }
  return w;
}

/** The queue page computed from the seeded rows by the contract's rules. */
function oracle(w: World, q: QueueQuery, caller: string | null): { items: QueueItem[]; total: number } {
  const newest = <T extends { id: number; segmentId: number }>(rows: T[], segId: number): T | null =>
    rows.filter((r) => r.segmentId === segId).reduce<T | null>((a, r) => (a === null || r.id > a.id ? r : a), null);
  const visible = w.segs.filter((s) => !s.hidden);
  const live = visible.filter((s) => q.trackId === undefined || s.trackId === q.trackId);
  // Confidence is within the whole library, whatever the query shows.
  const current = visible.map((s) => newest(w.sugs, s.id)).filter((s): s is Sug => s !== null && s.score !== null);
  const level = (score: number) => {
    const share = current.filter((c) => c.score! <= score).length / current.length;
    return Math.min(5, Math.max(1, Math.ceil(share * 5)));
  };
  const rows = live.map((s) => {
    const t = w.tracks.find((x) => x.id === s.trackId)!;
    const h = newest(w.revs, s.id);
    const sug = newest(w.sugs, s.id);
    const stale = sug !== null && spanChanged({ start_sec: sug.start, end_sec: sug.end }, { start_sec: s.start, end_sec: s.end }) && h?.status !== 'approved';
    const state: SegmentState = stale ? 'stale' : h ? h.status : sug ? 'suggested' : 'unsuggested';
    const item: QueueItem = {
      segmentId: s.id,
      trackId: s.trackId,
      startSec: s.start,
      endSec: s.end,
      trackTitle: t.title,
      artist: t.artist,
      album: t.album,
      fileName: t.fileName,
      state,
      text: h?.text ?? sug?.text ?? null,
      headRevisionId: h?.id ?? null,
      annotator: h?.author ?? null,
      review: h ? reviewVerdict(h.review) : null,
      suggestionPack: sug?.model ?? null,
      score: sug?.score ?? null,
      confidenceLevel: sug?.score == null ? null : level(sug.score),
      updatedAt: h?.createdAt ?? sug?.createdAt ?? s.createdAt,
    };
    return { item, t, h, sug };
  });
  const needle = q.q?.trim().toLowerCase();
  const kept = rows.filter(({ item, t, h, sug }) => {
    if (q.status?.length && !q.status.includes(item.state)) return false;
    if (q.model && item.suggestionPack !== q.model) return false;
    if (q.annotator && h?.author !== q.annotator) return false;
    if (q.since && item.updatedAt < new Date(q.since).toISOString()) return false;
    if (q.until && item.updatedAt >= new Date(q.until).toISOString()) return false;
    if (needle && ![h?.text, sug?.text, t.title, t.artist, t.fileName].some((x) => x?.toLowerCase().includes(needle))) return false;
    if (q.reviewable && !(h && h.status === 'approved' && (h.review === 'draft' || h.review === 'submitted') && h.author !== caller)) return false;
    return true;
  });
  const approvedHead = (i: QueueItem) => (rows.find((r) => r.item === i)!.h?.status === 'approved' ? 1 : 0);
  const imp = (a: QueueItem, b: QueueItem) => a.trackId - b.trackId || a.startSec - b.startSec || a.segmentId - b.segmentId;
  const str = (x: string) => x.toLowerCase();
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const order: Record<string, (a: QueueItem, b: QueueItem) => number> = {
    import: imp,
    confidence: (a, b) => (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) || (a.score ?? 0) - (b.score ?? 0) || imp(a, b),
    unreviewed: (a, b) => approvedHead(a) - approvedHead(b) || imp(a, b),
    artist: (a, b) =>
      cmp(str(a.artist ?? ''), str(b.artist ?? '')) || cmp(str(a.album ?? ''), str(b.album ?? '')) || cmp(str(a.trackTitle ?? a.fileName), str(b.trackTitle ?? b.fileName)) || imp(a, b),
  };
  const sorted = kept.map((r) => r.item).sort(order[q.order ?? 'import']);
  const offset = q.offset ?? 0;
  return { items: sorted.slice(offset, offset + (q.limit ?? 100)), total: sorted.length };
}

describe.each(testStores())('annotation queue ($name)', (backend) => {
  it('pages, orders and filters exactly as the rules say (random library, brute-force oracle)', async () => {
    const { store } = await backend.open();
    const w = await seed(store, 7);
    const states = new Set(oracle(w, { limit: 1000 }, null).items.map((i) => i.state));
    // The seed covers every state, so each filter below has something to find and to leave out.
    expect([...states].sort()).toEqual([...SEGMENT_STATES].sort());
    // …and a resized segment whose approved head keeps it from reading stale.
    const newest = <T extends { id: number; segmentId: number }>(rows: T[], id: number) => rows.filter((r) => r.segmentId === id).sort((a, b) => b.id - a.id)[0];
    const approvedOverResized = w.segs.filter((g) => {
      const sug = newest(w.sugs, g.id);
      return !g.hidden && sug && spanChanged({ start_sec: sug.start, end_sec: sug.end }, { start_sec: g.start, end_sec: g.end }) && newest(w.revs, g.id)?.status === 'approved';
    });
    expect(approvedOverResized.length).toBeGreaterThan(0);
    const queries: QueueQuery[] = [];
    for (const order of QUEUE_ORDERS) {
      queries.push({ order }, { order, limit: 4, offset: 3 }, { order, offset: 1000 });
      queries.push({ order, status: ['stale', 'draft'] }, { order, status: ['unsuggested'] }, { order, status: ['approved'], limit: 2 });
    }
    queries.push(
      { model: 'built-in' },
      { model: 'cap@2.0.0', order: 'confidence' },
      { model: 'nobody@1' },
      { annotator: 'bo' },
      { annotator: 'cy', status: ['approved', 'flagged'] },
      { q: 'RASPY' },
      { q: 'file-3' },
      { q: 'alpha', order: 'artist' },
      { q: '%' },
      { since: time(40), until: time(120) },
      { since: '2026-01-01' },
      { until: '2026-01-01T01:00:00+01:00' },
      { reviewable: true },
      { trackId: w.tracks[3]!.id },
      { order: 'confidence', status: ['suggested', 'stale'], q: 'voice', limit: 3, offset: 2 },
    );
    for (const q of queries) {
      for (const caller of [null, 'ana']) {
        if (caller !== null && !q.reviewable) continue;
        const want = oracle(w, q, caller);
        const got = await store.queue.page(q, caller);
        expect({ total: got.total, items: got.items }, JSON.stringify(q)).toEqual(want);
        expect(got.offset).toBe(q.offset ?? 0);
      }
    }
    // Reviewable for one of their authors leaves out exactly that author's own approved, pending heads.
    const all = await store.queue.page({ reviewable: true }, null);
    const authors = [...new Set(all.items.map((i) => i.annotator))];
    expect(authors.length).toBeGreaterThan(1);
    const me = authors[0]!;
    const mine = await store.queue.page({ reviewable: true }, me);
    expect(mine.items).toEqual(oracle(w, { reviewable: true }, me).items);
    expect(mine.items.map((i) => i.segmentId)).toEqual(all.items.filter((i) => i.annotator !== me).map((i) => i.segmentId));
  });

  it('reads the confidence the Annotate view reads: percentile fifths of the current scored suggestions', async () => {
    const { store } = await backend.open();
    const t = await store.tracks.insert({ path: '/a.wav', fileName: 'a.wav', sha256: 'c'.repeat(64), sizeBytes: 1, title: null, artist: null, album: null, genre: null, durationSec: 600, sampleRate: null, channels: null, container: null, codec: null });
    const pack = await store.packs.ensureRow({ name: 'cap', version: '1', roles: ['captioner'] }, '/p');
    const scores = [-5, -4, -3, -2, -1, -0.5, -0.4, -0.3, -0.2, -0.1];
    for (const [i, score] of scores.entries()) {
      const seg = await store.segments.insert(t.id, i * 10, i * 10 + 5);
      // An older suggestion of the same segment does not count: only the newest is current.
      await store.suggestions.insert({ segmentId: seg.id, startSec: i * 10, endSec: i * 10 + 5, text: 'old', score: 99, tokenLogprobs: [], packId: pack, ep: 'cpu', ms: 1 });
      await store.suggestions.insert({ segmentId: seg.id, startSec: i * 10, endSec: i * 10 + 5, text: 'x', score, tokenLogprobs: [], packId: pack, ep: 'cpu', ms: 1 });
    }
    // Built-in (unscored) suggestions do not count either.
    const builtIn = await store.segments.insert(t.id, 200, 205);
    await store.suggestions.insert({ segmentId: builtIn.id, startSec: 200, endSec: 205, text: 'b', score: null, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });
    expect(await store.suggestions.confidenceOf(-5)).toEqual({ score: -5, percentile: 10, level: 1 });
    expect(await store.suggestions.confidenceOf(-4)).toEqual({ score: -4, percentile: 20, level: 1 });
    expect(await store.suggestions.confidenceOf(-3)).toEqual({ score: -3, percentile: 30, level: 2 });
    expect(await store.suggestions.confidenceOf(-0.1)).toEqual({ score: -0.1, percentile: 100, level: 5 });
    expect(await store.suggestions.confidenceOf(-100)).toEqual({ score: -100, percentile: 0, level: 1 });
    expect(await store.suggestions.confidenceOf(null)).toBeNull();
    const page = await store.queue.page({ order: 'confidence' });
    expect(page.items.map((i) => i.confidenceLevel)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, null]);
    expect(page.items.at(-1)).toMatchObject({ suggestionPack: 'built-in', score: null, state: 'suggested' });
  });
});
