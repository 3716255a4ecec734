// JobWrites over the async store: a burst of progress (a worker reports often) is coalesced into
// few writes with the newest value winning, and nothing about progress is emitted after a job's
// status transition (a late progress write never makes an ended job look running again). Then the
// throttle of a run's progress (runProgress), on a fake clock: a step of 1 % or more written at
// once, other updates at most once per interval with the newest written at the interval's end,
// nothing once the run is closed (cancelled) or the job has ended.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { JobRecord, JobsRepo } from '../store/jobs';
import { openStore, type Store } from '../store/store';
import { tempDir } from '../testing/tmp';
import { JobWrites, PROGRESS_INTERVAL_MS } from './jobWrites';

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

describe('JobWrites.runProgress (the throttle of a run)', () => {
  const OWNER = 'host:1:aaaaaaaa';
  let store: Store;
  let id: string;
  let writes: JobWrites;
  let emitted: JobRecord[];
  let spy: MockInstance<JobsRepo['updateProgress']>;
  /** What was written so far: [fraction, detail] per write. */
  const written = () => spy.mock.calls.map((c) => [c[1], c[2]]);
  /** Lets the writes started so far land (the store is real; only timers and Date are fake). */
  const settle = async () => {
    await Promise.all(spy.mock.results.map((r) => r.value));
    await new Promise((r) => setImmediate(r));
  };
  /** Reports, then lets what it wrote (if anything) land, so the next report finds no write in flight. */
  const report = async (p: { report(f: number, d?: string | null): void }, f: number, d: string) => {
    p.report(f, d);
    await settle();
  };
  const advance = async (ms: number) => {
    vi.advanceTimersByTime(ms);
    await settle();
  };

  beforeEach(async () => {
    store = await openStore(path.join(tmp.dir, `throttle-${Math.random().toString(36).slice(2)}.db`));
    id = (await store.jobs.create('train', { data: '/x', out: '/y' })).id;
    expect((await store.jobs.claim(id, OWNER, Date.now()))?.status).toBe('running');
    emitted = [];
    writes = new JobWrites(store, (r) => emitted.push(r), new AbortController().signal);
    spy = vi.spyOn(store.jobs, 'updateProgress');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  it('writes a step of the bar (1 % or more) at once, however soon after the last write', async () => {
    const p = writes.runProgress(id, OWNER);
    await report(p, 0, 'starting');
    await advance(5);
    await report(p, 0.01, 'step 1');
    await report(p, 0.02, 'step 2');
    await report(p, 0.03, 'step 3'); // 0.03 - 0.02 is a hair under 0.01 in floating point: still a step
    await report(p, 0.035, 'half a step'); // held back
    await report(p, 0.995, 'almost');
    await report(p, 1, 'finished'); // the end of the bar is written at once, even half a step on
    expect(written()).toEqual([
      [0, 'starting'],
      [0.01, 'step 1'],
      [0.02, 'step 2'],
      [0.03, 'step 3'],
      [0.995, 'almost'],
      [1, 'finished'],
    ]);
    expect(await store.jobs.get(id)).toMatchObject({ progress: 1, detail: 'finished' });
  });

  it('writes other updates at most once per interval: the newest of an interval when it ends', async () => {
    const p = writes.runProgress(id, OWNER);
    await report(p, 0.5, 'epoch 1');
    await advance(50);
    await report(p, 0.5, 'epoch 1 loss 2.0');
    await advance(50);
    await report(p, 0.502, 'epoch 1 loss 1.9');
    await advance(PROGRESS_INTERVAL_MS - 101);
    expect(written()).toEqual([[0.5, 'epoch 1']]); // still within the interval
    await advance(1);
    // At the interval's end: the newest update of it (the one before it never written).
    expect(written()).toEqual([
      [0.5, 'epoch 1'],
      [0.502, 'epoch 1 loss 1.9'],
    ]);
    expect(emitted.at(-1)).toMatchObject({ progress: 0.502, detail: 'epoch 1 loss 1.9', status: 'running' });
    // A job's last word before a quiet stretch is not lost: written at the end of the next interval.
    await advance(10);
    await report(p, 0.502, 'exporting the pack');
    await advance(PROGRESS_INTERVAL_MS - 11);
    expect(written()).toHaveLength(2);
    await advance(1);
    expect(written().at(-1)).toEqual([0.502, 'exporting the pack']);
    expect(await store.jobs.get(id)).toMatchObject({ progress: 0.502, detail: 'exporting the pack' });
    // Once an interval has passed quietly, the next update is written at once.
    await advance(PROGRESS_INTERVAL_MS * 3);
    await report(p, 0.502, 'installing');
    expect(written().at(-1)).toEqual([0.502, 'installing']);
  });

  it('writes nothing once the run is cancelled (or closed): neither the update held back nor later ones', async () => {
    const cancel = new AbortController();
    const p = writes.runProgress(id, OWNER, cancel.signal);
    await report(p, 0.2, 'working');
    await report(p, 0.2, 'held back');
    cancel.abort(); // the job is still 'running' in the library until its end is recorded
    await advance(PROGRESS_INTERVAL_MS * 5);
    await report(p, 0.9, 'a step, after the cancel');
    await advance(PROGRESS_INTERVAL_MS * 5);
    expect(written()).toEqual([[0.2, 'working']]);
    expect(emitted.map((r) => r.detail)).toEqual(['working']);

    // Closed by its runner (the job's work has ended): the same.
    const q = writes.runProgress(id, OWNER);
    await advance(PROGRESS_INTERVAL_MS * 5);
    await report(q, 0.3, 'again');
    await report(q, 0.3, 'held back again');
    q.close();
    await advance(PROGRESS_INTERVAL_MS * 5);
    await report(q, 0.9, 'a step, after the close');
    expect(written()).toEqual([
      [0.2, 'working'],
      [0.3, 'again'],
    ]);
  });

  it("writes nothing once the job has ended (its status transition), and a later run of the job has a throttle of its own", async () => {
    const p = writes.runProgress(id, OWNER);
    await report(p, 0.3, 'working');
    await report(p, 0.3, 'held back');
    expect(await writes.transition(id, { status: 'queued', owner: null, heartbeatAt: null }, { from: 'running', owner: OWNER })).toMatchObject({ status: 'queued' });
    await advance(PROGRESS_INTERVAL_MS * 5);
    await report(p, 0.9, 'a step, after the end');
    await advance(PROGRESS_INTERVAL_MS * 5);
    expect(written()).toEqual([[0.3, 'working']]);
    expect(emitted.at(-1)).toMatchObject({ status: 'queued' });

    // Claimed again (by another claim): its run starts with a fresh throttle; the old one stays shut.
    expect((await store.jobs.claim(id, 'host:1:bbbbbbbb', Date.now()))?.status).toBe('running');
    const again = writes.runProgress(id, 'host:1:bbbbbbbb');
    await report(again, 0.1, 'second run');
    await report(p, 0.95, 'the first run, late');
    p.close(); // closing the old run leaves the new one alone
    await report(again, 0.2, 'second run, a step on');
    expect(written().slice(1)).toEqual([
      [0.1, 'second run'],
      [0.2, 'second run, a step on'],
    ]);
    expect(await store.jobs.get(id)).toMatchObject({ status: 'running', owner: 'host:1:bbbbbbbb', progress: 0.2 });
  });
});
