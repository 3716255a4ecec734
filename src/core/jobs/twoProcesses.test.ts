// Two processes running jobs on one library (the desktop app and `s2cap serve`, or two serves),
// on every back end (a SQLite file; a PostgreSQL database): a second studio opened while the first
// separates a track must not sweep the first one's run folder nor run its job again; a job whose
// process was killed is taken over by another studio only once its heartbeat has lapsed, which then
// sweeps what the killed run left; a one-shot runner (`s2cap separate`/`train`) killed mid-job
// leaves its job, and the one it queued behind it, to be taken over once their heartbeats lapse;
// and two studio processes sharing a queue of 20 real jobs
// (built-in separation and suggestions) run every job exactly once, one of them killed with
// SIGKILL mid-job, registering no stem or suggestion twice.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { decodeFile } from '../audio/decode';
import { openStore } from '../store/store';
import { createStudio, studioStore } from '../studio';
import { isClaim, isEnd, startChildStudio, type ChildStudio } from '../testing/childStudio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { testStores, type TestBackend } from '../testing/testStores';
import { tempDir } from '../testing/tmp';

const backends = testStores();
const SECONDS = 60;
let tmp: ReturnType<typeof tempDir>;
let song: string;
beforeAll(() => {
  tmp = tempDir();
  // Long enough (a few seconds of built-in separation) for a second studio to open mid-job.
  song = pinkNoiseWav(path.join(tmp.dir, 'long.wav'), SECONDS);
});
afterAll(() => tmp.cleanup());

interface Library {
  /** The library: a SQLite file or a postgres:// URL. */
  target: string;
  dataDir: string;
}

/** A fresh, empty library on `backend`, with a data folder of its own. */
async function emptyLibrary(backend: TestBackend, name: string): Promise<Library> {
  const { store, target } = await backend.open();
  await store.close();
  return { target, dataDir: path.join(tmp.dir, `${backend.name}-${name}`, 'data') };
}

/** A library with the song imported; no job has run. */
async function library(backend: TestBackend, name: string): Promise<Library & { trackId: number }> {
  const lib = await emptyLibrary(backend, name);
  const s = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, runJobs: false });
  try {
    return { ...lib, trackId: (await s.importPaths({ paths: [song] })).imported[0]!.id };
  } finally {
    await s.close();
  }
}

/** Process A: separates the track in a child studio (heartbeat every 200 ms), reporting each job update. */
function separateIn(lib: Library, trackId: number): ChildStudio {
  return startChildStudio({ target: lib.target, dataDir: lib.dataDir, separate: trackId, timing: { heartbeatMs: 200 } });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function expectWholeStems(lib: Library, trackId: number) {
  const look = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, runJobs: false });
  try {
    const stems = (await look.openTrack({ id: trackId })).stems;
    expect(stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    for (const s of stems) expect((await decodeFile(s.path)).channelData[0]!.length).toBe(SECONDS * 44100);
    // Nothing else in the stems folder: no run folder or temporary file left behind.
    expect(filesUnder(path.join(lib.dataDir, 'stems')).sort()).toEqual(stems.map((s) => s.path).sort());
  } finally {
    await look.close();
  }
}

