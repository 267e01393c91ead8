import { expect, it } from 'vitest';
import { holdBucket, stampsAnswered, sweepStamps, takeStamps, waitFor } from '../../src/records/post-stamps';
import type { SqlStore } from '../../src/storage/sql';
import {
  atTheSameMoment,
  describeOnBothStores,
  type MakeStore,
  withStore as withStoreOf,
} from '../harness/stores';

const T0 = 1_780_000_000_000;
const conversation = { key: 'conv:19:duty', windows: [{ limit: 2, ms: 1_000 }] };
const tenant = { key: 'tenant', windows: [{ limit: 3, ms: 1_000 }] };

/**
 * Teams' rate limits kept where every instance sees them, the same on both stores (issue 11, item 3):
 * a window full for one instance is full for all.
 */
function postStampsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('a window holds its limit, every bucket of a post at once, and empties as it moves on', () =>
    withStore(async (store) => {
      expect(await store.transact(takeStamps([conversation, tenant], 0, T0))).toHaveLength(2);
      expect(await store.transact(takeStamps([conversation, tenant], 0, T0 + 100))).toHaveLength(2);
      // the conversation's window is full until the first stamp leaves it: nothing is stamped meanwhile
      expect(await store.transact(takeStamps([conversation, tenant], 0, T0 + 200))).toBe(800);
      expect(await store.transact(waitFor(tenant, 0, T0 + 200))).toBe(0);
      expect(await store.transact(takeStamps([tenant], 0, T0 + 200))).toHaveLength(1);
      expect(await store.transact(waitFor(tenant, 0, T0 + 300))).toBe(700);
      // a margin for the clocks' differences widens the window
      expect(await store.transact(waitFor(conversation, 50, T0 + 1_001))).toBe(49);
      expect(await store.transact(takeStamps([conversation], 0, T0 + 1_001))).toHaveLength(1);
    }));

  it('a post counts from its answer, and a 429 holds its bucket for everyone', () =>
    withStore(async (store) => {
      const ids = [
        ...((await store.transact(takeStamps([conversation], 0, T0))) as number[]),
        ...((await store.transact(takeStamps([conversation], 0, T0))) as number[]),
      ];
      // answered 500 ms later: the window runs from then; an earlier time never moves it back
      await store.transact(stampsAnswered(ids, T0 + 500));
      await store.transact(stampsAnswered(ids, T0 + 100));
      expect(await store.transact(waitFor(conversation, 0, T0 + 1_200))).toBe(300);
      await store.transact(holdBucket('tenant', T0 + 5_000));
      await store.transact(holdBucket('tenant', T0 + 2_000));
      expect(await store.transact(waitFor(tenant, 0, T0 + 1_000))).toBe(4_000);
      await store.transact(sweepStamps(T0 + 5_000));
      expect(await store.transact(waitFor(tenant, 0, T0 + 4_000))).toBe(0);
      // stamps within the longest window (an hour) are kept
      expect(await store.transact(waitFor(conversation, 0, T0 + 1_200))).toBe(300);
    }));

  it('two instances taking the last room in a window at the same moment: one post, the other waits', () =>
    withStore(async (store) => {
      await store.transact(takeStamps([conversation], 0, T0));
      const [first, second] = await atTheSameMoment(
        store,
        takeStamps([conversation, tenant], 0, T0 + 10),
        takeStamps([tenant, conversation], 0, T0 + 10),
      );
      expect(first).toHaveLength(2);
      expect(second).toBe(990);
    }));
}

describeOnBothStores('PostStamps', postStampsContract);
