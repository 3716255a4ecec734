// JobWrites over the async store: a burst of progress (a worker reports often) is coalesced into
// few writes with the newest value winning, and nothing about progress is emitted after a job's
// status transition (a late progress write never makes an ended job look running again).
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { JobRecord } from '../store/jobs';
import { openStore } from '../store/store';
import { tempDir } from '../testing/tmp';
import { JobWrites } from './jobWrites';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('JobWrites', () => {
  it('coalesces a burst of progress, newest value last, and emits nothing after the transition', async () => {
    const store = await openStore(path.join(tmp.dir, 'lib.db'));
    try {
      const job = await store.jobs.create('separate', { trackId: 1 });
      expect((await store.jobs.claimNext('host:1:aaaaaaaa', Date.now()))?.id).toBe(job.id);
      const emitted: JobRecord[] = [];
      const writes = new JobWrites(store, (r) => emitted.push(r), new AbortController().signal);
      const spy = vi.spyOn(store.jobs, 'updateProgress');
      for (let i = 1; i <= 50; i++) writes.progress(job.id, i / 100, `step ${i}`, 'host:1:aaaaaaaa');
      await vi.waitFor(async () => expect(await store.jobs.get(job.id)).toMatchObject({ progress: 0.5, detail: 'step 50' }));
      expect(spy.mock.calls.length).toBeLessThan(10);
      expect(spy.mock.calls.at(-1)!.slice(1, 3)).toEqual([0.5, 'step 50']);
      expect(emitted.at(-1)).toMatchObject({ progress: 0.5, detail: 'step 50', status: 'running' });

      writes.progress(job.id, 0.9, 'almost', 'host:1:aaaaaaaa');
      const done = await writes.transition(job.id, { status: 'done', progress: 1 }, { from: 'running', owner: 'host:1:aaaaaaaa' });
      expect(done).toMatchObject({ status: 'done', progress: 1 });
      await new Promise((r) => setTimeout(r, 50));
      expect(emitted.at(-1)).toMatchObject({ status: 'done', progress: 1 });
      expect(await store.jobs.get(job.id)).toMatchObject({ status: 'done', progress: 1 });
    } finally {
      await store.close();
    }
  });
});
