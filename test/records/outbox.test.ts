import { expect, it } from 'vitest';
import {
  alertUndeliveredRaised,
  claimDelivery,
  type Delivery,
  deliveryById,
  dueDeliveries,
  dueDeliveryPage,
  dueNowFor,
  enqueueDelivery,
  failDelivery,
  markDelivered,
  markInFlight,
  type NewDelivery,
  nextDueAt,
  oldestPendingAlertAt,
  outboxStats,
  overdueAlerts,
  pendingAfter,
  releaseClaims,
  renewClaims,
  retryDeliveryAt,
  unclaimDelivery,
  undeliveredAlerts,
} from '../../src/records/outbox';
import type { SqlStore } from '../../src/storage/sql';
import {
  aRecord,
  atTheSameMoment,
  describeOnBothStores,
  type MakeStore,
  withStore as withStoreOf,
} from '../harness/stores';

const T0 = Date.parse('2026-12-01T09:40:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const duty = { type: 'channel', role: 'duty' } as const;
const safeguarding = { type: 'channel', role: 'safeguarding' } as const;
const referrer = { type: 'referrer' } as const;

/**
 * The delivery worker's queue, the same on both stores (issue 11, items 2 and 3): due in queue order by
 * lane, a post after its predecessor, and each post claimed by one worker at a time.
 */
function outboxContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) =>
    withStoreOf(make, async (store) => {
      await store.transact(aRecord('r1'));
      await fn(store);
    });
  const queue = (store: SqlStore, d: Omit<NewDelivery, 'recordId'>, ms = 0) =>
    store.transact(enqueueDelivery({ recordId: 'r1', ...d }, at(ms), 60));
  const ids = (ds: readonly Delivery[]) => ds.map((d) => d.id);
  const get = async (store: SqlStore, id: string) => (await store.transact(deliveryById(id)))!;

  it('due in queue order, by lane; a post waits for the one it follows, and is due once that is made', () =>
    withStore(async (store) => {
      // three in one millisecond, queued in an order the ids do not give
      await queue(store, { id: 's-b', kind: 'duty-summary', target: duty });
      await queue(store, { id: 's-a', kind: 'duty-summary', target: duty });
      await queue(store, { id: 'c-a', kind: 'referrer-confirmation', target: referrer, afterId: 's-a' });
      await queue(store, { id: 'alert', kind: 'safeguarding-alert', target: safeguarding }, 5);
      const now = at(1_000);
      expect(ids(await store.transact(dueDeliveries(now, 10)))).toEqual(['s-b', 's-a', 'alert']);
      expect(ids(await store.transact(dueDeliveries(now, 10, 'alert')))).toEqual(['alert']);
      expect(ids(await store.transact(dueDeliveries(now, 10, 'general')))).toEqual(['s-b', 's-a']);
      expect(ids(await store.transact(dueDeliveries(now, 1, 'general')))).toEqual(['s-b']);
      expect(ids(await store.transact(pendingAfter('s-a')))).toEqual(['c-a']);
      expect(await store.transact(nextDueAt())).toBe(at(0).toISOString());
      // made: the confirmation is due from then, not before
      expect(await store.transact(markDelivered('s-a', at(2_000), 'conv', 'act-1'))).toBe(true);
      expect(await store.transact(markDelivered('s-a', at(2_001), 'conv', 'act-2'))).toBe(false);
      expect(await get(store, 's-a')).toMatchObject({ status: 'delivered', activityId: 'act-1' });
      expect((await get(store, 'c-a')).nextAttemptAt).toBe(at(2_000).toISOString());
      expect(ids(await store.transact(dueDeliveries(at(2_000), 10, 'general')))).toEqual(['s-b', 'c-a']);
    }));

  it('pages through the general lane target by target, from where the last page ended, passing over held targets', () =>
    withStore(async (store) => {
      for (const [n, target] of [duty, referrer, duty, referrer, duty].entries()) {
        await queue(
          store,
          { id: `p${n}`, kind: n % 2 ? 'referrer-notice' : 'duty-summary', target, payload: { n } },
          0,
        );
      }
      const now = at(1_000);
      const first = await store.transact(dueDeliveryPage(now, 3, undefined, []));
      expect(ids(first.rows)).toEqual(['p0', 'p1', 'p2']);
      expect(first.rows[1]!.payload).toEqual({ n: 1 });
      const second = await store.transact(dueDeliveryPage(now, 3, first.last, []));
      expect(ids(second.rows)).toEqual(['p3', 'p4']);
      const held = await store.transact(dueDeliveryPage(now, 10, undefined, [JSON.stringify(duty)]));
      expect(ids(held.rows)).toEqual(['p1', 'p3']);
    }));

  it('a post is claimed by one worker at a time, for its lease; a claim that ran out is taken over', () =>
    withStore(async (store) => {
      await queue(store, { id: 's', kind: 'duty-summary', target: duty });
      const read = await get(store, 's');
      const lease = (ms: number) => at(ms + 15_000);
      expect(await store.transact(claimDelivery(read, 'A', at(1_000), lease(1_000)))).toBe(true);
      expect(await store.transact(claimDelivery(read, 'B', at(2_000), lease(2_000)))).toBe(false);
      expect(await store.transact(markInFlight('s', at(2_000), 'B'))).toBe(false);
      expect(await store.transact(markInFlight('s', at(2_000), 'A'))).toBe(true);
      expect(await store.transact(renewClaims('A', at(3_000), lease(10_000)))).toBe(1);
      // A died: its lease runs out, and B, reading the post as it now is (under way), takes it over
      const underWay = await get(store, 's');
      expect(underWay.inFlightAt).toBe(at(2_000).toISOString());
      expect(await store.transact(claimDelivery(read, 'B', at(30_000), lease(30_000)))).toBe(false);
      expect(await store.transact(claimDelivery(underWay, 'B', at(30_000), lease(30_000)))).toBe(true);
      // A's late outcome is not recorded over B's claim
      expect(await store.transact(retryDeliveryAt('s', at(31_000), 'late', 'A'))).toBe(false);
      expect(await store.transact(failDelivery('s', 'late', 'A'))).toBe(false);
      expect(await store.transact(retryDeliveryAt('s', at(40_000), 'HTTP 500', 'B'))).toBe(true);
      expect(await get(store, 's')).toMatchObject({
        claimedBy: undefined,
        inFlightAt: undefined,
        lastError: 'HTTP 500',
      });
      // claims given back, and released at a stop
      const again = await get(store, 's');
      expect(await store.transact(claimDelivery(again, 'C', at(40_000), lease(40_000)))).toBe(true);
      await store.transact(unclaimDelivery('s', 'C'));
      expect(await store.transact(claimDelivery(again, 'D', at(40_000), lease(40_000)))).toBe(true);
      expect(await store.transact(releaseClaims('D'))).toBe(1);
      expect(await store.transact(failDelivery('s', 'gave up'))).toBe(true);
      expect(await store.transact(outboxStats())).toEqual({
        pending: 0,
        failed: 1,
        delivered: 0,
        oldestPendingAt: undefined,
      });
    }));

  it('[HAZ-16] two workers at two instances claiming one post at the same moment: one of them makes it', () =>
    withStore(async (store) => {
      await queue(store, { id: 's', kind: 'duty-summary', target: duty });
      const read = await get(store, 's');
      expect(
        await atTheSameMoment(
          store,
          claimDelivery(read, 'A', at(1_000), at(16_000)),
          claimDelivery(read, 'B', at(1_000), at(16_000)),
        ),
      ).toEqual([true, false]);
      expect((await get(store, 's')).claimedBy).toBe('A');
    }));

  it('an alert not delivered in time is found once, until its notice is queued; a channel set makes its posts due', () =>
    withStore(async (store) => {
      await queue(store, { id: 'alert', kind: 'safeguarding-alert', target: safeguarding });
      await store.transact(retryDeliveryAt('alert', at(600_000), 'no channel'));
      expect(await store.transact(oldestPendingAlertAt())).toBe(at(0).toISOString());
      expect(await store.transact(overdueAlerts(at(0)))).toBe(1);
      expect(ids(await store.transact(undeliveredAlerts(at(120_000), 10)))).toEqual(['alert']);
      expect(await store.transact(alertUndeliveredRaised('alert'))).toBe(false);
      await queue(
        store,
        { id: 'n', kind: 'alert-undelivered', target: referrer, payload: { alertId: 'alert' } },
        120_000,
      );
      expect(await store.transact(alertUndeliveredRaised('alert'))).toBe(true);
      expect(await store.transact(undeliveredAlerts(at(120_000), 10))).toEqual([]);
      expect(await store.transact(oldestPendingAlertAt())).toBeUndefined();
      // the safeguarding channel is set: the alert is due now, not at its next retry
      expect(await store.transact(dueNowFor('duty', at(130_000)))).toBe(0);
      expect(await store.transact(dueNowFor('safeguarding', at(130_000)))).toBe(1);
      expect((await get(store, 'alert')).nextAttemptAt).toBe(at(130_000).toISOString());
    }));
}

describeOnBothStores('Outbox', outboxContract);
