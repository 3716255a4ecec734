// Re-running separation never damages the stems a track already has (issue 7, item 2): a
// cancelled or kill -9'd second run leaves the first run's stem files byte-identical, registered
// and decodable in full, and no half-written file behind (the next studio sweeps what a killed
// process left, once that process's heartbeat has lapsed); a completed run replaces the files and
// removes the old ones.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Stem } from '../../shared/types';
import { decodeFile } from '../audio/decode';
import { createStudio, type Studio } from '../studio';
import { startChildStudio } from '../testing/childStudio';
import { tempDir } from '../testing/tmp';

const SECONDS = 60;
const RATE = 44100;
let tmp: ReturnType<typeof tempDir>;
let song: string;
beforeAll(() => {
  tmp = tempDir();
  // Long enough (about 4 s of built-in separation here) to stop a run half-way through.
  song = path.join(tmp.dir, 'long.wav');
  execFileSync('sox', ['-R', '-n', '-r', String(RATE), '-c', '2', '-b', '16', song, 'synth', String(SECONDS), 'pinknoise', 'vol', '0.3']);
});
afterAll(() => tmp.cleanup());

function waitFor(s: Studio, id: string | null, pred: (j: Job) => boolean): Promise<Job> {
  return new Promise((resolve) => {
    const off = s.on('jobUpdated', (j) => {
      if ((id === null || j.id === id) && pred(j)) {
        off();
        resolve(j);
      }
    });
  });
}
const ended = (j: Job) => j.status === 'done' || j.status === 'failed' || j.status === 'cancelled';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under the library's stems folder, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** A library with the song imported and separated once; returns its first stems and their hashes. */
async function separatedLibrary(name: string) {
  // The data folder is the library file's folder, as for a user's library.
  const dbPath = path.join(tmp.dir, name, 'library.s2cap.db');
  const studio = await createStudio({ dbPath });
  const trackId = (await studio.importPaths({ paths: [song] })).imported[0]!.id;
  const job = await studio.startSeparation({ trackId });
  const done = await waitFor(studio, job.id, ended);
  expect(done.status, done.error ?? '').toBe('done');
  const stems = (await studio.openTrack({ id: trackId })).stems;
  expect(stems.map((s) => s.name)).toEqual(['vocals', 'accompaniment']);
  const hashes = stems.map((s) => sha256(s.path));
  return { studio, dbPath, dataDir: studio.dataDir, trackId, stems, hashes };
}

/** The stems the track has are exactly `expected` (same rows, same bytes), each decodes to the
 *  whole song, and nothing else lies in the stems folder (no temporary or orphaned files). */
async function expectStemsIntact(studio: Studio, trackId: number, expected: Stem[], hashes: string[]) {
  const now = (await studio.openTrack({ id: trackId })).stems;
  expect(now.map((s) => [s.id, s.name, s.path])).toEqual(expected.map((s) => [s.id, s.name, s.path]));
  expect(now.map((s) => sha256(s.path))).toEqual(hashes);
  for (const s of now) {
    const pcm = await decodeFile(s.path);
    expect(pcm.channelData).toHaveLength(2);
    expect(pcm.channelData[0]!.length).toBe(SECONDS * RATE);
  }
  expect(filesUnder(path.join(studio.dataDir, 'stems')).sort()).toEqual(now.map((s) => s.path).sort());
}

