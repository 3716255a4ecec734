// `auto` decided per pack and machine (issue 13, item 2), through the StudioApi: the first caption
// job under `auto` calibrates and records the result in the library's settings, later jobs (also
// after a restart) reuse it without measuring, listPacks shows it, calibratePack measures again
// or forgets it, and a recorded choice is what the job's sessions are opened on.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderCalibration } from '../shared/types';
import { calibrationKey } from './inference/calibrationKey';
import { createStudio, studioStore, type Studio } from './studio';
import { waitForJob } from './testing/jobs';
import { FIXTURE_DUET, tempDir } from './testing/tmp';
import { WorkerPool } from './worker/pool';

const PACK = path.resolve(__dirname, '../../test/fixtures/packs/tiny-captioner');
let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
const open = () => createStudio({ dbPath: path.join(tmp.dir, 'lib.db') });

beforeEach(async () => {
  tmp = tempDir();
  studio = await open();
  await studio.installPack({ path: PACK });
  await studio.usePack({ role: 'captioner', id: 'tiny-captioner@1.0.0' });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await studio.close();
  tmp.cleanup();
});

/** Worker tasks run from now on, by name. */
function tasksRun(): string[] {
  const names: string[] = [];
  const run = WorkerPool.prototype.run;
  vi.spyOn(WorkerPool.prototype, 'run').mockImplementation(function (this: WorkerPool, task, args, opts) {
    names.push(task);
    return run.call(this, task, args, opts) as never;
  });
  return names;
}

async function captionOnce(s: Studio) {
  const res = await s.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] });
  const trackId = (res.imported[0] ?? res.duplicates[0]!.track).id;
  if (!(await s.openTrack({ id: trackId })).segments.length) await s.createSegment({ trackId, startSec: 0, endSec: 5 });
  const job = await waitForJob(s, (await s.startCaptioning({ trackId, numBeams: 1 })).id);
  expect(job.status).toBe('done');
  return { job, suggestion: (await s.openTrack({ id: trackId })).suggestions.at(-1)! };
}
const calibrationOf = async (s: Studio) => (await s.listPacks()).find((p) => p.id === 'tiny-captioner@1.0.0')!.calibration;

describe('provider calibration under auto', () => {
  it('calibrates at first use, keeps the result across a restart, and reuses it without measuring', async () => {
    expect((await studio.getSettings()).ep).toMatchObject({ encoder: 'auto', decoder: 'auto' });
    expect(await calibrationOf(studio)).toBeNull();
    const names = tasksRun();
    const { job, suggestion } = await captionOnce(studio);
    expect(names.filter((n) => n === 'calibrate')).toHaveLength(1);
    const cal = (await calibrationOf(studio))!;
    expect(cal).toMatchObject({ pack: 'tiny-captioner@1.0.0', machine: expect.stringMatching(/\S/) });
    // The job ran where the calibration chose, and kept why other providers were not used.
    expect(suggestion.ep).toBe(`encoder ${cal.encoder.chosen}, decoder ${cal.decoder.chosen}`);
    for (const [ep, why] of Object.entries(cal.unavailable)) expect(job.fallbacks).toContain(`${ep}: ${why}`);

    await studio.close();
    studio = await open();
    expect(await calibrationOf(studio)).toEqual(cal);
    names.length = 0;
    await captionOnce(studio);
    expect(names).not.toContain('calibrate');
    expect(await calibrationOf(studio)).toEqual(cal);
  });

  it('measures again on request, and forgets so that the next job measures again', async () => {
    const names = tasksRun();
    const first = (await studio.calibratePack({}))!;
    expect(first.pack).toBe('tiny-captioner@1.0.0');
    await new Promise((r) => setTimeout(r, 5));
    const again = (await studio.calibratePack({ id: 'tiny-captioner@1.0.0' }))!;
    expect(again.at > first.at).toBe(true);
    expect(await calibrationOf(studio)).toEqual(again);
    expect(names.filter((n) => n === 'calibrate')).toHaveLength(2);
    expect(await studio.calibratePack({ reset: true })).toBeNull();
    expect(await calibrationOf(studio)).toBeNull();
    await captionOnce(studio);
    expect(names.filter((n) => n === 'calibrate')).toHaveLength(3);
    expect(await calibrationOf(studio)).not.toBeNull();
    await expect(studio.calibratePack({ id: 'nope@1' })).rejects.toThrow(/no installed pack or pack folder "nope@1"/);
  });

  it('lists the packs with their calibrations reading each model.json once', async () => {
    const reads = vi.spyOn(fsp, 'readFile');
    const listed = await studio.listPacks();
    expect(listed.map((p) => p.id)).toContain('tiny-captioner@1.0.0');
    const manifests = reads.mock.calls.map(([f]) => String(f)).filter((f) => path.basename(f) === 'model.json');
    expect(manifests.length).toBeGreaterThan(0);
    expect(new Set(manifests).size).toBe(manifests.length);
  });

  it("opens the job's sessions on the provider the recorded calibration chose", async () => {
    // A record saying the encoder is fastest on DirectML here (measured elsewhere, say): the job
    // asks for it, it cannot start on this machine, and the job says so and runs on the CPU.
    const manifest = (await studio.packs.choose('captioner', null))!.manifest;
    const record: ProviderCalibration = {
      pack: 'tiny-captioner@1.0.0',
      machine: 'this one',
      at: new Date().toISOString(),
      encoder: { chosen: 'dml', ms: { cpu: 10, dml: 1 } },
      decoder: { chosen: 'cpu', ms: { cpu: 1, dml: 10 } },
      unavailable: {},
      cpuOnly: false,
    };
    await studioStore(studio).settings.set(calibrationKey(manifest, { threads: 0, int8: false }), record);
    const names = tasksRun();
    const { job, suggestion } = await captionOnce(studio);
    expect(names).not.toContain('calibrate');
    expect(job.fallbacks).toEqual([expect.stringMatching(/^dml: \S/)]);
    expect(suggestion.ep).toBe('encoder cpu, decoder cpu');
  });
});
