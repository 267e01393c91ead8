/**
 * Issue 8 items 1 (the referrer's half), 2 and 3 through the bot's real HTTP endpoint: saving the risk
 * section with possible harm shows what to do now in the same reply; the review and the summary say who
 * acts; answers that contradict each other are flagged to the referrer and on the duty card.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cards,
  cardText,
  inputs,
  lastCard,
  press,
  sectionOf,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';
import { postedCard, startChannelBot, submitCall } from './channel-support';

const FRONT_DOOR = '0116 454 1004';
const OUT_OF_HOURS = '0116 255 1606';
const ENV = {
  SOCIAL_CARE_FRONT_DOOR_NAME: 'Testshire Children’s Front Door',
  SOCIAL_CARE_FRONT_DOOR_NUMBER: FRONT_DOOR,
  OUT_OF_HOURS_NAME: 'Testshire Emergency Duty Team',
  OUT_OF_HOURS_NUMBER: OUT_OF_HOURS,
};

/** Every pick-up-the-phone prompt these calls can raise, answered "phoned" (the fixture's own, kept). */
const PHONED = Object.fromEntries(
  ['safeguarding-referral', 'open-to-social-care', 'domestic-abuse'].flatMap((id) => [
    [`${id}.status`, 'phoned'],
    [`${id}.notes`, 'Alex Front, Testshire Children’s Front Door, 0116 454 1004. Shared the concern today.'],
  ]),
);
const PHONE = { ...FULL_CALL.pickUpThePhone!, ...PHONED };

const withRisk = (risk: Record<string, string>) => ({
  ...FULL_CALL,
  risk: { ...FULL_CALL.risk!, ...risk },
  pickUpThePhone: PHONE,
});

/**
 * Answers everything up to the risk card and presses `button` on it with these answers to possible harm,
 * the rest as the compact risk card asks them (the fixture's: mental health there, the others no).
 */
async function saveRisk(bot: TestBot, user: string, risk: Record<string, string>, button = 'Next') {
  const card = await walkTo(bot, 'risk', FULL_CALL, { user });
  const compact = {
    harmToBaby: 'no',
    harmToParent: 'no',
    screenYes: 'mentalHealth',
    screenRest: 'no',
    level: 'low-to-moderate',
  };
  return bot.submit(press(card, button, { ...compact, ...risk }), user);
}

const CONTRADICTORY = {
  ...FULL_CALL,
  context: { ...FULL_CALL.context!, problems: 'systemic-child-at-risk,relationship-couple' },
  services: { ...FULL_CALL.services!, socialCare: 'none' },
  risk: { ...FULL_CALL.risk!, domesticAbuse: 'not-known' },
  pickUpThePhone: PHONE,
};

