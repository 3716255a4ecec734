// The default run folder of a train job (defaultRunDir): the same export and config give the same
// folder (the same command resumes); the retrain loop's next round — the export written again
// into the same folder, or another config — gets a folder of its own, since the recipe refuses
// to resume a run on other data or settings.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { defaultRunDir } from './training';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('defaultRunDir', () => {
  it('is one folder per export content and config content, named after the export folder', async () => {
    const dataDir = path.join(tmp.dir, 'lib.data');
    const data = path.join(tmp.dir, 'my export');
    write(path.join(data, 'manifest.json'), '{"schemaVersion":1,"files":{"train/metadata.jsonl":"aa"}}');
    const config = write(path.join(tmp.dir, 'a.json'), '{"train":{"batch_size":8}}');

    const first = await defaultRunDir(dataDir, { data, config });
    expect(first).toMatch(new RegExp(`^${path.join(dataDir, 'training', 'my-export-')}[0-9a-f]{8}$`));
    // The same request: the same folder (resumed).
    expect(await defaultRunDir(dataDir, { data: `${data}${path.sep}`, config })).toBe(first);
    // The same settings in another file: the same run.
    expect(await defaultRunDir(dataDir, { data, config: write(path.join(tmp.dir, 'copy.json'), '{"train":{"batch_size":8}}') })).toBe(first);

    // Exported again into the same folder (export --force): a new run.
    write(path.join(data, 'manifest.json'), '{"schemaVersion":1,"files":{"train/metadata.jsonl":"bb"}}');
    const second = await defaultRunDir(dataDir, { data, config });
    expect(second).not.toBe(first);
    expect(path.dirname(second)).toBe(path.dirname(first));
    // The config edited, or none: a new run each.
    write(config, '{"train":{"batch_size":4}}');
    const third = await defaultRunDir(dataDir, { data, config });
    const none = await defaultRunDir(dataDir, { data });
    expect(new Set([first, second, third, none]).size).toBe(4);
    // Other starting weights: another run too.
    expect(await defaultRunDir(dataDir, { data, initDecoder: path.join(tmp.dir, 'bart') })).not.toBe(none);
    // A folder that is not an export (no manifest) still gets a folder; the recipe says why it cannot train.
    expect(await defaultRunDir(dataDir, { data: tmp.dir })).toMatch(/-[0-9a-f]{8}$/);
  });
});
