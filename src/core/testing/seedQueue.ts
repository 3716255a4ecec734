// Annotation work on a seeded library, through the store's repositories, for the store benchmark's
// queue and stats timings: every track gets `perTrack` segments; most get a suggestion (a pack's,
// scored, or the built-in one), some a few caption revisions of every status by three annotators,
// and every tenth is resized after its suggestion (stale).
import type { Store } from '../store/store';

const STATUSES = ['draft', 'approved', 'rejected', 'flagged'] as const;
const AUTHORS = ['ana', 'bo', 'cy'];
const MOODS = ['breathy', 'raspy', 'bright', 'warm', 'airy', 'dark'];

/** Seeds every track of the library; returns how many segments were made. */
export async function seedQueue(store: Store, opts: { perTrack?: number; batch?: number } = {}): Promise<number> {
  const perTrack = opts.perTrack ?? 3;
  const batch = opts.batch ?? 500;
  const packId = await store.packs.ensureRow({ name: 'bench', version: '1.0.0', roles: ['captioner'] }, '/bench/pack');
  let n = 0;
  for (let offset = 0; ; offset += batch) {
    const { tracks } = await store.tracks.query({ sort: 'addedAt', limit: batch, offset });
    if (!tracks.length) break;
    await store.transaction(async (tx) => {
      for (const t of tracks) {
        for (let j = 0; j < perTrack; j++, n++) {
          const start = j * 10;
          const seg = await tx.segments.insert(t.id, start, start + 8);
          if (n % 6 === 5) continue; // unsuggested
          const pack = n % 4 === 0 ? null : packId;
          await tx.suggestions.insert({
            segmentId: seg.id,
            startSec: start,
            endSec: start + 8,
            text: `A ${MOODS[n % MOODS.length]} voice over ${n % 2 ? 'piano' : 'guitar'}`,
            score: pack === null ? null : -((n * 7919) % 1000) / 250,
            tokenLogprobs: [],
            packId: pack,
            ep: 'cpu',
            ms: 1,
          });
          if (n % 10 === 3) await tx.segments.update(seg.id, start, start + 9);
          if (n % 3 === 0) {
            const k = n / 3; // every status, author and history length comes round in turn
            const revs = 1 + (k % 2);
            for (let r = 0; r < revs; r++) {
              await tx.captions.append({
                segmentId: seg.id,
                text: `A ${MOODS[(k + r) % MOODS.length]} singer, revision ${r}`,
                author: AUTHORS[(k + r) % AUTHORS.length]!,
                source: 'human',
                status: STATUSES[Math.floor(k / 2 + r) % STATUSES.length]!,
                secondsSpent: 5 + (n % 30),
              });
            }
          }
        }
      }
    });
  }
  return n;
}