describe.each(backends)('two processes running jobs on one library ($name)', (backend) => {
  it("a studio opened while another separates leaves that job and its files alone: it ends done, once, in A", async () => {
    const lib = await library(backend, 'live');
    const a = separateIn(lib, lib.trackId);
    try {
      const mid = await a.when((u) => u.status === 'running' && u.progress >= 0.2);
      const runFiles = filesUnder(path.join(lib.dataDir, 'stems'));
      expect(runFiles.length).toBeGreaterThan(0); // A is writing its stems

      // Studio B opens the same library to run jobs: start-up sweep, re-queueing, polling. Its
      // lapse is short (1.5 s) but A beats every 200 ms, so A's job is never taken to be dead.
      const b = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, jobTiming: { heartbeatMs: 200, lapseMs: 1500, pollMs: 100 } });
      const seenByB: Job[] = [];
      b.on('jobUpdated', (j) => seenByB.push(j));
      try {
        // B's start-up sweep ran inside createStudio: A's files are all still there.
        for (const f of runFiles) expect(fs.existsSync(f), f).toBe(true);
        const done = await a.when((u) => u.id === mid.id && isEnd(u));
        expect(done.status).toBe('done');
        // Give B a few more polls to misbehave (it must not pick the job up after it ended either).
        await new Promise((r) => setTimeout(r, 500));
        expect(seenByB.filter((j) => j.id === mid.id)).toEqual([]);
        const rows = await studioStore(b).jobs.list();
        expect(rows.map((j) => [j.id, j.status])).toEqual([[mid.id, 'done']]);
        expect(rows[0]!.owner).toMatch(new RegExp(`:${a.child.pid}:[0-9a-f]{8}$`));
      } finally {
        await b.close();
      }
      // A ran it exactly once: queued once (by A), one claim, one end.
      expect(a.updates.filter((u) => u.status === 'done')).toHaveLength(1);
      expect(a.updates.filter((u) => u.status === 'failed' || u.status === 'cancelled')).toEqual([]);
      expect(a.updates.findLastIndex((u) => u.status === 'queued')).toBe(0);
      expect(a.updates.filter((u, i) => u.status === 'running' && (i === 0 || a.updates[i - 1]!.status !== 'running'))).toHaveLength(1);
    } finally {
      await a.kill();
    }
    await expectWholeStems(lib, lib.trackId);
  }, 90_000);

  it('a job whose process was killed is taken over after its heartbeat lapses (not before), and its leftovers swept', async () => {
    const lib = await library(backend, 'killed');
    const a = separateIn(lib, lib.trackId);
    const mid = await a.when((u) => u.status === 'running' && u.progress >= 0.3);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const raw = await openStore(lib.target);
    const killed = (await raw.jobs.get(mid.id))!;
    await raw.close();
    expect(killed).toMatchObject({ status: 'running' });
    expect(killed.owner).toMatch(new RegExp(`:${a.child.pid}:`));
    const leftovers = filesUnder(path.join(lib.dataDir, 'stems'));
    expect(leftovers.length).toBeGreaterThan(0);

    const LAPSE = 3000;
    const b = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, jobTiming: { heartbeatMs: 200, lapseMs: LAPSE, pollMs: 100 } });
    try {
      let requeuedAt = 0;
      let leftAtRequeue = -1;
      b.on('jobUpdated', (j) => {
        if (j.id === mid.id && j.status === 'queued' && !requeuedAt) {
          requeuedAt = Date.now();
          leftAtRequeue = leftovers.filter((f) => fs.existsSync(f)).length;
        }
      });
      // Opened within the lapse (A's last heartbeat is under LAPSE ms old): nothing is touched yet.
      expect(Date.now()).toBeLessThan(killed.heartbeatAt! + LAPSE);
      expect(await studioStore(b).jobs.get(mid.id)).toMatchObject({ status: 'running', owner: killed.owner });
      for (const f of leftovers) expect(fs.existsSync(f), f).toBe(true);

      const done = await waitForJob(b, mid.id);
      expect(done.status, done.error ?? '').toBe('done');
      // Re-queued only once A's heartbeat had lapsed; the killed run's files were still there then.
      expect(requeuedAt).toBeGreaterThanOrEqual(killed.heartbeatAt! + LAPSE);
      expect(leftAtRequeue).toBe(leftovers.length);
      expect((await studioStore(b).jobs.get(mid.id))!.owner).toMatch(new RegExp(`:${process.pid}:`));
      for (const f of leftovers) expect(fs.existsSync(f), f).toBe(false);
    } finally {
      await b.close();
    }
    await expectWholeStems(lib, lib.trackId);
  }, 90_000);
});

