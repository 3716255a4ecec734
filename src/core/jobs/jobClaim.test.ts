// The job queue shared by several processes, at the store level (two connections on one library,
// as two processes have, on every back end): a claim is one statement, so two claimers get distinct jobs and a
// job cancelled before it is claimed is never claimed; only jobs whose heartbeat has lapsed are
// re-queued; a claim that lost its job (cancelled or taken over elsewhere) can no longer write it;
// a job created reserved (a one-shot runner's) is claimed by its creator only, never seen queued by
// anyone else, and goes to the queue when released or when its creator's heartbeat lapses.
// Then two studios on one library (each back end): jobs queued by one are run by both, each
// exactly once, and a job running in one can be cancelled from the other.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import type { Store } from '../store/store';
import { createStudio, studioStore } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { testStores } from '../testing/testStores';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';

const backends = testStores();

describe.each(backends)('the shared job queue ($name)', (backend) => {
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    const lib = await backend.open();
    a = lib.store;
    b = await backend.reopen(lib.target);
  });

  it('two claimers on one library get distinct jobs, each once', async () => {
    const ids: string[] = [];
    for (const trackId of [1, 2, 3]) ids.push((await a.jobs.create('separate', { trackId })).id);
    const now = Date.now();
    const first = await a.jobs.claimNext('host:1:aaaaaaaa', now);
    const second = await b.jobs.claimNext('host:2:bbbbbbbb', now);
    const third = await b.jobs.claimNext('host:2:cccccccc', now);
    expect([first?.id, second?.id, third?.id].sort()).toEqual([...ids].sort());
    expect(first).toMatchObject({ status: 'running', owner: 'host:1:aaaaaaaa', heartbeatAt: now, detail: 'starting' });
    expect(await a.jobs.get(second!.id)).toMatchObject({ status: 'running', owner: 'host:2:bbbbbbbb' });
    expect(await a.jobs.claimNext('host:1:dddddddd', now)).toBeUndefined();
  });

  it('claimers racing on one library each get a distinct job, every job once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await a.jobs.create('separate', { trackId: i })).id);
    const claimAll = async (s: Store, who: string) => {
      const got: string[] = [];
      for (;;) {
        const j = await s.transaction((tx) => tx.jobs.claimNext(`${who}:${got.length}`, Date.now()));
        if (!j) return got;
        got.push(j.id);
      }
    };
    const [x, y] = await Promise.all([claimAll(a, 'host:1'), claimAll(b, 'host:2')]);
    expect([...x, ...y].sort()).toEqual([...ids].sort());
  });

  it('a job cancelled before it is claimed is never claimed', async () => {
    const cancelled = await a.jobs.create('separate', { trackId: 1 });
    const next = await a.jobs.create('separate', { trackId: 2 });
    expect((await b.jobs.updateIf(cancelled.id, 'queued', { status: 'cancelled' }))?.status).toBe('cancelled');
    expect((await a.jobs.claimNext('host:1:aaaaaaaa', Date.now()))?.id).toBe(next.id);
    expect(await a.jobs.claimNext('host:1:bbbbbbbb', Date.now())).toBeUndefined();
    expect((await a.jobs.get(cancelled.id))?.status).toBe('cancelled');
  });

  it('re-queues only jobs whose heartbeat has lapsed (or that have none), never a live one', async () => {
    const now = Date.now();
    const lapsed = await a.jobs.create('separate', { trackId: 1 });
    const live = await a.jobs.create('separate', { trackId: 2 });
    const old = await a.jobs.create('caption', { trackId: 3 });
    // (Claimed with updateIf here to pick which job each process gets.)
    expect(await a.jobs.updateIf(lapsed.id, 'queued', { status: 'running', owner: 'host:1:aaaaaaaa', heartbeatAt: now - 40_000 })).toBeDefined();
    expect(await b.jobs.updateIf(live.id, 'queued', { status: 'running', owner: 'host:2:bbbbbbbb', heartbeatAt: now - 40_000 })).toBeDefined();
    // The live one's process keeps beating; the other died.
    expect(await b.jobs.heartbeat(live.id, 'host:2:bbbbbbbb', now)).toBe(true);
    // A row from before heartbeats: running, no owner, no heartbeat.
    await a.jobs.update(old.id, { status: 'running' });

    expect(await b.jobs.hasLapsed(now - 30_000)).toBe(true);
    const requeued = await b.jobs.requeueLapsed(now - 30_000);
    expect(requeued.map((j) => j.id).sort()).toEqual([lapsed.id, old.id].sort());
    expect(await a.jobs.get(lapsed.id)).toMatchObject({ status: 'queued', owner: null, heartbeatAt: null });
    expect(await a.jobs.get(live.id)).toMatchObject({ status: 'running', owner: 'host:2:bbbbbbbb', heartbeatAt: now });
    expect(await a.jobs.requeueLapsed(now - 30_000)).toEqual([]);
    expect(await a.jobs.hasLapsed(now - 30_000)).toBe(false);
    expect([...(await a.jobs.runningOwners())]).toEqual([[live.id, 'host:2:bbbbbbbb']]);

    // The dead claim lost its job for good, even once it is claimed again by someone else.
    expect(await b.jobs.updateIf(lapsed.id, 'queued', { status: 'running', owner: 'host:2:cccccccc', heartbeatAt: now, progress: 0 })).toBeDefined();
    expect(await a.jobs.heartbeat(lapsed.id, 'host:1:aaaaaaaa', now)).toBe(false);
    expect(await a.jobs.isRunBy(lapsed.id, 'host:1:aaaaaaaa')).toBe(false);
    expect(await b.jobs.isRunBy(lapsed.id, 'host:2:cccccccc')).toBe(true);
    expect(await a.jobs.updateProgress(lapsed.id, 0.9, 'late', 'host:1:aaaaaaaa')).toBeUndefined();
    expect(await a.jobs.updateIf(lapsed.id, 'running', { status: 'done' }, 'host:1:aaaaaaaa')).toBeUndefined();
    expect(await a.jobs.get(lapsed.id)).toMatchObject({ status: 'running', owner: 'host:2:cccccccc', progress: 0 });
    // Cancelled from another process: the owner's next heartbeat says it lost the job.
    expect((await a.jobs.updateIf(live.id, 'running', { status: 'cancelled' }))?.status).toBe('cancelled');
    expect(await b.jobs.heartbeat(live.id, 'host:2:bbbbbbbb', now)).toBe(false);
  });

  it('a job created reserved is claimed by its creator only: no other claim, poll or candidate search sees it', async () => {
    const now = Date.now();
    const R = 'host:1:rrrrrrrr';
    // Every kind a one-shot runner queues.
    const jobs = [await a.jobs.create('separate', { trackId: 1 }, { owner: R, now }), await a.jobs.create('caption', { trackId: 1 }, { owner: R, now }), await a.jobs.create('train', { data: '/x', out: '/y' }, { owner: R, now })];
    for (const j of jobs) expect(j).toMatchObject({ status: 'queued', owner: R, heartbeatAt: now });
    // Another process polling the queue, claiming the next job, or looking for jobs to batch.
    expect(await b.jobs.hasQueued()).toBe(false);
    expect(await b.jobs.claimNext('host:2:bbbbbbbb', now)).toBeUndefined();
    expect(await b.jobs.queued('caption', 10)).toEqual([]);
    for (const j of jobs) expect(await b.jobs.claim(j.id, 'host:2:bbbbbbbb', now)).toBeUndefined();
    for (const j of jobs) expect(await b.jobs.claim(j.id, 'host:2:bbbbbbbb', now, 'host:2:not-r')).toBeUndefined();
    // Fresh: nothing lapsed, nothing released.
    expect(await b.jobs.hasLapsed(now - 30_000)).toBe(false);
    expect(await b.jobs.requeueLapsed(now - 30_000)).toEqual([]);
    for (const j of jobs) expect(await b.jobs.get(j.id)).toEqual(j);
    // Its creator claims each by id (a fresh claim owner per run), as for any queued job.
    for (const [i, j] of jobs.entries()) expect(await a.jobs.claim(j.id, `host:1:cccccc0${i}`, now, R)).toMatchObject({ status: 'running', owner: `host:1:cccccc0${i}`, detail: 'starting' });
    // A job nobody reserved is claimed by id with or without a reservation of one's own.
    const open = await a.jobs.create('separate', { trackId: 2 });
    expect(await b.jobs.hasQueued()).toBe(true);
    expect(await b.jobs.claim(open.id, 'host:2:dddddddd', now, 'host:2:eeeeeeee')).toMatchObject({ status: 'running', owner: 'host:2:dddddddd' });
  });

  it("a reservation goes to the queue when its creator releases it or stops beating (dies); never while it beats", async () => {
    const now = Date.now();
    const [dead, alive, leaving] = ['host:1:aaaaaaaa', 'host:1:bbbbbbbb', 'host:1:cccccccc'];
    const orphan = await a.jobs.create('separate', { trackId: 1 }, { owner: dead, now: now - 40_000 });
    const kept = await a.jobs.create('train', { data: '/x', out: '/y' }, { owner: alive, now: now - 40_000 });
    const handed = await a.jobs.create('caption', { trackId: 2 }, { owner: leaving, now });
    // The live creator beats: its reservation is fresh again.
    expect(await a.jobs.keepReserved(alive, now)).toBe(1);
    expect(await b.jobs.hasLapsed(now - 30_000)).toBe(true);
    const released = await b.jobs.requeueLapsed(now - 30_000);
    expect(released.map((j) => j.id)).toEqual([orphan.id]);
    expect(released[0]).toMatchObject({ status: 'queued', owner: null, heartbeatAt: null });
    expect(await b.jobs.hasLapsed(now - 30_000)).toBe(false);
    // Any runner may claim the released one now; the beating one's is still its own.
    expect((await b.jobs.claimNext('host:2:dddddddd', now))?.id).toBe(orphan.id);
    expect(await b.jobs.claimNext('host:2:eeeeeeee', now)).toBeUndefined();
    expect(await b.jobs.get(kept.id)).toMatchObject({ status: 'queued', owner: alive, heartbeatAt: now });
    // A creator that stops hands what it has not claimed to the queue at once.
    expect((await a.jobs.release(leaving)).map((j) => j.id)).toEqual([handed.id]);
    expect((await b.jobs.claimNext('host:2:ffffffff', now))?.id).toBe(handed.id);
    // A reserved job cancelled from another process is cancelled; its creator can no longer claim it.
    expect(await b.jobs.updateIf(kept.id, 'queued', { status: 'cancelled' })).toMatchObject({ status: 'cancelled' });
    expect(await a.jobs.claim(kept.id, 'host:1:gggggggg', now, alive)).toBeUndefined();
    expect(await a.jobs.keepReserved(alive, now)).toBe(0);
  });
});

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe.each(backends)('two studios on one library ($name)', (backend) => {
  /** A fresh library (a SQLite file or a PostgreSQL database) and a data folder for its files. */
  const library = async () => {
    const { store, target } = await backend.open();
    await store.close();
    return { dbPath: target, dataDir: path.join(tmp.dir, 'data') };
  };

  it('run the jobs either one queued, each exactly once, the idle one picking them up by polling', async () => {
    const lib = await library();
    const timing = { heartbeatMs: 200, lapseMs: 5000, pollMs: 100 };
    const one = await createStudio({ ...lib, jobTiming: timing });
    const two = await createStudio({ ...lib, jobTiming: timing });
    const a = studioStore(two);
    const claims = new Map<string, string[]>();
    const note = (who: string) => (j: Job) => {
      if (j.status === 'running' && j.detail === 'starting') claims.set(j.id, [...(claims.get(j.id) ?? []), who]);
    };
    one.on('jobUpdated', note('one'));
    two.on('jobUpdated', note('two'));
    try {
      const trackId = (await one.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
      const jobs: Job[] = [];
      for (let i = 0; i < 6; i++) jobs.push(await one.startSeparation({ trackId }));
      // Wait until every job has ended, as the library says (each studio only hears its own runs).
      const ended = async () => (await a.jobs.list()).every((j) => ['done', 'failed', 'cancelled'].includes(j.status));
      while (!(await ended())) await new Promise((r) => setTimeout(r, 100));
      for (const j of jobs) expect(await a.jobs.get(j.id), `job ${j.id}`).toMatchObject({ status: 'done', error: null });
      for (const j of jobs) expect(claims.get(j.id), `claims of ${j.id}`).toHaveLength(1);
      const by = [...claims.values()].map((w) => w[0]);
      expect(by).toContain('one');
      expect(by).toContain('two');
      // The track ends with one set of stems, whose files are all there.
      const stems = (await two.openTrack({ id: trackId })).stems;
      expect(stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    } finally {
      await one.close();
      await two.close();
    }
  }, 60_000);

  it('cancel a job the other one is running: it stops at its next heartbeat and records nothing', async () => {
    const lib = await library();
    const one = await createStudio({ ...lib, jobTiming: { heartbeatMs: 200, lapseMs: 5000, pollMs: 100 } });
    const two = await createStudio({ ...lib, runJobs: false });
    try {
      const song = pinkNoiseWav(path.join(tmp.dir, 'long.wav'), 60);
      const trackId = (await one.importPaths({ paths: [song] })).imported[0]!.id;
      const job = await one.startSeparation({ trackId });
      await waitForJob(one, job.id, (j) => j.status === 'running' && j.progress > 0.1);
      const ended = waitForJob(one, job.id);
      expect((await two.cancelJob({ id: job.id })).status).toBe('cancelled');
      expect((await ended).status).toBe('cancelled');
      expect((await one.openTrack({ id: trackId })).stems).toEqual([]);
      // Its run folder went with it.
      expect(fs.readdirSync(path.join(one.dataDir, 'stems'), { recursive: true })).toEqual([]);
    } finally {
      await one.close();
      await two.close();
    }
  }, 60_000);
});
