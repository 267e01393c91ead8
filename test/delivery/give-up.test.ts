import { afterEach, expect, test } from 'vitest';
import { startTestBot, type TestBot } from '../harness/bot';
import { chatClient } from '../harness/chat';
import { deliveryIdOf } from '../harness/connector';
import {
  ADMIN,
  type AuditRowRaw,
  CHANNEL_ENV,
  DUTY,
  FLAGGED_CALL,
  faultIn,
  health,
  type OutboxRow,
  SAFEGUARDING,
  threadsIn,
  until,
} from '../harness/service';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const byKind = (b: TestBot, kind: string) =>
  b.sql<OutboxRow>('SELECT * FROM outbox WHERE kind = ? ORDER BY created_at, rowid', kind);

test('a channel that keeps failing is given up at the configured time: marked failed, admin told, health degraded', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date(t);
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_GIVE_UP_MINUTES: '2' },
    now,
    host: { delivery: { pollMs: 20 } },
  });
  const c = bot.connector;
  c.faultWhen(faultIn([DUTY], { status: 500 }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-1');
  const [summary] = byKind(bot, 'duty-summary') as [OutboxRow];

  // first attempt fails; the next waits on the (fake) clock, so nothing more happens until it moves
  await until('the first failed attempt', () => byKind(bot!, 'duty-summary')[0]!.attempts === 1);
  await new Promise((r) => setTimeout(r, 150));
  expect(threadsIn(c.posted, DUTY)).toHaveLength(1);
  expect(byKind(bot, 'duty-summary')[0]).toMatchObject({ status: 'pending', last_error: 'http 500' });
  expect((await health(bot.url)).body).toMatchObject({
    status: 'ok',
    deliveries: { pending: 2, failed: 0, delivered: 0, oldestPendingSeconds: 0 },
  });
  t += 90_000;
  const h = (await health(bot.url)).body as { deliveries: { oldestPendingSeconds: number } };
  expect(h.deliveries.oldestPendingSeconds).toBe(90);

  // still retrying before the give-up time
  await until('a retry before give-up', () => byKind(bot!, 'duty-summary')[0]!.attempts >= 2);
  expect(byKind(bot, 'duty-summary')[0]!.status).toBe('pending');

  t += 60_000; // past the 2 minutes
  await until('the summary given up', () => byKind(bot!, 'duty-summary')[0]!.status === 'failed');
  const notice = await until('the admin notice delivered', () =>
    byKind(bot!, 'delivery-failed').find((r) => r.status === 'delivered'),
  );
  // the referrer's confirmation waited on the summary: it fails with it, it is not left hanging
  const [confirmation] = byKind(bot, 'referrer-confirmation') as [OutboxRow];
  expect(confirmation).toMatchObject({ status: 'failed', attempts: 0 });
  expect(confirmation.last_error).toBe(`after ${summary.id} failed`);

  // the admin channel has the notice, naming the record, the delivery and what went wrong (no patient data)
  const admin = threadsIn(c.posted, ADMIN);
  expect(admin).toHaveLength(1);
  expect(deliveryIdOf(admin[0]!)).toBe(notice.id);
  expect(notice.record_id).toBe(summary.record_id);
  expect(JSON.parse(notice.payload_json)).toMatchObject({
    failedId: summary.id,
    failedKind: 'duty-summary',
    reason: 'http 500',
    dependents: [{ id: confirmation.id, kind: 'referrer-confirmation' }],
  });
  expect(notice.payload_json).not.toContain('Example');

  // the referrer, who was told nothing yet, hears that the duty team does not have the call
  const undelivered = await until('the referrer told', () =>
    byKind(bot!, 'summary-undelivered').find((r) => r.status === 'delivered'),
  );
  const toReferrer = c.posted.filter((p) => p.accepted && deliveryIdOf(p) === undelivered.id);
  expect(toReferrer).toHaveLength(1);
  expect(JSON.stringify(toReferrer[0]!.body)).toContain('Please phone the IMH advice line on 0116 111 2222');

  const after = await health(bot.url);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({
    status: 'degraded',
    deliveries: { pending: 0, failed: 2, delivered: 2, oldestPendingSeconds: null },
  });

  const audit = bot.sql<AuditRowRaw>(
    `SELECT * FROM audit WHERE action LIKE 'delivery-%' AND record_id = ? ORDER BY id`,
    summary.record_id,
  );
  const attempts = byKind(bot, 'duty-summary')[0]!.attempts;
  expect(audit.map((a) => [a.action, a.outcome])).toEqual([
    ...Array.from({ length: attempts - 1 }, () => ['delivery-attempt', 'retry']),
    ['delivery-attempt', 'failed'],
    ['delivery-failed', 'failed'],
    ['delivery-failed', 'failed'],
    // the admin notice and the referrer's notice, in either order
    ['delivery-attempt', 'delivered'],
    ['delivery-attempt', 'delivered'],
  ]);
  expect(JSON.parse(audit[attempts]!.detail_json)).toMatchObject({
    deliveryId: summary.id,
    reason: 'http 500',
    noticeId: notice.id,
    dependents: [confirmation.id],
  });
  // no more posts to the duty channel after giving up
  const dutyPosts = threadsIn(c.posted, DUTY).length;
  t += 10 * 60_000;
  await new Promise((r) => setTimeout(r, 150));
  expect(threadsIn(c.posted, DUTY)).toHaveLength(dutyPosts);
  expect(dutyPosts).toBe(attempts);
});

