import { afterEach, beforeEach, expect, test } from 'vitest';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { cards, cardText, inputs, lastCard, press, startTestBot, type TestBot } from '../helpers/bot';

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
  // the referrer's name and email come from their Teams profile
  expect(inputs(card).find((i) => i.id === 'name')?.value).toBe('Hannah Visitor');
  expect(inputs(card).find((i) => i.id === 'email')?.value).toBe('hannah.visitor@nhs.net');
  expect(cardText(card)).toContain('Section 1 of 12');

  const visited: string[] = [];
  for (let i = 0; i < 12; i++) {
    const section = sectionId(card);
    visited.push(section);
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, FULL_CALL[section] ?? {})));
  }
  expect(visited).toEqual([
    'referrer',
    'family',
    'consent',
    'relationship',
    'infant',
    'availability',
    'context',
    'services',
    'universal',
    'risk',
    'pickUpThePhone',
    'referral',
  ]);
  const review = cardText(card);
  expect(review).toContain('Check your duty call');
  // no eligibility verdict for the referrer: what the referral needs and what the practitioner considers
  expect(review).not.toMatch(/Likely (not )?eligible|Suggested eligibility/);
  expect(review).toContain('What the referral still needs');
  expect(review).toContain('The IMH duty practitioner gives the eligibility indication');
  expect(review).toContain('Key points covered 6 of 6'.toLowerCase().replace('key', 'key'));

  const replies = await bot.submit(press(card, 'Submit the duty call'));
  const [confirmation, summary, referral] = cards(replies);
  expect(cardText(confirmation)).toMatch(/Reference: IMH-[A-Z2-9]{6}/);
  const s = cardText(summary);
  expect(s).toContain('duty call summary');
  expect(s).toContain('The infant’s record');
  expect(s).toContain('943 476 5919');
  expect(s).not.toContain('Likely eligible');
  expect(s).toContain('What the IMH practitioner will consider');
  expect(s).toContain('Parental mental health: Phoned');
  const r = cardText(referral);
  expect(r).toContain('Draft referral to Test IMH Service');
  // the referrer's own words, verbatim
  expect(r).toContain(FULL_CALL.referral!.reason!);
  expect(r).toContain('Yes: the family agree to be contacted by the IMH service.');
  const plain = replies
    .filter((a) => a.text?.startsWith('```'))
    .map((a) => a.text)
    .join('\n');
  expect(plain).toContain('Reason for referral:');
  expect(plain).toContain(FULL_CALL.referral!.reason!);

  // the call is over: status says so and shows the reference
  const status = cardText(lastCard(await bot.say('status')));
  expect(status).toContain('no duty call in progress');
  expect(status).toMatch(/IMH-[A-Z2-9]{6}/);
});

test('an advice-only call is shorter, drafts no referral and is marked advice only', async () => {
  let card = lastCard(await bot.say('advice'));
  expect(cardText(card)).toContain('Section 1 of 4');
  for (let i = 0; i < 4; i++) {
    const section = sectionId(card);
    const title = card.actions?.some((a) => a.title === 'Save and review') ? 'Save and review' : 'Next';
    card = lastCard(await bot.submit(press(card, title, ADVICE_CALL[section] ?? {})));
  }
  expect(cardText(card)).toContain('Check your advice call');
  const replies = await bot.submit(press(card, 'Submit the advice call'));
  const all = cards(replies);
  expect(all).toHaveLength(2);
  expect(cardText(all[1])).toContain('advice call (advice only)');
  expect(cardText(all[1])).not.toContain('Eligibility indication');
  expect(cardText(all[1])).not.toContain('Draft referral');
});
