import type { Activity } from 'botbuilder';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { SharedRateLimiter } from '../../src/delivery/shared-rate-limit';
import { DeliveryWorker } from '../../src/delivery/worker';
import { createLogger } from '../../src/logger';
import { ChannelRegistry } from '../../src/records/channels';
import { deliveryById, enqueueDelivery, outboxStats } from '../../src/records/outbox';
import { PostStamps } from '../../src/records/post-stamps';
import type { SqlStore } from '../../src/storage/sql';
import { CHANNEL_ENV } from '../harness/service';
import { aRecord, describeOnBothStores, withStore } from '../harness/stores';

// The delivery worker on either store (issue 11): everything it reads and records goes through the SQL
// seam, so it runs on PostgreSQL as on SQLite; several workers on one store each make a post once, and
// keep Teams' limits together.

const config = loadConfig({ APP_ENV: 'test', ...CHANNEL_ENV, TEAMS_SERVICE_URL: 'http://127.0.0.1:9/' });

interface Made {
  readonly deliveryId: string;
  readonly conversationId: string;
  readonly at: number;
  readonly by: string;
}

/** A worker as the host wires it, on `store`, posting to a stand-in that notes each post. */
function workerOn(store: SqlStore, name: string, made: Made[]): DeliveryWorker {
  let n = 0;
  const note = (conversationId: string, activity: Partial<Activity>) => {
    made.push({ deliveryId: String(activity.text), conversationId, at: Date.now(), by: name });
    n += 1;
    return `${name}-${n}`;
  };
  return new DeliveryWorker({
    sql: store,
    channels: new ChannelRegistry(store, config),
    // drawn from the row as it is now, as renderDelivery is: the post names its delivery
    *render(d) {
      const row = yield* deliveryById(d.id);
      return { type: 'message', text: row?.id } as Partial<Activity>;
    },
    connector: {
      createThread: async (_url, channelId, _tenant, activity) => {
        const activityId = note(channelId, activity);
        return { conversationId: `${channelId};messageid=${activityId}`, activityId };
      },
      send: async (_url, conversationId, activity) => ({ activityId: note(conversationId, activity) }),
    },
    now: () => new Date(),
    logger: createLogger('silent'),
    newId: (() => {
      let k = 0;
      return () => `${name}-notice-${++k}`;
    })(),
    tenantId: config.TENANT_ID,
    giveUpMinutes: 60,
    pollMs: 20,
    claimant: name,
    // as app-host.ts: Teams' limits kept in the store, for every instance together
    limiter: new SharedRateLimiter(new PostStamps(store)),
  });
}

describeOnBothStores('the delivery worker', (make) => {
  it('[HAZ-16] two workers on one store make each post once, keep a channel to 7 posts a second between them, and an alert goes at once', async () => {
    await withStore(make, async (store) => {
      const now = new Date();
      const SUMMARIES = 10;
      await store.transact(
        (function* () {
          for (let i = 0; i < SUMMARIES; i++) {
            yield* aRecord(`r${i}`);
            yield* enqueueDelivery(
              {
                id: `summary-${i}`,
                recordId: `r${i}`,
                kind: 'duty-summary',
                target: { type: 'channel', role: 'duty' },
              },
              now,
              60,
            );
          }
          yield* enqueueDelivery(
            {
              id: 'alert-0',
              recordId: 'r0',
              kind: 'safeguarding-alert',
              target: { type: 'channel', role: 'safeguarding' },
            },
            now,
            60,
          );
        })(),
      );
      const made: Made[] = [];
      const workers = [workerOn(store, 'a', made), workerOn(store, 'b', made)];
      const started = Date.now();
      for (const w of workers) w.start();
      try {
        const end = Date.now() + 15_000;
        while ((await store.transact(outboxStats())).pending > 0 && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        for (const w of workers) await w.stop();
      }
      expect(await store.transact(outboxStats())).toMatchObject({ pending: 0, delivered: SUMMARIES + 1 });
      // each once, whichever worker made it
      const ids = made.map((m) => m.deliveryId).sort();
      expect(ids).toEqual(['alert-0', ...Array.from({ length: SUMMARIES }, (_, i) => `summary-${i}`)].sort());
      // the duty channel's posts: never more than 7 in any second, counting both workers' posts
      const duty = made.filter((m) => m.conversationId === CHANNEL_ENV.DUTY_CHANNEL_ID).map((m) => m.at);
      expect(duty).toHaveLength(SUMMARIES);
      const mostInASecond = Math.max(...duty.map((t) => duty.filter((u) => u >= t && u < t + 1_000).length));
      expect(mostInASecond).toBeLessThanOrEqual(7);
      // so the last three waited for the window: more than a second after the first
      expect(Math.max(...duty) - Math.min(...duty)).toBeGreaterThanOrEqual(1_000);
      // the alert, in its own lane and channel, went at once
      const alert = made.find((m) => m.deliveryId === 'alert-0')!;
      expect(alert.at - started).toBeLessThan(1_000);
    });
  });
});
