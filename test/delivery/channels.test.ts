import { afterEach, expect, test } from 'vitest';
import { startTestBot, type TestBot } from '../harness/bot';
import { chatClient } from '../harness/chat';
import { channelOf, conversationOf, deliveryIdOf } from '../harness/connector';
import {
  type AuditRowRaw,
  CHANNEL_ENV,
  chatPosts,
  DUTY,
  FLAGGED_CALL,
  health,
  type OutboxRow,
  SAFEGUARDING,
  takenCounts,
  threadsIn,
  until,
  writeSql,
} from '../harness/service';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const rows = (b: TestBot) => b.sql<OutboxRow>('SELECT * FROM outbox ORDER BY created_at, rowid');
const allDone = (b: TestBot) => (rows(b).every((r) => r.status === 'delivered') ? rows(b) : undefined);

test('a submitted call is posted to the duty channel, then confirmed to the referrer; no alert unless flagged', async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const chat = chatClient(() => bot!.url, bot.connector.url);
  await chat.call('user-1');
  const delivered = await until('all deliveries made', () => allDone(bot!));

  expect(delivered.map((r) => r.kind)).toEqual(['duty-summary', 'referrer-confirmation']);
  const [summary, confirmation] = delivered as [OutboxRow, OutboxRow];
  const posted = bot.connector.posted;
  // a new thread in the duty channel, in the tenant, with the record's card
  const duty = threadsIn(posted, DUTY);
  expect(duty).toHaveLength(1);
  expect(duty[0]!.body).toMatchObject({
    isGroup: true,
    channelData: { channel: { id: DUTY }, tenant: { id: bot.config.TENANT_ID } },
  });
  expect(deliveryIdOf(duty[0]!)).toBe(summary.id);
  // the new thread's id, kept for replies in it
  expect(summary.conversation_id).toMatch(/^19:duty@thread\.tacv2;messageid=\d+$/);
  // nothing for the safeguarding leads
  expect(threadsIn(posted, SAFEGUARDING)).toEqual([]);
  // the referrer hears in their own chat, and only after the duty channel has the summary
  const chat1 = chatPosts(posted, 'user-1');
  expect(chat1).toHaveLength(1);
  expect(deliveryIdOf(chat1[0]!)).toBe(confirmation.id);
  expect(posted.indexOf(chat1[0]!)).toBeGreaterThan(posted.indexOf(duty[0]!));
  expect(posted).toHaveLength(2);

  // each attempt is audited, with ids and states only
  const audit = bot.sql<AuditRowRaw>(`SELECT * FROM audit WHERE action = 'delivery-attempt' ORDER BY id`);
  expect(audit.map((a) => [a.outcome, JSON.parse(a.detail_json)])).toEqual([
    ['delivered', { deliveryId: summary.id, kind: 'duty-summary', status: 'ok', attempt: 1 }],
    ['delivered', { deliveryId: confirmation.id, kind: 'referrer-confirmation', status: 'ok', attempt: 1 }],
  ]);
  const h = await health(bot.url);
  expect(h.status).toBe(200);
  expect(h.body).toMatchObject({
    status: 'ok',
    deliveries: { pending: 0, failed: 0, delivered: 2, oldestPendingSeconds: null },
  });
});

test('a call flagging possible harm to the baby also alerts the safeguarding channel, once', async () => {
  bot = await startTestBot({ env: CHANNEL_ENV, host: { delivery: { pollMs: 20 } } });
  const chat = chatClient(() => bot!.url, bot.connector.url);
  await chat.call('user-2', FLAGGED_CALL);
  const delivered = await until('all deliveries made', () => allDone(bot!));
  // the alert is raised when the risk section is saved; submit adds to its thread and the referrer is
  // told (those rows belong to the in-progress alert work): here, that each is made exactly once
  expect(delivered.map((r) => r.kind)).toEqual(
    expect.arrayContaining(['duty-summary', 'referrer-confirmation', 'safeguarding-alert']),
  );
  expect(delivered.filter((r) => r.kind === 'safeguarding-alert')).toHaveLength(1);
  const alert = delivered.find((r) => r.kind === 'safeguarding-alert')!;
  const posted = bot.connector.posted;
  const alerts = threadsIn(posted, SAFEGUARDING);
  expect(alerts).toHaveLength(1);
  expect(deliveryIdOf(alerts[0]!)).toBe(alert.id);
  expect(threadsIn(posted, DUTY)).toHaveLength(1);
  expect([...takenCounts(posted).values()].every((n) => n === 1)).toBe(true);
  expect(takenCounts(posted).size).toBe(delivered.length);
  // the record id travels with the alert, so a duplicate is recognisable
  expect(alert.record_id).toBeTruthy();
  expect(JSON.stringify(alerts[0]!.body)).toContain(alert.id);
});

