// Two processes changing the inference settings at the same moment (one the threads, the other a
// provider) on one library, on every back end: both changes land. updateSettings reads, merges and
// writes in one transaction; on PostgreSQL (READ COMMITTED) that alone lets both read the old value
// and the second write drop the first's change, so the setting is locked for the transaction.
import { describe, expect, it } from 'vitest';
import type { JobRunner } from '../jobs/jobRunner';
import type { PackRegistry } from '../inference/packs/registry';
import { testStores } from '../testing/testStores';
import type { WorkerPool } from '../worker/pool';
import { modelCommands, readSettings } from './models';

const backends = testStores();
// updateSettings touches only the store.
const commandsOn = (store: Parameters<typeof modelCommands>[0]['store']) =>
  modelCommands({ store, packs: undefined as unknown as PackRegistry, jobs: undefined as unknown as JobRunner, pool: undefined as unknown as WorkerPool });

describe.each(backends)('updateSettings from two processes at once ($name)', (backend) => {
  it('keeps both changes', async () => {
    const { store, target } = await backend.open();
    const other = await backend.reopen(target);
    for (let round = 1; round <= 5; round++) {
      const ep = round % 2 ? 'cpu' : 'cuda';
      await Promise.all([commandsOn(store).updateSettings({ threads: round }), commandsOn(other).updateSettings({ ep: { encoder: ep, decoder: 'auto', separator: 'auto' } })]);
      const now = await readSettings(store);
      expect({ threads: now.threads, encoder: now.ep.encoder }).toEqual({ threads: round, encoder: ep });
    }
  });
});
