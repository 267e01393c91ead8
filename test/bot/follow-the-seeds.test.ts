/**
 * Issue 8, "Follow the seeds", through the real bot over HTTP: the information-sharing statement where
 * consent is "no" or "not yet asked" (seed 001 confidentiality, seed 003), consent as what the referral
 * needs rather than an eligibility verdict, the suggestion kept for the duty channel (seed 000), seed 003's
 * social care referral, admission and discharge and out-of-hours prompts, and the allocations meeting's
 * four outcomes (seed 001) recorded by the duty team and told to the referrer.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  cardText,
  lastCard,
  nextTitle,
  press,
  sectionOf,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';
import { conversationOf } from '../harness/connector';
import {
  auditRows,
  DUTY_CHANNEL,
  DUTY_TEAM,
  eventRows,
  execute,
  executeActions,
  postedCard,
  pressExecute,
  startChannelBot,
  submitCall,
  USERS,
} from './channel-support';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

const NOW = () => new Date('2026-11-23T10:00:00Z');
const SHARING = 'Information can be shared without consent where a child is at risk';

/** Answers the sections from the card on screen until the card is `target`, as walkTo does from "start". */
async function continueTo(
  from: Card,
  target: string,
  answers: Record<string, Record<string, string>>,
): Promise<Card> {
  let card = from;
  for (let i = 0; i < 20 && sectionOf(card) !== target; i++)
    card = lastCard(await bot.submit(press(card, nextTitle(card), cardAnswers(card, answers))));
  return card;
}

/** The fixture with consent answered as given. */
function withConsent(consent: string): Record<string, Record<string, string>> {
  return { ...FULL_CALL, consent: { consent, notes: '' } };
}

describe('consent', () => {
  test.each(['no', 'not-asked'])(
    '[HAZ-12] consent "%s": the reply to saving it says information can be shared without consent where a child is at risk, and so does the review',
    async (consent) => {
      bot = await startTestBot({ now: NOW });
      // consent is asked on the family card
      const card = await walkTo(bot, 'consent', FULL_CALL);
      expect(sectionOf(card)).toBe('family');
      const saved = lastCard(
        await bot.submit(press(card, nextTitle(card), { ...cardAnswers(card, FULL_CALL), consent })),
      );
      // the answer asks one more question (why not, or when), and the reply already says it
      expect(sectionOf(saved)).toBe('family');
      const first = cardText(saved);
      expect(first).toContain('One more question');
      expect(first).toContain('Sharing information without consent');
      expect(first).toContain(SHARING);
      expect(first).toContain('safety of the baby or a parent');
      const next = lastCard(await bot.submit(press(saved, nextTitle(saved))));
      const text = cardText(next);
      expect(text).toContain('Sharing information without consent');
      expect(text).toContain(SHARING);
      expect(text).toContain('safety of the baby or a parent');
      // the next card is still the next card
      expect(sectionOf(next)).toBe('relationship');
      expect(text).toContain('Concerns about the relationship');

      const review = cardText(await continueTo(next, 'review', withConsent(consent)));
      expect(review).toContain(SHARING);
    },
  );

  test('[HAZ-12] consent "yes": no statement in the reply or on the review', async () => {
    bot = await startTestBot({ now: NOW });
    const card = await walkTo(bot, 'consent', FULL_CALL);
    const next = lastCard(await bot.submit(press(card, nextTitle(card), cardAnswers(card, FULL_CALL))));
    expect(sectionOf(next)).toBe('relationship');
    expect(cardText(next)).not.toContain(SHARING);
    const review = cardText(await continueTo(next, 'review', FULL_CALL));
    expect(review).not.toContain(SHARING);
  });

  test('[HAZ-13] consent "no": the referrer sees what the referral needs, never "likely not eligible"; the duty team still see the suggestion', async () => {
    bot = await startChannelBot();
    const reviewCard = await walkTo(bot, 'review', withConsent('no'));
    const review = cardText(reviewCard);
    expect(review).toContain('What the referral still needs');
    expect(review).toContain('The formal referral needs the family’s consent to be contacted');
    expect(review).toContain('The IMH duty practitioner gives the eligibility indication');
    expect(review).not.toMatch(/Likely (not )?eligible|Suggested eligibility/);

    await bot.submit(press(reviewCard, 'Submit the duty call'));
    const [stored] = bot.sql<{ id: string; record_json: string }>('SELECT id, record_json FROM duty_calls');
    const call = { id: stored!.id };
    const [row] = bot.sql<{ record_json: string }>(
      'SELECT record_json FROM duty_calls WHERE id = ?',
      call.id,
    );
    const record = JSON.parse(row!.record_json) as { eligibility: { outcome: string } };
    expect(record.eligibility.outcome).toBe('likely-eligible');

    // the referrer's own summary (their chat) has no verdict; the duty channel card has it, with reasons
    const chat = bot.connector.posted
      .filter((p) => conversationOf(p) === 'a:personal-user-1')
      .map((p) => JSON.stringify(p.body))
      .join('\n');
    expect(chat).not.toMatch(/Likely (not )?eligible/);
    const summary = await postedCard(bot, call.id, 'duty-summary');
    const duty = cardText(summary.card);
    expect(duty).toContain('Eligibility indication (suggested): Likely eligible');
    expect(duty).toContain('Met: Work through the parent-infant relationship fits');
    expect(duty).toContain('The formal referral needs the family’s consent to be contacted');
  });
});