test('a channel that is not set yet holds its deliveries: they wait, and go once it is set', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date(t);
  const { SAFEGUARDING_TEAM_ID: _t, SAFEGUARDING_CHANNEL_ID: _c, ...noSafeguarding } = CHANNEL_ENV;
  bot = await startTestBot({ env: noSafeguarding, now, host: { delivery: { pollMs: 20 } } });
  const chat = chatClient(() => bot!.url, bot.connector.url);
  await chat.call('user-3', FLAGGED_CALL);
  const waiting = await until('the alert waiting for its channel', () =>
    rows(bot!).find((r) => r.kind === 'safeguarding-alert' && r.last_error === 'no safeguarding channel'),
  );
  expect(waiting.status).toBe('pending');
  expect(waiting.attempts).toBe(0);
  await until('the others delivered', () =>
    rows(bot!).filter((r) => r.status === 'delivered').length === 2 ? true : undefined,
  );
  // waiting is audited once, not at every look
  t += 5 * 60_000;
  await new Promise((r) => setTimeout(r, 200));
  t += 5 * 60_000;
  await new Promise((r) => setTimeout(r, 200));
  const waits = bot.sql<AuditRowRaw>(`SELECT * FROM audit WHERE action = 'delivery-waiting'`);
  expect(waits).toHaveLength(1);
  expect(JSON.parse(waits[0]!.detail_json)).toEqual({
    deliveryId: waiting.id,
    kind: 'safeguarding-alert',
    reason: 'no safeguarding channel',
  });
  expect(rows(bot).find((r) => r.id === waiting.id)!.status).toBe('pending');

  // set in Teams ("@bot set safeguarding channel") - here straight into the registry's table
  writeSql(
    bot.config.DATABASE_FILE,
    `INSERT INTO channels (role, team_id, channel_id, service_url, tenant_id, set_by, set_at)
     VALUES ('safeguarding', 'team-s', ?, ?, ?, 'aad-lead', ?)`,
    SAFEGUARDING,
    bot.connector.url,
    bot.config.TENANT_ID,
    now().toISOString(),
  );
  t += 60_000;
  await until('the alert delivered', () => allDone(bot!));
  expect(threadsIn(bot.connector.posted, SAFEGUARDING)).toHaveLength(1);
});

test('an escalation is posted as a reply in the thread its alert started', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  const now = () => new Date(t);
  bot = await startTestBot({
    env: { ...CHANNEL_ENV, ALERT_ESCALATION_MINUTES: '1' },
    now,
    host: { delivery: { pollMs: 20 }, schedulerEveryMs: 20 },
  });
  const chat = chatClient(() => bot!.url, bot.connector.url);
  await chat.call('user-4', FLAGGED_CALL);
  const alert = await until('the alert delivered', () =>
    rows(bot!).find((r) => r.kind === 'safeguarding-alert' && r.status === 'delivered'),
  );
  t += 61_000;
  const escalation = await until('the escalation delivered', () =>
    rows(bot!).find((r) => r.kind === 'alert-escalation' && r.status === 'delivered'),
  );
  const reply = bot.connector.posted.find((p) => deliveryIdOf(p) === escalation.id)!;
  expect(channelOf(reply)).toBeUndefined();
  expect(conversationOf(reply)).toBe(alert.conversation_id);
  expect(alert.conversation_id).toMatch(/^19:safeguarding@thread\.tacv2;messageid=\d+$/);
});
