/**
 * Time-driven work through the real endpoint, on a fake clock (no sleeps stand in for minutes or days):
 * an unacknowledged alert is escalated with the on-call lead mentioned until acknowledged, a missing
 * formal referral is reminded and shows as overdue, and "@bot open" lists what the duty team has to do.
 */
import { afterEach, expect, test } from 'vitest';
import { cardText, type TestBot } from '../harness/bot';
import {
  ALERT_CALL,
  DUTY_CHANNEL,
  DUTY_TEAM,
  from,
  inChannel,
  mentioning,
  NOW,
  postedCard,
  pressExecute,
  SG_CHANNEL,
  SG_TEAM,
  startChannelBot,
  submitCall,
  USERS,
} from './channel-support';

const MIN = 60_000;
let bot: TestBot;
let clock = NOW;

afterEach(async () => {
  await bot.close();
  clock = NOW;
});

async function start() {
  bot = await startChannelBot({
    now: () => clock,
    schedulerEveryMs: 50,
    env: {
      ONCALL_LEAD_AAD_ID: `aad-${USERS.lead}`,
      ONCALL_LEAD_NAME: 'Lee Lead',
      ALERT_ESCALATION_MINUTES: '30',
    },
  });
}

const escalationsIn = (thread: string) =>
  bot.connector.posted.filter(
    (p) =>
      p.accepted &&
      p.method === 'POST' &&
      p.path.includes(`/v3/conversations/${encodeURIComponent(thread)}/activities`),
  );

const settle = () => new Promise((r) => setTimeout(r, 400));

test('an unacknowledged alert is escalated with the on-call lead mentioned, until acknowledged', async () => {
  await start();
  const call = await submitCall(bot, ALERT_CALL);
  const alert = await postedCard(bot, call.id, 'safeguarding-alert');

  clock = new Date(NOW.getTime() + 29 * MIN);
  await settle();
  expect(escalationsIn(alert.conversationId)).toHaveLength(0);

  clock = new Date(NOW.getTime() + 31 * MIN);
  const first = await bot.connector.waitFor(
    (p) => p.accepted && p.path.includes(encodeURIComponent(alert.conversationId)),
  );
  const activity = first.body as {
    text?: string;
    entities?: unknown[];
    attachments?: { content: unknown }[];
  };
  const shown = JSON.stringify(activity);
  expect(shown).toContain('<at>Lee Lead</at>');
  expect(shown).toContain(`aad-${USERS.lead}`);
  expect(cardText(activity.attachments?.[0]?.content)).toContain(call.reference);

  // the lead acknowledges on the original alert: escalation stops
  const ack = await pressExecute(
    bot,
    alert,
    'Acknowledge',
    USERS.lead,
    {},
    { team: SG_TEAM, channel: SG_CHANNEL },
  );
  expect(cardText(ack.card)).toContain('Lee Lead');
  clock = new Date(NOW.getTime() + 5 * 60 * MIN);
  await settle();
  expect(escalationsIn(alert.conversationId)).toHaveLength(1);
});

test('a missing formal referral is reminded after the configured days and shows as overdue in "open"', async () => {
  await start();
  const call = await submitCall(bot);
  await postedCard(bot, call.id, 'duty-summary');
  const referrerPosts = () =>
    bot.connector.posted.filter(
      (p) => p.accepted && p.path.includes(encodeURIComponent('a:personal-user-1')),
    );

  const openList = async () => {
    const { replies } = await bot.post(
      { ...inChannel(DUTY_TEAM, DUTY_CHANNEL), ...mentioning('open'), ...from(USERS.duty) },
      USERS.duty,
    );
    return replies.map((r) => r.text ?? '').join('\n');
  };
  expect(await openList()).toContain(
    `${call.reference} · duty call on 23 November 2026 · awaiting the eligibility indication; awaiting the formal referral`,
  );

  clock = new Date(NOW.getTime() + 7 * 24 * 60 * MIN);
  const before = referrerPosts().length;
  const reminder = await bot.connector.waitFor(
    (p) =>
      p.accepted &&
      referrerPosts().indexOf(p) >= before &&
      /formal referral/i.test(
        cardText((p.body as { attachments?: { content: unknown }[] }).attachments?.[0]?.content),
      ),
  );
  expect(JSON.stringify(reminder.body)).toContain(call.reference);
  expect(await openList()).toContain('**formal referral overdue**');
});

test('"open" works in the duty channel only', async () => {
  await start();
  const { replies } = await bot.post(
    { ...inChannel(SG_TEAM, SG_CHANNEL), ...mentioning('open'), ...from(USERS.lead) },
    USERS.lead,
  );
  expect(replies.map((r) => r.text).join('\n')).toContain('works in the IMH duty channel only');
});
