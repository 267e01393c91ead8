import { expect, it } from 'vitest';
import { appendEvent } from '../../src/records/record-events';
import { dueRows, removeRow, setDue } from '../../src/records/record-schedule';
import { type SqlStore, write } from '../../src/storage/sql';
import { aRecord, describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const lead = { id: 'aad-lead', name: 'Lee Lead' };
const SUBMITTED = '2026-12-01T09:40:00.000Z';
const anAlert = (id: string, recordId: string) =>
  write(
    `INSERT INTO outbox (id, record_id, kind, target_json, created_at, next_attempt_at, give_up_at)
     VALUES (?, ?, 'safeguarding-alert', '{"type":"channel","role":"safeguarding"}', ?, ?, ?)`,
    [id, recordId, SUBMITTED, SUBMITTED, '2026-12-02T09:40:00.000Z'],
  );
const at = (iso: string) => new Date(iso);

/**
 * When the scheduler looks at a record, the same on both stores (issue 11, item 2): each schema's own
 * triggers add and end the rows as calls, alerts and events are written, and the queries find them.
 */
function recordScheduleContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);
  const kinds = async (store: Awaited<ReturnType<MakeStore>>['store']) =>
    (await store.transact(dueRows('reminder', at('2100-01-01T00:00:00.000Z'), 100)))
      .concat(await store.transact(dueRows('indication', at('2100-01-01T00:00:00.000Z'), 100)))
      .concat(await store.transact(dueRows('escalation', at('2100-01-01T00:00:00.000Z'), 100)))
      .map((r) => `${r.recordId} ${r.kind}${r.alertId ? ` ${r.alertId}` : ''}`)
      .sort();

  it('a full call awaits its referral and an indication; advice only an indication; an alert its escalation', () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      await store.transact(aRecord('r2', 'advice'));
      await store.transact(anAlert('a1', 'r1'));
      expect(await kinds(store)).toEqual([
        'r1 escalation a1',
        'r1 indication',
        'r1 reminder',
        'r2 indication',
      ]);
      expect(await store.transact(dueRows('reminder', at(SUBMITTED), 10))).toEqual([
        { recordId: 'r1', kind: 'reminder', alertId: '', dueAt: SUBMITTED },
      ]);
      // not yet due a moment before
      expect(await store.transact(dueRows('reminder', at('2026-12-01T09:39:59.999Z'), 10))).toEqual([]);
    }));

  it('the events that end the work end its rows: referral received, alert acknowledged, indication given', () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      await store.transact(anAlert('a1', 'r1'));
      await store.transact(
        appendEvent('r1', 0, { type: 'referral-received' }, lead, '2026-12-01T10:00:00.000Z'),
      );
      await store.transact(
        appendEvent('r1', 1, { type: 'alert-acknowledged' }, lead, '2026-12-01T10:01:00.000Z'),
      );
      expect(await kinds(store)).toEqual(['r1 indication']);
      await store.transact(
        appendEvent(
          'r1',
          2,
          { type: 'indication-given', indication: 'eligible', reason: 'Meets the criteria' },
          lead,
          '2026-12-01T10:02:00.000Z',
        ),
      );
      expect(await kinds(store)).toEqual([]);
    }));

  it('the scheduler sets the next time or removes a row; oldest first, a bounded batch', () =>
    withStore(async (store) => {
      for (const id of ['r1', 'r2', 'r3']) await store.transact(aRecord(id));
      await store.transact(
        setDue({ recordId: 'r1', kind: 'reminder', alertId: '' }, at('2026-12-08T09:40:00.000Z')),
      );
      await store.transact(removeRow({ recordId: 'r2', kind: 'reminder', alertId: '' }));
      const due = await store.transact(dueRows('reminder', at('2026-12-31T00:00:00.000Z'), 1));
      expect(due.map((r) => r.recordId)).toEqual(['r3']);
      const all = await store.transact(dueRows('reminder', at('2026-12-31T00:00:00.000Z'), 10));
      expect(all.map((r) => `${r.recordId} ${r.dueAt}`)).toEqual([
        `r3 ${SUBMITTED}`,
        'r1 2026-12-08T09:40:00.000Z',
      ]);
    }));
}

describeOnBothStores('RecordSchedule', recordScheduleContract);
