// Label Studio predictions imported as suggestions on every back end: each prediction's textarea
// on a region becomes a suggestion on that segment with its score as given and the source
// "label-studio:<model_version>", which the Annotate view (getCaption), the queue's model filter
// and stats show as its model, never as the built-in suggester's; a re-import adds nothing.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDatasetAudio } from '../testing/datasetAudio';
import { rowStudios } from '../testing/rowStudios';
import { testStores } from '../testing/testStores';
import { tempDir } from '../testing/tmp';
import { DatasetImporter } from './datasetImporter';

const backends = testStores();
const studios = rowStudios();
const tmp = tempDir();
let EXPORT = '';

const textarea = (id: string, text: string, span?: { start: number; end: number }, score?: number) => ({
  id,
  from_name: 'caption',
  to_name: 'audio',
  type: 'textarea',
  ...(score !== undefined ? { score } : {}),
  value: { ...(span ? { ...span, channel: 0 } : {}), text: [text] },
});

beforeAll(() => {
  const { a } = makeDatasetAudio(path.join(tmp.dir, 'audio'), { a: 'song-a', b: 'song-b' });
  const tasks = [
    {
      id: 1,
      data: { audio: pathToFileURL(a).href },
      annotations: [{ id: 11, completed_by: 7, result: [textarea('r1', 'A bright female voice over piano.', { start: 0, end: 10 })] }],
      predictions: [
        {
          model_version: 'mycap-v2',
          score: 0.5,
          result: [
            { id: 'p1', from_name: 'labels', to_name: 'audio', type: 'labels', value: { start: 0, end: 10, channel: 0, labels: ['Caption'] } },
            textarea('p1', 'female voice, piano', undefined, -0.7),
            textarea('p2', 'a louder chorus', { start: 12, end: 24 }),
          ],
        },
        { result: [textarea('q1', 'someone singing', { start: 30, end: 40 })] },
      ],
    },
  ];
  EXPORT = path.join(tmp.dir, 'export.json');
  fs.writeFileSync(EXPORT, JSON.stringify(tasks));
  return () => tmp.cleanup();
});

describe.each(backends)('Label Studio predictions ($name)', (backend) => {
  it('become suggestions labelled with their origin, apart from the built-in suggester, once', async () => {
    const { studio, store } = await studios.open(backend);
    const r = await new DatasetImporter(store).importLabelStudio(EXPORT);
    expect(r).toMatchObject({ captions: 1, revisions: { created: 1, unchanged: 0 }, suggestions: { created: 3, unchanged: 0 }, segments: { created: 3, reused: 0 }, problems: [] });
    expect(r.notes).toEqual([]);
    const [track] = await store.tracks.list();
    const segs = await store.segments.list(track!.id);
    expect(segs.map((s) => [s.startSec, s.endSec])).toEqual([[0, 10], [12, 24], [30, 40]]);
    const [s0, s1, s2] = segs.map((s) => s.id);

    const first = await studio.getCaption({ segmentId: s0! });
    expect(first.head?.text).toBe('A bright female voice over piano.');
    expect(first.suggestion).toMatchObject({ text: 'female voice, piano', pack: 'label-studio:mycap-v2', score: -0.7, startSec: 0, endSec: 10, stale: false, ep: null });
    // No score on the result: the prediction's; none anywhere: null. No model_version: "unknown".
    expect((await studio.getCaption({ segmentId: s1! })).suggestion).toMatchObject({ text: 'a louder chorus', pack: 'label-studio:mycap-v2', score: 0.5 });
    expect((await studio.getCaption({ segmentId: s2! })).suggestion).toMatchObject({ text: 'someone singing', pack: 'label-studio:unknown', score: null });

    // A built-in suggestion elsewhere: the 'built-in' filter finds it alone.
    const own = await studio.createSegment({ trackId: track!.id, startSec: 24, endSec: 34, allowOverlap: true });
    await store.suggestions.insert({ segmentId: own.id, startSec: 24, endSec: 34, text: 'built-in words', score: null, tokenLogprobs: [], packId: null, ep: 'cpu', ms: 1 });
    const builtIn = await studio.queryQueue({ model: 'built-in' });
    expect(builtIn.items.map((i) => [i.segmentId, i.suggestionPack])).toEqual([[own.id, 'built-in']]);
    const fromLs = await studio.queryQueue({ model: 'label-studio:mycap-v2' });
    expect(fromLs.items.map((i) => [i.segmentId, i.suggestionPack])).toEqual([[s0, 'label-studio:mycap-v2'], [s1, 'label-studio:mycap-v2']]);
    const stats = await studio.getStats({});
    expect(stats.models.map((m) => m.model).sort()).toEqual(['built-in', 'label-studio:mycap-v2', 'label-studio:unknown']);
    // The export names the same model, and its 'built-in' filter leaves the predictions out.
    const exported = await store.exports.rows({ status: ['approved'] });
    expect(exported.map((r) => r.suggestion?.model)).toEqual(['label-studio:mycap-v2']);
    expect(await store.exports.rows({ status: ['approved'], pack: 'built-in' })).toEqual([]);
    expect(await store.exports.rows({ status: ['approved'], pack: 'label-studio:mycap-v2' })).toHaveLength(1);

    const again = await new DatasetImporter(store).importLabelStudio(EXPORT);
    expect(again).toMatchObject({ suggestions: { created: 0, unchanged: 3 }, revisions: { created: 0, unchanged: 1 }, segments: { created: 0, reused: 3 } });
    expect([...(await store.suggestions.countPerSegment(track!.id)).entries()].sort((x, y) => x[0] - y[0])).toEqual([[s0, 1], [s1, 1], [s2, 1], [own.id, 1]]);
  });
});
