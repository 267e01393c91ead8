/**
 * Issue 8 item 1 (the alert part) and item 2 (the referrer told) through the bot's real HTTP endpoint:
 * saving the risk section with possible harm queues the safeguarding alert at once, in the same
 * transaction as the save; a later submit joins the same alert thread; Back/Edit and Save raise no second
 * alert; a withdrawn answer is noted, not cancelled; a discarded or abandoned draft tells the leads; the
 * referrer hears when the leads were alerted and who acknowledged, and an acknowledgement given while the
 * call was in progress is the record's once it is submitted.
 */
import { afterEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  cards,
  cardText,
  lastCard,
  press,
  sectionOf,
  type TestBot,
  walkTo,
} from '../harness/bot';
import { channelOf, conversationOf, type Posted } from '../harness/connector';
import {
  ADMIN_CHANNEL,
  auditRows,
  DUTY_CHANNEL,
  DUTY_TEAM,
  eventRows,
  executeActions,
  NOW,
  postedCard,
  pressExecute,
  SG_CHANNEL,
  SG_TEAM,
  setChannel,
  startChannelBot,
  USERS,
} from './channel-support';

const MIN = 60_000;
let bot: TestBot;
let clock = NOW;

afterEach(async () => {
  await bot?.close();
  clock = NOW;
});

async function start(env: Record<string, string> = {}, setChannels = true) {
  bot = await startChannelBot({ now: () => clock, schedulerEveryMs: 50, env, setChannels });
}

const HARM_BABY = { harmToBaby: 'yes' };
const PHONED = Object.fromEntries(
  ['safeguarding-referral', 'open-to-social-care', 'domestic-abuse', 'mental-health'].flatMap((id) => [
    [`${id}.status`, 'phoned'],
    [
      `${id}.notes`,
      'Alex Front, social worker, Testshire Children’s Front Door, 0116 454 1004. Shared the concern today.',
    ],
  ]),
);
const withRisk = (risk: Record<string, string>) => ({
  ...FULL_CALL,
  risk: { ...FULL_CALL.risk!, ...risk },
  pickUpThePhone: { ...FULL_CALL.pickUpThePhone!, ...PHONED },
});

/** The fixture's risk answers as the compact risk card asks them, with these answers to possible harm. */
const riskCard = (harm: Record<string, string> = {}) => ({
  harmToBaby: 'no',
  harmToParent: 'no',
  screenYes: 'mentalHealth',
  screenRest: 'no',
  level: 'low-to-moderate',
  ...harm,
});

/** Walks to the risk card and saves it with these answers; returns the reply. */
async function saveRisk(risk: Record<string, string>, button = 'Next', user: string = USERS.referrer) {
  const card = await walkTo(bot, 'risk', FULL_CALL, { user });
  return bot.submit(press(card, button, riskCard(risk)), user);
}

/** Carries on from wherever the draft is to the review and submits it. */
async function carryOnAndSubmit(
  answers: Record<string, Record<string, string>>,
  user: string = USERS.referrer,
) {
  let card = lastCard(await bot.say('resume', user));
  for (let i = 0; i < 20 && sectionOf(card) !== 'review'; i++) {
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, cardAnswers(card, answers)), user));
  }
  expect(sectionOf(card)).toBe('review');
  return bot.submit(press(card, 'Submit the duty call'), user);
}

const alertThreads = () => bot.connector.posted.filter((p) => p.accepted && channelOf(p) === SG_CHANNEL);
const inThread = (thread: string) =>
  bot.connector.posted.filter((p) => p.accepted && p.method === 'POST' && conversationOf(p) === thread);
const toReferrer = () =>
  bot.connector.posted.filter(
    (p) => p.accepted && p.method === 'POST' && conversationOf(p) === `a:personal-${USERS.referrer}`,
  );
const cardOf = (p: Posted) =>
  ((p.body.activity ?? p.body) as { attachments?: { content: Card }[] }).attachments?.[0]?.content;
const textOf = (p: Posted) => cardText(cardOf(p));

/** The first (thread-starting) in-progress alert post, once the worker has made it. */
async function inProgressAlert() {
  const post = await bot.connector.waitFor((p) => p.accepted && channelOf(p) === SG_CHANNEL);
  await until(() => draftAlertRow()?.outbox_status === 'delivered');
  const row = draftAlertRow()!;
  return {
    post,
    row,
    card: cardOf(post)!,
    conversationId: row.conversation_id!,
    activityId: row.activity_id!,
  };
}

function draftAlertRow() {
  return bot.sql<{
    id: string;
    draft_id: string;
    reference: string;
    outbox_id: string;
    record_id: string | null;
    closed_as: string | null;
    outbox_status: string;
    conversation_id: string | null;
    activity_id: string | null;
  }>(
    `SELECT a.*, o.status AS outbox_status, o.conversation_id, o.activity_id
     FROM draft_alerts a JOIN outbox o ON o.id = a.outbox_id`,
  )[0];
}

