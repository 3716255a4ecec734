// Caption jobs of several tracks share one model run (issue 13, item 3): queued caption jobs that
// can share the captioner are claimed together and their segments go through ONE worker call, yet
// every job is recorded as its own — the same suggestions as a job run alone, its own progress
// with captions/s, and a job that is cancelled or whose audio cannot be read ends alone while the
// others complete. On every back end (the claim of a companion job is SQL of its own).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../shared/types';
import { createStudio, studioStore, type Studio } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { PackRegistry } from '../inference/packs/registry';
import { SegmentsRepo } from '../store/segments';
import { WorkerPool } from '../worker/pool';
import { JobWrites } from './jobWrites';
import type { JobPayload } from './jobRunner';

const PACK = path.resolve(__dirname, '../../../test/fixtures/packs/tiny-captioner');
const backends = testStores();
const EP = { encoder: 'cpu', decoder: 'cpu', separator: 'cpu', threads: 0 } as const;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  vi.restoreAllMocks();
  tmp.cleanup();
});

/** Worker tasks run by any studio in this test file, with their arguments. */
function spyTasks() {
  const calls: { task: string; args: Record<string, unknown> }[] = [];
  const run = WorkerPool.prototype.run;
  const spy = vi.spyOn(WorkerPool.prototype, 'run').mockImplementation(function (this: WorkerPool, task, args, opts) {
    calls.push({ task, args: args as Record<string, unknown> });
    return run.call(this, task, args, opts) as never;
  });
  return { calls, spy, run };
}

