import { afterEach, expect, test } from 'vitest';
import { type Card, startTestBot, type TestBot } from '../harness/bot';
import { chatClient } from '../harness/chat';
import { channelOf, deliveryIdOf } from '../harness/connector';
import {
  type AuditRowRaw,
  CHANNEL_ENV,
  DUTY,
  FLAGGED_CALL,
  faultIn,
  health,
  type OutboxRow,
  SAFEGUARDING,
  takenCounts,
  until,
} from '../harness/service';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

test('[HAZ-16] 500, 500, 429 with Retry-After, then a hang past the timeout: every delivery arrives exactly once', async () => {
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_TIMEOUT_SECONDS: '1' },
    host: { delivery: { pollMs: 20, retryBaseMs: 100 } },
  });
  const c = bot.connector;
  c.inject({ status: 500 }, { status: 500 }, { status: 429, retryAfter: '1' }, { hang: true });
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-1', FLAGGED_CALL);
  const rows = await until(
    'all delivered',
    () => {
      const r = bot!.sql<OutboxRow>('SELECT * FROM outbox');
      return r.length >= 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
    },
    20_000,
  );

  // every fault was met once, by one request: no client underneath retried on its own
  expect(c.posted.map((p) => p.status)).toEqual([500, 500, 429, 'hang', ...rows.map(() => 200)]);
  const taken = takenCounts(c.posted);
  expect(new Map([...taken].sort())).toEqual(new Map(rows.map((r) => [r.id, 1] as const).sort()));
  const attempts = rows.reduce((n, r) => n + r.attempts, 0);
  expect(attempts).toBe(c.posted.length);

  // Retry-After was honoured: the throttled delivery was not posted again for a second
  const throttled = c.posted.find((p) => p.status === 429)!;
  const again = c.posted.find((p) => p.at > throttled.at && deliveryIdOf(p) === deliveryIdOf(throttled))!;
  expect(again.at - throttled.at).toBeGreaterThanOrEqual(1000);

  // each attempt audited with what happened (two deliveries were under way at once: order aside)
  const audit = bot.sql<AuditRowRaw>(`SELECT * FROM audit WHERE action = 'delivery-attempt' ORDER BY id`);
  expect(audit.map((a) => `${a.outcome} ${JSON.parse(a.detail_json).status}`).sort()).toEqual([
    ...rows.map(() => 'delivered ok'),
    'retry 500',
    'retry 500',
    'retry timeout',
    'throttled 429',
  ]);
  expect((await health(bot.url)).body).toMatchObject({
    status: 'ok',
    deliveries: { delivered: rows.length, failed: 0 },
  });
});

test("a burst of 20 calls to one channel keeps to Teams' limits (7 in 1 s, 8 in 2 s) and every one arrives", async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const c = bot.connector;
  const chat = chatClient(() => bot!.url, c.url);
  const users = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
  const reviews: Card[] = [];
  for (let i = 0; i < users.length; i += 5) {
    reviews.push(...(await Promise.all(users.slice(i, i + 5).map((u) => chat.walkToReview(u)))));
  }
  // all submitted at once
  await Promise.all(users.map((u, i) => chat.submit(u, reviews[i]!)));
  await until(
    '40 deliveries made',
    () => {
      const r = bot!.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'delivered'`);
      return r[0]!.n === 40 ? true : undefined;
    },
    20_000,
  );
  const duty = c.posted.filter((p) => p.path === '/v3/conversations');
  expect(duty).toHaveLength(20);
  // as the stand-in saw them: never 8 posts to the channel within a second (7/s), nor 9 within two
  // seconds (Teams' 8 per 2 s)
  const at = duty.map((p) => p.at);
  for (let i = 0; i + 7 < at.length; i++) expect(at[i + 7]! - at[i]!).toBeGreaterThanOrEqual(1000);
  for (let i = 0; i + 8 < at.length; i++) expect(at[i + 8]! - at[i]!).toBeGreaterThanOrEqual(2000);
  expect([...takenCounts(c.posted).values()].every((n) => n === 1)).toBe(true);
  expect(takenCounts(c.posted).size).toBe(40);
  // queued, never failed
  expect(bot.sql(`SELECT * FROM audit WHERE action = 'delivery-attempt' AND outcome != 'delivered'`)).toEqual(
    [],
  );
});

test('a duty channel that hangs does not hold up the safeguarding alert', async () => {
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_TIMEOUT_SECONDS: '3' },
    host: { delivery: { pollMs: 20, retryBaseMs: 100 } },
  });
  const c = bot.connector;
  c.faultWhen(faultIn([DUTY], { hang: true }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-1', FLAGGED_CALL);
  const hung = await c.waitFor((p) => channelOf(p) === DUTY);
  const alert = await c.waitFor((p) => channelOf(p) === SAFEGUARDING && p.accepted);
  // well inside the duty post's 3 s timeout
  expect(alert.at - hung.at).toBeLessThan(1000);
  c.faultWhen(undefined);
  await until(
    'the summary made after its timeout, then the confirmation',
    () => bot!.sql<OutboxRow>(`SELECT * FROM outbox WHERE status = 'delivered'`).length === 3 || undefined,
    10_000,
  );
  expect([...takenCounts(c.posted).values()]).toEqual([1, 1, 1]);
});