describe('pick up the phone', () => {
  test('[HAZ-11] harm to the baby not known, mother about to be discharged: the social care referral first, then discharge planning, each with out-of-hours numbers', async () => {
    bot = await startTestBot({ now: NOW });
    const answers = {
      ...FULL_CALL,
      services: {
        ...FULL_CALL.services!,
        hospital: 'discharge',
        hospitalDetails: 'Mother, LRI ward 7, Friday',
      },
      risk: { ...FULL_CALL.risk!, harmToBaby: 'not-known' },
    };
    const card: Card = await walkTo(bot, 'pickUpThePhone', answers);
    const text = cardText(card);
    const order = [
      'Safeguarding referral to children’s (and adult) social care',
      'Parental mental health',
      'Patient discharge planning: handover to the community',
    ].map((t) => text.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('Possible harm to the baby is not known: find out today.');
    expect(text).toContain('In hours: Children’s social care front door: 0116 333 4444');
    expect(text).toContain(
      'Out of hours: Children’s social care: Emergency Duty Team on 0116 333 5555. In immediate danger call 999.',
    );
    expect(text).toContain('About to be discharged: Mother, LRI ward 7, Friday');
    expect(text).toMatch(/Out of hours: Ask for their out-of-hours contact and give them yours\./);
    expect(inputs(card)).toContain('pickUpThePhone.safeguarding-referral.status');
    expect(inputs(card)).toContain('pickUpThePhone.hospital-discharge.status');
  });
});

function inputs(card: Card): string[] {
  return JSON.stringify(card)
    .match(/"id":"[^"]+\.status"/g)!
    .map((m) => m.slice(6, -1));
}

describe('the allocations meeting', () => {
  async function received() {
    bot = await startChannelBot();
    const call = await submitCall(bot, FULL_CALL);
    const posted = await postedCard(bot, call.id, 'duty-summary');
    const answer = await pressExecute(bot, posted, 'Formal referral received', USERS.duty);
    return { call, posted: { ...posted, card: answer.card! } };
  }

  test('[HAZ-15] the duty team record the outcome after the formal referral: an event, audited, the card updated and the referrer told in plain words', async () => {
    const { call, posted } = await received();
    expect(cardText(posted.card)).toContain('Allocations meeting: Awaited');
    const answer = await pressExecute(bot, posted, 'Save the outcome', USERS.duty2, {
      allocation: 'accepted',
      allocationNote: 'First appointment letter to follow.',
    });
    const text = cardText(answer.card);
    expect(text).toContain('Allocations meeting’s outcome saved: the referrer will be told.');
    expect(text).toContain(
      'Allocations meeting: Accepted (allocated, or on the waiting list): recorded by Devi Duty, 23 November 2026, 10:00',
    );
    expect(text).toContain('First appointment letter to follow.');
    expect(eventRows(bot, call.id).map((e) => [e.seq, e.type, e.actor_id])).toEqual([
      [1, 'referral-received', `aad-${USERS.duty}`],
      [2, 'allocation-decided', `aad-${USERS.duty2}`],
    ]);
    const audit = auditRows(bot, call.id).filter((r) => r.action === 'duty.allocation');
    expect(audit).toMatchObject([
      { actor_id: `aad-${USERS.duty2}`, outcome: 'done', detail: { allocation: 'accepted', version: 2 } },
    ]);
    // the note is for the referrer, not the audit
    expect(JSON.stringify(auditRows(bot, call.id))).not.toContain('First appointment');

    const notice = await postedCard(bot, call.id, 'allocation-notice');
    expect(conversationOf(notice.post)).toBe('a:personal-user-1');
    const told = cardText(notice.card);
    expect(told).toContain(`The allocations meeting’s outcome for your referral ${call.reference}`);
    expect(told).toContain('The referral has been accepted.');
    expect(told).toContain('From the team: First appointment letter to follow.');

    // a later meeting can change it; the same outcome again changes nothing
    const again = await pressExecute(bot, { ...posted, card: answer.card! }, 'Save the outcome', USERS.duty, {
      allocation: 'accepted',
      allocationNote: 'First appointment letter to follow.',
    });
    expect(cardText(again.card)).toContain('Already done');
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'allocation-notice'`)).toHaveLength(1);
  });

  test('[HAZ-15] refused before the formal referral is received, without a note when not accepted, and for anyone outside the duty team: each audited, nothing changed', async () => {
    bot = await startChannelBot();
    const call = await submitCall(bot, FULL_CALL);
    const posted = await postedCard(bot, call.id, 'duty-summary');
    // no button before the formal referral, and a forged press is refused
    expect(executeActions(posted.card).map((a) => a.verb)).not.toContain('duty.allocation');
    const early = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL, conversationId: posted.conversationId },
      'duty.allocation',
      { recordId: call.id, version: 0, allocation: 'accepted', allocationNote: '' },
      USERS.duty,
    );
    expect(cardText(early.card)).toContain('once the formal referral is marked received');

    const card = (await pressExecute(bot, posted, 'Formal referral received', USERS.duty)).card!;
    const noNote = await pressExecute(bot, { ...posted, card }, 'Save the outcome', USERS.duty, {
      allocation: 'not-accepted',
      allocationNote: '  ',
    });
    expect(cardText(noNote.card)).toContain(
      'Not saved: please give a note for the referrer when the referral is not accepted.',
    );
    const outsider = await pressExecute(bot, { ...posted, card }, 'Save the outcome', USERS.outsider, {
      allocation: 'accepted',
      allocationNote: '',
    });
    expect(outsider.message ?? cardText(outsider.card)).toMatch(/Only members of the IMH duty team/);

    expect(eventRows(bot, call.id).map((e) => e.type)).toEqual(['referral-received']);
    expect(bot.sql(`SELECT id FROM outbox WHERE kind = 'allocation-notice'`)).toEqual([]);
    expect(
      auditRows(bot, call.id)
        .filter((r) => r.action === 'duty.allocation')
        .map((r) => [r.actor_id, r.outcome, r.detail.reason ?? null]),
    ).toEqual([
      [`aad-${USERS.duty}`, 'refused', 'not-applicable'],
      [`aad-${USERS.duty}`, 'refused', 'reason-required'],
      [`aad-${USERS.outsider}`, 'refused', 'not-member'],
    ]);
  });

  test('[HAZ-15] an advice call has no allocations meeting: a forged press is refused', async () => {
    bot = await startChannelBot();
    const call = await submitCall(bot, ADVICE_CALL, { kind: 'advice' });
    const posted = await postedCard(bot, call.id, 'duty-summary');
    expect(cardText(posted.card)).not.toContain('Allocations meeting');
    const answer = await execute(
      bot,
      { team: DUTY_TEAM, channel: DUTY_CHANNEL, conversationId: posted.conversationId },
      'duty.allocation',
      { recordId: call.id, version: 0, allocation: 'accepted', allocationNote: '' },
      USERS.duty,
    );
    expect(cardText(answer.card)).toContain('once the formal referral is marked received');
    expect(eventRows(bot, call.id)).toEqual([]);
  });
});