describe.each(backends)('caption jobs batched across tracks ($name)', (backend) => {
  /**
   * A library with the tiny captioner active and three tracks of 1, 2 and 1 segments (one model
   * batch of 4 holds them all), whose caption jobs are queued (not yet run); then a studio that
   * runs the queue. `numBeams` differs for the jobs listed in `otherBeams`.
   */
  async function queued(opts: { otherBeams?: number[] } = {}) {
    const lib = await library();
    const setup = await createStudio({ ...lib, runJobs: false });
    await setup.installPack({ path: PACK });
    await setup.usePack({ role: 'captioner', id: 'tiny-captioner@1.0.0' });
    const tracks: { id: number; path: string; segments: number[] }[] = [];
    for (const [i, spans] of [[[0, 5]], [[0, 5], [5, 10]], [[2, 7]]].entries()) {
      const file = pinkNoiseWav(path.join(tmp.dir, `song${i}.wav`), 11 + i);
      const t = (await setup.importPaths({ paths: [file] })).imported[0]!;
      const segments: number[] = [];
      for (const [startSec, endSec] of spans) segments.push((await setup.createSegment({ trackId: t.id, startSec: startSec!, endSec: endSec! })).id);
      tracks.push({ id: t.id, path: t.path, segments });
    }
    // Queued through the store, so that no runner starts one before the others are queued.
    const jobs: string[] = [];
    for (const [i, t] of tracks.entries()) {
      const payload: JobPayload = { trackId: t.id, pack: null, ep: EP, numBeams: opts.otherBeams?.includes(i) ? 1 : 2 };
      jobs.push((await studioStore(setup).jobs.create('caption', payload)).id);
      await new Promise((r) => setTimeout(r, 5)); // queued in this order (creation times differ)
    }
    await setup.close();
    return { lib, tracks, jobs };
  }

  /** A fresh library on this back end (its store closed again): what createStudio opens. */
  async function library() {
    const { store, target } = await backend.open();
    await store.close();
    return { dbPath: target, dataDir: path.join(tmp.dir, 'data') };
  }

  /** A studio running the queue on a fresh library with one track (`name`.wav, 6 s) and one segment of it (0–5 s). */
  async function oneSegment(name: string) {
    studio = await createStudio(await library());
    const track = (await studio.importPaths({ paths: [pinkNoiseWav(path.join(tmp.dir, `${name}.wav`), 6)] })).imported[0]!;
    const segment = await studio.createSegment({ trackId: track.id, startSec: 0, endSec: 5 });
    return { studio, track, segment };
  }

  const ended = (s: Studio, ids: string[]) => Promise.all(ids.map((id) => waitForJob(s, id)));
  let studio: Studio | undefined;
  afterEach(async () => {
    await studio?.close();
    studio = undefined;
  });

  it('runs the queued caption jobs of three tracks in one worker call, each recorded as a job run alone would be', async () => {
    const { lib, tracks, jobs } = await queued();
    const { calls } = spyTasks();
    studio = await createStudio(lib);
    const done = await ended(studio, jobs);
    expect(done.map((j) => j.status)).toEqual(['done', 'done', 'done']);
    const captionCalls = calls.filter((c) => c.task.startsWith('caption'));
    expect(captionCalls.map((c) => c.task)).toEqual(['captionFiles']);
    expect((captionCalls[0]!.args.files as { file: string; segments: unknown[] }[]).map((f) => [f.file, f.segments.length])).toEqual(tracks.map((t) => [t.path, t.segments.length]));
    // Each job says the run's captions/s (its progress says it while it runs).
    expect(done.map((j) => j.detail!.replace(/ [\d.]+ captions\/s/, ' RATE captions/s'))).toEqual(
      tracks.map((t) => `${t.segments.length} suggestion${t.segments.length > 1 ? 's' : ''} by tiny-captioner (encoder cpu, decoder cpu) · RATE captions/s (batched with 2 other tracks)`),
    );

    const batched = await Promise.all(tracks.map(async (t) => (await studio!.openTrack({ id: t.id })).suggestions));
    expect(batched.map((s) => s.map((x) => x.segmentId))).toEqual(tracks.map((t) => t.segments));
    // The same jobs run one at a time (nothing else queued: each runs alone, as a group of one
    // through the same worker task), each showing its own progress and rate, nothing of batching.
    calls.length = 0;
    const details = new Map<string, string[]>();
    const progress = JobWrites.prototype.progress;
    vi.spyOn(JobWrites.prototype, 'progress').mockImplementation(function (this: JobWrites, id, fraction, detail, ...rest) {
      details.set(id, [...(details.get(id) ?? []), detail ?? '']);
      return progress.call(this, id, fraction, detail, ...rest);
    });
    for (const t of tracks) {
      const job = await waitForJob(studio, (await studio.startCaptioning({ trackId: t.id, numBeams: 2 })).id);
      expect(job.status).toBe('done');
      const n = t.segments.length;
      expect(job.detail!.replace(/ [\d.]+ captions\/s/, ' RATE captions/s')).toBe(`${n} suggestion${n > 1 ? 's' : ''} by tiny-captioner (encoder cpu, decoder cpu) · RATE captions/s`);
      expect(details.get(job.id)).toContainEqual(expect.stringMatching(new RegExp(`^captioned ${n}/${n} · [\\d.]+ captions/s$`)));
      expect(details.get(job.id)!.filter((d) => /batched/.test(d))).toEqual([]);
    }
    const alone = calls.filter((c) => c.task.startsWith('caption'));
    expect(alone.map((c) => c.task)).toEqual(['captionFiles', 'captionFiles', 'captionFiles']);
    expect(alone.map((c) => (c.args.files as { file: string }[]).map((f) => f.file))).toEqual(tracks.map((t) => [t.path]));
    for (const [i, t] of tracks.entries()) {
      const alone = (await studio.openTrack({ id: t.id })).suggestions.filter((s) => !batched[i]!.some((b) => b.id === s.id));
      expect(alone.map((s) => s.text)).toEqual(batched[i]!.map((s) => s.text));
      alone.forEach((s, k) => {
        expect(s.score).toBeCloseTo(batched[i]![k]!.score!, 4);
        expect(s.tokenLogprobs).toHaveLength(batched[i]![k]!.tokenLogprobs.length);
      });
      expect((await studio.getTrack({ id: t.id })).status).toBe('captioned');
    }
  }, 60_000);

  it('batches only jobs that can share the model run (the same beams), reading no other job\'s segments', async () => {
    const { lib, tracks, jobs } = await queued({ otherBeams: [1] });
    const { calls } = spyTasks();
    const listed = vi.spyOn(SegmentsRepo.prototype, 'list');
    studio = await createStudio(lib);
    expect((await ended(studio, jobs)).map((j) => j.status)).toEqual(['done', 'done', 'done']);
    const runs = calls.filter((c) => c.task.startsWith('caption'));
    // Jobs 0 and 2 (2 beams) together; job 1 (greedy) alone.
    expect(runs.map((c) => [c.task, c.args.numBeams])).toEqual([
      ['captionFiles', 2],
      ['captionFiles', 1],
    ]);
    // Each job's segments read once, when it is planned to run: job 1's not while looking for
    // jobs to batch with job 0 (it cannot share that run).
    expect(tracks.map((t) => listed.mock.calls.filter(([id]) => id === t.id).length)).toEqual([1, 1, 1]);
  }, 60_000);

  it('a job whose audio cannot be read fails alone; the others complete', async () => {
    const { lib, tracks, jobs } = await queued();
    fs.writeFileSync(tracks[1]!.path, 'not audio at all');
    studio = await createStudio(lib);
    const [a, b, c] = await ended(studio, jobs);
    expect([a!.status, b!.status, c!.status]).toEqual(['done', 'failed', 'done']);
    expect(b!.error).toContain(tracks[1]!.path);
    expect((await studio.openTrack({ id: tracks[1]!.id })).suggestions).toEqual([]);
    for (const t of [tracks[0]!, tracks[2]!]) expect((await studio.openTrack({ id: t.id })).suggestions.map((s) => s.segmentId)).toEqual(t.segments);
  }, 60_000);

  it('a job cancelled while the group runs ends cancelled, recording nothing; the others complete', async () => {
    const { lib, tracks, jobs } = await queued();
    const { spy, run } = spyTasks();
    let cancelled: Promise<Job> | undefined;
    spy.mockImplementation(function (this: WorkerPool, task, args, opts) {
      // The group's worker call is about to start: every member is running. Cancel the middle one.
      if (task === 'captionFiles') cancelled = studio!.cancelJob({ id: jobs[1]! });
      return run.call(this, task, args, opts) as never;
    });
    // What is written for the cancelled job, in order: after its end, nothing (the group runs on).
    const writes: string[] = [];
    const { progress, transition } = JobWrites.prototype;
    vi.spyOn(JobWrites.prototype, 'progress').mockImplementation(function (this: JobWrites, id, ...rest) {
      if (id === jobs[1]) writes.push('progress');
      return progress.call(this, id, ...rest);
    });
    vi.spyOn(JobWrites.prototype, 'transition').mockImplementation(function (this: JobWrites, id, patch, ...rest) {
      if (id === jobs[1]) writes.push(patch.status ?? 'update');
      return transition.call(this, id, patch, ...rest);
    });
    studio = await createStudio(lib);
    const [a, b, c] = await ended(studio, jobs);
    await new Promise((r) => setTimeout(r, 300)); // a progress write held back by the throttle would be due by now
    expect(writes.slice(writes.indexOf('cancelled'))).toEqual(['cancelled']);
    expect((await cancelled)?.id).toBe(jobs[1]);
    expect([a!.status, b!.status, c!.status]).toEqual(['done', 'cancelled', 'done']);
    expect((await studio.openTrack({ id: tracks[1]!.id })).suggestions).toEqual([]);
    for (const t of [tracks[0]!, tracks[2]!]) expect((await studio.openTrack({ id: t.id })).suggestions.map((s) => s.segmentId)).toEqual(t.segments);
    expect(await studioStore(studio).jobs.get(jobs[1]!)).toMatchObject({ status: 'cancelled' });
  }, 60_000);

  it('a built-in suggester job (not batched) is planned once: its pack looked up once', async () => {
    const { studio, track } = await oneSegment('alone');
    const choose = vi.spyOn(PackRegistry.prototype, 'choose');
    const job = await waitForJob(studio, (await studio.startCaptioning({ trackId: track.id })).id);
    expect(job.status).toBe('done');
    expect(job.detail).toMatch(/by the built-in suggester/);
    expect(choose.mock.calls.filter(([role]) => role === 'captioner')).toHaveLength(1);
  }, 60_000);

  it('a pack folder named when queuing is checked then (its graphs opened), not again when this process runs the job', async () => {
    const { studio, track: t, segment: seg } = await oneSegment('folder');
    const folder = path.join(tmp.dir, 'my-captioner'); // never checked before in this process
    fs.cpSync(PACK, folder, { recursive: true });
    const opened = vi.spyOn(ort.InferenceSession, 'create'); // the check's; the model runs in the worker
    const queued = await studio.startCaptioning({ trackId: t.id, pack: folder, numBeams: 1 });
    const atQueue = opened.mock.calls.length;
    expect(atQueue).toBeGreaterThan(0);
    const job = await waitForJob(studio, queued.id);
    expect(job.status).toBe('done');
    expect((await studio.openTrack({ id: t.id })).suggestions.map((s) => [s.segmentId, s.pack])).toEqual([[seg.id, 'tiny-captioner@1.0.0']]);
    expect(opened.mock.calls.length).toBe(atQueue);
    opened.mockRestore();
  }, 60_000);

  it('a studio closing while a group runs puts every job of the group back in the queue', async () => {
    const { lib, jobs } = await queued();
    const { spy } = spyTasks();
    let started!: () => void;
    const inWorker = new Promise<void>((r) => (started = r));
    // The worker call never ends by itself: only the shutdown's cancel ends it.
    spy.mockImplementation((task, _args, opts) => {
      if (task !== 'captionFiles') throw new Error(`unexpected task ${task}`);
      started();
      return new Promise((_, reject) => opts?.signal?.addEventListener('abort', () => reject(new Error('cancelled')))) as never;
    });
    studio = await createStudio(lib);
    await inWorker;
    await studio.close();
    studio = undefined;
    const store = await backend.reopen(lib.dbPath);
    for (const id of jobs) expect(await store.jobs.get(id)).toMatchObject({ status: 'queued', owner: null });
  }, 60_000);
});