describe('re-separating a track', () => {
  it('a cancelled second run leaves the first stems registered, byte-identical and whole', async () => {
    const lib = await separatedLibrary('cancel');
    try {
      const again = await lib.studio.startSeparation({ trackId: lib.trackId });
      await waitFor(lib.studio, again.id, (j) => j.status === 'running' && j.progress >= 0.3);
      await lib.studio.cancelJob({ id: again.id });
      const done = await waitFor(lib.studio, again.id, ended);
      expect(done.status).toBe('cancelled');
      await expectStemsIntact(lib.studio, lib.trackId, lib.stems, lib.hashes);
      // The media server can still serve them.
      for (const s of lib.stems) expect((await lib.studio.media('stem', s.id)).size).toBe(fs.statSync(s.path).size);
    } finally {
      await lib.studio.close();
    }
  }, 60_000);

  it('a completed second run replaces the files in one step and removes the old ones, never a file the user attached', async () => {
    const lib = await separatedLibrary('replace');
    try {
      // The user attaches their own vocals from elsewhere; the studio's old vocals file is now unused.
      const mine = path.join(tmp.dir, 'my-vocals.wav');
      fs.copyFileSync(lib.stems[0]!.path, mine);
      await lib.studio.attachStem({ trackId: lib.trackId, name: 'vocals', path: mine });
      const again = await lib.studio.startSeparation({ trackId: lib.trackId });
      expect((await waitFor(lib.studio, again.id, ended)).status).toBe('done');
      const now = (await lib.studio.openTrack({ id: lib.trackId })).stems;
      // Same rows (ids), new files.
      expect(now.map((s) => [s.id, s.name])).toEqual(lib.stems.map((s) => [s.id, s.name]));
      for (const [i, s] of now.entries()) {
        expect(s.path).not.toBe(lib.stems[i]!.path);
        expect(fs.existsSync(lib.stems[i]!.path)).toBe(false);
        // The built-in separator is deterministic: the new files hold the same audio.
        expect(sha256(s.path)).toBe(lib.hashes[i]);
      }
      expect(sha256(mine)).toBe(lib.hashes[0]);
      // Nothing but the new stems is left in the stems folder (the old run folder went too).
      await expectStemsIntact(lib.studio, lib.trackId, now, lib.hashes);
    } finally {
      await lib.studio.close();
    }
  }, 60_000);

  it('a second run killed with SIGKILL while writing leaves the first stems whole; the next studio sweeps its files', async () => {
    const lib = await separatedLibrary('kill');
    await lib.studio.close();
    const child = startChildStudio({ target: lib.dbPath, separate: lib.trackId, timing: { heartbeatMs: 200 } });
    // Kill it once its progress shows stems being written (a third of the way through).
    const killedAt = (await child.when((u) => u.status === 'running' && u.progress >= 0.3)).progress;
    expect(await child.kill()).toBe('SIGKILL');
    expect(killedAt).toBeLessThan(1);

    const stemsDir = path.join(lib.dataDir, 'stems');
    const leftovers = () => filesUnder(stemsDir).filter((f) => !lib.stems.some((s) => s.path === f));
    // It died mid-write, but not in the registered files: they are as they were.
    const look = await createStudio({ dbPath: lib.dbPath, runJobs: false });
    try {
      const now = (await look.openTrack({ id: lib.trackId })).stems;
      expect(now.map((s) => [s.id, s.path])).toEqual(lib.stems.map((s) => [s.id, s.path]));
      expect(now.map((s) => sha256(s.path))).toEqual(lib.hashes);
      for (const s of now) expect((await decodeFile(s.path)).channelData[0]!.length).toBe(SECONDS * RATE);
    } finally {
      await look.close();
    }
    // Its half-written files are on disk beside them (a one-shot command like `look` sweeps nothing).
    expect(leftovers().length).toBeGreaterThan(0);

    // Opening the library to work: once the killed process's heartbeat has lapsed, its leftovers
    // are swept and the interrupted job resumes (twoProcesses.test.ts checks "not before").
    const studio = await createStudio({ dbPath: lib.dbPath, jobTiming: { lapseMs: 1500, pollMs: 200 } });
    try {
      const resumed = waitFor(studio, null, ended);
      expect((await studio.openTrack({ id: lib.trackId })).stems.map((s) => s.path)).toEqual(lib.stems.map((s) => s.path));
      const done = await resumed;
      expect(done.status, done.error ?? '').toBe('done');
      const now = (await studio.openTrack({ id: lib.trackId })).stems;
      expect(now.map((s) => s.id)).toEqual(lib.stems.map((s) => s.id));
      await expectStemsIntact(studio, lib.trackId, now, lib.hashes);
      for (const s of lib.stems) expect(fs.existsSync(s.path)).toBe(false);
    } finally {
      await studio.close();
    }
  }, 90_000);
});