describe.each(backends)('a one-shot runner killed mid-job ($name)', (backend) => {
  it('its running job and the one it queued behind it are taken over once their heartbeats lapse (not before)', async () => {
    const lib = await library(backend, 'one-shot');
    // Process A: a one-shot runner (runs only what it queues) separating the track, a second
    // separation of it queued behind (reserved for A, which keeps the reservation fresh).
    const a = startChildStudio({ target: lib.target, dataDir: lib.dataDir, runJobs: false, separate: [lib.trackId, lib.trackId], timing: { heartbeatMs: 200 } });
    const mid = await a.when((u) => u.status === 'running' && u.progress >= 0.3);
    const behind = await a.when((u) => u.status === 'queued' && u.id !== mid.id);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const raw = await openStore(lib.target);
    const [killed, waiting] = [(await raw.jobs.get(mid.id))!, (await raw.jobs.get(behind.id))!];
    await raw.close();
    expect(killed).toMatchObject({ status: 'running' });
    expect(killed.owner).toMatch(new RegExp(`:${a.child.pid}:`));
    expect(waiting).toMatchObject({ status: 'queued' });
    expect(waiting.owner).toMatch(new RegExp(`:${a.child.pid}:`)); // reserved by A

    const LAPSE = 3000;
    const b = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, jobTiming: { heartbeatMs: 200, lapseMs: LAPSE, pollMs: 100 } });
    try {
      const requeuedAt = new Map<string, number>();
      b.on('jobUpdated', (j) => {
        if (j.status === 'queued' && !requeuedAt.has(j.id)) requeuedAt.set(j.id, Date.now());
      });
      const ends = [waitForJob(b, mid.id), waitForJob(b, behind.id)];
      // Opened within the lapse: both are still A's.
      expect(Date.now()).toBeLessThan(Math.min(killed.heartbeatAt!, waiting.heartbeatAt!) + LAPSE);
      expect(await studioStore(b).jobs.get(mid.id)).toMatchObject({ status: 'running', owner: killed.owner });
      expect(await studioStore(b).jobs.get(behind.id)).toMatchObject({ status: 'queued', owner: waiting.owner });

      for (const end of await Promise.all(ends)) expect(end.status, end.error ?? '').toBe('done');
      // Each went back to the queue only once its heartbeat had lapsed, and then B ran it.
      expect(requeuedAt.get(mid.id)).toBeGreaterThanOrEqual(killed.heartbeatAt! + LAPSE);
      expect(requeuedAt.get(behind.id)).toBeGreaterThanOrEqual(waiting.heartbeatAt! + LAPSE);
      for (const id of [mid.id, behind.id]) expect((await studioStore(b).jobs.get(id))!.owner).toMatch(new RegExp(`:${process.pid}:`));
      // A claimed only the first.
      expect(a.updates.filter(isClaim).map((u) => u.id)).toEqual([mid.id]);
    } finally {
      await b.close();
    }
    await expectWholeStems(lib, lib.trackId);
  }, 120_000);
});

/** A short stereo track, distinct per `n` (pink noise left, a sine right), made with sox. */
function shortTrack(n: number, seconds: number): string {
  const file = path.join(tmp.dir, `take-${n}-${seconds}s.wav`);
  if (!fs.existsSync(file)) execFileSync('sox', ['-R', '-n', '-r', '44100', '-c', '2', '-b', '16', file, 'synth', String(seconds), 'pinknoise', 'sine', String(220 + 30 * n), 'vol', '0.3']);
  return file;
}