async function until(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('[HAZ-01] answering possible harm to the baby "yes" and stopping alerts the leads at once, as a call in progress, with only what an alert shows', async () => {
  await start();
  const replies = await saveRisk(HARM_BABY);
  // the referrer is told, in the same reply, that the leads are being alerted now
  expect(cardText(cards(replies)[0])).toContain('safeguarding leads are being alerted now');
  // ... and stops here: no submit, no record
  const { card, row } = await inProgressAlert();
  expect(bot.sql('SELECT id FROM duty_calls')).toEqual([]);
  const text = cardText(card);
  expect(text).toContain(`Safeguarding alert (call in progress): ${row.reference}`);
  expect(text).toContain('Possible harm to the baby');
  expect(text).toContain('not yet submitted');
  // the referrer's contact, and the identifiers today's alert shows
  for (const shown of [
    'Hannah Visitor',
    'Testshire 0-19 Service, North team',
    '0116 555 0101',
    'Baby Ada Example',
  ]) {
    expect(text).toContain(shown);
  }
  // nothing more than today's alert: no address, no free text, no family phone
  for (const hidden of ['1 Example Street', '07700 900123', 'does not like her', 'Traumatic birth']) {
    expect(JSON.stringify(card)).not.toContain(hidden);
  }
  // Acknowledge carries the alert's own id: there is no record to acknowledge yet
  const ack = executeActions(card).find((a) => a.title === 'Acknowledge');
  expect(ack?.data).toMatchObject({ recordId: row.draft_id, alertId: row.id });
  // the draft and the alert are stored together, audited by the draft's id (the record's id to be)
  expect(auditRows(bot, row.draft_id).map((a) => a.action)).toContain('draft-alert-raised');
});

test('[HAZ-01] possible harm to a parent "not known" alerts the leads too; saving the risk section again (Save, Next, Back and Next) raises no second alert', async () => {
  await start();
  const replies = await saveRisk({ harmToParent: 'not-known' }, 'Save');
  expect(sectionOf(lastCard(replies))).toBe('risk');
  const { card } = await inProgressAlert();
  expect(cardText(card)).toContain('Possible harm to a parent: not known');
  // Save again, then Next, then Back and Next: the same answers, the same alert
  let risk = lastCard(
    await bot.submit(press(lastCard(replies), 'Save', riskCard({ harmToParent: 'not-known' }))),
  );
  risk = lastCard(await bot.submit(press(risk, 'Next', riskCard({ harmToParent: 'not-known' }))));
  risk = lastCard(await bot.submit(press(risk, 'Back')));
  expect(sectionOf(risk)).toBe('risk');
  const again = await bot.submit(press(risk, 'Next', riskCard({ harmToParent: 'yes' })));
  // a lead may have it already: the reply says where it is, not "being alerted" a second time
  expect(cardText(cards(again)[0])).toMatch(/safeguarding leads were alerted at 10:00 on 23 November 2026/);
  await new Promise((r) => setTimeout(r, 300));
  expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(1);
  expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'safeguarding-alert'`)).toHaveLength(1);
  expect(alertThreads()).toHaveLength(1);
});

test('[HAZ-01] a later submit adds the call as submitted to the same alert thread: one alert, with the reference the leads were given', async () => {
  await start();
  await saveRisk(HARM_BABY);
  const alert = await inProgressAlert();
  await carryOnAndSubmit(withRisk(HARM_BABY));
  const [record] = bot.sql<{ id: string; record_json: string }>('SELECT id, record_json FROM duty_calls');
  expect(record!.id).toBe(alert.row.draft_id);
  expect(JSON.parse(record!.record_json).reference).toBe(alert.row.reference);
  // the call as submitted follows in the alert's thread
  const followUp = await bot.connector.waitFor(
    (p) => p.accepted && conversationOf(p) === alert.conversationId && /submitted the call/.test(textOf(p)),
  );
  expect(textOf(followUp)).toContain(`Safeguarding alert: ${alert.row.reference}`);
  await postedCard(bot, record!.id, 'duty-summary');
  await new Promise((r) => setTimeout(r, 300));
  // never a second, separate alert
  expect(alertThreads()).toHaveLength(1);
  expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'safeguarding-alert'`)).toHaveLength(1);
  // the record owns the alert now (escalation and acknowledgement work on it as on any alert)
  expect(bot.sql(`SELECT record_id FROM outbox WHERE id = ?`, alert.row.outbox_id)).toEqual([
    { record_id: record!.id },
  ]);
});

