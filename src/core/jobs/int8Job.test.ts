// A caption job with int8 allowed in the library's settings: the suggestions record that the
// models ran as "cpu int8", so their provenance says which graphs made them.
import path from 'node:path';
import { expect, it } from 'vitest';
import { parseCommandInput } from '../api/schemas';
import { freshStudio } from '../testing/freshLibrary';
import { waitForJob } from '../testing/jobs';
import { FIXTURE_DUET } from '../testing/tmp';

const PACK = path.resolve(__dirname, '../../../test/fixtures/packs/tiny-captioner');
const lib = freshStudio();

it('records "cpu int8" on the suggestions of a job run with int8 allowed, and the plain provider without', async () => {
  const studio = lib.it;
  expect((await studio.getSettings()).int8).toBe(false);
  expect(() => parseCommandInput('updateSettings', { int8: 'yes' })).toThrow(/invalid updateSettings payload: int8: /);
  const trackId = (await studio.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
  await studio.installPack({ path: PACK });
  await studio.usePack({ role: 'captioner', id: 'tiny-captioner@1.0.0' });
  const seg = await studio.createSegment({ trackId, startSec: 0, endSec: 5 });
  await studio.updateSettings({ ep: { encoder: 'cpu', decoder: 'cpu', separator: 'auto' } });
  const suggestedEp = async () => {
    const job = await studio.startCaptioning({ trackId, segmentIds: [seg.id], numBeams: 1 });
    expect((await waitForJob(studio, job.id)).status).toBe('done');
    return (await studio.openTrack({ id: trackId })).suggestions.at(-1)!.ep;
  };
  expect(await suggestedEp()).toBe('encoder cpu, decoder cpu');
  expect(await studio.updateSettings({ int8: true })).toMatchObject({ int8: true, threads: 0, ep: { encoder: 'cpu' } });
  expect(await suggestedEp()).toBe('encoder cpu int8, decoder cpu int8');
});
