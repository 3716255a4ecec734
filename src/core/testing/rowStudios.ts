// Test helpers for command tests that need tracks but no audio: a track row (nothing decodes it;
// the segment rules read its duration) and a studio over a fresh library of a testStores back end
// (SQLite, or PostgreSQL), closed after the file's tests.
import path from 'node:path';
import { afterAll } from 'vitest';
import { createStudio, studioStore, type Studio } from '../studio';
import type { Store } from '../store/store';
import type { NewTrack } from '../store/tracks';
import type { TestBackend } from './testStores';
import { tempDir } from './tmp';

/** Track `n`'s row: a 120 s stereo WAV named n.wav, titled "Song n" by "Artist n" (override any field). */
export const trackRow = (n: number, over: Partial<NewTrack> = {}): NewTrack => ({
  path: `/music/${n}.wav`,
  fileName: `${n}.wav`,
  sha256: String(n).padStart(64, '0'),
  sizeBytes: 1000 + n,
  title: `Song ${n}`,
  artist: `Artist ${n}`,
  album: null,
  genre: null,
  durationSec: 120,
  sampleRate: 44100,
  channels: 2,
  container: 'WAVE',
  codec: 'PCM',
  ...over,
});

/** Call at a test file's top level: `open(backend)` gives a studio (no job queue) on a fresh library of that back end, and the library's file or URL. */
export function rowStudios(): { open(backend: TestBackend): Promise<{ studio: Studio; store: Store; target: string }> } {
  const tmp = tempDir();
  const studios: Studio[] = [];
  afterAll(async () => {
    for (const s of studios) await s.close().catch(() => {});
    tmp.cleanup();
  });
  return {
    async open(backend) {
      const { target } = await backend.open();
      const studio = await createStudio({ dbPath: target, dataDir: path.join(tmp.dir, `data-${studios.length}`), runJobs: false });
      studios.push(studio);
      return { studio, store: studioStore(studio), target };
    },
  };
}
