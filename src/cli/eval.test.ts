// `s2cap eval` as a script uses it: a real library file and a real recording, captions approved with
// `s2cap captions set`, the built-in suggester scored against them (JSON and table), the history
// listed, and one-line refusals with their exit codes (bad flags 2, nothing to evaluate 1).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvalRecord } from '../shared/evaluation';
import { FIXTURE_DUET } from '../core/testing/tmp';
import { cliJson as json, cliLibrary, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();

describe('s2cap eval', () => {
  it('scores the built-in suggester against approved captions, writes no suggestion, and keeps the run', async () => {
    expect((await run('import', path.join(FIXTURE_DUET, 'duet.mp3'), '--db', lib.db)).code).toBe(0);
    const [track] = json<{ id: number; sha256: string }[]>(await run('list', '--db', lib.db, '--json'));
    const a = json<{ id: number }>(await run('segments', 'add', String(track!.id), '0', '5', '--db', lib.db, '--json'));
    const b = json<{ id: number }>(await run('segments', 'add', String(track!.id), '5', '10', '--db', lib.db, '--json'));

    // No reference captions yet: refused in one line.
    const none = await run('eval', '--pack', 'built-in', '--db', lib.db);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^s2cap: no reference captions to evaluate against in the library \(head status approved\): /);
    expect(none.err.split('\n')).toHaveLength(1);

    expect((await run('captions', 'set', String(a.id), 'A soft female duet over guitar.', '--status', 'approved', '--author', 'ann', '--db', lib.db)).code).toBe(0);
    expect((await run('captions', 'set', String(b.id), 'Two voices, slow and warm.', '--status', 'draft', '--author', 'ann', '--db', lib.db)).code).toBe(0);

    const res = json<EvalRecord & { metrics: { per_item: { id: string }[] }; items: { id: string; segmentId: number; reference: string; candidate: string }[]; skipped: string[] }>(
      await run('eval', '--pack', 'built-in', '--json', '--db', lib.db),
    );
    expect(res).toMatchObject({ pack: 'built-in', split: 'all', status: ['approved'], n: 1, skipped: [] });
    expect(res.items).toEqual([{ id: `${track!.sha256.slice(0, 12)}-${a.id}`, segmentId: a.id, reference: 'A soft female duet over guitar.', candidate: expect.stringMatching(/\b(?:voice|singer|vocals?)\b/) }]);
    expect(res.metrics.per_item.map((p) => p.id)).toEqual([res.items[0]!.id]);
    for (const k of ['bleu_1', 'bleu_2', 'bleu_3', 'bleu_4', 'rouge_l', 'cider_d'] as const) expect(typeof res.metrics[k]).toBe('number');

    // The draft counts when asked for; the table names the captioner and every metric.
    const table = await run('eval', '--pack', 'built-in', '--status', 'approved,draft', '--db', lib.db);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^built-in suggester on 2 segments \(all splits, approved\/draft captions as references\)/);
    expect(table.out).toMatch(/^bleu_4\s+\t\d\.\d{4}$/m);
    expect(table.out).toMatch(/^meteor\s+\t-$/m);

    // Nothing was suggested by evaluating.
    const cap = json<{ suggestion: unknown; state: string }>(await run('captions', String(b.id), '--db', lib.db, '--json'));
    expect(cap).toMatchObject({ suggestion: null, state: 'draft' });

    const history = json<EvalRecord[]>(await run('eval', 'list', '--json', '--db', lib.db));
    expect(history.map((h) => [h.pack, h.n, h.status])).toEqual([
      ['built-in', 1, ['approved']],
      ['built-in', 2, ['approved', 'draft']],
    ]);
    expect((await run('eval', 'list', '--db', lib.db)).out.split('\n')).toHaveLength(3);
  });

  it('refuses bad flags in one line with exit code 2', async () => {
    for (const [args, why] of [
      [['--split', 'dev'], /^s2cap: --split takes train, validation, test or all, got "dev"$/],
      [['--status', 'approved,done'], /^s2cap: --status takes draft, approved, rejected, flagged/],
      [['--beams', '0'], /^s2cap: --beams must be a whole number from 1 to 16, got "0"$/],
      [['history'], /^s2cap: unknown eval command "history"/],
    ] as const) {
      const r = await run('eval', ...args, '--db', lib.db);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(why);
    }
  });

  it('an unknown pack is refused, naming it', async () => {
    const r = await run('eval', '--pack', 'nope@1.0', '--db', lib.db);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^s2cap: .*nope@1\.0/);
  });
});
