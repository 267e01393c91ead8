import { afterEach, beforeEach, expect, test } from 'vitest';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import {
  cardAnswers,
  cards,
  cardText,
  inputs,
  lastCard,
  press,
  startTestBot,
  type TestBot,
  visibleInputs,
} from '../harness/bot';

let bot: TestBot;
const fixedNow = () => new Date('2026-11-23T10:00:00Z');

beforeEach(async () => {
  bot = await startTestBot({ now: fixedNow });
});
afterEach(async () => {
  await bot.close();
});

function sectionId(card: ReturnType<typeof lastCard>): string {
  const next = card.actions?.find((a) => a.title === 'Next' || a.title === 'Save and review');
  return String(next?.data?.section ?? '');
}

test('a referrer completes a full duty call and gets the summary and draft referral', async () => {
  let card = lastCard(await bot.say('start'));
  // the referrer's name and email come from their Teams profile: one line to confirm, not inputs to fill
  expect(inputs(card).find((i) => i.id === 'referrer.name')?.value).toBe('Hannah Visitor');
  expect(inputs(card).find((i) => i.id === 'referrer.email')?.value).toBe('hannah.visitor@nhs.net');
  expect(visibleInputs(card).map((i) => i.id)).not.toContain('referrer.name');
  expect(cardText(card)).toContain('Hannah Visitor · hannah.visitor@nhs.net');
  expect(cardText(card)).toContain('Step 1 of 7');

  // issue 9's targets for the typical call: at most 8 cards, 35 inputs shown, 20 required
  const visited: string[] = [];
  let shown = 0;
  let required = 0;
  for (let i = 0; i < 7; i++) {
    visited.push(sectionId(card));
    shown += visibleInputs(card).length;
    required += visibleInputs(card).filter((x) => String(x.label ?? '').endsWith('(required)')).length;
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, cardAnswers(card, FULL_CALL))));
  }
  expect(visited).toEqual([
    'referrer',
    'family',
    'relationship',
    'services',
    'risk',
    'pickUpThePhone',
    'referral',
  ]);
  expect(shown).toBeLessThanOrEqual(35);
  expect(required).toBeLessThanOrEqual(20);
  const review = cardText(card);
  expect(review).toContain('Check your duty call');
  // no eligibility verdict for the referrer: what the referral needs and what the practitioner considers
  expect(review).not.toMatch(/Likely (not )?eligible|Suggested eligibility/);
  expect(review).toContain('What the referral still needs');
  expect(review).toContain('The IMH duty practitioner gives the eligibility indication');
  expect(review).toContain('Key points covered 6 of 6'.toLowerCase().replace('key', 'key'));

  const replies = await bot.submit(press(card, 'Submit the duty call'));
  // one card (issue 9): the summary and the draft referral are on it, behind Show
  expect(cards(replies)).toHaveLength(1);
  const [confirmation] = cards(replies);
  expect(cardText(confirmation)).toMatch(/Reference: IMH-[A-Z2-9]{6}/);
  const s = cardText(confirmation);
  expect(s).toContain('duty call summary');
  expect(s).toContain('The infant’s record');
  expect(s).toContain('943 476 5919');
  expect(s).not.toContain('Likely eligible');
  expect(s).toContain('What the IMH practitioner will consider');
  expect(s).toContain('Parental mental health: Phoned');
  const r = cardText(confirmation);
  expect(r).toContain('Draft referral to Test IMH Service');
  // the referrer's own words, verbatim
  expect(r).toContain(FULL_CALL.referral!.reason!);
  expect(r).toContain('Yes: the family agree to be contacted by the IMH service.');
  // the record text: in the card's copy box, or in code blocks after it; wrapped at 64 characters
  const plain = [
    ...replies.filter((a) => a.text?.startsWith('```')).map((a) => a.text),
    String(inputs(confirmation!).find((i) => i.id === 'recordText')?.value ?? ''),
  ]
    .join('\n')
    .replace(/\s+/g, ' ');
  expect(plain).toContain('Reason for referral:');
  expect(plain).toContain(FULL_CALL.referral!.reason!.replace(/\s+/g, ' '));

  // the call is over: status says so and shows the reference
  const status = cardText(lastCard(await bot.say('status')));
  expect(status).toContain('no duty call in progress');
  expect(status).toMatch(/IMH-[A-Z2-9]{6}/);
});

test('an advice-only call is shorter, drafts no referral and is marked advice only', async () => {
  let card = lastCard(await bot.say('advice'));
  expect(cardText(card)).toContain('Step 1 of 4');
  for (let i = 0; i < 4; i++) {
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, cardAnswers(card, ADVICE_CALL))));
  }
  expect(cardText(card)).toContain('Check your advice call');
  const replies = await bot.submit(press(card, 'Submit the advice call'));
  const all = cards(replies);
  expect(all).toHaveLength(1);
  expect(cardText(all[0])).toContain('advice call (advice only)');
  expect(cardText(all[0])).not.toContain('Eligibility indication');
  expect(cardText(all[0])).not.toContain('Draft referral');
});
