/**
 * Alerts first, and never silent (issue 8, Build 4 and 5): the real bot over HTTP, the stand-in Bot
 * Connector with faults. No timings are asserted beyond generous bounds; latency figures are in
 * `npm run delivery-report`.
 */
import { afterEach, expect, test } from 'vitest';
import {
  auditRows,
  execute,
  postedCard,
  pressExecute,
  SG_CHANNEL,
  SG_TEAM,
  startChannelBot,
  submitCall,
  USERS,
  updatesOf,
} from '../bot/channel-support';
import { type Card, cardText, startTestBot, type TestBot } from '../harness/bot';
import { chatClient } from '../harness/chat';
import { channelOf, conversationOf, deliveryIdOf, type Posted } from '../harness/connector';
import {
  ADMIN,
  CHANNEL_ENV,
  chatPosts,
  DUTY,
  FLAGGED_CALL,
  faultIn,
  health,
  type OutboxRow,
  SAFEGUARDING,
  takenCounts,
  threadsIn,
  until,
} from '../harness/service';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const LEAD = { ONCALL_LEAD_AAD_ID: 'aad-oncall-lead', ONCALL_LEAD_NAME: 'Olive Oncall' };
const byKind = (b: TestBot, kind: string) =>
  b.sql<OutboxRow>('SELECT * FROM outbox WHERE kind = ? ORDER BY created_at, rowid', kind);
const cardOf = (p: Posted): Card => {
  const activity = (p.body.activity ?? p.body) as { attachments: { content: Card }[] };
  return activity.attachments[0]!.content;
};
const mentions = (p: Posted) =>
  ((cardOf(p).msteams as { entities?: { mentioned: { id: string } }[] } | undefined)?.entities ?? []).map(
    (e) => e.mentioned.id,
  );

test('[HAZ-08] an alert does not wait behind posts that hang: it is made while the other lane is stuck', async () => {
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_TIMEOUT_SECONDS: '20' },
    host: { delivery: { pollMs: 20, retryBaseMs: 100 } },
  });
  const c = bot.connector;
  // every referrer's chat hangs: with one lane, its four slots are all taken by confirmations that
  // will not be answered for 20 s, and the alert waits for them
  c.faultWhen((p) => (/a%3Apersonal-/.test(p.path) ? { hang: true } : undefined));
  const chat = chatClient(() => bot!.url, c.url);
  const users = ['burst-0', 'burst-1', 'burst-2', 'burst-3', 'burst-4'];
  await Promise.all(users.map((u) => chat.call(u)));
  // summaries and confirmations under way and hanging
  await until('the other lane stuck', () => c.posted.filter((p) => p.status === 'hang').length >= 4);
  const stuckAt = Date.now();
  await chat.call('flagged', FLAGGED_CALL);
  const alert = await c.waitFor((p) => channelOf(p) === SAFEGUARDING && p.accepted, 15_000);
  // long before any hung post times out (20 s)
  expect(alert.at - stuckAt).toBeLessThan(10_000);
  const [row] = byKind(bot, 'safeguarding-alert');
  expect(deliveryIdOf(alert)).toBe(row!.id);
});

test('[HAZ-08] alerts to one channel go in parallel within Teams’ limits (7 in 1 s, 8 in 2 s), each once', async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const c = bot.connector;
  const chat = chatClient(() => bot!.url, c.url);
  const users = Array.from({ length: 10 }, (_, i) => `flag-${i}`);
  const reviews = await Promise.all(users.map((u) => chat.walkToReview(u, FLAGGED_CALL)));
  await Promise.all(users.map((u, i) => chat.submit(u, reviews[i]!)));
  await until('every alert made', () =>
    byKind(bot!, 'safeguarding-alert').every((r) => r.status === 'delivered'),
  );
  await until(
    'all made',
    () => bot!.sql<OutboxRow>(`SELECT * FROM outbox WHERE status = 'pending'`).length === 0,
  );
  const alerts = threadsIn(c.posted, SAFEGUARDING).filter((p) => p.accepted);
  expect(alerts).toHaveLength(10);
  // all the channel's new threads as the stand-in saw them, alerts and anything else
  const at = threadsIn(c.posted, SAFEGUARDING).map((p) => p.at);
  for (let i = 0; i + 7 < at.length; i++) expect(at[i + 7]! - at[i]!).toBeGreaterThanOrEqual(1000);
  for (let i = 0; i + 8 < at.length; i++) expect(at[i + 8]! - at[i]!).toBeGreaterThanOrEqual(2000);
  expect([...takenCounts(c.posted).values()].every((n) => n === 1)).toBe(true);
});

