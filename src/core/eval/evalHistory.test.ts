// The evaluation history on both back ends: runs appended by two processes at once both land
// (the setting is locked for its read-modify-write), in order, and only the newest are kept.
import { describe, expect, it } from 'vitest';
import type { EvalRecord } from '../../shared/evaluation';
import { testStores } from '../testing/testStores';
import { appendEval, EVAL_HISTORY_KEY, EVAL_HISTORY_MAX, listEvals } from './evalHistory';

const rec = (n: number): EvalRecord => ({
  at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString(),
  pack: `cap@${n}`,
  fixture: false,
  split: 'all',
  status: ['approved'],
  numBeams: null,
  n,
  metrics: { bleu_1: 0.5, bleu_2: 0.4, bleu_3: 0.3, bleu_4: 0.2, rouge_l: 0.5, cider_d: 1.2, meteor: null, spice: null, spider: null },
});

describe.each(testStores())('evaluation history ($name)', (backend) => {
  it('two handles on one library appending at once: both runs land', async () => {
    const { store, target } = await backend.open();
    const other = await backend.reopen(target);
    expect(await listEvals(store)).toEqual([]);
    await Promise.all(Array.from({ length: 6 }, (_, i) => appendEval(i % 2 ? other : store, rec(i))));
    const all = await listEvals(store);
    expect(all.map((r) => r.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await listEvals(other)).toEqual(all);
  });

  it('keeps the newest EVAL_HISTORY_MAX; a stored value that is not a list reads as none', async () => {
    const { store } = await backend.open();
    await store.settings.set(EVAL_HISTORY_KEY, Array.from({ length: EVAL_HISTORY_MAX }, (_, i) => rec(i)));
    await appendEval(store, rec(EVAL_HISTORY_MAX));
    const all = await listEvals(store);
    expect(all).toHaveLength(EVAL_HISTORY_MAX);
    expect(all[0]!.n).toBe(1);
    expect(all.at(-1)!.n).toBe(EVAL_HISTORY_MAX);
    await store.settings.set(EVAL_HISTORY_KEY, { not: 'a list' });
    expect(await listEvals(store)).toEqual([]);
  });
});
