/**
 * Alerts raised while a call is in progress (no record yet) are escalated, acknowledged everywhere,
 * never given up and reported to the referrer like any other alert: the real bot over HTTP, the
 * stand-in connector, a fake clock.
 */
import { afterEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  cardText,
  lastCard,
  press,
  sectionOf,
  type TestBot,
  walkTo,
} from '../harness/bot';
import { channelOf, conversationOf, deliveryIdOf, type Posted } from '../harness/connector';
import { writeSql } from '../harness/service';
import {
  ADMIN_CHANNEL,
  auditRows,
  DUTY_CHANNEL,
  eventRows,
  NOW,
  pressExecute,
  SG_CHANNEL,
  SG_TEAM,
  setChannel,
  startChannelBot,
  USERS,
  updatesOf,
} from './channel-support';

const MIN = 60_000;
const LEAD = { ONCALL_LEAD_AAD_ID: 'aad-oncall-lead', ONCALL_LEAD_NAME: 'Olive Oncall' };
let bot: TestBot;
let clock = NOW;

afterEach(async () => {
  await bot?.close();
  clock = NOW;
});

async function start(env: Record<string, string> = {}) {
  bot = await startChannelBot({
    now: () => clock,
    schedulerEveryMs: 20,
    // the unsubmitted note (once, RISK_DRAFT_ALERT_MINUTES) is not what these tests look at
    env: { ...LEAD, ALERT_ESCALATION_MINUTES: '30', RISK_DRAFT_ALERT_MINUTES: '1440', ...env },
  });
}
const at = (minutes: number) => {
  clock = new Date(NOW.getTime() + minutes * MIN);
};

const PHONED = Object.fromEntries(
  ['safeguarding-referral', 'open-to-social-care', 'domestic-abuse', 'mental-health'].flatMap((id) => [
    [`${id}.status`, 'phoned'],
    [`${id}.name`, 'Alex Front'],
    [`${id}.role`, 'Social worker'],
    [`${id}.organisation`, 'Testshire Children’s Front Door'],
    [`${id}.number`, '0116 454 1004'],
    [`${id}.notes`, 'Shared the concern today.'],
  ]),
);
const FLAGGED: Record<string, Record<string, string>> = {
  ...FULL_CALL,
  risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' },
  pickUpThePhone: { ...FULL_CALL.pickUpThePhone!, ...PHONED },
};

async function saveRisk() {
  const card = await walkTo(bot, 'risk', FULL_CALL);
  return bot.submit(press(card, 'Next', FLAGGED.risk!));
}

async function carryOnAndSubmit() {
  let card = lastCard(await bot.say('resume'));
  for (let i = 0; i < 20 && sectionOf(card) !== 'review'; i++) {
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, cardAnswers(card, FLAGGED))));
  }
  expect(sectionOf(card)).toBe('review');
  return bot.submit(press(card, 'Submit the duty call'));
}

interface Row {
  id: string;
  kind: string;
  status: string;
  record_id: string | null;
  attempts: number;
  target_json: string;
  payload_json: string;
  conversation_id: string | null;
  activity_id: string | null;
  last_error: string | null;
  next_attempt_at: string;
}
const byKind = (kind: string) =>
  bot.sql<Row>('SELECT * FROM outbox WHERE kind = ? ORDER BY created_at, rowid', kind);
const draftAlert = () =>
  bot.sql<{ id: string; draft_id: string; reference: string; outbox_id: string }>(
    'SELECT * FROM draft_alerts',
  )[0]!;
const cardOf = (p: Posted) =>
  ((p.body.activity ?? p.body) as { attachments: { content: Card }[] }).attachments[0]!.content;
const textOf = (p: Posted) => cardText(cardOf(p));
const mentions = (p: Posted) =>
  ((cardOf(p).msteams as { entities?: { mentioned: { id: string } }[] } | undefined)?.entities ?? []).map(
    (e) => e.mentioned.id,
  );
const postOf = (id: string) =>
  bot.connector.waitFor((p) => p.accepted && p.method === 'POST' && deliveryIdOf(p) === id);

