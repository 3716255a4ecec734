// Many tracks' rows, fast, through the store's repositories: for the library-list e2e (2,000+
// tracks before `serve` starts) and the store benchmark. Rows only (no audio files): the list,
// search and sort read nothing else. Titles, artists and statuses vary so filters and sorts have
// something to do; every seventh track gets a segment with a caption to search.
import type { TrackStatus } from '../../shared/types';
import type { Repositories, Store } from '../store/store';

export const SEED_STATUSES: TrackStatus[] = ['imported', 'separated', 'captioned', 'reviewed'];
const WORDS = ['amber', 'blue', 'cinder', 'dawn', 'ember', 'frost', 'glass', 'harbor', 'ivory', 'jade', 'kite', 'lumen'];
const MOODS = ['breathy', 'raspy', 'bright', 'warm', 'airy', 'dark'];

/** The title of seeded track `n` (1-based), e.g. "Seed 00042 ember kite". */
export const seedTitle = (n: number): string => `Seed ${String(n).padStart(5, '0')} ${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % WORDS.length]}`;

async function addOne(tx: Repositories, n: number, tag: string): Promise<void> {
  const t = await tx.tracks.insert({
    path: `/seed/${tag}/track-${n}.wav`,
    fileName: `track-${n}.wav`,
    sha256: `${tag}-${n}`.padStart(64, '0'),
    sizeBytes: 44 + n,
    title: seedTitle(n),
    artist: `Artist ${String(n % 97).padStart(2, '0')}`,
    album: null,
    genre: null,
    durationSec: 5 + (n % 300),
    sampleRate: 44100,
    channels: 2,
    container: 'WAVE',
    codec: 'PCM',
  });
  const status = SEED_STATUSES[n % SEED_STATUSES.length]!;
  if (status !== 'imported') await tx.tracks.setStatus(t.id, status);
  if (n % 7 === 0) {
    const seg = await tx.segments.insert(t.id, 0, 10);
    await tx.captions.append({ segmentId: seg.id, text: `A ${MOODS[n % MOODS.length]} voice over piano`, author: 'seed', source: 'import' });
  }
}

/**
 * Adds tracks 1..count. `perFile`: one transaction per track, as an import does (slower, what the
 * benchmark measures); otherwise batches of 500 per transaction. `tag` keeps content hashes unique
 * across calls on one library.
 */
export async function seedTracks(store: Store, count: number, opts: { perFile?: boolean; tag?: string; from?: number } = {}): Promise<void> {
  const tag = opts.tag ?? 'seed';
  const from = opts.from ?? 1;
  const batch = opts.perFile ? 1 : 500;
  for (let start = from; start < from + count; start += batch) {
    const end = Math.min(from + count, start + batch);
    await store.transaction(async (tx) => {
      for (let n = start; n < end; n++) await addOne(tx, n, tag);
    });
  }
}
