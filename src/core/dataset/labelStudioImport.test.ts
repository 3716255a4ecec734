// Label Studio import on every back end, from an export in the documented task format
// (labelstud.io/guide/task_format): file:// and absolute paths, uploads found by name in --audio,
// per-region TextArea spans (on the result or on its region), whole-file captions, authors from
// completed_by, cancelled annotations counted not imported, missing audio listed (predictions:
// labelStudioPredictions.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store';
import { makeDatasetAudio } from '../testing/datasetAudio';
import { testStores } from '../testing/testStores';
import { fixture, tempDir } from '../testing/tmp';
import { DatasetImporter } from './datasetImporter';

const backends = testStores();
const tmp = tempDir();
const AUDIO = path.join(tmp.dir, 'audio');
let EXPORT = '';

const textarea = (id: string, text: string, span?: { start: number; end: number }) => ({
  id,
  from_name: 'caption',
  to_name: 'audio',
  type: 'textarea',
  value: { ...(span ? { ...span, channel: 0 } : {}), text: [text] },
});

beforeAll(() => {
  const { a } = makeDatasetAudio(AUDIO, { a: 'song-a', b: 'song-b' });
  const tasks = [
    {
      id: 1,
      data: { audio: pathToFileURL(a).href },
      annotations: [
        {
          id: 11,
          completed_by: 7,
          was_cancelled: false,
          result: [
            { id: 'r1', from_name: 'labels', to_name: 'audio', type: 'labels', value: { start: 0, end: 10, channel: 0, labels: ['Caption'] } },
            textarea('r1', 'A bright female voice over piano.'),
            textarea('r2', 'The chorus comes in, louder.', { start: 12, end: 24 }),
          ],
        },
        { id: 12, completed_by: 8, was_cancelled: true, result: [textarea('r3', 'Cancelled work.', { start: 0, end: 10 })] },
      ],
      predictions: [{ model_version: 'some-model', score: 0.5, result: [textarea('p1', 'female voice', { start: 0, end: 10 })] }],
    },
    {
      id: 2,
      data: { audio: '/data/upload/3/1a2b3c4d-song-b.flac' },
      annotations: [{ id: 21, completed_by: { id: 2, email: 'ann@example.org' }, result: [textarea('x', 'A low male voice, slow.', { start: 5, end: 15 })] }],
    },
    { id: 3, data: { audio: fixture('lullaby.wav') }, annotations: [{ id: 31, result: [textarea('w', 'A soft lullaby, hummed.')] }] },
    { id: 4, data: { audio: 'http://localhost:8080/data/upload/3/ffffffff-missing.wav' }, annotations: [{ id: 41, result: [textarea('m', 'Never found.', { start: 0, end: 10 })] }] },
    { id: 5, annotations: [] },
  ];
  EXPORT = path.join(tmp.dir, 'export.json');
  fs.writeFileSync(EXPORT, JSON.stringify(tasks, null, 2));
});
afterAll(() => tmp.cleanup());

async function contents(store: Store) {
  const out: [string, number, number, string, string, string][] = [];
  for (const t of await store.tracks.list()) {
    for (const s of await store.segments.list(t.id)) {
      for (const r of await store.captions.history(s.id)) out.push([t.fileName, s.startSec, s.endSec, r.text, r.status, r.author]);
    }
  }
  return out.sort((x, y) => x[0].localeCompare(y[0]) || x[1] - y[1]);
}

describe.each(backends)('Label Studio import ($name)', (backend) => {
  it('imports TextArea results as approved revisions and lists what it left out', async () => {
    const { store } = await backend.open();
    const r = await new DatasetImporter(store).importLabelStudio(EXPORT, { audio: AUDIO });
    expect(r.format).toBe('label-studio');
    expect(await contents(store)).toEqual([
      ['lullaby.wav', 0, 1.5, 'A soft lullaby, hummed.', 'approved', 'label-studio'],
      ['song-a.wav', 0, 10, 'A bright female voice over piano.', 'approved', 'label-studio:7'],
      ['song-a.wav', 12, 24, 'The chorus comes in, louder.', 'approved', 'label-studio:7'],
      ['song-b.flac', 5, 15, 'A low male voice, slow.', 'approved', 'ann@example.org'],
    ]);
    expect(r.tracks).toEqual({ imported: 3, reused: 0 });
    expect(r.revisions).toEqual({ created: 4, unchanged: 0 });
    expect(r.missingAudio).toEqual([{ key: 'missing.wav', lines: [], where: ['task 4'] }]);
    expect(r.problems.map((p) => p.reason)).toEqual(['task 5: no "data" object']);
    expect(r.suggestions).toEqual({ created: 1, unchanged: 0 }); // the prediction (labelStudioPredictions.test.ts)
    expect(r.notes).toEqual(['1 cancelled annotation skipped']);
    const again = await new DatasetImporter(store).importLabelStudio(EXPORT, { audio: AUDIO });
    expect(again.revisions).toEqual({ created: 0, unchanged: 4 });
    expect(again.segments).toEqual({ created: 0, reused: 4 });
  });

  it('refuses a file that is not a Label Studio export, naming it', async () => {
    const { store } = await backend.open();
    const bad = path.join(tmp.dir, 'not-tasks.json');
    fs.writeFileSync(bad, '{"hello": 1}');
    await expect(new DatasetImporter(store).importLabelStudio(bad)).rejects.toThrow(`${bad}: not a Label Studio JSON export (a list of tasks)`);
    fs.writeFileSync(bad, '[{"id": 1,');
    await expect(new DatasetImporter(store).importLabelStudio(bad)).rejects.toThrow(/not-tasks\.json: not valid JSON/);
    expect(await store.tracks.list()).toEqual([]);
  });
});