async function until<T>(what: string, fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 250));

/** The in-progress alert, once posted in the leads' channel. */
async function alertPosted() {
  const row = await until('the alert posted', () =>
    byKind('safeguarding-alert').find((r) => r.status === 'delivered'),
  );
  const post = await postOf(row.id);
  return {
    row,
    post,
    card: cardOf(post),
    conversationId: row.conversation_id!,
    activityId: row.activity_id!,
  };
}

/** Every new thread in these channels answers this status (the alert's first post, for one). */
const refuseThreadsIn = (channels: readonly string[], status: number) =>
  bot.connector.faultWhen((p) => {
    const ch = (p.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
    return p.path === '/v3/conversations' && ch && channels.includes(ch) ? { status } : undefined;
  });

test('[HAZ-10] an alert raised while the call is in progress, never submitted nor acknowledged, is escalated in its thread at each interval, mentioning the on-call lead', async () => {
  await start();
  await saveRisk();
  const alert = await alertPosted();
  at(29);
  await settle();
  expect(byKind('alert-escalation')).toEqual([]);
  at(31);
  const [first] = await until('the first escalation delivered', () => {
    const r = byKind('alert-escalation');
    return r.length === 1 && r[0]!.status === 'delivered' ? r : undefined;
  });
  expect(JSON.parse(first!.target_json)).toEqual({ type: 'thread', of: alert.row.id });
  const post = await postOf(first!.id);
  expect(conversationOf(post)).toBe(alert.conversationId);
  expect(textOf(post)).toContain(`Not yet acknowledged: safeguarding alert ${draftAlert().reference}`);
  expect(textOf(post)).toContain('<at>Olive Oncall</at>');
  expect(mentions(post)).toEqual(['aad-oncall-lead']);
  // the lead can acknowledge from the escalation: it carries the alert's own id
  expect(JSON.stringify(cardOf(post))).toContain(draftAlert().id);
  // audited by the draft's id (the record's id to be), ids only
  const audit = auditRows(bot, draftAlert().draft_id).find((a) => a.action === 'alert-escalated');
  expect(audit?.detail).toMatchObject({ alertId: draftAlert().id, round: 1, deliveryId: first!.id });
  // one round per interval, however often the scheduler looks
  await settle();
  expect(byKind('alert-escalation')).toHaveLength(1);
  at(61);
  await until('the second round', () => byKind('alert-escalation').length === 2);
  await settle();
  expect(byKind('alert-escalation').map((r) => JSON.parse(r.payload_json).round)).toEqual([1, 2]);
});

test('[HAZ-10] an in-progress alert that never reached the leads’ channel is escalated to the duty and admin channels, mentioning the on-call lead', async () => {
  await start({ ALERT_DELIVERY_DEADLINE_SECONDS: '3600' });
  refuseThreadsIn([SG_CHANNEL], 503);
  await saveRisk();
  await until('the alert tried', () => byKind('safeguarding-alert')[0]!.attempts >= 1);
  at(31);
  const rows = await until('escalated where it can be seen', () => {
    const r = byKind('alert-escalation');
    return r.length === 2 && r.every((x) => x.status === 'delivered') ? r : undefined;
  });
  expect(rows.map((r) => JSON.parse(r.target_json))).toEqual([
    { type: 'channel', role: 'duty' },
    { type: 'channel', role: 'admin' },
  ]);
  for (const [channel, row] of [
    [DUTY_CHANNEL, rows[0]!],
    [ADMIN_CHANNEL, rows[1]!],
  ] as const) {
    const post = await postOf(row.id);
    expect(channelOf(post)).toBe(channel);
    expect(mentions(post)).toEqual(['aad-oncall-lead']);
    expect(textOf(post)).toContain('Reminder 1');
    expect(textOf(post)).not.toContain('[Acknowledge]');
  }
  // the duty channel sees the alert itself; the admin channel ids only
  expect(textOf(await postOf(rows[0]!.id))).toContain('Possible harm to the baby');
  expect(JSON.stringify((await postOf(rows[1]!.id)).body)).not.toContain('Baby Ada');
});

test('[HAZ-10] submitting hands an escalated in-progress alert over to the record: it carries on from the next round, never escalated twice', async () => {
  await start();
  await saveRisk();
  await alertPosted();
  at(31);
  await until('escalated once', () => byKind('alert-escalation')[0]?.status === 'delivered');
  at(40);
  await carryOnAndSubmit();
  const [record] = bot.sql<{ id: string }>('SELECT id FROM duty_calls');
  // the round already made is the record's: its escalations and its messages
  expect(eventRows(bot, record!.id).map((e) => [e.type, JSON.parse(e.data_json).round])).toEqual([
    ['alert-escalated', 1],
  ]);
  expect(byKind('alert-escalation').map((r) => r.record_id)).toEqual([record!.id]);
  await settle();
  expect(byKind('alert-escalation')).toHaveLength(1);
  at(61);
  await until('the second round, from the record', () => byKind('alert-escalation').length === 2);
  await settle();
  const rows = byKind('alert-escalation');
  expect(rows.map((r) => JSON.parse(r.payload_json).round)).toEqual([1, 2]);
  expect(eventRows(bot, record!.id).map((e) => e.type)).toEqual(['alert-escalated', 'alert-escalated']);
});

test('[HAZ-09] acknowledging an in-progress alert’s escalation updates every message of the alert, and stops the escalations', async () => {
  await start();
  await saveRisk();
  const alert = await alertPosted();
  at(31);
  const escRow = await until('escalated', () =>
    byKind('alert-escalation').find((r) => r.status === 'delivered'),
  );
  const escPost = await postOf(escRow.id);
  const escalation = {
    card: cardOf(escPost),
    conversationId: escRow.conversation_id!,
    activityId: escRow.activity_id!,
  };
  at(33);
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
  for (const m of [alert, escalation]) {
    const update = await until('the message updated', () =>
      updatesOf(bot, m.activityId).find((p) => p.accepted),
    );
    const text = cardText(cardOf(update));
    expect(text).toContain('Acknowledged by Lee Lead');
    expect(text).not.toContain('Not yet acknowledged');
    expect(mentions(update)).toEqual([]);
    expect(decodeURIComponent(update.path)).toBe(
      `/v3/conversations/${m.conversationId}/activities/${m.activityId}`,
    );
  }
  const updates = await until('the updates made', () => {
    const r = byKind('alert-update');
    return r.length === 2 && r.every((u) => u.status === 'delivered') ? r : undefined;
  });
  expect(updates.map((u) => JSON.parse(u.target_json).of).sort()).toEqual([alert.row.id, escRow.id].sort());
  const done = auditRows(bot, draftAlert().draft_id).find(
    (a) => a.action === 'alert.ack' && a.outcome === 'done',
  );
  expect(done?.detail.updates).toHaveLength(2);
  at(300);
  await settle();
  expect(byKind('alert-escalation')).toHaveLength(1);
});

test('[HAZ-07] an alert is never given up: past DELIVERY_GIVE_UP_MINUTES it is still tried, at most 5 minutes apart, and health stays degraded until it is delivered', async () => {
  await start({ DELIVERY_GIVE_UP_MINUTES: '2', ALERT_ESCALATION_MINUTES: '600' });
  refuseThreadsIn([SG_CHANNEL], 503);
  await saveRisk();
  await until('the alert tried', () => byKind('safeguarding-alert')[0]!.attempts >= 1);
  for (const m of [3, 10, 30, 60, 120]) {
    at(m);
    await until(`tried at ${m} min`, () => {
      const [a] = byKind('safeguarding-alert');
      return a!.status === 'pending' && Date.parse(a!.next_attempt_at) > clock.getTime();
    });
    const [a] = byKind('safeguarding-alert');
    // backoff capped: never parked for longer than 5 minutes
    expect(Date.parse(a!.next_attempt_at) - clock.getTime()).toBeLessThanOrEqual(5 * MIN);
    const h = (await (await fetch(`${bot.url}/healthz`)).json()) as Record<string, unknown>;
    expect(h).toMatchObject({ status: 'degraded', deliveries: { alertsOverdue: 1 } });
  }
  expect(byKind('delivery-failed').filter((r) => r.payload_json.includes(draftAlert().outbox_id))).toEqual(
    [],
  );
  // the channel answers again: the alert is made, and the referrer's "leads were alerted" follows
  bot.connector.faultWhen(undefined);
  at(126);
  await until('delivered at last', () => byKind('safeguarding-alert')[0]!.status === 'delivered');
  const h = (await (await fetch(`${bot.url}/healthz`)).json()) as Record<string, unknown>;
  expect(h).toMatchObject({ status: 'ok', deliveries: { alertsOverdue: 0 } });
});

test('[HAZ-07] a safeguarding channel that refuses the alert (404): the referrer and the duty team are told at once, it is retried at the cap, and once the channel is set again the alert goes to the new channel', async () => {
  await start();
  refuseThreadsIn([SG_CHANNEL], 404);
  await saveRisk();
  const told = await until('the referrer, duty and admin told', () => {
    const r = byKind('alert-undelivered');
    return r.length === 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
  });
  expect(JSON.parse(told[0]!.payload_json)).toMatchObject({ why: 'refused' });
  const [alert] = byKind('safeguarding-alert');
  expect(alert).toMatchObject({ status: 'pending', last_error: 'http 404' });
  const toReferrer = await postOf(told[0]!.id);
  expect(conversationOf(toReferrer)).toBe(`a:personal-${USERS.referrer}`);
  expect(textOf(toReferrer)).toContain('Please phone now');
  // the duty channel's copy does not say it has stopped trying
  expect(textOf(await postOf(told[1]!.id))).not.toContain('stopped trying');
  at(2 * 60);
  await until('still retried', () => byKind('safeguarding-alert')[0]!.attempts >= 2);
  expect(byKind('safeguarding-alert')[0]!.status).toBe('pending');

  const NEW_CHANNEL = '19:safeguarding-new@thread.tacv2';
  bot.connector.setTeam(
    SG_TEAM,
    [`aad-${USERS.lead}`, `aad-${USERS.admin}`],
    [{ id: SG_TEAM }, { id: NEW_CHANNEL, name: 'Safeguarding leads (new)' }],
  );
  await setChannel(bot, 'safeguarding', SG_TEAM, NEW_CHANNEL);
  // no wait for the next retry at the cap: setting the channel sends what waits for it
  const row = await until('posted to the new channel', () =>
    byKind('safeguarding-alert').find((r) => r.status === 'delivered'),
  );
  const post = await postOf(row.id);
  expect(channelOf(post)).toBe(NEW_CHANNEL);
  expect(textOf(post)).toContain('call in progress');
});

test('[HAZ-07] the deadline notice for an alert raised while the call is in progress reaches the referrer’s chat, from the alert’s own contact', async () => {
  await start({ ALERT_DELIVERY_DEADLINE_SECONDS: '120' });
  refuseThreadsIn([SG_CHANNEL], 503);
  await saveRisk();
  await until('the alert tried', () => byKind('safeguarding-alert')[0]!.attempts >= 1);
  // a row queued without the chat in its payload (an earlier build's): the alert's own record of it is used
  writeSql(
    bot.config.DATABASE_FILE,
    `UPDATE outbox SET payload_json = json_remove(payload_json, '$.contact') WHERE id = ?`,
    draftAlert().outbox_id,
  );
  at(3);
  const notice = await until('the referrer told', () =>
    byKind('alert-undelivered').find((r) => JSON.parse(r.target_json).type === 'referrer'),
  );
  await until(
    'delivered',
    () => byKind('alert-undelivered').find((r) => r.id === notice.id)?.status === 'delivered',
  );
  const post = await postOf(notice.id);
  expect(conversationOf(post)).toBe(`a:personal-${USERS.referrer}`);
  expect(textOf(post)).toContain(`Please phone now: your safeguarding concern (${draftAlert().reference})`);
  expect(textOf(post)).toContain('999');
});