test('[HAZ-07] an alert not delivered by the deadline: the referrer is told to phone, the duty and admin channels get it with the on-call lead mentioned, health is degraded; the alert is still tried', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date(t);
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, ...LEAD, ALERT_DELIVERY_DEADLINE_SECONDS: '120', ALERT_ESCALATION_MINUTES: '60' },
    now,
    host: { delivery: { pollMs: 20, retryBaseMs: 20 } },
  });
  const c = bot.connector;
  c.faultWhen(faultIn([SAFEGUARDING], { status: 503 }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-7', FLAGGED_CALL);
  const [alert] = byKind(bot, 'safeguarding-alert') as [OutboxRow];
  await until('the alert tried', () => byKind(bot!, 'safeguarding-alert')[0]!.attempts >= 1);
  expect(byKind(bot, 'alert-undelivered')).toEqual([]);
  expect((await health(bot.url)).body).toMatchObject({ status: 'ok' });

  t += 121_000; // past ALERT_DELIVERY_DEADLINE_SECONDS
  const told = await until('the three notices made', () => {
    const r = byKind(bot!, 'alert-undelivered');
    return r.length === 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
  });
  expect(told.map((r) => JSON.parse(r.target_json))).toEqual([
    { type: 'referrer' },
    { type: 'channel', role: 'duty' },
    { type: 'channel', role: 'admin' },
  ]);
  // the referrer: phone the front door and the advice line now, with the numbers from the settings
  const toReferrer = chatPosts(c.posted, 'user-7').find((p) => deliveryIdOf(p) === told[0]!.id)!;
  const referrerText = cardText(cardOf(toReferrer));
  expect(referrerText).toContain('0116 333 4444');
  expect(referrerText).toContain('0116 111 2222');
  expect(referrerText).toContain('999');
  // the duty channel: the alert itself, the on-call lead mentioned; no Acknowledge (only the leads' channel)
  const duty = threadsIn(c.posted, DUTY).find((p) => deliveryIdOf(p) === told[1]!.id)!;
  expect(cardText(cardOf(duty))).toContain('<at>Olive Oncall</at>');
  expect(cardText(cardOf(duty))).toContain('has not reached the safeguarding leads’ channel');
  expect(cardText(cardOf(duty))).not.toContain('[Acknowledge]');
  expect(mentions(duty)).toEqual(['aad-oncall-lead']);
  // the admin channel: the lead mentioned, ids only
  const admin = threadsIn(c.posted, ADMIN).find((p) => deliveryIdOf(p) === told[2]!.id)!;
  expect(mentions(admin)).toEqual(['aad-oncall-lead']);
  expect(JSON.stringify(admin.body)).not.toContain('Example');
  // written with its audit row
  const audit = bot.sql<{ detail_json: string }>(`SELECT * FROM audit WHERE action = 'alert-undelivered'`);
  expect(audit.map((a) => JSON.parse(a.detail_json))).toMatchObject([
    { deliveryId: alert.id, why: 'deadline', notices: told.map((r) => r.id) },
  ]);
  const h = await health(bot.url);
  expect(h.status).toBe(200);
  expect(h.body).toMatchObject({ status: 'degraded', deliveries: { alertsOverdue: 1 } });

  // still tried; once the leads' channel answers it is made, and health recovers
  expect(byKind(bot, 'safeguarding-alert')[0]!.status).toBe('pending');
  c.faultWhen(undefined);
  t += 1_000;
  await until(
    'the alert made at last',
    () => byKind(bot!, 'safeguarding-alert')[0]!.status === 'delivered',
    20_000,
  );
  expect((await health(bot.url)).body).toMatchObject({ status: 'ok', deliveries: { alertsOverdue: 0 } });
  // told once, however long it took
  expect(byKind(bot, 'alert-undelivered')).toHaveLength(3);
});