describe('in the referrer’s chat', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ env: ENV });
  });
  afterAll(async () => {
    await bot?.close();
  });

  test.each<[string, Record<string, string>, string]>([
    ['harm to the baby "yes", Next', { harmToBaby: 'yes' }, 'Next'],
    ['harm to a parent "yes", Next', { harmToParent: 'yes' }, 'Next'],
    ['harm to the baby "not known", Next', { harmToBaby: 'not-known' }, 'Next'],
    ['harm to a parent "not known", Save', { harmToParent: 'not-known' }, 'Save'],
  ])(
    '[HAZ-02] saving the risk section with %s shows what to do now in the same reply, before the next card',
    async (name, risk, button) => {
      const user = `notice-${name.replace(/\W+/g, '-')}`;
      const replies = await saveRisk(bot, user, risk, button);
      const all = cards(replies);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const notice = cardText(all[0]);
      expect(notice).toContain('What you should do now');
      expect(notice).toMatch(/immediate danger.*999/);
      expect(notice).toContain(`${ENV.SOCIAL_CARE_FRONT_DOOR_NAME} now on ${FRONT_DOOR}`);
      expect(notice).toContain(`${ENV.OUT_OF_HOURS_NAME} on ${OUT_OF_HOURS}`);
      // the referrer is told where the leads are (item 1 queues the alert with this save; its tests say how)
      expect(notice).toMatch(/safeguarding leads/);
      // the next card follows: the call goes on
      expect(sectionOf(lastCard(replies))).toBe(button === 'Next' ? 'pickUpThePhone' : 'risk');
    },
  );

  test('[HAZ-02] a “not known” harm also tells the referrer the duty practitioner calls back today', async () => {
    const replies = await saveRisk(bot, 'notice-not-known-callback', { harmToBaby: 'not-known' });
    expect(cardText(cards(replies)[0])).toMatch(/duty practitioner will call you back today/);
  });

  test('[HAZ-02] no possible harm: no notice, only the next card', async () => {
    const replies = await saveRisk(bot, 'notice-none', {});
    expect(cards(replies)).toHaveLength(1);
    expect(cardText(lastCard(replies))).not.toContain('What you should do now');
  });

  test('[HAZ-03] the review separates “What you should do now” from “What the IMH service will do”', async () => {
    const review = await walkTo(bot, 'review', withRisk({ harmToBaby: 'yes' }), { user: 'review-split' });
    const text = cardText(review);
    const now = text.indexOf('What you should do now');
    const service = text.indexOf('What the IMH service will do');
    expect(now).toBeGreaterThan(-1);
    expect(service).toBeGreaterThan(now);
    expect(text.slice(now, service)).toContain(FRONT_DOOR);
    expect(text.slice(service)).toMatch(
      /the IMH practitioner acts in line with the service’s Child Protection policy/,
    );
    expect(text).not.toContain('(MASH');
  });

  test('[HAZ-04] the review shows harm “not known” as possible harm to be clarified today, not low to moderate', async () => {
    const review = await walkTo(bot, 'review', withRisk({ harmToBaby: 'not-known', level: 'none-or-low' }), {
      user: 'review-not-known',
    });
    const text = cardText(review);
    expect(text).toContain('Suggested risk level: Possible harm: to be clarified today');
    expect(text).not.toContain('Low to moderate risk');
    expect(text).toMatch(/duty practitioner will call you back today/);
  });

  test('[HAZ-03] the referrer’s summary separates what they should do now from what the IMH service will do', async () => {
    const review = await walkTo(bot, 'review', withRisk({ harmToBaby: 'yes' }), { user: 'summary-split' });
    const replies = await bot.submit(press(review, 'Submit the duty call'), 'summary-split');
    const summary = cards(replies)
      .map(cardText)
      .find((t) => t.includes('duty call summary'))!;
    expect(summary).toContain('What you should do now');
    expect(summary).toContain('What the IMH service will do');
    // the record text to copy: in the card's copy box, or in messages after it
    const plain = [
      ...replies.map((r) => r.text ?? ''),
      ...cards(replies).flatMap((c) =>
        inputs(c)
          .filter((i) => i.id === 'recordText')
          .map((i) => String(i.value ?? '')),
      ),
    ].join('\n');
    expect(plain).toContain('WHAT YOU SHOULD DO NOW');
    expect(plain).toContain('WHAT THE IMH SERVICE WILL DO');
  });

  test('[HAZ-05] the review flags answers that contradict each other', async () => {
    const review = await walkTo(bot, 'review', CONTRADICTORY, { user: 'review-contradictions' });
    const text = cardText(review);
    expect(text).toContain('Some answers do not fit together');
    expect(text).toMatch(/child at risk \/ child in need.*not known to children’s social care/i);
    expect(text).toMatch(/domestic violence.*domestic abuse is answered “Not known”/i);
  });

  test('[HAZ-05] the review of a consistent call flags nothing', async () => {
    const review: Card = await walkTo(bot, 'review', FULL_CALL, { user: 'review-consistent' });
    expect(cardText(review)).not.toContain('do not fit together');
  });
});

describe('on the duty card', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startChannelBot({ env: ENV });
  });
  afterAll(async () => {
    await bot?.close();
  });

  test('[HAZ-05] contradictory answers are flagged to the practitioner', async () => {
    const { id } = await submitCall(bot, CONTRADICTORY, { user: 'duty-contradictions' });
    const { card } = await postedCard(bot, id, 'duty-summary');
    const text = cardText(card);
    expect(text).toContain('Answers that do not fit together: check them with the referrer');
    expect(text).toMatch(/child at risk \/ child in need.*not known to children’s social care/i);
  });

  test('[HAZ-04] harm “not known” shows as possible harm to be clarified today, with the call-back', async () => {
    const { id } = await submitCall(bot, withRisk({ harmToBaby: 'not-known' }), { user: 'duty-not-known' });
    const { card } = await postedCard(bot, id, 'duty-summary');
    const text = cardText(card);
    expect(text).toContain('Risk screening: Possible harm: to be clarified today');
    expect(text).toMatch(/duty practitioner calls the referrer back today/);
    expect(text).toContain('What the referrer was told to do now');
    // and the leads are alerted under the default rules
    const { card: alert } = await postedCard(bot, id, 'safeguarding-alert');
    expect(cardText(alert)).toContain('Possible harm not known');
  });
});
