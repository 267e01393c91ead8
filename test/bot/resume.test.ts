import { afterEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  cardAnswers,
  cards,
  cardText,
  lastCard,
  nextTitle,
  press,
  sectionOf,
  startTestBot,
  storedState,
  type TestBot,
  values,
  walkTo,
} from '../harness/bot';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

test('a call survives a server restart: resume shows where the referrer stopped, and it can be submitted', async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
  // key point 4 (context) is asked on the card of key points 1 to 4
  const onContext = await walkTo(bot, 'context', FULL_CALL);
  expect(sectionOf(onContext)).toBe('relationship');
  // half-way through the call: saved with Save, not yet moved on
  const saved = lastCard(await bot.submit(press(onContext, 'Save', cardAnswers(onContext, FULL_CALL))));
  expect(cardText(saved)).toContain('Saved.');
  const before = storedState(bot)!.current!;

  await bot.restart();

  const resumed = lastCard(await bot.say('resume'));
  expect(cardText(resumed)).toContain('Welcome back: here is where you left off.');
  expect(sectionOf(resumed)).toBe('relationship');
  expect(cardText(resumed)).toContain('Step 3 of 7');
  expect(values(resumed)).toMatchObject({
    'context.problems': FULL_CALL.context!.problems,
    'context.details': FULL_CALL.context!.details,
    'availability.details': FULL_CALL.availability!.details,
  });
  expect(storedState(bot)!.current).toMatchObject({
    id: before.id,
    answers: before.answers,
    at: 'relationship',
  });

  // earlier cards are there too
  const back = lastCard(await bot.submit(press(resumed, 'Back')));
  expect(sectionOf(back)).toBe('family');
  expect(values(back)).toMatchObject({
    'family.infantName': FULL_CALL.family!.infantName,
    'family.caregiverName': FULL_CALL.family!.caregiverName,
    'consent.consent': FULL_CALL.consent!.consent,
  });
  const family = storedState(bot)!.current!.answers.family!;
  expect(family).toMatchObject({ infantName: FULL_CALL.family!.infantName, nhsNumber: '9434765919' });

  // a card sent before the restart is out of date now
  const stale = await bot.submit(press(saved, 'Next', cardAnswers(saved, FULL_CALL)));
  expect(cards(stale).map(cardText).join('\n')).toContain('That card is out of date');

  // finish and submit
  let card = lastCard(stale);
  for (let i = 0; i < 12 && sectionOf(card) !== 'review'; i++) {
    card = lastCard(await bot.submit(press(card, nextTitle(card), cardAnswers(card, FULL_CALL))));
  }
  expect(sectionOf(card)).toBe('review');
  expect(cardText(card)).toContain('Key point 6');
  const replies = await bot.submit(press(card, 'Submit the duty call'));
  expect(cardText(cards(replies)[0])).toMatch(/Duty call submitted[\s\S]*Reference: IMH-[A-Z2-9]{6}/);
  const rows = bot.sql<{ id: string; record_json: string }>('SELECT id, record_json FROM duty_calls');
  expect(rows).toHaveLength(1);
  expect(rows[0]!.id).toBe(before.id);
  expect(JSON.parse(rows[0]!.record_json).answers.context).toMatchObject({
    details: FULL_CALL.context!.details,
  });
  expect(storedState(bot)!.current).toBeNull();
});

test('a restart before the first answer keeps the empty draft, and start does not replace it', async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
  lastCard(await bot.say('start'));
  const id = storedState(bot)!.current!.id;
  await bot.restart();
  const again = lastCard(await bot.say('start'));
  expect(cardText(again)).toContain('You already have a call in progress');
  expect(storedState(bot)!.current!.id).toBe(id);
  const resumed = lastCard(await bot.say('resume'));
  expect(sectionOf(resumed)).toBe('referrer');
});

test('status shows the section, the count and the minutes used, pauses not counted', async () => {
  let t = Date.parse('2026-11-23T10:00:00Z');
  bot = await startTestBot({ now: () => new Date(t) });
  const minutes = (m: number) => {
    t += m * 60_000;
  };

  let card = lastCard(await bot.say('start'));
  expect(cardText(lastCard(await bot.say('status')))).toContain('Step 1 of 7 · 0 of 45 minutes');

  minutes(4);
  card = lastCard(await bot.submit(press(card, 'Next', cardAnswers(card, FULL_CALL))));
  minutes(3);
  card = lastCard(await bot.submit(press(card, 'Next', cardAnswers(card, FULL_CALL))));
  const status = cardText(lastCard(await bot.say('status')));
  expect(status).toContain('Duty call started 23 November 2026.');
  expect(status).toContain('Step 3 of 7 · 7 of 45 minutes · key points covered 0 of 6');

  // a two-hour break counts as at most ten minutes, and status itself does not move the clock
  minutes(120);
  expect(cardText(lastCard(await bot.say('status')))).toContain('7 of 45 minutes');
  await bot.restart();
  const resumed = lastCard(await bot.say('resume'));
  expect(cardText(resumed)).toContain('Step 3 of 7 · 17 of 45 minutes');
  // the card of key points 1 to 4
  card = lastCard(await bot.submit(press(resumed, 'Next', cardAnswers(resumed, FULL_CALL))));
  expect(cardText(lastCard(await bot.say('status')))).toContain(
    'Step 4 of 7 · 17 of 45 minutes · key points covered 4 of 6',
  );
});

test('status for an advice call says advice only', async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
  await bot.say('advice');
  const status = cardText(lastCard(await bot.say('status')));
  expect(status).toContain('Advice-only call started 23 November 2026.');
  expect(status).toContain('Step 1 of 4 · 0 of 45 minutes · advice only');
});
