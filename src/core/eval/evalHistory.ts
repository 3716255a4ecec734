// The library's evaluation history: every `s2cap eval` run appends one EvalRecord to a setting
// ('eval.history'), so the record travels with the library (SQLite file or PostgreSQL database)
// and the Stats view charts it (listEvals). Appended read-modify-write under the setting's lock in
// one write transaction, so two evaluations finishing together both land. The newest
// EVAL_HISTORY_MAX records are kept: a library evaluated after every retraining stays small.
import type { EvalRecord } from '../../shared/evaluation';
import type { Store } from '../store/store';

export const EVAL_HISTORY_KEY = 'eval.history';
export const EVAL_HISTORY_MAX = 1000;

/** The kept records, oldest first (a stored value that is not a list reads as none). */
export async function listEvals(store: Pick<Store, 'settings'>): Promise<EvalRecord[]> {
  const v = await store.settings.get<unknown>(EVAL_HISTORY_KEY);
  return Array.isArray(v) ? (v as EvalRecord[]) : [];
}

export async function appendEval(store: Store, record: EvalRecord): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.settings.lock(EVAL_HISTORY_KEY);
    const all = [...(await listEvals(tx)), record];
    await tx.settings.set(EVAL_HISTORY_KEY, all.slice(-EVAL_HISTORY_MAX));
  });
}
