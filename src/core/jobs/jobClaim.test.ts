// The job queue shared by several processes, at the store level (two connections on one library
// file, as two processes have): a claim is one statement, so two claimers get distinct jobs and a
// job cancelled before it is claimed is never claimed; only jobs whose heartbeat has lapsed are
// re-queued; a claim that lost its job (cancelled or taken over elsewhere) can no longer write it.
// Then two studios on one library: jobs queued by one are run by both, each exactly once, and a
// job running in one can be cancelled from the other.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { openDb, type Db } from '../store/db';
import { claimNextJob, createJob, getJob, heartbeatJob, isJobRunBy, requeueLapsedJobs, updateJob, updateJobIf, updateJobProgress } from '../store/jobs';
import { createStudio } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';

let tmp: ReturnType<typeof tempDir>;
let a: Db;
let b: Db;
beforeEach(() => {
  tmp = tempDir();
  a = openDb(path.join(tmp.dir, 'lib.db'));
  b = openDb(path.join(tmp.dir, 'lib.db'));
});
afterEach(() => {
  a.close();
  b.close();
  tmp.cleanup();
});

describe('claiming jobs', () => {
  it('two claimers on one library get distinct jobs, each once', () => {
    const ids = [1, 2, 3].map((trackId) => createJob(a, 'separate', { trackId }).id);
    const now = Date.now();
    const first = claimNextJob(a, 'host:1:aaaaaaaa', now);
    const second = claimNextJob(b, 'host:2:bbbbbbbb', now);
    const third = claimNextJob(b, 'host:2:cccccccc', now);
    expect([first?.id, second?.id, third?.id].sort()).toEqual([...ids].sort());
    expect(first).toMatchObject({ status: 'running', owner: 'host:1:aaaaaaaa', heartbeatAt: now, detail: 'starting' });
    expect(getJob(a, second!.id)).toMatchObject({ status: 'running', owner: 'host:2:bbbbbbbb' });
    expect(claimNextJob(a, 'host:1:dddddddd', now)).toBeUndefined();
  });

  it('a job cancelled before it is claimed is never claimed', () => {
    const cancelled = createJob(a, 'separate', { trackId: 1 });
    const next = createJob(a, 'separate', { trackId: 2 });
    expect(updateJobIf(b, cancelled.id, 'queued', { status: 'cancelled' })?.status).toBe('cancelled');
    expect(claimNextJob(a, 'host:1:aaaaaaaa', Date.now())?.id).toBe(next.id);
    expect(claimNextJob(a, 'host:1:bbbbbbbb', Date.now())).toBeUndefined();
    expect(getJob(a, cancelled.id)?.status).toBe('cancelled');
  });
});

describe('re-queueing after a crash', () => {
  it('re-queues only jobs whose heartbeat has lapsed (or that have none), never a live one', () => {
    const now = Date.now();
    const lapsed = createJob(a, 'separate', { trackId: 1 });
    const live = createJob(a, 'separate', { trackId: 2 });
    const old = createJob(a, 'caption', { trackId: 3 });
    // (Claimed with updateJobIf here to pick which job each process gets.)
    expect(updateJobIf(a, lapsed.id, 'queued', { status: 'running', owner: 'host:1:aaaaaaaa', heartbeatAt: now - 40_000 })).toBeDefined();
    expect(updateJobIf(b, live.id, 'queued', { status: 'running', owner: 'host:2:bbbbbbbb', heartbeatAt: now - 40_000 })).toBeDefined();
    // The live one's process keeps beating; the other died.
    expect(heartbeatJob(b, live.id, 'host:2:bbbbbbbb', now)).toBe(true);
    // A row from before heartbeats: running, no owner, no heartbeat.
    updateJob(a, old.id, { status: 'running' });

    const requeued = requeueLapsedJobs(b, now - 30_000);
    expect(requeued.map((j) => j.id).sort()).toEqual([lapsed.id, old.id].sort());
    expect(getJob(a, lapsed.id)).toMatchObject({ status: 'queued', owner: null, heartbeatAt: null });
    expect(getJob(a, live.id)).toMatchObject({ status: 'running', owner: 'host:2:bbbbbbbb', heartbeatAt: now });
    expect(requeueLapsedJobs(a, now - 30_000)).toEqual([]);

    // The dead claim lost its job for good, even once it is claimed again by someone else.
    expect(updateJobIf(b, lapsed.id, 'queued', { status: 'running', owner: 'host:2:cccccccc', heartbeatAt: now, progress: 0 })).toBeDefined();
    expect(heartbeatJob(a, lapsed.id, 'host:1:aaaaaaaa', now)).toBe(false);
    expect(isJobRunBy(a, lapsed.id, 'host:1:aaaaaaaa')).toBe(false);
    expect(updateJobProgress(a, lapsed.id, 0.9, 'late', 'host:1:aaaaaaaa')).toBeUndefined();
    expect(updateJobIf(a, lapsed.id, 'running', { status: 'done' }, 'host:1:aaaaaaaa')).toBeUndefined();
    expect(getJob(a, lapsed.id)).toMatchObject({ status: 'running', owner: 'host:2:cccccccc', progress: 0 });
    // Cancelled from another process: the owner's next heartbeat says it lost the job.
    expect(updateJobIf(a, live.id, 'running', { status: 'cancelled' })?.status).toBe('cancelled');
    expect(heartbeatJob(b, live.id, 'host:2:bbbbbbbb', now)).toBe(false);
  });
});

describe('two studios on one library', () => {
  it('run the jobs either one queued, each exactly once, the idle one picking them up by polling', async () => {
    const dbPath = path.join(tmp.dir, 'lib.db');
    const timing = { heartbeatMs: 200, lapseMs: 5000, pollMs: 100 };
    const one = createStudio({ dbPath, jobTiming: timing });
    const two = createStudio({ dbPath, jobTiming: timing });
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
      const ended = () => jobs.every((j) => ['done', 'failed', 'cancelled'].includes(getJob(a, j.id)!.status));
      while (!ended()) await new Promise((r) => setTimeout(r, 100));
      for (const j of jobs) expect(getJob(a, j.id), `job ${j.id}`).toMatchObject({ status: 'done', error: null });
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
    const dbPath = path.join(tmp.dir, 'lib.db');
    const one = createStudio({ dbPath, jobTiming: { heartbeatMs: 200, lapseMs: 5000, pollMs: 100 } });
    const two = createStudio({ dbPath, runJobs: false });
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
