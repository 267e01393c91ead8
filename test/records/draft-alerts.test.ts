/**
 * The draft save and the safeguarding alert it raises are one SQLite transaction (issue 8 item 1):
 * neither is ever stored without the other.
 */

import { test } from 'vitest';
import { DraftStore } from '../../src/bot/draft-store';
import { startDraft } from '../../src/domain/draft';
import { DraftAlerts } from '../../src/records/draft-alerts';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { SqliteStorage } from '../../src/storage/sqlite-storage';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE } from '../fixtures/calls';
import { expectDraftAndAlertTogether } from '../harness/draft-with-alert';

const NOW = new Date('2026-11-23T10:00:00Z');

function setUp() {
  const db = openDatabase(':memory:');
  const storage = new SqliteStorage(db, () => NOW);
  let n = 0;
  const alerts = new DraftAlerts(new SqliteSql(db), {
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
    alerts.queries.onRiskSaved(
      draft,
      { tenantId: 't', userId: 'aad-u' },
      { serviceUrl: 'http://x', conversationId: 'c', userId: 'u' },
      NOW,
    );
  const count = (table: string) => Number(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
  return { db, drafts: new DraftStore(storage, new SqliteSql(db), storage), draft, raise, count };
}

test('[HAZ-01] the draft save and the alert it raises are one transaction: a refused save queues no alert, a failed alert saves no draft', async () => {
  const { drafts, draft, raise, count } = setUp();
  await expectDraftAndAlertTogether(drafts, draft, raise, count);
});