test('a permanent refusal (404, 403) fails a duty summary at once, without waiting for the give-up time', async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const c = bot.connector;
  c.faultWhen(faultIn([DUTY], { status: 404 }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-2');
  const summary = await until('the summary failed', () =>
    byKind(bot!, 'duty-summary').find((r) => r.status === 'failed'),
  );
  expect(summary).toMatchObject({ attempts: 1, last_error: 'http 404' });
  expect(threadsIn(c.posted, DUTY)).toHaveLength(1);
  await until('the notice and the rest made', () =>
    bot!.sql<OutboxRow>(`SELECT * FROM outbox WHERE status = 'pending'`).length === 0 ? true : undefined,
  );
  const [notice] = byKind(bot, 'delivery-failed') as [OutboxRow];
  expect(JSON.parse(notice.payload_json)).toMatchObject({ failedId: summary.id, failedKind: 'duty-summary' });
});

test('[HAZ-07] a safeguarding alert is never given up: refused (404) it is kept and retried at the cap, the referrer, duty and admin channels told at once; past DELIVERY_GIVE_UP_MINUTES it is still tried', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_GIVE_UP_MINUTES: '2' },
    now: () => new Date(t),
    host: { delivery: { pollMs: 20 } },
  });
  const c = bot.connector;
  c.faultWhen(faultIn([SAFEGUARDING], { status: 404 }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-2', FLAGGED_CALL);
  await until('the alert refused', () => byKind(bot!, 'safeguarding-alert')[0]!.last_error === 'http 404');
  // not failed: an alert marked failed could never be acknowledged (only from the leads' channel)
  const [alert] = byKind(bot, 'safeguarding-alert') as [OutboxRow & { next_attempt_at: string }];
  expect(alert).toMatchObject({ status: 'pending', attempts: 1 });
  // the next try at the cap (5 minutes), not at once and not never
  expect(Date.parse(alert.next_attempt_at) - t).toBe(5 * 60_000);
  expect(byKind(bot, 'delivery-failed')).toEqual([]);
  // a failed alert also tells the referrer and is copied to the duty and admin channels (HAZ-07), at once
  const undelivered = await until('the three told', () => {
    const r = byKind(bot!, 'alert-undelivered');
    return r.length === 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
  });
  expect(undelivered.map((r) => [JSON.parse(r.target_json), JSON.parse(r.payload_json).why])).toEqual([
    [{ type: 'referrer' }, 'refused'],
    [{ type: 'channel', role: 'duty' }, 'refused'],
    [{ type: 'channel', role: 'admin' }, 'refused'],
  ]);
  expect(threadsIn(c.posted, ADMIN).map(deliveryIdOf)).toContain(undelivered[2]!.id);
  // long past the give-up time: still tried, still pending, health degraded; never a "gave up" notice
  for (let i = 0; i < 3; i++) {
    t += 5 * 60_000;
    // tried, and its refusal recorded (no longer in flight) before the clock moves on: a refusal
    // recorded after the move would be rescheduled from the later time
    await until('tried again', () => {
      const [a] = byKind(bot!, 'safeguarding-alert');
      return a!.attempts === i + 2 && a!.in_flight_at === null;
    });
  }
  expect(byKind(bot, 'safeguarding-alert')[0]!.status).toBe('pending');
  expect((await health(bot.url)).body).toMatchObject({
    status: 'degraded',
    deliveries: { alertsOverdue: 1 },
  });
  expect(byKind(bot, 'delivery-failed')).toEqual([]);
  // the channel takes it again: delivered, told once only
  c.faultWhen(undefined);
  t += 5 * 60_000;
  await until('delivered', () => byKind(bot!, 'safeguarding-alert')[0]!.status === 'delivered');
  expect(byKind(bot, 'alert-undelivered')).toHaveLength(3);
  expect((await health(bot.url)).body).toMatchObject({ status: 'ok', deliveries: { alertsOverdue: 0 } });
});

test('a failure notice that cannot be made is marked failed and raises no notice of its own', async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const c = bot.connector;
  c.faultWhen(faultIn([DUTY, ADMIN], { status: 403 }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-3');
  await until('the notice failed', () => byKind(bot!, 'delivery-failed').find((r) => r.status === 'failed'));
  await new Promise((r) => setTimeout(r, 150));
  expect(byKind(bot, 'delivery-failed')).toHaveLength(1);
  // summary, confirmation and admin notice failed; the referrer's own notice (their chat works) is made
  await until('the referrer told', () =>
    byKind(bot!, 'summary-undelivered').find((r) => r.status === 'delivered'),
  );
  expect(
    bot.sql<OutboxRow>('SELECT * FROM outbox ORDER BY rowid').map((r) => `${r.kind} ${r.status}`),
  ).toEqual([
    'duty-summary failed',
    'referrer-confirmation failed',
    'delivery-failed failed',
    'summary-undelivered delivered',
  ]);
  expect((await health(bot.url)).body).toMatchObject({ status: 'degraded', deliveries: { failed: 3 } });
});
