import { expect, it } from 'vitest';
import { auditOf } from '../../src/records/audit';
import { insertContact } from '../../src/records/call-contacts';
import { enqueueDelivery } from '../../src/records/outbox';
import { appendEvent } from '../../src/records/record-events';
import { purgeAlert, purgeRecord } from '../../src/records/retention';
import { type SqlStore, write } from '../../src/storage/sql';
import {
  aRecord,
  atTheSameMoment,
  describeOnBothStores,
  type MakeStore,
  rowCount,
  withStore as withStoreOf,
} from '../harness/stores';

const AT = '2052-12-01T09:40:00.000Z';
const lead = { id: 'aad-lead', name: 'Lee Lead' };

/** A record with an event, a contact, two deliveries and its schedule rows (the schema's triggers). */
async function aFullRecord(store: SqlStore, id: string): Promise<void> {
  await store.transact(aRecord(id));
  await store.transact(appendEvent(id, 0, { type: 'recorded-on-record' }, lead, '2026-12-01T10:00:00.000Z'));
  await store.transact(
    insertContact({ recordId: id, serviceUrl: 'https://x', conversationId: 'c', userId: 'u' }),
  );
  const now = new Date('2026-12-01T09:40:00.000Z');
  await store.transact(
    enqueueDelivery(
      { id: `${id}-s`, recordId: id, kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
      now,
      60,
    ),
  );
  await store.transact(
    enqueueDelivery(
      {
        id: `${id}-a`,
        recordId: id,
        kind: 'safeguarding-alert',
        target: { type: 'channel', role: 'safeguarding' },
      },
      now,
      60,
    ),
  );
}

/**
 * Retention's purges, the same on both stores (issue 11, items 2 and 3): the only deletes of records the
 * schema allows, each purge once however many instances run it.
 */
function retentionContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('a record goes with everything of it, under a permit that goes too; the audit keeps ids and counts', () =>
    withStore(async (store) => {
      await aFullRecord(store, 'r1');
      await aFullRecord(store, 'r2');
      expect(await store.transact(purgeRecord('r1', AT, 26))).toEqual({ events: 1, deliveries: 2 });
      for (const [table, left] of [
        ['duty_calls', 1],
        ['record_events', 1],
        ['call_contacts', 1],
        ['outbox', 2],
        ['purge_permits', 0],
      ] as const) {
        expect(await rowCount(store, table), table).toBe(left);
      }
      expect(await rowCount(store, 'record_schedule', "WHERE record_id = 'r1'")).toBe(0);
      expect((await store.transact(auditOf('r1'))).map((a) => [a.action, a.detail])).toEqual([
        ['record-purged', { retentionYears: 26, events: 1, deliveries: 2 }],
      ]);
      // the permit was for r1 only
      await expect(store.transact(write("DELETE FROM duty_calls WHERE id = 'r2'"))).rejects.toThrow();
    }));

  it('two instances purging one record at once: purged and audited once, the second finds it gone', () =>
    withStore(async (store) => {
      await aFullRecord(store, 'r1');
      const results = await atTheSameMoment(store, purgeRecord('r1', AT, 26), purgeRecord('r1', AT, 26));
      expect(results.filter((r) => r !== undefined)).toEqual([{ events: 1, deliveries: 2 }]);
      expect((await store.transact(auditOf('r1'))).map((a) => a.action)).toEqual(['record-purged']);
      expect(await rowCount(store, 'purge_permits')).toBe(0);
    }));

  it('an alert whose call was never submitted goes with the rows it queued; one a record took over stays', () =>
    withStore(async (store) => {
      const now = new Date('2026-12-01T09:40:00.000Z');
      const alert = (id: string, recordId: string | null) =>
        write(
          `INSERT INTO draft_alerts (id, draft_id, reference, outbox_id, tenant_id, referrer_aad_id, service_url,
             conversation_id, user_id, snapshot_json, raised_at, record_id)
           VALUES (?, ?, 'IMH-ABCDEF', ?, 't', 'aad', 'https://x', 'c', 'u', '{}', '2026-12-01T09:00:00.000Z', ?)`,
          [id, `draft-${id}`, `${id}-post`, recordId],
        );
      await store.transact(alert('a1', null));
      for (const n of [1, 2]) {
        await store.transact(
          enqueueDelivery(
            {
              id: `a1-${n}`,
              kind: 'alert-note',
              target: { type: 'thread', of: 'a1-post' },
              payload: { draftAlertId: 'a1' },
            },
            now,
            60,
          ),
        );
      }
      await store.transact(aRecord('r1'));
      await store.transact(alert('a2', 'r1'));
      expect(await store.transact(purgeAlert('a1', 'draft-a1', AT, 26))).toBe(2);
      expect(await store.transact(purgeAlert('a2', 'draft-a2', AT, 26))).toBeUndefined();
      expect(await rowCount(store, 'draft_alerts')).toBe(1);
      expect(await rowCount(store, 'outbox')).toBe(0);
      expect((await store.transact(auditOf('draft-a1'))).map((a) => [a.action, a.detail])).toEqual([
        ['draft-alert-purged', { alertId: 'a1', retentionYears: 26, deliveries: 2 }],
      ]);
    }));
}

describeOnBothStores('Retention', retentionContract);
