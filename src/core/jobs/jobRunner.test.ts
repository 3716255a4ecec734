// Separation and captioning as jobs through the StudioApi: queued, run on the worker, results in
// the library with pack and provider, cancellable, resumed after a crash, and never moving a
// track's status back (a track reviewed while a job ran stays reviewed), and a job claimed just as
// the studio closes goes back to the queue.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MEASURED_NAMES } from '../../shared/attributes';
import type { Job } from '../../shared/types';
import { createStudio, studioStore, type Studio } from '../studio';
import { FIXTURE_DUET, tempDir } from '../testing/tmp';
import { JobWrites } from './jobWrites';

const PACKS = path.resolve(__dirname, '../../../test/fixtures/packs');
let tmp: ReturnType<typeof tempDir>;
let studio: Studio;
let trackId: number;

beforeEach(async () => {
  tmp = tempDir();
  studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db') });
  trackId = (await studio.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

function waitFor(s: Studio, id: string, statuses: Job['status'][] = ['done', 'failed', 'cancelled']): Promise<Job> {
  return new Promise((resolve) => {
    const off = s.on('jobUpdated', (j) => {
      if (j.id === id && statuses.includes(j.status)) {
        off();
        resolve(j);
      }
    });
  });
}

async function installFixtures(s: Studio) {
  for (const p of ['identity-separator', 'tiny-captioner']) await s.installPack({ path: path.join(PACKS, p) });
  await s.usePack({ role: 'separator', id: 'identity-separator@1.0.0' });
  await s.usePack({ role: 'captioner', id: 'tiny-captioner@1.0.0' });
}

describe('inference jobs', () => {
  it('without packs, the built-in separator and suggester do the work, labelled as such', async () => {
    await expect(studio.startSeparation({ trackId, pack: 'nope@1' })).rejects.toThrow(/no installed pack or pack folder "nope@1"/);
    await expect(studio.startCaptioning({ trackId, pack: 'nope@1' })).rejects.toThrow(/no installed pack or pack folder "nope@1"/);
    // Separation without a pack: the built-in centre-channel separator, labelled as such.
    const sepJob = await studio.startSeparation({ trackId });
    const sepDone = await waitFor(studio, sepJob.id);
    expect(sepDone.detail).toMatch(/2 stems by the built-in separator \(classical vocal isolation; install a separator pack/);
    expect((await studio.openTrack({ id: trackId })).stems.map((s) => [s.name, s.packId, s.ep])).toEqual([
      ['vocals', null, 'cpu'],
      ['accompaniment', null, 'cpu'],
    ]);
    const seg = await studio.createSegment({ trackId, startSec: 0, endSec: 8 });
    const job = await studio.startCaptioning({ trackId });
    const done = await waitFor(studio, job.id);
    expect(done.status).toBe('done');
    expect(done.detail).toMatch(/built-in suggester \(measured attributes; install a captioner pack/);
    const [s] = (await studio.openTrack({ id: trackId })).suggestions;
    expect(s).toMatchObject({ segmentId: seg.id, pack: null, ep: 'measured on cpu' });
    // Its score is ln(mean confidence) of the attributes it states, so it takes part in confidence ordering.
    expect(s!.score).toBeLessThan(0);
    const [item] = (await studio.queryQueue({ order: 'confidence', trackId })).items;
    expect(item).toMatchObject({ segmentId: seg.id, suggestionPack: 'built-in', score: s!.score });
    expect(item!.confidenceLevel).not.toBeNull();
    expect((await studio.getCaption({ segmentId: seg.id })).confidence).not.toBeNull();
    expect(s!.text).toMatch(/\b(singer|vocalist)\b.*\.$/);
    const attrs = (await studio.openTrack({ id: trackId })).attributes.filter((a) => a.segmentId === seg.id && a.source === 'measured');
    expect(attrs.map((a) => a.name)).toEqual([...MEASURED_NAMES]);
    expect(attrs.find((a) => a.name === 'loudness')).toMatchObject({ unit: 'LUFS', category: expect.stringMatching(/^(low|normal|high)$/) });
    // Both carry the span they were made for; resizing the segment makes them stale.
    expect(s).toMatchObject({ startSec: 0, endSec: 8, stale: false });
    await studio.updateSegment({ id: seg.id, startSec: 1, endSec: 8 });
    const resized = await studio.openTrack({ id: trackId });
    expect(resized.suggestions[0]).toMatchObject({ startSec: 0, endSec: 8, stale: true });
    expect(resized.attributes.length).toBeGreaterThan(3);
    expect(resized.attributes.every((a) => a.segmentId === seg.id && a.startSec === 0 && a.endSec === 8 && a.stale)).toBe(true);
  });

  it('separates a track into registered stems, then captions its segments', async () => {
    await installFixtures(studio);
    const updates: Job[] = [];
    studio.on('jobUpdated', (j) => updates.push(j));
    const job = await studio.startSeparation({ trackId });
    const done = await waitFor(studio, job.id);
    expect(done).toMatchObject({ status: 'done', progress: 1, kind: 'separate', trackId });
    expect(done.detail).toMatch(/2 stems by identity-separator on cpu/);
    expect(updates.some((u) => u.status === 'running')).toBe(true);
    const detail = await studio.openTrack({ id: trackId });
    expect(detail.stems.map((s) => [s.name, s.ep])).toEqual([
      ['vocals', 'cpu'],
      ['accompaniment', 'cpu'],
    ]);
    expect(fs.existsSync(detail.stems[0]!.path)).toBe(true);
    expect(detail.track.status).toBe('separated');

    const a = await studio.createSegment({ trackId, startSec: 0, endSec: 5 });
    const b = await studio.createSegment({ trackId, startSec: 5, endSec: 10 });
    const cap = await studio.startCaptioning({ trackId, numBeams: 2 });
    expect((await waitFor(studio, cap.id)).status).toBe('done');
    const after = await studio.openTrack({ id: trackId });
    expect(after.suggestions.map((s) => s.segmentId)).toEqual([a.id, b.id]);
    for (const s of after.suggestions) {
      expect(s.text.length).toBeGreaterThan(0);
      expect(s.score).toBeLessThan(0);
      expect(s.pack).toBe('tiny-captioner@1.0.0');
      expect(s.ep).toBe('encoder cpu, decoder cpu');
    }
    // Beside the model's captions: the segments' measured attributes (pitch and timbre from the
    // vocals stem), made for the same spans, so a caption can be checked against them.
    for (const seg of [a, b]) {
      const measured = after.attributes.filter((x) => x.segmentId === seg.id && x.source === 'measured');
      expect(measured.map((x) => x.name)).toEqual([...MEASURED_NAMES]);
      expect(measured.every((x) => x.startSec === seg.startSec && x.endSec === seg.endSec && !x.stale)).toBe(true);
      expect(measured.find((x) => x.name === 'loudness')!.value).toMatch(/^-\d+(\.\d+)?$/);
    }
    expect(after.track.status).toBe('captioned');
    expect(after.jobs.map((j) => j.kind)).toEqual(['caption', 'separate']);
  });

  it("keeps a captioner's captions when measuring their segments fails, and says what was left out", async () => {
    await installFixtures(studio);
    const seg = await studio.createSegment({ trackId, startSec: 0, endSec: 5 });
    const run = studio.pool.run.bind(studio.pool);
    vi.spyOn(studio.pool, 'run').mockImplementation(((task: string, ...rest: unknown[]) =>
      task === 'measure' ? Promise.reject(new Error('vocals.wav: cannot decode')) : (run as (...a: unknown[]) => unknown)(task, ...rest)) as typeof studio.pool.run);
    const cap = await studio.startCaptioning({ trackId });
    const done = await waitFor(studio, cap.id);
    expect(done.status).toBe('done');
    expect(done.fallbacks).toContain('attributes not measured: vocals.wav: cannot decode');
    const after = await studio.openTrack({ id: trackId });
    expect(after.suggestions.map((s) => [s.segmentId, s.pack])).toEqual([[seg.id, 'tiny-captioner@1.0.0']]);
    expect(after.attributes.filter((a) => a.segmentId === seg.id)).toEqual([]);
  });

  it('fails a captioning job with a reason when there are no segments', async () => {
    await installFixtures(studio);
    const job = await studio.startCaptioning({ trackId });
    const done = await waitFor(studio, job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/no segments to caption/);
  });

  it('cancels a queued or running job', async () => {
    await installFixtures(studio);
    const first = await studio.startSeparation({ trackId, shifts: 3 });
    const second = await studio.startSeparation({ trackId });
    expect((await studio.cancelJob({ id: second.id })).status).toBe('cancelled');
    await waitFor(studio, first.id, ['running']);
    studio.cancelJob({ id: first.id });
    expect((await waitFor(studio, first.id)).status).toBe('cancelled');
  });

  it('resumes a job that a crash left running', async () => {
    await installFixtures(studio);
    const settings = await studio.getSettings();
    const store = studioStore(studio);
    const rec = await store.jobs.create('separate', { trackId, pack: null, ep: { ...settings.ep, threads: 0 } });
    await store.jobs.update(rec.id, { status: 'running', progress: 0.3 });
    await studio.close();
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db') });
    const done = await waitFor(studio, rec.id);
    expect(done.status).toBe('done');
    expect((await studio.openTrack({ id: trackId })).stems).toHaveLength(2);
  });

  it('stopped just as its claim of the next job lands: the job goes back to the queue, not to a run into a closing worker', async () => {
    const claim = JobWrites.prototype.claim;
    let closing: Promise<void> | undefined;
    const spy = vi.spyOn(JobWrites.prototype, 'claim').mockImplementation(async function (this: JobWrites, ...args) {
      const rec = await claim.apply(this, args);
      if (rec) closing ??= studio.close(); // the app quits just as the claim lands
      return rec;
    });
    const job = await studio.startSeparation({ trackId });
    await vi.waitFor(() => expect(closing).toBeDefined());
    await closing;
    spy.mockRestore();
    studio = await createStudio({ dbPath: path.join(tmp.dir, 'lib.db'), runJobs: false });
    expect(await studioStore(studio).jobs.get(job.id)).toMatchObject({ status: 'queued', owner: null, heartbeatAt: null });
  });

  it('validates settings and lists valid providers', async () => {
    expect(await studio.getSettings()).toEqual({ ep: { encoder: 'auto', decoder: 'auto', separator: 'auto' }, threads: 0, int8: false });
    expect((await studio.updateSettings({ threads: 2 })).threads).toBe(2);
    const { parseCommandInput } = await import('../api/schemas');
    expect(() => parseCommandInput('updateSettings', { ep: { encoder: 'tpu', decoder: 'cpu', separator: 'cpu' } })).toThrow(/valid execution providers: auto, cpu, webgpu, cuda, coreml, dml/);
  });
});

describe('a job that dies right after recording its results', () => {
  it('is already done in the library, so it is never run (and recorded) again', async () => {
    // Simulate the process dying after the results' commit: the closing status write never lands.
    const original = JobWrites.prototype.transition;
    const transition = vi.spyOn(JobWrites.prototype, 'transition').mockImplementation(function (this: JobWrites, id, patch, opts) {
      return patch.status === 'done' ? Promise.resolve(undefined) : original.call(this, id, patch, opts);
    });
    try {
      const seg = await studio.createSegment({ trackId, startSec: 0, endSec: 8 });
      const job = await studio.startCaptioning({ trackId });
      const store = studioStore(studio);
      for (let i = 0; i < 400 && (await store.suggestions.countPerSegment(trackId)).size === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await store.suggestions.countPerSegment(trackId)).get(seg.id)).toBe(1);
      // The row says done (with its summary) although the runner's own closing write was lost.
      expect(await store.jobs.get(job.id)).toMatchObject({ status: 'done', progress: 1, detail: expect.stringMatching(/1 suggestion by the built-in suggester/) });
    } finally {
      transition.mockRestore();
    }
  });
});

/** Runs `during` once the job reports progress from the worker (it has read the track by then), and waits for the job to end. */
function duringJob(id: string, during: () => Promise<void>): Promise<{ job: Job; acted: boolean }> {
  let acting: Promise<void> | null = null;
  return new Promise((resolve, reject) => {
    const off = studio.on('jobUpdated', (j) => {
      if (j.id !== id) return;
      if (!acting && j.status === 'running' && j.progress > 0) acting = during().catch(reject);
      if (j.status === 'done' || j.status === 'failed' || j.status === 'cancelled') {
        off();
        void (acting ?? Promise.resolve()).then(() => resolve({ job: j, acted: acting !== null }), reject);
      }
    });
  });
}

// A job reads the track when it starts; the status it sets when it commits only moves the track
// forward from where it is then, so a track reviewed while the job ran stays reviewed.
describe('track status set by a job', () => {
  for (const kind of ['separation', 'captioning'] as const) {
    it(`leaves a track reviewed while its ${kind} ran reviewed`, async () => {
      await studio.setAnnotatorName({ name: 'ann' });
      const seg = await studio.createSegment({ trackId, startSec: 0, endSec: 8 });
      const job = kind === 'separation' ? await studio.startSeparation({ trackId }) : await studio.startCaptioning({ trackId });
      const { job: done, acted } = await duringJob(job.id, async () => {
        await studio.saveCaption({ segmentId: seg.id, text: 'two voices', status: 'approved', parentId: null });
        expect((await studio.getTrack({ id: trackId })).status).toBe('reviewed');
      });
      expect([done.status, acted]).toEqual(['done', true]);
      expect((await studio.getTrack({ id: trackId })).status).toBe('reviewed');
    });
  }
});
