import { afterEach, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { ConnectorError } from '../../src/delivery/connector-http';
import { RateLimiter } from '../../src/delivery/rate-limit';
import { DeliveryWorker } from '../../src/delivery/worker';
import { createLogger } from '../../src/logger';
import { ChannelRegistry } from '../../src/records/channels';
import { deliveryById, Outbox, QUEUE_STATEMENTS } from '../../src/records/outbox';
import { openDatabase } from '../../src/storage/database';
import { textFor } from '../../src/storage/sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { CHANNEL_ENV, until } from '../harness/service';
import { watchStatements } from '../harness/watch-statements';

/** The worker alone, on an in-memory database, a fake clock and a scripted connector. */
function setup(
  answers: ((signal?: AbortSignal) => Promise<{ conversationId: string; activityId: string }>)[],
  opts: { pollMs?: number; batch?: number } = {},
) {
  const db = openDatabase(':memory:');
  const config = loadConfig({ APP_ENV: 'test', ...CHANNEL_ENV, TEAMS_SERVICE_URL: 'http://127.0.0.1:9/' });
  let t = Date.parse('2026-11-23T10:00:00Z');
  const outbox = new Outbox(db);
  let calls = 0;
  const sql = new SqliteSql(db);
  const worker = new DeliveryWorker({
    sql,
    channels: new ChannelRegistry(new SqliteSql(db), config),
    // drawn from the row as it is now, as renderDelivery is
    *render(d) {
      const row = yield* deliveryById(d.id);
      return { type: 'message', text: row?.id };
    },
    connector: {
      createThread: (_url, _channel, _tenant, _activity, signal) => {
        const answer = answers[Math.min(calls, answers.length - 1)]!;
        calls++;
        return answer(signal);
      },
      send: async () => ({ activityId: undefined }),
    },
    now: () => new Date(t),
    logger: createLogger('silent'),
    newId: (() => {
      let n = 0;
      return () => `notice-${++n}`;
    })(),
    tenantId: config.TENANT_ID,
    giveUpMinutes: 60,
    pollMs: opts.pollMs ?? 10,
    ...(opts.batch ? { batch: opts.batch } : {}),
    random: () => 1,
    // Teams' limits on the same fake clock
    limiter: new RateLimiter(() => t),
  });
  return {
    db,
    sql,
    outbox,
    worker,
    calls: () => calls,
    now: () => t,
    set: (at: number) => {
      t = at;
    },
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const fail500 = async (): Promise<never> => {
  throw new ConnectorError('retryable', 500, 'http 500');
};

test('retries back off exponentially from 1 s, capped at 5 minutes, and the last try is at the give-up time', async () => {
  const s = setup([fail500]);
  close = async () => {
    await s.worker.stop();
    s.db.close();
  };
  s.outbox.enqueue(
    { id: 'd1', kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
    new Date(s.now()),
    30,
  );
  s.worker.start();
  const gaps: number[] = [];
  for (let attempt = 1; ; attempt++) {
    await until(`attempt ${attempt}`, () => s.outbox.get('d1')!.attempts === attempt || undefined);
    const row = await until('recorded', () => {
      const r = s.outbox.get('d1')!;
      return r.inFlightAt ? undefined : r;
    });
    if (row.status === 'failed') break;
    gaps.push(Date.parse(row.nextAttemptAt) - s.now());
    s.set(Date.parse(row.nextAttemptAt));
    s.worker.wake();
  }
  // with the jitter at its top: 1, 2, 4 ... 256 s, then 5 min, until the 30 minutes are used up
  expect(gaps.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map((x) => x * 1000));
  const spent = gaps.reduce((a, b) => a + b, 0);
  expect(spent).toBe(30 * 60_000);
  expect(gaps.at(-1)).toBeLessThanOrEqual(300_000);
  expect(s.outbox.get('d1')).toMatchObject({ status: 'failed', lastError: 'http 500' });
});

test('a 429 waits for Retry-After even when the backoff would be shorter', async () => {
  const s = setup([
    async () => {
      throw new ConnectorError('throttled', 429, 'http 429', 7_000);
    },
    async () => ({ conversationId: 'c;messageid=1', activityId: '1' }),
  ]);
  close = async () => {
    await s.worker.stop();
    s.db.close();
  };
  const start = s.now();
  s.outbox.enqueue(
    { id: 'd1', kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
    new Date(start),
    60,
  );
  s.worker.start();
  await until('throttled', () => s.outbox.get('d1')!.lastError === 'http 429' || undefined);
  expect(Date.parse(s.outbox.get('d1')!.nextAttemptAt) - start).toBe(7_000);
  s.set(start + 6_999);
  await new Promise((r) => setTimeout(r, 60));
  expect(s.calls()).toBe(1);
  s.set(start + 7_000);
  await until('delivered', () => s.outbox.get('d1')!.status === 'delivered' || undefined);
  expect(s.calls()).toBe(2);
});

test('stopping during a post returns at once and leaves the delivery in flight for the next start', async () => {
  let aborted = false;
  const s = setup([
    (signal) =>
      new Promise((_, reject) => {
        // a post that never answers: only the worker's stop ends it
        signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new ConnectorError('retryable', undefined, 'stopped'));
        });
      }),
  ]);
  close = async () => {
    s.db.close();
  };
  s.outbox.enqueue(
    { id: 'd1', kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
    new Date(s.now()),
    60,
  );
  s.worker.start();
  await until('in flight', () => s.outbox.get('d1')!.inFlightAt);
  const started = Date.now();
  await s.worker.stop();
  expect(Date.now() - started).toBeLessThan(500);
  expect(aborted).toBe(true);
  expect(s.outbox.get('d1')).toMatchObject({ status: 'pending', attempts: 1 });
  expect(s.outbox.get('d1')!.inFlightAt).toBeDefined();
});

/** Queues a safeguarding alert and wakes the worker: it must be delivered within 200 ms. */
async function expectAlertAtOnce(s: ReturnType<typeof setup>): Promise<void> {
  const raised = Date.now();
  s.outbox.enqueue(
    { id: 'alert', kind: 'safeguarding-alert', target: { type: 'channel', role: 'safeguarding' } },
    new Date(s.now()),
    60,
  );
  s.worker.wake();
  await until('the alert', () => s.outbox.get('alert')!.status === 'delivered' || undefined, 5_000, 2);
  expect(Date.now() - raised).toBeLessThan(200);
}

test('[HAZ-08] a wake with no alert queued does not take the alert lane round its queries; a queued alert still goes at once', async () => {
  let n = 0;
  const s = setup([async () => ({ conversationId: `c;messageid=${++n}`, activityId: String(n) })], {
    pollMs: 1_000,
  });
  close = async () => {
    await s.worker.stop();
    s.db.close();
  };
  let alertReads = 0;
  const alertLaneDue = textFor(QUEUE_STATEMENTS.due.alert, 'sqlite');
  watchStatements(s.sql, (st) => {
    if (st.text === alertLaneDue) alertReads++;
  });
  s.worker.start();
  await until('the first look', () => alertReads > 0 || undefined);
  const before = alertReads;
  // a burst of Submits whose posts are summaries: each wakes the worker
  for (let i = 0; i < 30; i++) {
    s.outbox.enqueue(
      { id: `d${i}`, kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
      new Date(s.now()),
      60,
    );
    s.worker.wake();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(alertReads - before).toBe(0);
  // an alert queued is looked for at once, as before
  await expectAlertAtOnce(s);
  expect(alertReads - before).toBeGreaterThan(0);
});

test('[HAZ-08] a backlog the rate limits hold is not read again on every wake; an alert, and a post to another channel, still go at once', async () => {
  let n = 0;
  const s = setup([async () => ({ conversationId: `c;messageid=${++n}`, activityId: String(n) })], {
    pollMs: 1_000,
    batch: 100,
  });
  close = async () => {
    await s.worker.stop();
    s.db.close();
  };
  // the general lane's passes (its first page of the queue) and the rows each pass reads; the alert lane
  // is never kept quiet: an alert waits for nothing
  let reads = 0;
  const rowsPerPass: number[] = [];
  const pageOf = textFor(QUEUE_STATEMENTS.duePageOf, 'sqlite');
  watchStatements(s.sql, (st) => {
    if (st.text !== pageOf) return;
    // a pass's first page starts from the head of the queue (no place to carry on from)
    if (st.params[2] === '') {
      reads++;
      rowsPerPass.push(0);
    }
    rowsPerPass[rowsPerPass.length - 1]! += (st.answer as unknown[]).length;
  });
  // a burst into the duty channel: the clock stands still, so the channel's per-second limit holds the rest
  // more than a batch (100 here, 500 by default): the post to another channel is queued behind them all
  const BURST = 130;
  for (let i = 0; i < BURST; i++) {
    s.outbox.enqueue(
      { id: `d${i}`, kind: 'duty-summary', target: { type: 'channel', role: 'duty' } },
      new Date(s.now()),
      60,
    );
  }
  s.worker.start();
  await until('the first posts', () => s.calls() > 0 || undefined);
  // what the limit allows at once has gone (the count stops moving); the rest are held
  let posted = -1;
  while (posted !== s.calls()) {
    posted = s.calls();
    await new Promise((r) => setTimeout(r, 400));
  }
  expect(posted).toBeLessThan(BURST);
  expect(s.outbox.stats().pending).toBe(BURST - posted);
  const before = reads;
  // every Submit wakes the worker: 100 of them over about half a second
  for (let i = 0; i < 100; i++) {
    s.worker.wake();
    await new Promise((r) => setTimeout(r, 5));
  }
  // one read per quiet period (a tenth of a second) for the general lane, not one per wake
  expect(reads - before).toBeLessThan(12);
  expect(reads - before).toBeGreaterThan(0);
  // and each pass reads the channel's first page of posts, not every one held behind them (issue 10)
  expect(Math.max(...rowsPerPass.slice(before))).toBeLessThanOrEqual(16);
  expect(s.calls()).toBe(posted);
  // an alert is never kept quiet: it goes at once, whatever the duty channel's backlog
  await expectAlertAtOnce(s);
  // a post to another channel is not held by the duty channel's limit: it goes within the quiet period
  const queued = Date.now();
  s.outbox.enqueue(
    { id: 'other', kind: 'duty-summary', target: { type: 'channel', role: 'admin' } },
    new Date(s.now()),
    60,
  );
  s.worker.wake();
  await until('the other channel’s post', () => s.outbox.get('other')!.status === 'delivered' || undefined);
  expect(Date.now() - queued).toBeLessThan(1_000);
  // the held posts go as the limit allows, none lost
  await until('all delivered', () => {
    if (s.outbox.stats().pending === 0) return true;
    s.set(s.now() + 30_000);
    s.worker.wake();
    return undefined;
  });
  expect(s.outbox.stats()).toMatchObject({ pending: 0, failed: 0, delivered: BURST + 2 });
});
