import { describe, it } from 'vitest';
import { DraftStore } from '../../src/bot/draft-store';
import { StateStorage } from '../../src/storage/state-storage';
import { expectDraftAndAlertTogether, flaggedRiskSave } from '../harness/draft-with-alert';
import { describeOnBothStores, rowCount, withStore } from '../harness/stores';
import { storageContract, transactionalStorageContract } from './storage-contract';

// The drafts on the SQL seam (issue 11): the same contract as MemoryStorage, SqliteStorage and
// PostgresStorage, on either store, and a draft saved in one transaction with what its save raises.
const NOW = new Date('2026-11-23T10:00:00Z');

describeOnBothStores('StateStorage', (make) => {
  describe('the storage contract', () => {
    const makeStorage = async () => {
      const { store, close } = await make();
      return { storage: new StateStorage(store), close };
    };
    storageContract('StateStorage', makeStorage);
    transactionalStorageContract('StateStorage', makeStorage);
  });

  it('[HAZ-01] the draft save and the alert it raises are one transaction: a refused save queues no alert, a failed alert saves no draft', async () => {
    await withStore(make, async (store) => {
      const state = new StateStorage(store, () => NOW);
      const drafts = new DraftStore(state, store, state);
      const { draft, raise } = flaggedRiskSave(NOW);
      await expectDraftAndAlertTogether(drafts, draft, raise, (table) => rowCount(store, table));
    });
  });
});
