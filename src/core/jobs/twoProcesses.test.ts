// Two processes running jobs on one library (the desktop app and `s2cap serve`, or two serves):
// a second studio opened while the first separates a track must not sweep the first one's run
// folder nor run its job again; and a job whose process was killed is taken over by another
// studio only once its heartbeat has lapsed, which then sweeps what the killed run left.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/types';
import { decodeFile } from '../audio/decode';
import { openStore } from '../store/store';
import { createStudio, studioStore } from '../studio';
import { pinkNoiseWav, waitForJob } from '../testing/jobs';
import { tempDir } from '../testing/tmp';

const REPO = path.resolve(__dirname, '../../..');
const SECONDS = 60;
let tmp: ReturnType<typeof tempDir>;
let song: string;
beforeAll(() => {
  tmp = tempDir();
  // Long enough (a few seconds of built-in separation) for a second studio to open mid-job.
  song = pinkNoiseWav(path.join(tmp.dir, 'long.wav'), SECONDS);
});
afterAll(() => tmp.cleanup());

interface Update {
  id: string;
  status: Job['status'];
  progress: number;
}

/** A library with the song imported; no job has run. */
async function library(name: string): Promise<{ dbPath: string; dataDir: string; trackId: number }> {
  const dbPath = path.join(tmp.dir, name, 'library.s2cap.db');
  const s = await createStudio({ dbPath, runJobs: false });
  try {
    return { dbPath, dataDir: s.dataDir, trackId: (await s.importPaths({ paths: [song] })).imported[0]!.id };
  } finally {
    await s.close();
  }
}

/** Process A: separates the track in a child process (heartbeat every 200 ms), reporting each job update. */
function separateInChild(dbPath: string, trackId: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'src/core/testing/separateInChild.ts'), dbPath, String(trackId), JSON.stringify({ heartbeatMs: 200 })],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const updates: Update[] = [];
  const waiters: (() => void)[] = [];
  let err = '';
  let buf = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      updates.push(JSON.parse(buf.slice(0, nl)) as Update);
      buf = buf.slice(nl + 1);
    }
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  /** Resolves with the first update that matches; rejects if the child ends first. */
  const when = (pred: (u: Update) => boolean) =>
    new Promise<Update>((resolve, reject) => {
      const check = () => {
        const u = updates.find(pred);
        if (!u) return;
        waiters.splice(waiters.indexOf(check), 1);
        resolve(u);
      };
      waiters.push(check);
      check();
      void exited.then(() => reject(new Error(`process A ended first: ${err}`)));
    });
  return { child: child as ChildProcess, updates, when, exited };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function expectWholeStems(dbPath: string, dataDir: string, trackId: number) {
  const look = await createStudio({ dbPath, runJobs: false });
  try {
    const stems = (await look.openTrack({ id: trackId })).stems;
    expect(stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
    for (const s of stems) expect((await decodeFile(s.path)).channelData[0]!.length).toBe(SECONDS * 44100);
    // Nothing else in the stems folder: no run folder or temporary file left behind.
    expect(filesUnder(path.join(dataDir, 'stems')).sort()).toEqual(stems.map((s) => s.path).sort());
  } finally {
    await look.close();
  }
}

describe('two processes running jobs on one library', () => {
  it("a studio opened while another separates leaves that job and its files alone: it ends done, once, in A", async () => {
    const lib = await library('live');
    const a = separateInChild(lib.dbPath, lib.trackId);
    try {
      const mid = await a.when((u) => u.status === 'running' && u.progress >= 0.2);
      const runFiles = filesUnder(path.join(lib.dataDir, 'stems'));
      expect(runFiles.length).toBeGreaterThan(0); // A is writing its stems

      // Studio B opens the same library to run jobs: start-up sweep, re-queueing, polling. Its
      // lapse is short (1.5 s) but A beats every 200 ms, so A's job is never taken to be dead.
      const b = await createStudio({ dbPath: lib.dbPath, jobTiming: { heartbeatMs: 200, lapseMs: 1500, pollMs: 100 } });
      const seenByB: Job[] = [];
      b.on('jobUpdated', (j) => seenByB.push(j));
      try {
        // B's start-up sweep ran inside createStudio: A's files are all still there.
        for (const f of runFiles) expect(fs.existsSync(f), f).toBe(true);
        const done = await a.when((u) => u.id === mid.id && ['done', 'failed', 'cancelled'].includes(u.status));
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
      a.child.kill('SIGKILL');
      await a.exited;
    }
    await expectWholeStems(lib.dbPath, lib.dataDir, lib.trackId);
  }, 90_000);

  it('a job whose process was killed is taken over after its heartbeat lapses (not before), and its leftovers swept', async () => {
    const lib = await library('killed');
    const a = separateInChild(lib.dbPath, lib.trackId);
    const mid = await a.when((u) => u.status === 'running' && u.progress >= 0.3);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const raw = await openStore(lib.dbPath);
    const killed = (await raw.jobs.get(mid.id))!;
    await raw.close();
    expect(killed).toMatchObject({ status: 'running' });
    expect(killed.owner).toMatch(new RegExp(`:${a.child.pid}:`));
    const leftovers = filesUnder(path.join(lib.dataDir, 'stems'));
    expect(leftovers.length).toBeGreaterThan(0);

    const LAPSE = 3000;
    const b = await createStudio({ dbPath: lib.dbPath, jobTiming: { heartbeatMs: 200, lapseMs: LAPSE, pollMs: 100 } });
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
    await expectWholeStems(lib.dbPath, lib.dataDir, lib.trackId);
  }, 90_000);
});
