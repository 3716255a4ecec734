// Quitting the desktop app waits for the studio to close: the running job is back in the queue
// and the library closed before the app exits. Electron's `app` is stood in for by an
// EventEmitter with exit(); the studio, its job and its library are real.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudio } from '../core/studio';
import { openStore } from '../core/store/store';
import { pinkNoiseWav, waitForJob } from '../core/testing/jobs';
import { tempDir } from '../core/testing/tmp';
import { closeStudioOnQuit } from './quit';

class FakeApp extends EventEmitter {
  exits: number[] = [];
  readonly exited: Promise<number>;
  private readonly resolveExit: (code: number) => void;
  constructor() {
    super();
    let resolve!: (code: number) => void;
    this.exited = new Promise<number>((r) => (resolve = r));
    this.resolveExit = resolve;
  }
  exit(code = 0) {
    this.exits.push(code);
    this.resolveExit(code);
  }
  /** Emits before-quit as Electron does; true when a listener prevented it. */
  quit(): boolean {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    return prevented;
  }
}

let tmp: ReturnType<typeof tempDir>;
let song: string;
beforeAll(() => {
  tmp = tempDir();
  song = pinkNoiseWav(path.join(tmp.dir, 'song.wav'), 90);
});
afterAll(() => tmp.cleanup());

describe('quitting the desktop app', () => {
  it('holds the quit until the studio has closed, then exits once', async () => {
    const dbPath = path.join(tmp.dir, 'lib.db');
    const studio = await createStudio({ dbPath });
    const trackId = (await studio.importPaths({ paths: [song] })).imported[0]!.id;
    const job = await studio.startSeparation({ trackId });
    await waitForJob(studio, job.id, (j) => j.status === 'running');

    const app = new FakeApp();
    let closed = false;
    closeStudioOnQuit(app, async () => {
      await studio.close();
      closed = true;
    });
    expect(app.quit()).toBe(true); // Electron would have quit at once without this
    expect(app.quit()).toBe(true); // a second Quit while closing changes nothing
    expect(app.exits).toEqual([]);
    expect(await app.exited).toBe(0);
    expect(closed).toBe(true);
    expect(app.exits).toEqual([0]);

    // The interrupted job was recorded as such and resumes on the next start.
    const db = await openStore(dbPath);
    expect(await db.jobs.get(job.id)).toMatchObject({ status: 'queued', detail: 'interrupted; resumes on next start' });
    await db.close();
  }, 60_000);

  it('exits with a failure code and a reason when closing fails or hangs', async () => {
    const lines: string[] = [];
    const failing = new FakeApp();
    closeStudioOnQuit(failing, () => Promise.reject(new Error('disk gone')), { report: (l) => lines.push(l) });
    failing.quit();
    expect(await failing.exited).toBe(1);
    const hanging = new FakeApp();
    closeStudioOnQuit(hanging, () => new Promise<void>(() => {}), { timeoutMs: 200, report: (l) => lines.push(l) });
    hanging.quit();
    expect(await hanging.exited).toBe(1);
    expect(lines).toEqual(['shutdown failed: disk gone', 'shutdown did not finish within 0.2 s; quitting anyway']);
  });
});
