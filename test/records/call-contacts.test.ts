import { expect, it } from 'vitest';
import { type CallContact, contactOf, insertContact } from '../../src/records/call-contacts';
import { isDuplicateKey, write } from '../../src/storage/sql';
import { describeOnBothStores, type MakeStore } from '../harness/stores';

const contact: CallContact = {
  recordId: 'r1',
  serviceUrl: 'https://smba.trafficmanager.net/uk/',
  conversationId: 'a:personal-chat',
  userId: '29:referrer',
};

/** A duty_calls row for the contact to belong to (call_contacts.record_id references it). */
const aRecord = (id: string) =>
  write(
    `INSERT INTO duty_calls (id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json)
     VALUES (?, 'full', 't', 'aad', 'c', '2026-12-01T09:00:00.000Z', '2026-12-01T09:40:00.000Z', '{}')`,
    [id],
  );

/** The call contacts' queries, the same on both stores (issue 11, item 2). */
function callContactsContract(make: MakeStore): void {
  const withStore = async (fn: (store: Awaited<ReturnType<MakeStore>>['store']) => Promise<void>) => {
    const { store, close } = await make();
    try {
      await fn(store);
    } finally {
      await close();
    }
  };

  it("keeps how to reach a call's referrer, once per record", () =>
    withStore(async (store) => {
      await store.transact(aRecord('r1'));
      expect(await store.transact(contactOf('r1'))).toBeUndefined();
      await store.transact(insertContact(contact));
      expect(await store.transact(contactOf('r1'))).toEqual(contact);
      expect(await store.transact(contactOf('r2'))).toBeUndefined();
      // a second contact for the same record is refused, not a silent replacement
      const again = await store
        .transact(insertContact({ ...contact, userId: '29:someone-else' }))
        .catch((err: unknown) => err);
      expect(isDuplicateKey(again)).toBe(true);
      expect(await store.transact(contactOf('r1'))).toEqual(contact);
    }));

  it('a contact for no record is refused', () =>
    withStore(async (store) => {
      await expect(store.transact(insertContact({ ...contact, recordId: 'nowhere' }))).rejects.toThrow();
      expect(await store.transact(contactOf('nowhere'))).toBeUndefined();
    }));
}

describeOnBothStores('CallContacts', callContactsContract);
