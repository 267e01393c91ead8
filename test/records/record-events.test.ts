import { expect, it } from 'vitest';
import { appendEvent, eventsOf } from '../../src/records/record-events';
import { isDuplicateKey, type SqlStore, write } from '../../src/storage/sql';
import { aRecord, describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const lead = { id: 'aad-lead', name: 'Lee Lead' };

/** A call's event log, the same on both stores (issue 11, item 2), its append-only rule enforced by each. */
function recordEventsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('events come back in version order, as appended', () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      expect(await store.transact(eventsOf('r1'))).toEqual([]);
      const first = await store.transact(
        appendEvent('r1', 0, { type: 'recorded-on-record' }, lead, '2026-12-01T10:00:00.000Z'),
      );
      expect(first).toMatchObject({ seq: 1, type: 'recorded-on-record', actor: lead });
      await store.transact(
        appendEvent(
          'r1',
          1,
          { type: 'alert-escalated', round: 2 },
          { id: 'bot', name: 'bot' },
          '2026-12-01T10:30:00.000Z',
        ),
      );
      expect(await store.transact(eventsOf('r1'))).toEqual([
        { type: 'recorded-on-record', seq: 1, at: '2026-12-01T10:00:00.000Z', actor: lead },
        {
          type: 'alert-escalated',
          round: 2,
          seq: 2,
          at: '2026-12-01T10:30:00.000Z',
          actor: { id: 'bot', name: 'bot' },
        },
      ]);
    }));

  it('a version already taken is a duplicate key: two people acting at once, one of them told the record changed', () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      await store.transact(
        appendEvent('r1', 0, { type: 'referral-received' }, lead, '2026-12-01T10:00:00.000Z'),
      );
      const second = await store
        .transact(appendEvent('r1', 0, { type: 'recorded-on-record' }, lead, '2026-12-01T10:00:01.000Z'))
        .catch((err: unknown) => err);
      expect(isDuplicateKey(second)).toBe(true);
      expect((await store.transact(eventsOf('r1'))).map((e) => e.type)).toEqual(['referral-received']);
    }));

  it('the log is append-only, enforced by the database: no update, no delete', () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      await store.transact(
        appendEvent('r1', 0, { type: 'referral-received' }, lead, '2026-12-01T10:00:00.000Z'),
      );
      // refused by the schema's triggers: SQLite's RAISE, PostgreSQL's integrity_constraint_violation
      const refusal = (err: unknown) =>
        ['SQLITE_CONSTRAINT_TRIGGER', '23000'].includes(String((err as { code?: unknown }).code));
      await expect(
        store.transact(
          write("UPDATE record_events SET actor_name = 'someone else' WHERE record_id = ?", ['r1']),
        ),
      ).rejects.toSatisfy(refusal);
      await expect(
        store.transact(write('DELETE FROM record_events WHERE record_id = ?', ['r1'])),
      ).rejects.toSatisfy(refusal);
      expect(await store.transact(eventsOf('r1'))).toHaveLength(1);
    }));
}

describeOnBothStores('RecordEvents', recordEventsContract);
