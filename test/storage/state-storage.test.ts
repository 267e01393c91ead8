import { describe, it } from 'vitest';
import { DraftStore } from '../../src/bot/draft-store';
import { startDraft } from '../../src/domain/draft';
import { DraftAlertQueries } from '../../src/records/draft-alerts';
import { StateStorage } from '../../src/storage/state-storage';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE } from '../fixtures/calls';
import { expectDraftAndAlertTogether } from '../harness/draft-with-alert';
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
      let n = 0;
      const alerts = new DraftAlertQueries({
        alertRules: ['possible-harm-baby'],
        profile: PROFILE,
        giveUpMinutes: 60,
        newId: () => `id-${++n}`,
        newReference: () => 'IMH-ABCDEF',
      });
      const draft = {
        ...startDraft('draft-1', 'full', NOW, '2026-11-23'),
        answers: { referrer: FULL_CALL.referrer!, risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' } },
      };
      const raise = () =>
        alerts.onRiskSaved(
          draft,
          { tenantId: 't', userId: 'aad-u' },
          { serviceUrl: 'http://x', conversationId: 'c', userId: 'u' },
          NOW,
        );
      await expectDraftAndAlertTogether(drafts, draft, raise, (table) => rowCount(store, table));
    });
  });
});
