import { afterEach, beforeEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  cardAnswers,
  cards,
  cardText,
  lastCard,
  press,
  type Reply,
  sectionOf,
  startTestBot,
  storedState,
  type TestBot,
  values,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

function text(replies: Reply[]): string {
  return cards(replies).map(cardText).join('\n---\n');
}

/** A reply that moved the call on: its only card is the next section, with no "Nothing changed". */
function advanced(replies: Reply[], to: string): boolean {
  return cards(replies).length === 1 && sectionOf(lastCard(replies)) === to;
}

/** A reply that refused the card: says so, then shows where the draft is. */
function refused(replies: Reply[]): boolean {
  return /Nothing changed|Your draft changed at the same moment/.test(text(replies));
}

test('[HAZ-18] the same Next pressed twice at once advances exactly once', async () => {
  const family = await walkTo(bot, 'family', FULL_CALL);
  const value = press(family, 'Next', cardAnswers(family, FULL_CALL));
  const results = await Promise.all([bot.submit(value), bot.submit(value), bot.submit(value)]);

  expect(results.filter((r) => advanced(r, 'relationship'))).toHaveLength(1);
  const others = results.filter((r) => !advanced(r, 'relationship'));
  expect(others).toHaveLength(2);
  for (const r of others) {
    expect(refused(r)).toBe(true);
    // and each refusal shows the draft where it really is
    expect(sectionOf(lastCard(r))).toBe('relationship');
  }

  const stored = storedState(bot)!.current!;
  expect(stored.at).toBe('relationship');
  expect(stored.saved).toEqual(['referrer', 'family']);
  expect(stored.answers.family).toMatchObject({ infantName: FULL_CALL.family!.infantName });
  // only the newest card sent is live, and it is for where the draft is
  const steps = results
    .flatMap((r) => cards(r))
    .flatMap((c) => c.actions?.filter((a) => a.title === 'Next').map((a) => Number(a.data?.step)) ?? []);
  expect(steps).toHaveLength(3);
  expect(Math.max(...steps)).toBe(stored.step);
  const resumed = lastCard(await bot.say('resume'));
  expect(sectionOf(resumed)).toBe('relationship');
  expect(sectionOf(lastCard(await bot.submit(press(resumed, 'Next', cardAnswers(resumed, FULL_CALL)))))).toBe(
    'services',
  );
});

test('two different answers sent at once: one is saved whole, the other not at all', async () => {
  const referrer = lastCard(await bot.say('start'));
  const first = { ...FULL_CALL.referrer!, stage: 'born' };
  const a = press(referrer, 'Next', { ...first, name: 'Alice Able', phone: '0116 000 0001' });
  const b = press(referrer, 'Next', { ...first, name: 'Bob Baker', phone: '0116 000 0002' });
  const [ra, rb] = await Promise.all([bot.submit(a), bot.submit(b)]);
  const winners = [ra!, rb!].filter((r) => advanced(r, 'family'));
  expect(winners).toHaveLength(1);
  expect([ra!, rb!].filter(refused)).toHaveLength(1);

  const saved = storedState(bot)!.current!.answers.referrer!;
  const won = winners[0] === ra ? a : b;
  // no mix of the two: name and phone come from the same submission
  expect({ name: saved.name, phone: saved.phone }).toEqual({
    name: won['referrer.name'],
    phone: won['referrer.phone'],
  });
  const back = lastCard(await bot.submit(press(lastCard(await bot.say('resume')), 'Back')));
  expect(values(back)).toMatchObject({
    'referrer.name': won['referrer.name'],
    'referrer.phone': won['referrer.phone'],
  });
});

test('[HAZ-18] Submit pressed twice at once records the call once', async () => {
  const review = await walkTo(bot, 'review', FULL_CALL);
  const value = press(review, 'Submit the duty call');
  const results = await Promise.all([bot.submit(value), bot.submit(value)]);
  const confirmations = results.filter((r) => text(r).includes('Duty call submitted'));
  expect(confirmations).toHaveLength(1);
  const other = results.find((r) => !text(r).includes('Duty call submitted'))!;
  expect(text(other)).toContain('That duty call has already been submitted, so nothing was changed.');
  expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
  const stored = storedState(bot)!;
  expect(stored.current).toBeNull();
  expect(stored.closed).toEqual([expect.objectContaining({ status: 'submitted' })]);
});

test('Next and Back on the same card at once: one wins, and the draft is at one of the two places', async () => {
  const card = await walkTo(bot, 'relationship', FULL_CALL);
  const results = await Promise.all([
    bot.submit(press(card, 'Next', cardAnswers(card, FULL_CALL))),
    bot.submit(press(card, 'Back')),
  ]);
  expect(results.filter(refused)).toHaveLength(1);
  const stored = storedState(bot)!.current!;
  const winner = results.find((r) => !refused(r))!;
  expect(sectionOf(lastCard(winner))).toBe(stored.at);
  if (stored.at === 'services') expect(stored.saved).toContain('relationship');
  else {
    expect(stored.at).toBe('family');
    expect(stored.saved).toEqual(['referrer', 'family']);
  }
});
