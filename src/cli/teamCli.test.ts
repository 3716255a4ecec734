// `s2cap users`, `s2cap queue` and `s2cap stats` as a user runs them: a real library file, the CLI
// in process, what it prints and its exit codes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudio } from '../core/studio';
import { tokenSha256 } from '../core/userAccounts';
import { cliLibrary, runCaptured } from './testing/cliRun';

const lib = cliLibrary('lib.s2cap.db');

describe('s2cap users', () => {
  it('adds (printing the token once), lists, refuses a taken name or bad role, removes', async () => {
    const added = await runCaptured('users', 'add', 'ana', '--db', lib.db);
    expect(added.code).toBe(0);
    const token = added.out.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(added.err).toMatch(/added annotator "ana"/);
    const rita = JSON.parse((await runCaptured('users', 'add', 'rita', '--role', 'reviewer', '--json', '--db', lib.db)).out);
    expect(rita).toMatchObject({ name: 'rita', role: 'reviewer', token: expect.any(String) });

    const again = await runCaptured('users', 'add', 'ana', '--db', lib.db);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/a user named "ana" exists already/);
    const badRole = await runCaptured('users', 'add', 'bo', '--role', 'admin', '--db', lib.db);
    expect([badRole.code, badRole.err]).toEqual([2, 's2cap: --role must be annotator or reviewer, got "admin"']);
    expect((await runCaptured('users', 'add', ' ', '--db', lib.db)).err).toMatch(/user name " ": a name is needed/);

    const list = JSON.parse((await runCaptured('users', 'list', '--json', '--db', lib.db)).out);
    expect(list.map((u: { name: string; role: string }) => [u.name, u.role])).toEqual([['ana', 'annotator'], ['rita', 'reviewer']]);
    // Only the token's sha256 is kept, and it names ana.
    const studio = await createStudio({ dbPath: lib.db, runJobs: false });
    try {
      expect(await studio.users.authenticate(token)).toEqual({ user: 'ana', role: 'annotator' });
      expect(tokenSha256(token)).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await studio.close();
    }

    expect((await runCaptured('users', 'remove', 'ana', '--db', lib.db)).out).toBe('removed annotator "ana": their token no longer works');
    const gone = await runCaptured('users', 'remove', 'ana', '--db', lib.db);
    expect([gone.code, gone.err]).toEqual([1, 's2cap: no user named "ana" (s2cap users list)']);
    expect((await runCaptured('users', '--db', lib.db)).out).toMatch(/^rita\treviewer\tadded /);
    // The name is free again; the old token stays dead.
    await runCaptured('users', 'add', 'ana', '--db', lib.db);
    const again2 = await createStudio({ dbPath: lib.db, runJobs: false });
    try {
      expect(await again2.users.authenticate(token)).toBeNull();
    } finally {
      await again2.close();
    }
  });
});

describe('s2cap queue and stats', () => {
  it('prints a page of the queue in the asked order, and the stats', async () => {
    const studio = await createStudio({ dbPath: lib.db, runJobs: false });
    try {
      // 20 s of a tone (sox), room for three segments of 6 s.
      const wav = path.join(lib.dir, 'tone.wav');
      execFileSync('sox', ['-n', '-r', '16000', '-c', '1', wav, 'synth', '20', 'sine', '440']);
      const track = (await studio.importPaths({ paths: [wav] })).imported[0]!;
      const segs = [];
      for (const start of [0, 6, 12]) segs.push(await studio.createSegment({ trackId: track.id, startSec: start, endSec: start + 6 }));
      await studio.saveCaption({ segmentId: segs[1]!.id, text: 'A breathy voice', status: 'approved', parentId: null, author: 'ana', secondsSpent: 12 });
      await studio.saveCaption({ segmentId: segs[2]!.id, text: 'draft text', status: 'draft', parentId: null, author: 'bo' });
    } finally {
      await studio.close();
    }
    const page = JSON.parse((await runCaptured('queue', '--json', '--order', 'unreviewed', '--db', lib.db)).out);
    expect(page.total).toBe(3);
    expect(page.items.map((i: { state: string }) => i.state)).toEqual(['unsuggested', 'draft', 'approved']);
    const filtered = JSON.parse((await runCaptured('queue', '--json', '--status', 'approved,draft', '--search', 'BREATHY', '--db', lib.db)).out);
    expect(filtered.items.map((i: { annotator: string }) => i.annotator)).toEqual(['ana']);
    const table = await runCaptured('queue', '--limit', '2', '--offset', '1', '--db', lib.db);
    expect(table.out.split('\n')).toHaveLength(3);
    expect(table.out).toMatch(/\tapproved\s+\t-\t.*\tana\t"A breathy voice"\n/);
    expect(table.out.split('\n').at(-1)).toBe('2–3 of 3 segments');

    const bad = await runCaptured('queue', '--status', 'done', '--db', lib.db);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^s2cap: queue: .*status/);
    expect((await runCaptured('queue', '--limit', '0', '--db', lib.db)).err).toBe('s2cap: --limit must be a whole number of at least 1, got "0"');

    const stats = JSON.parse((await runCaptured('stats', '--json', '--db', lib.db)).out);
    expect(stats.totals).toEqual({ segments: 3, suggested: 0, approved: 1, flagged: 0, rejected: 0, drafts: 1 });
    expect(stats.annotators).toEqual([
      { name: 'ana', revisions: 1, approved: 1, meanWordEdits: null, acceptedUnchanged: null, medianSeconds: 12 },
      { name: 'bo', revisions: 1, approved: 0, meanWordEdits: null, acceptedUnchanged: null, medianSeconds: null },
    ]);
    const readable = (await runCaptured('stats', '--db', lib.db)).out;
    expect(readable).toMatch(/^segments 3, suggested 0, approved 1, drafts 1, flagged 0, rejected 0$/m);
    expect(readable).toMatch(/^ana\t1\t1\t-\t-\t12$/m);
  });
});
