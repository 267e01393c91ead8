/**
 * Issue 9, items 4 and 7: dates read back in words, and the small things a referrer sees, through the
 * real bot over HTTP.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cards,
  cardText,
  lastCard,
  press,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-03T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

const withFamily = (family: Record<string, string>) => ({
  ...FULL_CALL,
  family: { ...FULL_CALL.family!, ...family },
});

function phoneInput(card: Card): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.id === 'referrer.phone' && o.type === 'Input.Text') found = o;
    for (const v of Object.values(o)) walk(v);
  };
  walk(card.body);
  if (!found) throw new Error('no phone input');
  return found;
}

test('the date of birth is read back in words with the age on the next card and on the review', async () => {
  const answers = withFamily({ dateOfBirth: '2026-05-03' });
  // the card after the family card (where the date is asked)
  const next = await walkTo(bot, 'relationship', answers);
  expect(cardText(next)).toContain('3 May 2026: 6 months old today');
  const review = await walkTo(bot, 'review', answers, { user: 'user-2' });
  expect(cardText(review)).toContain('3 May 2026: 6 months old today');
  expect(cardText(review)).not.toContain('2026-05-03');
});

test('an expected date of delivery is read back as antenatal', async () => {
  const answers = withFamily({
    stage: 'antenatal',
    infantName: '',
    dateOfBirth: '',
    expectedDate: '2027-01-14',
  });
  const next = await walkTo(bot, 'relationship', answers);
  expect(cardText(next)).toContain('due 14 January 2027: antenatal');
});

test('the review shows the NHS number spaced 3-3-4', async () => {
  const review = await walkTo(bot, 'review', withFamily({ nhsNumber: '9434765919' }));
  expect(cardText(review)).toContain('943 476 5919');
  expect(cardText(review)).not.toContain('9434765919');
});

test('a telephone number with an extension is accepted, by the card and by the bot', async () => {
  const first = lastCard(await bot.say('start'));
  const input = phoneInput(first);
  for (const typed of ['0116 555 0101 ext 234', '0116 555 0101 x234', '0116 555 0101 ext. 234']) {
    // a client-side check, if the card has one, must not refuse it either
    if (input.regex !== undefined) expect(new RegExp(String(input.regex)).test(typed), typed).toBe(true);
    expect(typed.length).toBeLessThanOrEqual(Number(input.maxLength));
  }
  const next = lastCard(
    await bot.submit(
      press(first, 'Next', { ...FULL_CALL.referrer!, stage: 'born', phone: '0116 555 0101 ext 234' }),
    ),
  );
  expect(cardText(next)).not.toContain('Please check these answers');
  expect(cardText(next)).toContain('The infant and family');
});

test('the family card says when a field is needed, and asks naturally whether the baby is born', async () => {
  // whether the baby is born is asked on the first card, so the family card asks only what applies
  const first = lastCard(await bot.say('start'));
  const again = lastCard(await bot.submit(press(first, 'Next', { ...FULL_CALL.referrer!, stage: '' })));
  const text = cardText(again);
  expect(text).toContain('Is the baby born? Choose yes, or no for an antenatal referral.');
  expect(text).not.toContain('Is the baby born?: this is required');
  const family = lastCard(await bot.submit(press(again, 'Next', { ...FULL_CALL.referrer!, stage: 'born' })));
  const labels = JSON.stringify(family.body);
  expect(labels).not.toContain('(if born)');
  expect(labels).toContain('Infant’s date of birth (required)');
  expect(labels).not.toContain('Expected date of delivery');
});

test('the advice call ends saying how the advice comes back; a call with no duty channel set says it waits', async () => {
  const review = await walkTo(bot, 'review', ADVICE_CALL, { kind: 'advice' });
  const [confirmation] = cards(await bot.submit(press(review, 'Submit the advice call')));
  const text = cardText(confirmation);
  expect(text).toMatch(/duty practitioner will (phone|call) you/);
  expect(text).not.toContain('will see the summary');
  expect(text).toContain('waiting for the IMH duty channel to be set up');
  expect(text).toMatch(/urgent.*advice line/);
});