test('[HAZ-10] an alert never delivered is escalated at each interval to the duty and admin channels, mentioning the on-call lead', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date(t);
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, ...LEAD, ALERT_ESCALATION_MINUTES: '1', ALERT_DELIVERY_DEADLINE_SECONDS: '600' },
    now,
    host: { delivery: { pollMs: 20, retryBaseMs: 20 }, schedulerEveryMs: 20 },
  });
  const c = bot.connector;
  c.faultWhen(faultIn([SAFEGUARDING], { hang: true }));
  const chat = chatClient(() => bot!.url, c.url);
  await chat.call('user-8', FLAGGED_CALL);
  const [alert] = byKind(bot, 'safeguarding-alert') as [OutboxRow];
  t += 61_000;
  const escalations = await until('escalated to the duty and admin channels', () => {
    const r = byKind(bot!, 'alert-escalation');
    return r.length === 2 && r.every((x) => x.status === 'delivered') ? r : undefined;
  });
  expect(escalations.map((r) => JSON.parse(r.target_json))).toEqual([
    { type: 'channel', role: 'duty' },
    { type: 'channel', role: 'admin' },
  ]);
  for (const [channel, row] of [
    [DUTY, escalations[0]!],
    [ADMIN, escalations[1]!],
  ] as const) {
    const post = threadsIn(c.posted, channel).find((p) => deliveryIdOf(p) === row.id)!;
    expect(mentions(post)).toEqual(['aad-oncall-lead']);
    expect(cardText(cardOf(post))).toContain('Reminder 1');
  }
  expect(alert.record_id).toBeTruthy();
  const events = bot.sql<{ type: string }>(
    'SELECT type FROM record_events WHERE record_id = ?',
    alert.record_id,
  );
  expect(events.map((e) => e.type)).toEqual(['alert-escalated']);
  // and again at the next interval, while nobody has it
  t += 60_000;
  await until('the second round', () => byKind(bot!, 'alert-escalation').length === 4);
});

const ackEnv = { ...LEAD, ALERT_ESCALATION_MINUTES: '1' };

test('[HAZ-09] acknowledging the escalation updates every message of the alert: the original and the escalation', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  bot = await startChannelBot({ env: ackEnv, now: () => new Date(t), schedulerEveryMs: 20 });
  const call = await submitCall(bot, FLAGGED_CALL);
  const alert = await postedCard(bot, call.id, 'safeguarding-alert');
  t += 61_000;
  const escalation = await postedCard(bot, call.id, 'alert-escalation');
  expect(conversationOf(escalation.post)).toBe(alert.conversationId);

  const answer = await pressExecute(
    bot,
    escalation,
    'Acknowledge',
    USERS.lead,
    {},
    {
      team: SG_TEAM,
      channel: SG_CHANNEL,
    },
  );
  expect(cardText(answer.card)).toContain('Acknowledged by Lee Lead');
  // both messages redrawn for everyone, each as itself (its own footer), through the outbox
  for (const m of [alert, escalation]) {
    const update = await until('the message updated', () =>
      updatesOf(bot!, m.activityId).find((p) => p.accepted),
    );
    const text = cardText(cardOf(update));
    expect(text).toContain('Acknowledged by Lee Lead');
    expect(text).not.toContain('Not yet acknowledged');
    expect(deliveryIdOf(update)).toBe(deliveryIdOf(m.post));
    expect(decodeURIComponent(update.path)).toBe(
      `/v3/conversations/${m.conversationId}/activities/${m.activityId}`,
    );
  }
  const done = auditRows(bot, call.id).find((a) => a.action === 'alert.ack' && a.outcome === 'done')!;
  expect(done.detail.updates).toHaveLength(2);
  // no more escalations once acknowledged
  t += 5 * 60_000;
  await new Promise((r) => setTimeout(r, 150));
  expect(byKind(bot, 'alert-escalation')).toHaveLength(1);
});

test('[HAZ-09] acknowledging a duplicate the outbox never learned the id of updates it too, and an update Teams fails is retried', async () => {
  // a clock that moves, so the failed update's retry falls due
  bot = await startChannelBot({ env: ackEnv, now: () => new Date() });
  const call = await submitCall(bot, FLAGGED_CALL);
  const alert = await postedCard(bot, call.id, 'safeguarding-alert');
  // a copy posted by a try whose answer was lost: same card, a message id the bot never heard
  const duplicate = { ...alert, conversationId: `${SG_CHANNEL};messageid=999`, activityId: '999' };
  // the first update Teams is asked for fails
  let puts = 0;
  bot.connector.faultWhen((p) => (p.method === 'PUT' && ++puts === 1 ? { status: 503 } : undefined));
  const action = (alert.card.actions as { data: Record<string, unknown> }[])[0]!;
  const answer = await execute(
    bot,
    { team: SG_TEAM, channel: SG_CHANNEL, conversationId: duplicate.conversationId, activityId: '999' },
    'alert.ack',
    action.data,
    USERS.lead,
  );
  expect(cardText(answer.card)).toContain('Acknowledged by Lee Lead');
  for (const id of [alert.activityId, '999']) {
    const update = await until('updated', () => updatesOf(bot!, id).find((p) => p.accepted));
    expect(cardText(cardOf(update))).toContain('Acknowledged by Lee Lead');
  }
  const updates = await until('both updates recorded as made', () => {
    const r = byKind(bot!, 'alert-update');
    return r.every((u) => u.status === 'delivered') ? r : undefined;
  });
  expect(updates).toHaveLength(2);
  expect(updates.some((u) => u.attempts === 2 && u.last_error === null)).toBe(true);
});
