// Caption work ready to export, fast, through the store's repositories: for the export tests and
// bench/export.ts. `tracks` tracks (rows only: a real-looking content hash, a path that need not
// exist) with `perTrack` segments each; every segment gets a suggestion (a pack's, scored, or every
// fourth the built-in one) and an approved caption revision that keeps the suggestion on every
// third segment and edits it otherwise. One transaction per batch of tracks.
import crypto from 'node:crypto';
import type { Store } from '../store/store';

export const SEED_PACK = { name: 'seedcap', version: '1.0.0' } as const;
const MOODS = ['breathy', 'raspy', 'bright', 'warm', 'airy', 'dark'];

export interface SeedExportOptions {
  tracks: number;
  perTrack: number;
  /** Head status of the captions (default approved). */
  status?: 'draft' | 'approved' | 'rejected' | 'flagged';
  author?: string;
  /** Folder the (fake) track paths are under. */
  root?: string;
  /** Distinguishes the hashes of two seedings of one library. */
  tag?: string;
  batch?: number;
}

/** Returns the segment ids made, in order. */
export async function seedExport(store: Store, o: SeedExportOptions): Promise<number[]> {
  const packId = await store.packs.ensureRow({ ...SEED_PACK, roles: ['captioner'] }, '/seed/pack');
  const ids: number[] = [];
  const batch = o.batch ?? 200;
  for (let first = 0; first < o.tracks; first += batch) {
    await store.transaction(async (tx) => {
      for (let t = first; t < Math.min(o.tracks, first + batch); t++) {
        const sha256 = crypto.createHash('sha256').update(`${o.tag ?? 'seed'}-${t}`).digest('hex');
        const track = await tx.tracks.insert({
          path: `${o.root ?? '/seed'}/track-${t}.wav`,
          fileName: `track-${t}.wav`,
          sha256,
          sizeBytes: 1000 + t,
          title: `Track ${t}`,
          artist: null,
          album: null,
          genre: null,
          durationSec: 10 * o.perTrack + 5,
          sampleRate: 44100,
          channels: 2,
          container: 'WAVE',
          codec: 'PCM',
        });
        for (let j = 0; j < o.perTrack; j++) {
          const n = ids.length;
          const seg = await tx.segments.insert(track.id, j * 10, j * 10 + 8);
          const text = `A ${MOODS[n % MOODS.length]} female voice over piano`;
          const builtIn = n % 4 === 3;
          const sug = await tx.suggestions.insert({
            segmentId: seg.id,
            startSec: seg.startSec,
            endSec: seg.endSec,
            text,
            score: builtIn ? null : -((n % 100) + 1) / 50,
            tokenLogprobs: [],
            packId: builtIn ? null : packId,
            ep: 'cpu',
            ms: 1,
          });
          await tx.captions.append({
            segmentId: seg.id,
            text: n % 3 === 0 ? text : `A ${MOODS[(n + 1) % MOODS.length]} male voice over guitar, mid-tempo`,
            author: o.author ?? 'ana',
            source: n % 3 === 0 ? 'suggestion' : 'human',
            suggestionId: sug.id,
            status: o.status ?? 'approved',
            attributes: { gender: n % 3 === 0 ? 'female' : 'male', tempo: 'mid-tempo' },
          });
          ids.push(seg.id);
        }
      }
    });
  }
  return ids;
}
