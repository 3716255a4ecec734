// A read-only transaction (`{ write: false }`) reads ONE snapshot on both back ends: what other
// connections commit meanwhile is not seen by its later reads. The stems sweep relies on this
// (stemFiles.ts: registered stems and running jobs read together, else a run that registers its
// stems and ends between the two reads has its fresh folder removed). SQLite gives it by its read
// transaction; PostgreSQL's default READ COMMITTED takes a new snapshot per statement, so the
// store runs read-only transactions there as REPEATABLE READ.
import { describe, expect, it } from 'vitest';
import { testStores } from '../testing/testStores';

const backends = testStores();

describe.each(backends)('read-only transaction snapshot ($name)', (backend) => {
  it("does not see another connection's commit between two reads", async () => {
    const { store, target } = await backend.open();
    const other = await backend.reopen(target);
    const t = await other.tracks.insert({
      path: '/music/a.wav', fileName: 'a.wav', sha256: 'a'.repeat(64), sizeBytes: 1, title: 'A', artist: null, album: null,
      genre: null, durationSec: 1, sampleRate: 44100, channels: 2, container: 'WAVE', codec: 'PCM',
    });
    const seen = await store.transaction(
      async (tx) => {
        const before = await tx.stems.listPaths();
        // Another process registers stems (a separate connection, committed at once).
        await other.stems.replace(t.id, [{ name: 'vocals', path: '/stems/run/vocals.wav' }]);
        const after = await tx.stems.listPaths();
        return { before, after };
      },
      { write: false },
    );
    expect(seen.before).toEqual([]);
    expect(seen.after).toEqual([]);
    // Outside the transaction the commit is visible.
    expect(await store.stems.listPaths()).toEqual(['/stems/run/vocals.wav']);
  });
});
