// Provenance of a job's providers (issue 8, item 9): when a model could not run on the provider
// asked for (or `auto`'s first choice) and fell back, the job keeps the reason, in its update and
// in the library, so the UI can show "webgpu not used → cpu: <reason>".
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForJob } from '../testing/jobs';
import { FIXTURE_DUET } from '../testing/tmp';
import { freshStudio } from '../testing/freshLibrary';

const PACKS = path.resolve(__dirname, '../../../test/fixtures/packs');
const lib = freshStudio();
const studio = () => lib.it;

describe('job provider fallbacks', () => {
  it('are recorded on the job and kept in the library', async () => {
    const trackId = (await studio().importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
    await studio().installPack({ path: path.join(PACKS, 'identity-separator') });
    await studio().usePack({ role: 'separator', id: 'identity-separator@1.0.0' });
    expect((await studio().getSettings()).ep.separator).toBe('auto');
    const job = await studio().startSeparation({ trackId });
    expect(job.fallbacks).toEqual([]);
    const done = await waitForJob(studio(), job.id);
    expect(done.status).toBe('done');
    const [stem] = (await studio().openTrack({ id: trackId })).stems;
    if (stem!.ep === 'cpu') {
      // `auto` tries WebGPU first for a separator: on a machine where it cannot run, the reason is kept.
      expect(done.fallbacks).toEqual([expect.stringMatching(/^webgpu: \S/)]);
    } else {
      expect(done.fallbacks).toEqual([]);
    }
    const listed = (await studio().openTrack({ id: trackId })).jobs.find((j) => j.id === job.id)!;
    expect(listed.fallbacks).toEqual(done.fallbacks);
  });

  it('are not carried over to a job that needed none', async () => {
    const trackId = (await studio().importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
    // The built-in separator runs on the CPU by design: nothing fell back.
    const done = await waitForJob(studio(), (await studio().startSeparation({ trackId })).id);
    expect(done).toMatchObject({ status: 'done', fallbacks: [] });
  });
});
