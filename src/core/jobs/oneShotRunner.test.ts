// A studio that does not run the library's queue (runJobs: false — a one-shot CLI command such as
// `s2cap train`) still runs the jobs it queues itself, and only those: a job another process
// queued stays queued, untouched, for a studio that runs the queue; jobs it queues run one at a
// time, in order. Once its runner is started it works through the whole queue as usual.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { createStudio, studioStore, type Studio } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { tempDir } from '../testing/tmp';
import type { JobPayload } from './jobRunner';

const EP = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } as const;

let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
beforeEach(async () => {
  tmp = tempDir();
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

async function tracks(n: number): Promise<number[]> {
  const files = Array.from({ length: n }, (_, i) => pinkNoiseWav(path.join(tmp.dir, `song${i}.wav`), 3 + i));
  return (await studio.importPaths({ paths: files })).imported.map((t) => t.id);
}

describe('a studio that does not run the queue (one-shot CLI)', () => {
  it('runs the job it queued, never one another process queued', async () => {
    const [mine, theirs] = await tracks(2);
    // Queued by another process (straight into the library; no runner of this process saw it).
    const other = await studioStore(studio).jobs.create('caption', { trackId: theirs!, pack: null, ep: EP } satisfies JobPayload);
    const seen: Job[] = [];
    studio.on('jobUpdated', (j) => seen.push(j));
    const job = await studio.startSeparation({ trackId: mine! });
    const end = await waitForJob(studio, job.id);
    expect(end.status, end.error ?? '').toBe('done');
    expect((await studio.openTrack({ id: mine! })).stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    // The other job: still queued, unclaimed, unchanged, and never reported by this process.
    expect(await studioStore(studio).jobs.get(other.id)).toEqual(other);
    expect(seen.filter((j) => j.id === other.id)).toEqual([]);
    // Closing (a one-shot command ends) leaves it as it was.
    await studio.close();
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
    expect(await studioStore(studio).jobs.get(other.id)).toEqual(other);
  }, 60_000);

  it('runs the jobs it queues one at a time, in order', async () => {
    const ids = await tracks(2);
    const order: string[] = [];
    studio.on('jobUpdated', (j) => {
      const last = order.at(-1);
      const step = `${j.id}:${j.status}`;
      if (last !== step && j.status !== 'queued') order.push(step);
    });
    const jobs: Job[] = [];
    for (const trackId of ids) jobs.push(await studio.startSeparation({ trackId }));
    const ends = await Promise.all(jobs.map((j) => waitForJob(studio, j.id)));
    expect(ends.map((j) => j.status)).toEqual(['done', 'done']);
    const [a, b] = jobs.map((j) => j.id);
    expect(order).toEqual([`${a}:running`, `${a}:done`, `${b}:running`, `${b}:done`]);
  }, 60_000);

  it('once started, runs the queue: the job another process queued too', async () => {
    const [trackId] = await tracks(1);
    const other = await studioStore(studio).jobs.create('separate', { trackId: trackId!, pack: null, ep: EP } satisfies JobPayload);
    const ended = waitForJob(studio, other.id);
    void studio.jobs.start();
    expect((await ended).status).toBe('done');
  }, 60_000);
});
