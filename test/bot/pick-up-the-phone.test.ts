import { afterEach, beforeEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  cards,
  cardText,
  inputs,
  lastCard,
  press,
  startTestBot,
  storedState,
  type TestBot,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

/** Five prompts: open to social care, substance misuse, domestic abuse, mental health, out of area. */
const FIVE_PROMPTS: Record<string, Record<string, string>> = {
  ...FULL_CALL,
  services: {
    ...FULL_CALL.services!,
    socialCare: 'child-in-need',
    statutoryCollaboration: 'yes',
    outOfArea: 'yes',
    outOfAreaDetails: 'Midwife, Other Trust',
  },
  risk: { ...FULL_CALL.risk!, domesticAbuse: 'yes', substanceMisuse: 'active' },
};

const answer = (id: string, status = 'not-needed') => ({
  [`${id}.status`]: status,
  [`${id}.notes`]: `notes for ${id}`,
});

const promptIds = (card: ReturnType<typeof lastCard>) =>
  inputs(card)
    .filter((i) => i.id.endsWith('.status'))
    .map((i) => i.id.replace(/^pickUpThePhone\./, '').replace('.status', ''));

test('many prompts come three to a card, with Back and Next between the pages', async () => {
  let card = await walkTo(bot, 'pickUpThePhone', FIVE_PROMPTS);
  expect(promptIds(card)).toEqual(['open-to-social-care', 'substance-misuse', 'domestic-abuse']);
  expect(cardText(card)).toContain('(prompts 1-3 of 5)');

  card = lastCard(
    await bot.submit(
      press(card, 'Next', {
        ...answer('open-to-social-care', 'phoned'),
        'open-to-social-care.notes': 'Jo Social, Children’s Social Care, 0116 555 0000',
        ...answer('substance-misuse'),
        ...answer('domestic-abuse', 'could-not-reach'),
      }),
    ),
  );
  expect(promptIds(card)).toEqual(['mental-health', 'out-of-area']);
  expect(cardText(card)).toContain('(prompts 4-5 of 5)');
  // the section is not done until its last page is saved
  expect(storedState(bot)?.current?.saved).not.toContain('pickUpThePhone');

  // back to the first page: what was recorded there is still there
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(inputs(card).find((i) => i.id === 'pickUpThePhone.open-to-social-care.notes')?.value).toBe(
    'Jo Social, Children’s Social Care, 0116 555 0000',
  );
  card = lastCard(await bot.submit(press(card, 'Next')));

  // the last page's errors are its own; fixing them moves on to the referral
  card = lastCard(await bot.submit(press(card, 'Next', { 'mental-health.status': 'phoned' })));
  expect(cardText(card)).toContain(
    'Parental mental health: say who you spoke to and the outcome, why it was not needed, or what you tried.',
  );
  expect(promptIds(card)).toEqual(['mental-health', 'out-of-area']);
  card = lastCard(
    await bot.submit(
      press(card, 'Next', {
        ...answer('mental-health'),
        ...answer('out-of-area', 'phoned'),
        'out-of-area.notes': 'Mo Midwife, Other Trust, 0300 000 0000',
      }),
    ),
  );
  expect(cardText(card)).toContain('Your referral, in your own words');
  const saved = storedState(bot)?.current;
  expect(saved?.saved).toContain('pickUpThePhone');
  // both pages' answers are kept together
  expect(Object.keys(saved?.answers.pickUpThePhone ?? {}).filter((k) => k.endsWith('.status'))).toHaveLength(
    5,
  );

  card = lastCard(await bot.submit(press(card, 'Save and review', FULL_CALL.referral)));
  // one confirmation card: the summary is on it, behind Show
  const summary = cards(await bot.submit(press(card, 'Submit the duty call')))
    .map(cardText)
    .join('\n');
  expect(summary).toContain(
    'Child open to children’s social care: Phoned - Jo Social, Children’s Social Care, 0116 555 0000',
  );
  expect(summary).toContain('Domestic abuse: Could not reach - notes for domestic-abuse');
  expect(summary).toContain(
    'Out-of-area professionals involved: Phoned - Mo Midwife, Other Trust, 0300 000 0000',
  );
});
