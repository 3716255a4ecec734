// A studio that does not run the library's queue (runJobs: false — a one-shot CLI command such as
// `s2cap train`) still runs the jobs it queues itself, and only those: a job another process
// queued stays queued, untouched, for a studio that runs the queue; jobs it queues run one at a
// time, in order. Once its runner is started it works through the whole queue as usual. Beside a
// studio that runs the queue (on every back end), the jobs it queues are its own from the moment
// they exist: the studio, polling all along, never takes one, of any kind.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../shared/types';
import { createStudio, studioStore, type Studio } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import type { JobPayload } from './jobRunner';
import { JobWrites } from './jobWrites';
import type { TrainPayload } from './trainJob';

const EP = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } as const;

const backends = testStores();
let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

async function tracks(n: number): Promise<number[]> {
  const files = Array.from({ length: n }, (_, i) => pinkNoiseWav(path.join(tmp.dir, `song${i}.wav`), 3 + i));
  return (await studio.importPaths({ paths: files })).imported.map((t) => t.id);
}

describe('a studio that does not run the queue (one-shot CLI)', () => {
  beforeEach(async () => {
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
  });
  afterEach(() => studio.close());

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

  it('stopped while it claims its job: the job goes back to the queue, not to a run that cannot finish', async () => {
    const [t] = await tracks(1);
    const claim = JobWrites.prototype.claimQueued;
    let closing: Promise<void> | undefined;
    const spy = vi.spyOn(JobWrites.prototype, 'claimQueued').mockImplementation(async function (this: JobWrites, ...args) {
      const rec = await claim.apply(this, args);
      closing = studio.close(); // the command ends (Ctrl+C) just as the claim lands
      return rec;
    });
    const job = await studio.startSeparation({ trackId: t! });
    await vi.waitFor(() => expect(closing).toBeDefined());
    await closing;
    spy.mockRestore();
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
    const rec = await studioStore(studio).jobs.get(job.id);
    expect(rec).toMatchObject({ status: 'queued', owner: null, heartbeatAt: null });
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

describe.each(backends)('a one-shot runner beside a studio running the queue ($name)', (backend) => {
  it('the studio, polling all along, never takes a job the one-shot runner queues, of any kind: it runs them all itself', async () => {
    const { store, target } = await backend.open();
    await store.close();
    const dataDir = path.join(tmp.dir, 'data');
    const oneShot = await createStudio({ dbPath: target, dataDir, runJobs: false, jobTiming: { heartbeatMs: 200 } });
    const serving = await createStudio({ dbPath: target, dataDir, jobTiming: { heartbeatMs: 200, lapseMs: 5000, pollMs: 20 } });
    try {
      const heard = { oneShot: [] as Job[], serving: [] as Job[] };
      oneShot.on('jobUpdated', (j) => heard.oneShot.push(j));
      serving.on('jobUpdated', (j) => heard.serving.push(j));
      const trackId = (await oneShot.importPaths({ paths: [pinkNoiseWav(path.join(tmp.dir, 'song.wav'), 4)] })).imported[0]!.id;

      // The instant between a job's creation and its creator's claim, stretched: once the job row
      // exists, the serving studio polls the queue (twice) and any claim it starts lands, before
      // the one-shot runner gets its job back and can claim it.
      const polled = vi.spyOn(studioStore(serving).jobs, 'hasQueued');
      const claimed = vi.spyOn(studioStore(serving).jobs, 'claimNext');
      const repo = studioStore(oneShot).jobs;
      const create = repo.create.bind(repo);
      vi.spyOn(repo, 'create').mockImplementation(async (...args) => {
        const rec = await create(...args);
        const from = polled.mock.calls.length;
        await vi.waitFor(() => expect(polled.mock.calls.length).toBeGreaterThanOrEqual(from + 2), { timeout: 20_000, interval: 10 });
        await Promise.allSettled(claimed.mock.results.map((r) => r.value));
        return rec;
      });

      const ep = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } as const;
      const jobs = [
        await oneShot.jobs.enqueue('separate', { trackId, pack: null, ep } satisfies JobPayload),
        await oneShot.jobs.enqueue('caption', { trackId, pack: null, ep } satisfies JobPayload),
        // (A folder that is no export: the job fails with the recipe's reason; who ran it is what counts.)
        await oneShot.jobs.enqueue('train', { data: path.join(tmp.dir, 'no-export'), out: path.join(tmp.dir, 'run') } satisfies TrainPayload),
      ];
      expect(polled.mock.calls.length).toBeGreaterThanOrEqual(6);
      // Wait until every job has ended, as the library says (each studio only hears its own runs).
      const ended = (j: { status: Job['status'] }) => ['done', 'failed', 'cancelled'].includes(j.status);
      const library = studioStore(serving).jobs;
      await vi.waitFor(async () => expect((await library.list()).every(ended)).toBe(true), { timeout: 90_000, interval: 100 });
      await new Promise((r) => setTimeout(r, 100)); // (the end's event follows its write)

      // Each ran once, in the one-shot runner; the serving studio never claimed or reported one.
      for (const j of jobs) {
        expect(heard.oneShot.filter((u) => u.id === j.id && u.status === 'running' && u.detail === 'starting'), `claims of ${j.kind}`).toHaveLength(1);
        expect(heard.serving.filter((u) => u.id === j.id), `${j.kind} in the serving studio`).toEqual([]);
      }
      expect((heard.oneShot.find((u) => u.id === jobs[0]!.id && ended(u)))?.status).toBe('done');
      // The library agrees: each ended as the one-shot runner said.
      const rows = await library.list();
      expect(rows.map((r) => [r.id, r.status])).toEqual(jobs.map((j) => [j.id, heard.oneShot.findLast((u) => u.id === j.id)!.status]));
    } finally {
      await oneShot.close();
      await serving.close();
    }
  }, 120_000);
});
