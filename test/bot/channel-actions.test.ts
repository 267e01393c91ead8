/**
 * The duty team's and the safeguarding leads' buttons (Universal Actions) on the cards the delivery worker
 * really posted for a call a referrer really submitted, pressed through the real HTTP endpoint as Teams
 * sends them: each allowed action is an event, shows who and when on the card for everyone and is audited;
 * everything else (outsiders, the wrong team, stale or forged cards, a record that does not exist, a second
 * press) gets a plain answer, changes nothing, and is audited too.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { type Card, cardText, type TestBot } from '../harness/bot';
import { conversationOf } from '../harness/connector';
import {
  ALERT_CALL,
  auditRows,
  DUTY_CHANNEL,
  DUTY_TEAM,
  eventRows,
  execute,
  executeActions,
  type PostedCard,
  postedCard,
  pressExecute,
  SG_CHANNEL,
  SG_TEAM,
  startChannelBot,
  submitCall,
  USERS,
  updateMade,
  updatesOf,
} from './channel-support';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

const AT = '23 November 2026, 10:00';
const STALE = 'This card was out of date: here it is as it is now.';
const ALREADY = 'Already done (see who and when below), so nothing was changed.';
const DUTY_ONLY =
  'Only members of the IMH duty team can act on duty summaries, from the IMH duty channel. Nothing was changed.';
const LEADS_ONLY =
  'Only members of the safeguarding leads’ team can acknowledge alerts, from the safeguarding channel. Nothing was changed.';

async function dutyCall(answers = ALERT_CALL) {
  bot = await startChannelBot();
  const call = await submitCall(bot, answers);
  const summary = await postedCard(bot, call.id, 'duty-summary');
  return { call, summary };
}

function version(card: Card): number {
  return Number(executeActions(card)[0]?.data.version);
}

function updatedCard(update: { body: Record<string, unknown> }): Card {
  return (update.body as { attachments: { content: Card }[] }).attachments[0]!.content;
}

function outcomes(recordId: string, action?: string) {
  return auditRows(bot, recordId)
    .filter((r) => (action ? r.action === action : r.action.startsWith('duty.') || r.action === 'alert.ack'))
    .map((r) => [r.action, r.actor_id, r.outcome, r.detail.reason ?? null]);
}

describe('duty actions', () => {
  test('giving the indication: an event, the card shows who and when for everyone, the referrer is told', async () => {
    const { call, summary } = await dutyCall();
    expect(cardText(summary.card)).toContain('Eligibility indication: Not yet given');
    expect(version(summary.card)).toBe(0);

    const answer = await pressExecute(bot, summary, 'Save the indication', USERS.duty, {
      indication: 'eligible',
      reason: '',
    });
    const text = cardText(answer.card);
    expect(text).toContain('Indication saved: the referrer will be told.');
    expect(text).toContain(`Eligibility indication: Eligible: given by Dana Duty, ${AT}`);
    expect(version(answer.card!)).toBe(1);
    expect(text).toContain(`Record ${call.reference} · delivery`);

    expect(eventRows(bot, call.id)).toMatchObject([
      {
        seq: 1,
        type: 'indication-given',
        actor_id: `aad-${USERS.duty}`,
        actor_name: 'Dana Duty',
        at: '2026-11-23T10:00:00.000Z',
      },
    ]);
    expect(JSON.parse(eventRows(bot, call.id)[0]!.data_json)).toEqual({
      type: 'indication-given',
      indication: 'eligible',
      reason: '',
    });
    // the message in the channel is updated for everyone, without the note for the person who pressed
    const [update] = updatesOf(bot, summary.activityId);
    expect(update).toBeDefined();
    expect(conversationOf(update!)).toBe(summary.conversationId);
    expect(cardText(updatedCard(update!))).toContain(`Eligible: given by Dana Duty, ${AT}`);
    expect(cardText(updatedCard(update!))).not.toContain('Indication saved');

    // an indication notice for the referrer, queued with the event, and posted to their chat
    const notices = bot.sql<{ kind: string; target_json: string; payload_json: string }>(
      `SELECT kind, target_json, payload_json FROM outbox WHERE record_id = ? AND kind = 'indication-notice'`,
      call.id,
    );
    expect(notices).toEqual([
      { kind: 'indication-notice', target_json: '{"type":"referrer"}', payload_json: '{"seq":1}' },
    ]);
    const notice = await postedCard(bot, call.id, 'indication-notice');
    expect(conversationOf(notice.post)).toBe('a:personal-user-1');
    expect(cardText(notice.card)).toContain(`**Eligible**, given by Dana Duty on ${AT}.`);

    expect(auditRows(bot, call.id).filter((r) => r.action === 'duty.indicate')).toMatchObject([
      {
        actor_id: `aad-${USERS.duty}`,
        outcome: 'done',
        at: '2026-11-23T10:00:00.000Z',
        detail: { cardVersion: 0, version: 1, indication: 'eligible' },
      },
    ]);
  });

  test('not eligible needs a reason: without one nothing is saved; with one it is shown and sent', async () => {
    const { call, summary } = await dutyCall();
    const without = await pressExecute(bot, summary, 'Save the indication', USERS.duty, {
      indication: 'not-eligible',
      reason: '   ',
    });
    expect(cardText(without.card)).toContain(
      'Not saved: please give a reason when the indication is not eligible.',
    );
    expect(cardText(without.card)).toContain('Eligibility indication: Not yet given');
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id)).toEqual([['duty.indicate', `aad-${USERS.duty}`, 'refused', 'reason-required']]);

    const reason = 'The family live outside Testshire: [see](https://x.example) **MASH**';
    const withReason = await pressExecute(
      bot,
      { ...summary, card: without.card! },
      'Save the indication',
      USERS.duty,
      {
        indication: 'not-eligible',
        reason,
      },
    );
    const text = cardText(withReason.card);
    expect(text).toContain(`Not eligible: given by Dana Duty, ${AT}`);
    expect(text).toContain(reason); // as typed, in a TextRun
    expect(text).toContain('Formal written referral: Not expected: the indication is not eligible');
    // the referral is no longer awaited, so its button has gone
    expect(executeActions(withReason.card).map((a) => a.verb)).toEqual(['duty.indicate', 'duty.recorded']);
    const notice = await postedCard(bot, call.id, 'indication-notice');
    expect(cardText(notice.card)).toContain('No formal referral to the IMH service is needed.');
    expect(cardText(notice.card)).toContain(
      'Reason: The family live outside Testshire: \\[see\\](https:\u200B//x.example) \\*\\*MASH\\*\\*',
    );
    // the audit has the indication but never the free-text reason
    expect(JSON.stringify(auditRows(bot, call.id))).not.toContain('outside Testshire');
  });

  test('marking recorded on the clinical record, then the formal referral received', async () => {
    const { call, summary } = await dutyCall();
    const recorded = await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    expect(cardText(recorded.card)).toContain(`On the clinical record: Recorded by Dana Duty, ${AT}`);
    expect(executeActions(recorded.card).map((a) => a.title)).not.toContain(
      'Mark recorded on the clinical record',
    );

    const received = await pressExecute(
      bot,
      { ...summary, card: recorded.card! },
      'Formal referral received',
      USERS.duty2,
    );
    expect(cardText(received.card)).toContain(
      `Formal written referral: Received: marked by Devi Duty, ${AT}`,
    );
    // what is left: the indication, and the allocations meeting's outcome (the formal referral is in)
    expect(executeActions(received.card).map((a) => a.verb)).toEqual(['duty.indicate', 'duty.allocation']);
    expect(eventRows(bot, call.id).map((e) => [e.seq, e.type, e.actor_id])).toEqual([
      [1, 'recorded-on-record', `aad-${USERS.duty}`],
      [2, 'referral-received', `aad-${USERS.duty2}`],
    ]);
    expect(updatesOf(bot, summary.activityId)).toHaveLength(2);
    // no message to the referrer for these
    expect(
      bot.sql(`SELECT id FROM outbox WHERE record_id = ? AND kind = 'indication-notice'`, call.id),
    ).toEqual([]);
    expect(outcomes(call.id)).toEqual([
      ['duty.recorded', `aad-${USERS.duty}`, 'done', null],
      ['duty.referral-received', `aad-${USERS.duty2}`, 'done', null],
    ]);
  });

  test('an advice-only call offers no referral button, and a forged one is refused', async () => {
    bot = await startChannelBot();
    const call = await submitCall(bot, ADVICE_CALL, { kind: 'advice' });
    const summary = await postedCard(bot, call.id, 'duty-summary');
    expect(executeActions(summary.card).map((a) => a.verb)).toEqual(['duty.indicate', 'duty.recorded']);
    expect(cardText(summary.card)).toContain('Formal written referral: Not expected: advice-only call');
    const forged = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL, activityId: summary.activityId },
      'duty.referral-received',
      { recordId: call.id, version: 0 },
      USERS.duty,
    );
    expect(cardText(forged.card)).toContain('An advice-only call has no formal referral to receive.');
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id)).toEqual([
      ['duty.referral-received', `aad-${USERS.duty}`, 'refused', 'not-applicable'],
    ]);
  });

  test('an update Teams refuses (a deleted message) does not stop the answer', async () => {
    const { call, summary } = await dutyCall();
    bot.connector.faultWhen((p) => (p.method === 'PUT' ? { status: 404 } : undefined));
    const answer = await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    expect(cardText(answer.card)).toContain('Recorded by Dana Duty');
    expect(eventRows(bot, call.id)).toHaveLength(1);
  });
});

describe('the safeguarding alert', () => {
  test('a lead acknowledges: who and when on the card for everyone, audited, no button left', async () => {
    const { call } = await dutyCall();
    const alert = await postedCard(bot, call.id, 'safeguarding-alert');
    expect(cardText(alert.card)).toContain('Not yet acknowledged');
    const answer = await pressExecute(
      bot,
      alert,
      'Acknowledge',
      USERS.lead,
      {},
      { team: SG_TEAM, channel: SG_CHANNEL },
    );
    expect(cardText(answer.card)).toContain('Alert acknowledged.');
    expect(cardText(answer.card)).toContain(`Acknowledged by Lee Lead, ${AT}`);
    expect(executeActions(answer.card)).toEqual([]);
    const update = await updateMade(bot, alert.activityId);
    expect(cardText(updatedCard(update))).toContain(`Acknowledged by Lee Lead, ${AT}`);
    expect(eventRows(bot, call.id)).toMatchObject([
      { seq: 1, type: 'alert-acknowledged', actor_id: `aad-${USERS.lead}` },
    ]);
    expect(outcomes(call.id)).toEqual([['alert.ack', `aad-${USERS.lead}`, 'done', null]]);

    // pressed again (another lead, on the old card): already done, nothing new
    const again = await pressExecute(
      bot,
      alert,
      'Acknowledge',
      USERS.admin,
      {},
      { team: SG_TEAM, channel: SG_CHANNEL },
    );
    expect(cardText(again.card)).toContain(ALREADY);
    expect(cardText(again.card)).toContain(`Acknowledged by Lee Lead, ${AT}`);
    expect(eventRows(bot, call.id)).toHaveLength(1);
    expect(outcomes(call.id).at(-1)).toEqual(['alert.ack', `aad-${USERS.admin}`, 'already', null]);
  });

  test('only the safeguarding team can acknowledge: the duty team and the duty channel are refused', async () => {
    const { call } = await dutyCall();
    const alert = await postedCard(bot, call.id, 'safeguarding-alert');
    // a duty practitioner, from the safeguarding channel (not a member of that team)
    expect(
      (await pressExecute(bot, alert, 'Acknowledge', USERS.duty, {}, { team: SG_TEAM, channel: SG_CHANNEL }))
        .message,
    ).toBe(LEADS_ONLY);
    // a lead, but pressing a copy of the card in the duty team's channel
    expect(
      (
        await pressExecute(
          bot,
          alert,
          'Acknowledge',
          USERS.lead,
          {},
          { team: DUTY_TEAM, channel: DUTY_CHANNEL },
        )
      ).message,
    ).toBe(LEADS_ONLY);
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id)).toEqual([
      ['alert.ack', `aad-${USERS.duty}`, 'refused', 'not-member'],
      ['alert.ack', `aad-${USERS.lead}`, 'refused', 'wrong-team'],
    ]);
  });

  test('a call that raised no alert has nothing to acknowledge', async () => {
    const { call } = await dutyCall(FULL_CALL);
    const answer = await execute(
      bot,
      { team: SG_TEAM, channel: SG_CHANNEL },
      'alert.ack',
      { recordId: call.id, version: 0 },
      USERS.lead,
    );
    expect(answer.message).toBe(
      'This duty call raised no safeguarding alert, so there is nothing to acknowledge.',
    );
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id)).toEqual([['alert.ack', `aad-${USERS.lead}`, 'refused', 'not-applicable']]);
  });
});

describe('who may act', () => {
  test('someone in the duty channel who is not a member of its team is refused, and nothing changes', async () => {
    const { call, summary } = await dutyCall();
    for (const title of ['Mark recorded on the clinical record', 'Formal referral received']) {
      expect((await pressExecute(bot, summary, title, USERS.outsider)).message).toBe(DUTY_ONLY);
    }
    expect(
      (await pressExecute(bot, summary, 'Save the indication', USERS.outsider, { indication: 'eligible' }))
        .message,
    ).toBe(DUTY_ONLY);
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(updatesOf(bot, summary.activityId)).toEqual([]);
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'indication-notice'`)).toEqual([]);
    expect(outcomes(call.id)).toEqual([
      ['duty.recorded', `aad-${USERS.outsider}`, 'refused', 'not-member'],
      ['duty.referral-received', `aad-${USERS.outsider}`, 'refused', 'not-member'],
      ['duty.indicate', `aad-${USERS.outsider}`, 'refused', 'not-member'],
    ]);
  });

  test('a duty member acting from another team, or from a personal chat, is refused', async () => {
    const { call, summary } = await dutyCall();
    const action = executeActions(summary.card).find((a) => a.verb === 'duty.recorded')!;
    expect(
      (await execute(bot, { team: SG_TEAM, channel: SG_CHANNEL }, action.verb, action.data, USERS.duty))
        .message,
    ).toBe(DUTY_ONLY);
    // from a personal chat: no team at all
    const { replies } = await bot.post(
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data } },
        from: { id: '29:duty-1', name: 'Dana Duty', aadObjectId: 'aad-duty-1' },
      },
      USERS.duty,
    );
    expect(JSON.stringify(replies)).toContain(DUTY_ONLY);
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id).map((o) => o[3])).toEqual(['wrong-team', 'wrong-team']);
  });

  test('membership is asked of Teams once and remembered briefly', async () => {
    const { call, summary } = await dutyCall();
    const first = await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    await pressExecute(bot, { ...summary, card: first.card! }, 'Formal referral received', USERS.duty);
    await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.outsider);
    await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.outsider);
    expect(bot.connector.memberLookups).toEqual([
      { teamId: DUTY_TEAM, userId: `aad-${USERS.duty}`, status: 200 },
      { teamId: DUTY_TEAM, userId: `aad-${USERS.outsider}`, status: 404 },
    ]);
    expect(eventRows(bot, call.id)).toHaveLength(2);
  });

  test('if Teams cannot say who is in the team, the action is refused (it never fails open)', async () => {
    const { call, summary } = await dutyCall();
    bot.connector.failMembers(403);
    const answer = await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    expect(answer.message).toBe(
      'I could not check your team membership with Teams just now, so nothing was changed. Please try again in a moment.',
    );
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id)).toEqual([['duty.recorded', `aad-${USERS.duty}`, 'refused', 'lookup-failed']]);
  });

  test('with no duty channel set, nobody can act on a duty card', async () => {
    bot = await startChannelBot({ setChannels: false });
    const call = await submitCall(bot, ALERT_CALL);
    const answer = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL },
      'duty.recorded',
      { recordId: call.id, version: 0 },
      USERS.duty,
    );
    expect(answer.message).toBe(
      'The IMH duty channel is not set up, so nobody can act on this card yet. Nothing was changed.',
    );
    expect(eventRows(bot, call.id)).toEqual([]);
  });
});

describe('cards that cannot apply', () => {
  test('[HAZ-18] a stale card (the record moved on) gets the card as it is now, and a note; nothing changes', async () => {
    const { call, summary } = await dutyCall();
    await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    // the original card, still at version 0, used to give an indication
    const stale = await pressExecute(bot, summary, 'Save the indication', USERS.duty2, {
      indication: 'eligible',
    });
    const text = cardText(stale.card);
    expect(text).toContain(STALE);
    expect(text).toContain(`Recorded by Dana Duty, ${AT}`);
    expect(text).toContain('Eligibility indication: Not yet given');
    expect(version(stale.card!)).toBe(1);
    expect(eventRows(bot, call.id)).toHaveLength(1);
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'indication-notice'`)).toEqual([]);
    expect(auditRows(bot, call.id).filter((r) => r.action === 'duty.indicate')).toMatchObject([
      {
        actor_id: `aad-${USERS.duty2}`,
        outcome: 'stale',
        detail: { cardVersion: 0, version: 1, indication: 'eligible' },
      },
    ]);
    // the refreshed card works
    const fresh = await pressExecute(
      bot,
      { ...summary, card: stale.card! },
      'Save the indication',
      USERS.duty2,
      {
        indication: 'eligible',
      },
    );
    expect(cardText(fresh.card)).toContain(`Eligible: given by Devi Duty, ${AT}`);
    expect(eventRows(bot, call.id)).toHaveLength(2);
  });

  test('[HAZ-18] a forged version (ahead of the record, or behind it) is stale too', async () => {
    const { call } = await dutyCall();
    for (const v of [1, 7, 999_999]) {
      const answer = await execute(
        bot,
        { team: DUTY_TEAM, channel: DUTY_CHANNEL },
        'duty.recorded',
        { recordId: call.id, version: v },
        USERS.duty,
      );
      expect(cardText(answer.card)).toContain(STALE);
    }
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(outcomes(call.id).map((o) => o[2])).toEqual(['stale', 'stale', 'stale']);
  });

  test('already done: the same action again is answered with who did it, and not recorded twice', async () => {
    const { call, summary } = await dutyCall();
    const first = await pressExecute(bot, summary, 'Save the indication', USERS.duty, {
      indication: 'advice-only',
    });
    const again = await pressExecute(
      bot,
      { ...summary, card: first.card! },
      'Save the indication',
      USERS.duty2,
      {
        indication: 'advice-only',
      },
    );
    expect(cardText(again.card)).toContain(ALREADY);
    expect(cardText(again.card)).toContain(`Advice only: given by Dana Duty, ${AT}`);
    // a stale card asking for what is already done is "already", not "out of date"
    await pressExecute(
      bot,
      { ...summary, card: again.card! },
      'Mark recorded on the clinical record',
      USERS.duty,
    );
    const old = await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty2);
    expect(cardText(old.card)).toContain(ALREADY);
    expect(eventRows(bot, call.id).map((e) => e.type)).toEqual(['indication-given', 'recorded-on-record']);
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'indication-notice'`)).toHaveLength(1);
    expect(outcomes(call.id).map((o) => o[2])).toEqual(['done', 'already', 'done', 'already']);
  });

  test('a record that does not exist gets a plain answer, audited with the id that was tried', async () => {
    const { summary } = await dutyCall();
    const answer = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL, activityId: summary.activityId },
      'duty.recorded',
      { recordId: 'no-such-record', version: 0 },
      USERS.duty,
    );
    expect(answer.message).toBe('I cannot find the duty call this card is about, so nothing was changed.');
    expect(updatesOf(bot, summary.activityId)).toEqual([]);
    expect(outcomes('no-such-record')).toEqual([
      ['duty.recorded', `aad-${USERS.duty}`, 'refused', 'not-found'],
    ]);
    expect(bot.sql('SELECT * FROM record_events')).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['no record id', { version: 0 }],
    ['no version', { recordId: 'R' }],
    ['the version as text', { recordId: 'R', version: '0' }],
    ['a negative version', { recordId: 'R', version: -1 }],
    ['a fractional version', { recordId: 'R', version: 0.5 }],
    ['a record id that is not a string', { recordId: ['R'], version: 0 }],
    ['a record id with odd characters', { recordId: "R' OR 1=1 --", version: 0 }],
    ['an over-long record id', { recordId: 'x'.repeat(65), version: 0 }],
    ['an indication not in the list', { recordId: 'R', version: 0, indication: 'accepted' }],
    ['no indication', { recordId: 'R', version: 0, reason: 'x' }],
    [
      'a reason over the limit',
      { recordId: 'R', version: 0, indication: 'eligible', reason: 'x'.repeat(1001) },
    ],
    ['a reason that is not text', { recordId: 'R', version: 0, indication: 'eligible', reason: { a: 1 } }],
    ['a huge payload', { recordId: 'R', version: 0, indication: 'eligible', junk: 'x'.repeat(20_000) }],
    ['an array', ['R', 0]],
    ['a string', 'R'],
    ['null', null],
  ])('a forged payload (%s) is refused and changes nothing', async (_, raw) => {
    const { call } = await dutyCall();
    const data = JSON.parse(JSON.stringify(raw).replaceAll('"R"', JSON.stringify(call.id)));
    const answer = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL },
      'duty.indicate',
      data,
      USERS.duty,
    );
    expect(answer.message).toBe('I could not read that card, so nothing was changed.');
    expect(eventRows(bot, call.id)).toEqual([]);
    const refused = auditRows(bot).filter((r) => r.action === 'duty.indicate');
    expect(refused.map((r) => [r.actor_id, r.outcome, r.detail.reason])).toEqual([
      [`aad-${USERS.duty}`, 'refused', 'malformed'],
    ]);
  });

  test('a button the bot does not know is refused', async () => {
    const { call } = await dutyCall();
    const answer = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL },
      'duty.delete-record',
      { recordId: call.id, version: 0 },
      USERS.duty,
    );
    expect(answer.message).toBe('I do not recognise that button, so nothing was changed.');
    expect(eventRows(bot, call.id)).toEqual([]);
    expect(auditRows(bot).filter((r) => r.action === 'card-action')).toMatchObject([
      { actor_id: `aad-${USERS.duty}`, outcome: 'refused', detail: { reason: 'unknown-verb' } },
    ]);
  });
});

describe('two presses at once', () => {
  async function atOnce(summary: PostedCard, presses: [string, string, Record<string, string>][]) {
    return Promise.all(
      presses.map(([title, user, values]) => pressExecute(bot, summary, title, user, values)),
    );
  }

  test('a double click records exactly one event; the other press gets the card with a note', async () => {
    const { call, summary } = await dutyCall();
    const answers = await atOnce(summary, [
      ['Mark recorded on the clinical record', USERS.duty, {}],
      ['Mark recorded on the clinical record', USERS.duty, {}],
      ['Mark recorded on the clinical record', USERS.duty, {}],
    ]);
    expect(eventRows(bot, call.id)).toHaveLength(1);
    const notes = answers.map((a) => cardText(a.card));
    expect(notes.filter((t) => t.includes('Marked as recorded on the clinical record.'))).toHaveLength(1);
    expect(notes.filter((t) => t.includes(ALREADY))).toHaveLength(2);
    for (const t of notes) expect(t).toContain(`Recorded by Dana Duty, ${AT}`);
    expect(
      outcomes(call.id)
        .map((o) => o[2])
        .sort(),
    ).toEqual(['already', 'already', 'done']);
  });

  test('two practitioners giving different indications at once: one lands, the other is told it was out of date', async () => {
    const { call, summary } = await dutyCall();
    const answers = await atOnce(summary, [
      ['Save the indication', USERS.duty, { indication: 'eligible' }],
      ['Save the indication', USERS.duty2, { indication: 'more-information', reason: 'Need the HV view' }],
    ]);
    const events = eventRows(bot, call.id);
    expect(events).toHaveLength(1);
    expect(answers.filter((a) => cardText(a.card).includes('Indication saved'))).toHaveLength(1);
    expect(answers.filter((a) => cardText(a.card).includes(STALE))).toHaveLength(1);
    // the one that lost sees the one that won
    const winner = events[0]!.actor_name;
    for (const a of answers) expect(cardText(a.card)).toContain(`given by ${winner}, ${AT}`);
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'indication-notice'`)).toHaveLength(1);
    expect(
      outcomes(call.id)
        .map((o) => o[2])
        .sort(),
    ).toEqual(['done', 'stale']);
  });
});

describe('records and the audit log are append-only', () => {
  test('the triggers refuse changing an event or an audit row written by a card action', async () => {
    const { call, summary } = await dutyCall();
    await pressExecute(bot, summary, 'Mark recorded on the clinical record', USERS.duty);
    const db = new Database(bot.config.DATABASE_FILE);
    try {
      expect(() =>
        db.prepare(`UPDATE record_events SET actor_id = 'x' WHERE record_id = ?`).run(call.id),
      ).toThrow(/append-only/);
      expect(() => db.prepare(`DELETE FROM audit WHERE record_id = ?`).run(call.id)).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
