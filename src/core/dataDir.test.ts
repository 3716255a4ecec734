// A library keeps its own files (packs, stems, uploads, peaks) in one folder named after it, and
// a library an older studio spread beside its file keeps working.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../shared/types';
import { defaultDbPath, defaultPgDataDir, libraryDataDir, resolveLibraryDb } from './dataDir';
import { createStudio, type Studio } from './studio';
import { FIXTURE_DUET, tempDir } from './testing/tmp';

const PACKS = path.resolve(__dirname, '../../test/fixtures/packs');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function finished(s: Studio, id: string): Promise<Job> {
  return new Promise((resolve) => {
    const off = s.on('jobUpdated', (j) => {
      if (j.id === id && ['done', 'failed', 'cancelled'].includes(j.status)) resolve((off(), j));
    });
  });
}

describe('a library data folder', () => {
  it('is named after the library file', () => {
    expect(libraryDataDir('/home/ann/team.s2cap.db')).toBe(path.resolve('/home/ann/team.s2cap.data'));
    expect(libraryDataDir('/srv/lib.sqlite')).toBe(path.resolve('/srv/lib.data'));
    expect(libraryDataDir('/srv/notes')).toBe(path.resolve('/srv/notes.data'));
    // Never the library file itself.
    expect(libraryDataDir('/srv/odd.data')).toBe(path.resolve('/srv/odd.data.data'));
  });

  it('one rule for the library: --db, else S2CAP_DB, else S2CAP_HOME/library.s2cap.db, else the per-user folder', () => {
    const env = { HOME: '/home/ann', XDG_CONFIG_HOME: '/home/ann/.cfg' };
    expect(resolveLibraryDb('x.db', { ...env, S2CAP_DB: '/a/b.db' })).toBe(path.resolve('x.db'));
    expect(resolveLibraryDb(undefined, { ...env, S2CAP_DB: '/a/b.db', S2CAP_HOME: '/h' })).toBe(path.resolve('/a/b.db'));
    expect(resolveLibraryDb(undefined, { ...env, S2CAP_HOME: '/h' })).toBe(path.resolve('/h/library.s2cap.db'));
    expect(resolveLibraryDb(undefined, env)).toBe(defaultDbPath(env));
  });

  it('keeps a postgres:// library URL as given; its default data folder is named after server and database', () => {
    const url = 'postgresql://ann@db.example/team';
    expect(resolveLibraryDb(url, {})).toBe(url);
    expect(resolveLibraryDb(undefined, { S2CAP_DB: url })).toBe(url);
    expect(defaultPgDataDir(url, { S2CAP_HOME: '/h' })).toBe(path.resolve('/h/libraries/db.example-team.data'));
  });

  it('holds every file the studio writes, so nothing spreads beside the library file', async () => {
    const studio = await createStudio({ dbPath: path.join(tmp.dir, 'team.s2cap.db') });
    try {
      expect(studio.dataDir).toBe(path.join(tmp.dir, 'team.s2cap.data'));
      expect((await studio.getInfo()).dataDir).toBe(studio.dataDir);
      const trackId = (await studio.importPaths({ paths: [path.join(FIXTURE_DUET, 'duet.mp3')] })).imported[0]!.id;
      await studio.getPeaks({ source: { kind: 'track', id: trackId }, maxPeaks: 100 });
      const pack = await studio.installPack({ path: path.join(PACKS, 'identity-separator') });
      expect(pack.pack.dir.startsWith(studio.dataDir + path.sep)).toBe(true);
      const job = await studio.startSeparation({ trackId, pack: 'identity-separator@1.0.0' });
      expect((await finished(studio, job.id)).status).toBe('done');
      const stems = (await studio.openTrack({ id: trackId })).stems;
      expect(stems.length).toBe(2);
      for (const s of stems) expect(s.path.startsWith(path.join(studio.dataDir, 'stems') + path.sep)).toBe(true);
      expect(fs.readdirSync(path.join(studio.dataDir)).sort()).toEqual(['cache', 'packs', 'stems']);
    } finally {
      await studio.close();
    }
    const beside = fs.readdirSync(tmp.dir).filter((n) => !/^team\.s2cap\.db(-wal|-shm)?$/.test(n));
    expect(beside).toEqual(['team.s2cap.data']);
  });

  it('still lists packs an older studio installed beside the library file; new installs go to the data folder', async () => {
    fs.cpSync(path.join(PACKS, 'identity-separator'), path.join(tmp.dir, 'packs', 'identity-separator@1.0.0'), { recursive: true });
    const studio = await createStudio({ dbPath: path.join(tmp.dir, 'old.s2cap.db'), runJobs: false });
    try {
      const listed = await studio.listPacks();
      expect(listed.map((p) => [p.id, p.dir])).toEqual([['identity-separator@1.0.0', path.join(tmp.dir, 'packs', 'identity-separator@1.0.0')]]);
      await expect(studio.installPack({ path: path.join(PACKS, 'identity-separator') })).rejects.toThrow(/already installed/);
      const added = await studio.installPack({ path: path.join(PACKS, 'tiny-captioner') });
      expect(added.pack.dir).toBe(path.join(studio.dataDir, 'packs', 'tiny-captioner@1.0.0'));
      expect((await studio.listPacks()).map((p) => p.id).sort()).toEqual(['identity-separator@1.0.0', 'tiny-captioner@1.0.0']);
    } finally {
      await studio.close();
    }
  });
});
