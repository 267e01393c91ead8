/**
 * The draft save and the safeguarding alert it raises are one SQLite transaction (issue 8 item 1):
 * neither is ever stored without the other.
 */

import { test } from 'vitest';
import { DraftStore } from '../../src/bot/draft-store';
import { DraftAlerts } from '../../src/records/draft-alerts';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { SqliteStorage } from '../../src/storage/sqlite-storage';
import { alertOptions, expectDraftAndAlertTogether, flaggedRiskSave } from '../harness/draft-with-alert';

const NOW = new Date('2026-11-23T10:00:00Z');

function setUp() {
  const db = openDatabase(':memory:');
  const storage = new SqliteStorage(db, () => NOW);
  const { draft, raise } = flaggedRiskSave(NOW, new DraftAlerts(new SqliteSql(db), alertOptions()).queries);
  const count = (table: string) => Number(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
  return { db, drafts: new DraftStore(storage, new SqliteSql(db), storage), draft, raise, count };
}

test('[HAZ-01] the draft save and the alert it raises are one transaction: a refused save queues no alert, a failed alert saves no draft', async () => {
  const { drafts, draft, raise, count } = setUp();
  await expectDraftAndAlertTogether(drafts, draft, raise, count);
});
