// Where the recipe is found: beside package.json in a checkout, and as the packaged app's
// extraResource (resources/training, electron-builder.yml) reached from app.asar/out/main/chunks.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp';
import { trainingDir } from './trainingDir';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('trainingDir', () => {
  it("finds this checkout's training/ from the module itself", () => {
    expect(trainingDir()).toBe(path.resolve(__dirname, '../../../training'));
  });

  it("finds a packaged app's resources/training from the bundle inside app.asar", () => {
    const chunks = path.join(tmp.dir, 'resources', 'app.asar', 'out', 'main', 'chunks');
    fs.mkdirSync(chunks, { recursive: true });
    expect(() => trainingDir(chunks)).toThrow(/the retraining recipe \(training\/s2cap_train\) is missing from this installation \(looked in .*chunks.training, /);
    fs.mkdirSync(path.join(tmp.dir, 'resources', 'training', 's2cap_train'), { recursive: true });
    fs.writeFileSync(path.join(tmp.dir, 'resources', 'training', 's2cap_train', '__init__.py'), '');
    expect(trainingDir(chunks)).toBe(path.join(tmp.dir, 'resources', 'training'));
  });
});