test('[HAZ-01] submitted before the in-progress alert could be posted: still one alert, posted once with the call as submitted', async () => {
  await start({}, false);
  await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL);
  await setChannel(bot, 'admin', DUTY_TEAM, ADMIN_CHANNEL);
  await saveRisk(HARM_BABY);
  await carryOnAndSubmit(withRisk(HARM_BABY));
  const [record] = bot.sql<{ id: string }>('SELECT id FROM duty_calls');
  // the leads' channel set only now: the alert waiting for it goes out, drawn from the record
  await setChannel(bot, 'safeguarding', SG_TEAM, SG_CHANNEL);
  // the worker looks again for a channel after targetWaitMs on its (test) clock
  clock = new Date(NOW.getTime() + 1000);
  const posted = await postedCard(bot, record!.id, 'safeguarding-alert');
  expect(cardText(posted.card)).not.toContain('call in progress');
  expect(cardText(posted.card)).toContain('The full summary is in the IMH duty channel');
  await new Promise((r) => setTimeout(r, 300));
  expect(alertThreads()).toHaveLength(1);
  expect(inThread(posted.conversationId)).toEqual([]);
  expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'alert-note'`)).toEqual([]);
});

test('[HAZ-01] an answer changed to "no" after the alert does not cancel it: the thread gets a note and the referrer is told', async () => {
  await start();
  const first = await saveRisk(HARM_BABY, 'Save');
  const alert = await inProgressAlert();
  const reply = await bot.submit(press(lastCard(first), 'Save', riskCard()));
  expect(cardText(lastCard(reply))).toContain('I have told them your answers changed');
  const note = await bot.connector.waitFor((p) => p.accepted && conversationOf(p) === alert.conversationId);
  expect(textOf(note)).toContain('now both answered “no”');
  expect(textOf(note)).toContain('The alert stands');
  expect(bot.sql(`SELECT status FROM outbox WHERE id = ?`, alert.row.outbox_id)).toEqual([
    { status: 'delivered' },
  ]);
  expect(auditRows(bot, alert.row.draft_id).find((a) => a.action === 'draft-alert-noted')?.outcome).toBe(
    'risk-withdrawn',
  );
});

test('[HAZ-14] cancelling a draft with possible harm flagged warns first, then tells the leads in the alert’s thread, audited', async () => {
  await start();
  await saveRisk(HARM_BABY);
  const alert = await inProgressAlert();
  const confirm = lastCard(await bot.say('cancel'));
  const warning = cardText(confirm);
  expect(warning).toContain('may be at risk of harm');
  expect(warning).toContain(`discarding the draft does not withdraw that alert`);
  expect(warning).toContain(alert.row.reference);
  const done = await bot.submit(press(confirm, 'Discard the draft'));
  expect(cardText(lastCard(done))).toContain('I have told them you discarded the draft');
  const note = await bot.connector.waitFor((p) => p.accepted && conversationOf(p) === alert.conversationId);
  expect(textOf(note)).toContain('the referrer discarded the draft');
  expect(draftAlertRow()?.closed_as).toBe('discarded');
  const audit = auditRows(bot, alert.row.draft_id).find((a) => a.action === 'draft-alert-noted');
  expect(audit).toMatchObject({ outcome: 'discarded', actor_id: `aad-${USERS.referrer}` });
  // the draft itself is gone
  expect(bot.sql<{ value: string }>('SELECT value FROM bot_state')[0]!.value).not.toContain('Baby Ada');
});

test('[HAZ-14] a draft with possible harm flagged left unsubmitted for RISK_DRAFT_ALERT_MINUTES tells the leads, once', async () => {
  await start({ RISK_DRAFT_ALERT_MINUTES: '45' });
  await saveRisk({ harmToBaby: 'not-known' });
  const alert = await inProgressAlert();
  // the thread also gets the escalations (every ALERT_ESCALATION_MINUTES, nobody having acknowledged):
  // this test looks at the note alone
  const notes = () => inThread(alert.conversationId).filter((p) => /has not been submitted/.test(textOf(p)));
  clock = new Date(NOW.getTime() + 44 * MIN);
  await new Promise((r) => setTimeout(r, 300));
  expect(notes()).toEqual([]);
  clock = new Date(NOW.getTime() + 46 * MIN);
  const note = await bot.connector.waitFor(
    (p) =>
      p.accepted && conversationOf(p) === alert.conversationId && /has not been submitted/.test(textOf(p)),
  );
  expect(textOf(note)).toContain('has not been submitted 45 minutes after this alert');
  clock = new Date(NOW.getTime() + 300 * MIN);
  await new Promise((r) => setTimeout(r, 400));
  expect(notes()).toHaveLength(1);
  expect(auditRows(bot, alert.row.draft_id).filter((a) => a.outcome === 'unsubmitted')).toHaveLength(1);
});

test('[HAZ-03] the referrer is told when the leads were alerted, and when and by whom an in-progress alert was acknowledged', async () => {
  await start();
  await saveRisk(HARM_BABY);
  const alert = await inProgressAlert();
  const alerted = await bot.connector.waitFor(
    (p) => toReferrer().includes(p) && /leads were alerted/.test(textOf(p)),
  );
  expect(textOf(alerted)).toContain('The safeguarding leads were alerted at 10:00 on 23 November 2026');
  clock = new Date(NOW.getTime() + 7 * MIN);
  const ack = await pressExecute(
    bot,
    alert,
    'Acknowledge',
    USERS.lead,
    {},
    { team: SG_TEAM, channel: SG_CHANNEL },
  );
  expect(cardText(ack.card)).toContain('Alert acknowledged.');
  expect(cardText(ack.card)).toContain('Acknowledged by Lee Lead');
  const told = await bot.connector.waitFor((p) => toReferrer().includes(p) && /acknowledged/.test(textOf(p)));
  expect(textOf(told)).toContain('Lee Lead acknowledged it at 10:07 on 23 November 2026');
  // a second press changes nothing
  const again = await pressExecute(
    bot,
    alert,
    'Acknowledge',
    USERS.lead,
    {},
    { team: SG_TEAM, channel: SG_CHANNEL },
  );
  expect(cardText(again.card)).toContain('Already done');
  // someone outside the leads' team cannot
  const outsider = await pressExecute(
    bot,
    alert,
    'Acknowledge',
    USERS.outsider,
    {},
    { team: SG_TEAM, channel: SG_CHANNEL },
  );
  expect(outsider.message ?? cardText(outsider.card)).toMatch(/Only members/);
  // the referrer's notices name no one but the lead: no family details in their chat's notices
  expect(textOf(told)).not.toContain('Baby Ada');
});

test('[HAZ-03] an acknowledgement given while the call was in progress is the record’s after submit: no escalation, the card says who', async () => {
  await start({ ALERT_ESCALATION_MINUTES: '30' });
  await saveRisk(HARM_BABY);
  const alert = await inProgressAlert();
  clock = new Date(NOW.getTime() + 5 * MIN);
  await pressExecute(bot, alert, 'Acknowledge', USERS.lead, {}, { team: SG_TEAM, channel: SG_CHANNEL });
  await carryOnAndSubmit(withRisk(HARM_BABY));
  const [record] = bot.sql<{ id: string }>('SELECT id FROM duty_calls');
  const events = eventRows(bot, record!.id);
  expect(events[0]).toMatchObject({
    type: 'alert-acknowledged',
    actor_id: `aad-${USERS.lead}`,
    actor_name: 'Lee Lead',
  });
  const followUp = await bot.connector.waitFor(
    (p) => p.accepted && conversationOf(p) === alert.conversationId && /submitted the call/.test(textOf(p)),
  );
  expect(textOf(followUp)).toContain('Acknowledged by Lee Lead');
  // no "nobody has acknowledged" escalation, however long
  clock = new Date(NOW.getTime() + 200 * MIN);
  await new Promise((r) => setTimeout(r, 400));
  expect(inThread(alert.conversationId).filter((p) => /Not yet acknowledged/.test(textOf(p)))).toEqual([]);
  // a press on the in-progress card after the submit goes to the record: already done
  const late = await pressExecute(
    bot,
    alert,
    'Acknowledge',
    USERS.lead,
    {},
    { team: SG_TEAM, channel: SG_CHANNEL },
  );
  expect(cardText(late.card)).toContain('Already done');
});

test('[HAZ-03] for an alert raised at submit the referrer is told when the leads were alerted and who acknowledged', async () => {
  await start();
  const call = withRisk({ domesticAbuse: 'yes' });
  const review = await walkTo(bot, 'review', call);
  await bot.submit(press(review, 'Submit the duty call'));
  const [record] = bot.sql<{ id: string }>('SELECT id FROM duty_calls');
  // domestic abuse alone raises no alert while the call is in progress: the submit raises it
  expect(bot.sql('SELECT id FROM draft_alerts')).toEqual([]);
  const posted = await postedCard(bot, record!.id, 'safeguarding-alert');
  await bot.connector.waitFor(
    (p) => toReferrer().includes(p) && /leads were alerted at 10:00/.test(textOf(p)),
  );
  await pressExecute(bot, posted, 'Acknowledge', USERS.lead, {}, { team: SG_TEAM, channel: SG_CHANNEL });
  const told = await bot.connector.waitFor(
    (p) => toReferrer().includes(p) && /was acknowledged/.test(textOf(p)),
  );
  expect(textOf(told)).toContain('Lee Lead acknowledged it at 10:00');
});
