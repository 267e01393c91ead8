import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Card,
  cardText,
  lastCard,
  sectionOf,
  startTestBot,
  storedState,
  type TestBot,
} from '../harness/bot';
import { DUTY_CHANNEL, DUTY_TEAM, from, inChannel, mentioning } from './channel-support';

// Words people type (issue 9, build item 6): free text in the personal chat, through the real bot.
let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

function buttonTitles(card: Card): string[] {
  return (card.actions ?? []).map((a) => a.title);
}

const DANGER = 'If the baby, a parent or anyone else is in immediate danger, call 999 now.';
const FRONT_DOOR = 'Children’s social care front door now on 0116 333 4444';
const OUT_OF_HOURS = 'Emergency Duty Team on 0116 333 5555';
const ADVICE_LINE = '0116 111 2222';

describe('asking to start, in the words people use', () => {
  test.each([
    'I want to refer a baby',
    'new referral',
    'make a referral',
    'duty call',
    'strat',
    'I want to make a refferal',
  ])('"%s" starts a duty call', async (said) => {
    const card = lastCard(await bot.say(said));
    expect(cardText(card)).not.toContain('I did not understand that');
    expect(sectionOf(card)).toBe('referrer');
    expect(storedState(bot)?.current?.kind).toBe('full');
  });

  test('"I want to refer a baby" with a call in progress does not start another', async () => {
    await bot.say('start');
    const card = lastCard(await bot.say('I want to refer a baby'));
    expect(cardText(card)).toContain('You already have a call in progress');
  });

  test('"cancel my referral" and "cancle" never discard or start anything', async () => {
    await bot.say('start');
    const before = storedState(bot)?.current?.id;
    for (const said of ['cancel my referral', 'cancle', 'I do not want to refer']) {
      const card = lastCard(await bot.say(said));
      expect(cardText(card), said).toContain('I did not understand that');
      expect(storedState(bot)?.current?.id).toBe(before);
    }
  });
});

describe('resuming and help', () => {
  test.each(['carry on', 'continue', 'where was I?'])(
    '"%s" shows the card where the referrer stopped',
    async (said) => {
      await bot.say('start');
      const card = lastCard(await bot.say(said));
      expect(sectionOf(card)).toBe('referrer');
    },
  );

  test.each(['what can you do', '?'])('"%s" gets the help card', async (said) => {
    const card = lastCard(await bot.say(said));
    expect(cardText(card)).toContain('What you can type');
  });
});

describe('urgent words', () => {
  test('[HAZ-02] "urgent", "emergency", "baby is in danger" and "need help now" are each told at once: 999 in immediate danger, the front door, out of hours and the advice line', async () => {
    for (const said of ['urgent', 'emergency', 'baby is in danger', 'need help now']) {
      const t = cardText(lastCard(await bot.say(said)));
      expect(t, said).toContain(DANGER);
      expect(t, said).toContain(FRONT_DOOR);
      expect(t, said).toContain(OUT_OF_HOURS);
      expect(t, said).toContain(ADVICE_LINE);
      expect(t, said).not.toContain('I did not understand that');
      // nothing is started on an urgent word
      expect(storedState(bot)?.current ?? null, said).toBeNull();
    }
  });

  test('[HAZ-02] an urgent word in the middle of a call gets the danger card and keeps the call', async () => {
    await bot.say('start');
    const before = storedState(bot)?.current?.id;
    const card = lastCard(await bot.say('this is urgent'));
    expect(cardText(card)).toContain(DANGER);
    expect(cardText(card)).toContain(FRONT_DOOR);
    expect(buttonTitles(card)).toContain('Resume');
    expect(storedState(bot)?.current?.id).toBe(before);
  });

  test('[HAZ-02] an urgent word in a channel, where calls are not taken, still gets the danger card', async () => {
    const { replies } = await bot.post({
      ...inChannel(DUTY_TEAM, DUTY_CHANNEL),
      ...mentioning('emergency'),
      ...from('user-1'),
    });
    const t = cardText(lastCard(replies));
    expect(t).toContain(DANGER);
    expect(t).toContain(FRONT_DOOR);
  });
});

describe('speaking to someone', () => {
  test.each(['I need to speak to someone', 'can I talk to a person', 'phone'])(
    '"%s" gets the advice line card',
    async (said) => {
      const t = cardText(lastCard(await bot.say(said)));
      expect(t).toContain(`call the IMH advice line on ${ADVICE_LINE}`);
      expect(t).toContain(DANGER);
      expect(t).not.toContain('I did not understand that');
    },
  );
});

test('[HAZ-02] text the bot does not understand still says where to phone: the advice line and 999 in immediate danger', async () => {
  const t = cardText(lastCard(await bot.say('please send me the forms')));
  expect(t).toContain('I did not understand that');
  expect(t).toContain(ADVICE_LINE);
  expect(t).toContain(DANGER);
});

test('"what is misattunement?" (a word on the relationship card) gets an answer that names its sources', async () => {
  const t = cardText(lastCard(await bot.say('what is misattunement?')));
  expect(t).not.toContain('I did not understand that');
  expect(t).toContain('The source documents do not define misattunement.');
  expect(t).toContain('The cross-modal sharing of positive emotional states.');
  expect(t).toContain('From the One Minute Guide to a duty telephone call');
});