describe.each(backends)('two studio processes sharing one queue of 20 jobs ($name)', (backend) => {
  it('run every job exactly once; one killed mid-job has its job taken over after the lapse; nothing registered twice', async () => {
    const lib = await emptyLibrary(backend, 'queue');
    const LAPSE = 2500;
    const timing = { heartbeatMs: 200, lapseMs: LAPSE, pollMs: 100 };
    // This (test) process only queues jobs and looks: its studio runs none (its runner is stopped).
    const q = await createStudio({ dbPath: lib.target, dataDir: lib.dataDir, runJobs: false });
    await q.jobs.stop();
    const children: ChildStudio[] = [];
    try {
      // 10 tracks with one segment each: track 0 long enough (40 s) to be killed mid-separation,
      // the others 8 s. Jobs: separate track 0 first (claimed first), then the other 9, then a
      // built-in suggestion for every track's segment: 20 jobs.
      const tracks = (await q.importPaths({ paths: Array.from({ length: 10 }, (_, n) => shortTrack(n, n === 0 ? 40 : 8)) })).imported.map((t) => t.id);
      expect(tracks).toHaveLength(10);
      const segments = new Map<number, number>();
      for (const trackId of tracks) segments.set(trackId, (await q.createSegment({ trackId, startSec: 1, endSec: 6 })).id);

      // Two studio processes on the library, both idle and polling before anything is queued.
      for (let i = 0; i < 2; i++) children.push(startChildStudio({ target: lib.target, dataDir: lib.dataDir, timing }));
      await Promise.all(children.map((c) => c.ready));
      const jobs: Job[] = [];
      for (const trackId of tracks) jobs.push(await q.startSeparation({ trackId }));
      for (const trackId of tracks) jobs.push(await q.startCaptioning({ trackId }));
      expect(jobs).toHaveLength(20);
      const long = jobs[0]!;

      // Kill whichever process is separating the long track, once it is a fifth of the way through.
      const mid = await Promise.race(children.map((c, i) => c.when((u) => u.id === long.id && u.status === 'running' && u.progress >= 0.2).then(() => i)));
      const [killed, survivor] = mid === 0 ? [children[0]!, children[1]!] : [children[1]!, children[0]!];
      expect(await killed.kill()).toBe('SIGKILL');
      const lost = (await studioStore(q).jobs.get(long.id))!;
      expect(lost).toMatchObject({ status: 'running' });
      expect(lost.owner).toMatch(new RegExp(`:${killed.child.pid}:`));

      // The survivor works through the queue, takes the killed job over once its heartbeat has
      // lapsed (re-queues it, then claims it), and finishes it.
      const requeued = await survivor.when((u) => u.id === long.id && u.status === 'queued');
      expect(requeued.at).toBeGreaterThanOrEqual(lost.heartbeatAt! + LAPSE);
      const ends = await Promise.all(jobs.map((j) => Promise.any(children.map((c) => c.when((u) => u.id === j.id && isEnd(u))))));
      for (const [i, e] of ends.entries()) expect(e.status, `job ${i}: ${e.error ?? ''}`).toBe('done');

      // Every job ended once, in one process; claimed once, but for the killed one: by the killed
      // process, then by the survivor.
      const all = children.flatMap((c) => c.updates);
      for (const j of jobs) {
        expect(all.filter((u) => u.id === j.id && isEnd(u)), `ends of job ${j.id}`).toHaveLength(1);
        expect(all.filter((u) => u.id === j.id && isClaim(u)), `claims of job ${j.id}`).toHaveLength(j.id === long.id ? 2 : 1);
      }
      expect(killed.updates.filter((u) => u.id === long.id && isClaim(u))).toHaveLength(1);
      expect(survivor.updates.filter((u) => u.id === long.id && isClaim(u))).toHaveLength(1);
      expect(survivor.updates.some((u) => u.id === long.id && u.status === 'done')).toBe(true);
      // Both processes ran jobs (the killed one at least the long one, the other the rest).
      expect(killed.updates.some(isClaim) && survivor.updates.some(isClaim)).toBe(true);

      // The library: every job done, run by the survivor or (all but the long one) the killed process.
      const store = studioStore(q);
      for (const j of jobs) expect(await store.jobs.get(j.id), `job ${j.id}`).toMatchObject({ status: 'done', error: null });
      expect((await store.jobs.get(long.id))!.owner).toMatch(new RegExp(`:${survivor.child.pid}:`));
      // No stem or suggestion registered twice: two stems per track, one suggestion per segment;
      // and on disk exactly the registered stem files (the killed run's folder was swept).
      const stemFiles: string[] = [];
      for (const trackId of tracks) {
        const stems = await store.stems.list(trackId);
        expect(stems.map((s) => s.name), `stems of track ${trackId}`).toEqual(['vocals', 'accompaniment']);
        stemFiles.push(...stems.map((s) => s.path));
        expect([...(await store.suggestions.countPerSegment(trackId))], `suggestions of track ${trackId}`).toEqual([[segments.get(trackId)!, 1]]);
      }
      expect(filesUnder(path.join(lib.dataDir, 'stems')).sort()).toEqual(stemFiles.sort());
    } finally {
      for (const c of children) await c.kill();
      await q.close();
    }
  }, 120_000);
});
