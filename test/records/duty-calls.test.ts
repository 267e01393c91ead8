import { expect, it } from 'vitest';
import {
  asDuplicateCall,
  type CallHead,
  callOf,
  callsOfReferrer,
  DuplicateDutyCallError,
  type DutyCallRow,
  headOf,
  insertCall,
  maybeOpenCalls,
  referenceOf,
} from '../../src/records/duty-calls';
import { appendEvent } from '../../src/records/record-events';
import { type SqlStore, write } from '../../src/storage/sql';
import { describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const lead = { id: 'aad-lead', name: 'Lee Lead' };

function call(id: string, over: Partial<DutyCallRow> = {}): DutyCallRow {
  return {
    id,
    kind: 'full',
    tenantId: 'tenant',
    referrerAadId: 'aad-hv',
    conversationId: 'conv-hv',
    startedAt: '2026-12-01T09:00:00.000Z',
    submittedAt: '2026-12-01T09:40:00.000Z',
    // key order, nesting and a character outside ASCII: read back exactly as written
    record: { reference: `IMH-${id.toUpperCase()}`, zeta: 1, alpha: { b: [1, 'two'], a: null }, note: 'Zoë' },
    ...over,
  };
}

/** Submitted calls, the same on both stores (issue 11, item 2), append-only by each one's schema. */
function dutyCallsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('a call is read back as it was written, its record exactly', () =>
    withStore(async (store) => {
      await store.transact(insertCall(call('c1')));
      const back = await store.transact(callOf('c1'));
      expect(back).toEqual(call('c1'));
      expect(JSON.stringify(back?.record)).toBe(JSON.stringify(call('c1').record));
      expect(await store.transact(callOf('nope'))).toBeUndefined();
      expect(await store.transact(headOf('c1'))).toEqual<CallHead>({
        id: 'c1',
        kind: 'full',
        submittedAt: '2026-12-01T09:40:00.000Z',
      });
      expect(await store.transact(headOf('nope'))).toBeUndefined();
    }));

  it("a call's reference is read from its record", () =>
    withStore(async (store) => {
      await store.transact(insertCall(call('c1')));
      await store.transact(insertCall(call('c2', { record: { other: 1 } })));
      expect(await store.transact(referenceOf('c1'))).toBe('IMH-C1');
      expect(await store.transact(referenceOf('c2'))).toBeUndefined();
      expect(await store.transact(referenceOf('nope'))).toBeUndefined();
    }));

  it('a call recorded twice is a duplicate, told apart from other failures, and the first stays', () =>
    withStore(async (store) => {
      await store.transact(insertCall(call('c1')));
      const again = await store
        .transact(insertCall(call('c1', { record: { reference: 'IMH-OTHER' } })))
        .catch((err: unknown) => asDuplicateCall(err, 'c1'));
      expect(again).toBeInstanceOf(DuplicateDutyCallError);
      expect(await store.transact(referenceOf('c1'))).toBe('IMH-C1');
      // anything else is passed on as it is
      const other = new Error('disk full');
      expect(asDuplicateCall(other, 'c1')).toBe(other);
    }));

  it("a referrer's calls come latest first, those of one millisecond the later inserted first, up to the limit", () =>
    withStore(async (store) => {
      const same = '2026-12-01T10:00:00.000Z';
      // inserted in an order that neither the ids nor the times give
      await store.transact(insertCall(call('m', { submittedAt: same })));
      await store.transact(insertCall(call('a', { submittedAt: '2026-12-01T09:00:00.000Z' })));
      await store.transact(insertCall(call('z', { submittedAt: same })));
      await store.transact(insertCall(call('b', { submittedAt: same })));
      await store.transact(insertCall(call('x', { referrerAadId: 'aad-gp', submittedAt: same })));
      const ids = async (limit?: number) =>
        (await store.transact(callsOfReferrer('aad-hv', limit))).map((c) => c.id);
      expect(await ids()).toEqual(['b', 'z', 'm', 'a']);
      expect(await ids(2)).toEqual(['b', 'z']);
      expect((await store.transact(callsOfReferrer('aad-gp'))).map((c) => c.id)).toEqual(['x']);
      // a negative LIMIT is "no limit" on SQLite: refused rather than everything returned
      for (const bad of [0, -1, 1.5]) {
        await expect(store.transact(callsOfReferrer('aad-hv', bad))).rejects.toThrow(RangeError);
      }
    }));

  it('the calls that may be open are those awaiting a referral or an indication, oldest first', () =>
    withStore(async (store) => {
      await store.transact(insertCall(call('late', { submittedAt: '2026-12-01T11:00:00.000Z' })));
      await store.transact(
        insertCall(call('advice', { kind: 'advice', submittedAt: '2026-12-01T10:00:00.000Z' })),
      );
      await store.transact(
        insertCall(call('done', { kind: 'advice', submittedAt: '2026-12-01T08:00:00.000Z' })),
      );
      // the schema's triggers end an advice call's schedule when its indication is given
      await store.transact(
        appendEvent(
          'done',
          0,
          { type: 'indication-given', indication: 'advice-only', reason: 'advice given' },
          lead,
          '2026-12-01T12:00:00.000Z',
        ),
      );
      expect((await store.transact(maybeOpenCalls())).map((c) => c.id)).toEqual(['advice', 'late']);
    }));

  it('calls are append-only, enforced by the database', () =>
    withStore(async (store) => {
      await store.transact(insertCall(call('c1')));
      const refusal = (err: unknown) =>
        ['SQLITE_CONSTRAINT_TRIGGER', '23000'].includes(String((err as { code?: unknown }).code));
      await expect(
        store.transact(write("UPDATE duty_calls SET record_json = '{}' WHERE id = ?", ['c1'])),
      ).rejects.toSatisfy(refusal);
      await expect(store.transact(write('DELETE FROM duty_calls WHERE id = ?', ['c1']))).rejects.toSatisfy(
        refusal,
      );
      expect(await store.transact(callOf('c1'))).toEqual(call('c1'));
    }));
}

describeOnBothStores('DutyCallRecords', dutyCallsContract);
