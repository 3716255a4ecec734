// `s2cap captions` as a script uses it: a real library file and a real imported recording; show a
// segment, save revisions on top of the head, a stale --parent refused with the head printed,
// history as JSON, one-line errors with their exit codes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptionRevision, SegmentCaption } from '../shared/annotation';
import { FIXTURE_DUET } from '../core/testing/tmp';
import { cliJson as json, cliLibrary, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();

describe('s2cap captions', () => {
  it('shows, saves on the head, refuses a stale parent with the head, and lists history', async () => {
    expect((await run('import', path.join(FIXTURE_DUET, 'duet.mp3'), '--db', lib.db)).code).toBe(0);
    const [track] = json<{ id: number }[]>(await run('list', '--db', lib.db, '--json'));
    const seg = json<{ id: number }>(await run('segments', 'add', String(track!.id), '0', '5', '--db', lib.db, '--json'));

    const empty = json<SegmentCaption>(await run('captions', String(seg.id), '--db', lib.db, '--json'));
    expect(empty).toMatchObject({ state: 'unsuggested', head: null, suggestion: null, segment: { id: seg.id } });
    expect((await run('captions', String(seg.id), '--db', lib.db)).out).toMatch(/^segment \d+ of track \d+ .*: unsuggested\nhead: none/);

    // No annotator name anywhere: refused, nothing written.
    const nameless = await run('captions', 'set', String(seg.id), 'A soft duet.', '--db', lib.db);
    expect(nameless.code).toBe(1);
    expect(nameless.err).toMatch(/^s2cap: no annotator name: .*--author/);

    const v1 = json<CaptionRevision>(await run('captions', 'set', String(seg.id), 'A soft duet.', '--author', 'ann', '--db', lib.db, '--json'));
    expect(v1).toMatchObject({ parentId: null, status: 'draft', author: 'ann', text: 'A soft duet.' });
    const v2 = await run('captions', 'set', String(seg.id), 'A soft female duet.', '--status', 'approved', '--author', 'bob', '--db', lib.db);
    expect(v2.code).toBe(0);
    expect(v2.out).toMatch(/^saved revision \d+ approved by bob at .*: "A soft female duet\."$/);

    const stale = await run('captions', 'set', String(seg.id), 'late edit', '--parent', String(v1.id), '--author', 'ann', '--db', lib.db);
    expect(stale.code).toBe(1);
    expect(stale.err.split('\n')).toHaveLength(1);
    expect(stale.err).toMatch(/^s2cap: the caption of segment \d+ was changed meanwhile: .*; current: revision \d+ approved by bob .*"A soft female duet\."$/);

    const flagged = json<CaptionRevision>(
      await run('captions', 'set', String(seg.id), 'A soft female duet?', '--status', 'flagged', '--note', 'is it a child?', '--author', 'ann', '--db', lib.db, '--json'),
    );
    expect(flagged.note).toBe('is it a child?');
    const history = json<CaptionRevision[]>(await run('captions', 'history', String(seg.id), '--db', lib.db, '--json'));
    expect(history.map((r) => [r.text, r.author, r.status])).toEqual([
      ['A soft duet.', 'ann', 'draft'],
      ['A soft female duet.', 'bob', 'approved'],
      ['A soft female duet?', 'ann', 'flagged'],
    ]);
    expect(history.map((r) => r.parentId)).toEqual([null, history[0]!.id, history[1]!.id]);
    expect(json<SegmentCaption>(await run('captions', String(seg.id), '--db', lib.db, '--json'))).toMatchObject({ state: 'flagged', head: { id: flagged.id } });

    const badStatus = await run('captions', 'set', String(seg.id), 'x', '--status', 'done', '--author', 'ann', '--db', lib.db);
    expect(badStatus.code).toBe(2);
    expect(badStatus.err).toMatch(/^s2cap: captions set: .*status/);
    const missing = await run('captions', '999', '--db', lib.db);
    expect([missing.code, missing.err]).toEqual([1, 's2cap: no segment with id 999']);
    const usage = await run('captions', 'history', String(seg.id), '--status', 'draft', '--db', lib.db);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--status goes with "captions set"/);
    expect((await run('captions', 'history', String(seg.id), '--db', lib.db, '--json')).out).toBe(JSON.stringify(history));
  });

  it('refuses overlapping segments from the command line too', async () => {
    expect((await run('import', path.join(FIXTURE_DUET, 'duet.mp3'), '--db', lib.db)).code).toBe(0);
    const [track] = json<{ id: number }[]>(await run('list', '--db', lib.db, '--json'));
    json(await run('segments', 'add', String(track!.id), '0', '5', '--db', lib.db, '--json'));
    const r = await run('segments', 'add', String(track!.id), '3', '8', '--db', lib.db);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^s2cap: overlaps segment #\d+ \(0:00–0:05\)/);
  });
});
