// `s2cap separate --out DIR` on a track the library already separated: the track's stems move to
// the new files in one step, the studio's own old stem files are removed, and DIR holds only
// finished WAVs (written under temporary names and renamed). Running it again over the same DIR
// replaces the files in place without losing the registered stems.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Job } from '../shared/types';
import { decodeFile } from '../core/audio/decode';
import { createStudio } from '../core/studio';
import { FIXTURE_DUET, tempDir } from '../core/testing/tmp';
import { runCaptured } from './runCaptured';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const run = runCaptured;

it('re-separating a library track with --out replaces its stems and removes the old studio files', async () => {
  const db = path.join(tmp.dir, 'lib', 'library.s2cap.db');
  const song = path.join(FIXTURE_DUET, 'duet.mp3');
  const studio = await createStudio({ dbPath: db });
  let old: string[];
  const stemsDir = path.join(studio.dataDir, 'stems');
  try {
    const trackId = (await studio.importPaths({ paths: [song] })).imported[0]!.id;
    const job = await studio.startSeparation({ trackId });
    const done = await new Promise<Job>((resolve) => studio.on('jobUpdated', (j) => j.id === job.id && j.status !== 'running' && j.status !== 'queued' && resolve(j)));
    expect(done.status).toBe('done');
    old = (await studio.openTrack({ id: trackId })).stems.map((s) => s.path);
    expect(old.every((p) => p.startsWith(stemsDir)), old.join()).toBe(true);
  } finally {
    await studio.close();
  }

  const out = path.join(tmp.dir, 'out');
  for (let i = 0; i < 2; i++) {
    const r = await run('separate', song, '--out', out, '--json', '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['accompaniment.wav', 'vocals.wav']);
    const stems = JSON.parse((await run('stems', '1', '--json', '--db', db)).out) as { name: string; path: string }[];
    expect(stems.map((s) => [s.name, s.path])).toEqual([
      ['vocals', path.join(out, 'vocals.wav')],
      ['accompaniment', path.join(out, 'accompaniment.wav')],
    ]);
    for (const s of stems) expect((await decodeFile(s.path)).channelData[0]!.length).toBeGreaterThan(0);
    for (const p of old) expect(fs.existsSync(p)).toBe(false);
    expect(fs.readdirSync(stemsDir)).toEqual([]); // the run folder and the track's folder went too
  }
}, 60_000);

it('separate --out on an imported library track registers its stems and marks it separated', async () => {
  const db = path.join(tmp.dir, 'lib', 'library.s2cap.db');
  const song = path.join(FIXTURE_DUET, 'duet.mp3');
  const r0 = await run('import', song, '--db', db);
  expect(r0.code, r0.err).toBe(0);
  const r = await run('separate', song, '--out', path.join(tmp.dir, 'out2'), '--db', db);
  expect(r.code, r.err).toBe(0);
  const [t] = JSON.parse((await run('list', '--json', '--db', db)).out) as { status: string }[];
  expect(t!.status).toBe('separated');
}, 60_000);
