import { expect, it } from 'vitest';
import { type CallContact, contactOf, insertContact } from '../../src/records/call-contacts';
import { isDuplicateKey, type SqlStore } from '../../src/storage/sql';
import { aRecord, describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const contact: CallContact = {
  recordId: 'r1',
  serviceUrl: 'https://smba.trafficmanager.net/uk/',
  conversationId: 'a:personal-chat',
  userId: '29:referrer',
};

/** The call contacts' queries, the same on both stores (issue 11, item 2). */
function callContactsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

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
