/**
 * Issue 9 item 1, through the bot's real HTTP endpoint: nothing typed is ever lost (Back, Save, Edit,
 * resume keep what was typed, valid or not), Save always saves, validation of required answers happens on
 * Next and Submit, and Next goes to the next section in order.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
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
  storedState,
  type TestBot,
  values,
  walkTo,
} from '../helpers/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

const FAMILY = FULL_CALL.family!;
const PARTIAL_FAMILY = { stage: 'born', infantName: 'Baby Half Typed', nhsNumber: '943 476 5918' };

test('Back keeps what was typed on the card, valid or not, and shows it again on the way forward', async () => {
  const family = await walkTo(bot, 'family', FULL_CALL);
  const back = lastCard(await bot.submit(press(family, 'Back', PARTIAL_FAMILY)));
  expect(sectionOf(back)).toBe('referrer');
  const again = lastCard(await bot.submit(press(back, 'Next')));
  expect(sectionOf(again)).toBe('family');
  expect(values(again)).toMatchObject(PARTIAL_FAMILY);
  // not saved as answers: the section is still unsaved, and no errors are shown for a Back
  expect(storedState(bot)!.current!.saved).toEqual(['referrer']);
  expect(storedState(bot)!.current!.answers.family).toBeUndefined();
  expect(cardText(again)).not.toContain('Please check these answers:');
});

test('Save always saves: a partly filled card is kept as typed, says how many answers are still needed, and survives a restart', async () => {
  const family = await walkTo(bot, 'family', FULL_CALL);
  // no client-side required check that would make Teams refuse Save; the label says what is required
  expect(inputs(family).filter((i) => i.isRequired === true)).toEqual([]);
  expect(cardText(family)).not.toContain('(required)'); // labels are inputs' labels, not TextBlocks
  const labels = inputs(family).map((i) => String((i as { label?: string }).label));
  expect(labels).toContain('Address (required)');
  expect(labels).toContain('Father or partner (where appropriate)');

  const saved = lastCard(await bot.submit(press(family, 'Save', PARTIAL_FAMILY)));
  expect(sectionOf(saved)).toBe('family');
  expect(cardText(saved)).toMatch(/Saved — \d+ answers? still needed before Next/);
  expect(values(saved)).toMatchObject(PARTIAL_FAMILY);
  expect(storedState(bot)!.current!.saved).toEqual(['referrer']);

  await bot.restart();
  const resumed = lastCard(await bot.say('resume'));
  expect(sectionOf(resumed)).toBe('family');
  expect(values(resumed)).toMatchObject(PARTIAL_FAMILY);

  // Next checks it on the server: field-level messages on the card sent back, what was typed kept
  const checked = lastCard(await bot.submit(press(resumed, 'Next')));
  expect(sectionOf(checked)).toBe('family');
  const text = cardText(checked);
  expect(text).toContain('Please check these answers:');
  expect(text).toContain('NHS number: this is not a valid NHS number');
  expect(text).toMatch(/Address: this is required/);
  expect(values(checked)).toMatchObject(PARTIAL_FAMILY);

  // put right, Next moves on, and the typed copy is gone once the section is saved valid
  const next = lastCard(await bot.submit(press(checked, 'Next', FAMILY)));
  expect(sectionOf(next)).toBe('consent');
  const stored = storedState(bot)!.current as unknown as { typed?: Record<string, unknown> };
  expect(stored.typed?.family).toBeUndefined();
});

test('Next after Back goes to the next section in order, not to the first unsaved one', async () => {
  let card = await walkTo(bot, 'relationship', FULL_CALL);
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(sectionOf(card)).toBe('consent');
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(sectionOf(card)).toBe('family');
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('consent');
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('relationship');
});

/** The Edit button of one section on the review card. */
function editOf(card: Card, target: string): Record<string, unknown> {
  const found = JSON.stringify(card).includes(`"target":"${target}"`);
  if (!found) throw new Error(`no Edit for ${target}`);
  return { ...press(card, 'Edit'), target };
}

test('Edit keeps what was typed; the review lists what is missing per section', async () => {
  let card = await walkTo(bot, 'review', FULL_CALL);
  card = lastCard(await bot.submit(editOf(card, 'consent')));
  expect(sectionOf(card)).toBe('consent');
  card = lastCard(await bot.submit(press(card, 'Save', { consent: '', notes: 'changed my mind' })));
  expect(cardText(card)).toContain('Saved — 1 answer still needed before Next');
  card = lastCard(await bot.submit(press(card, 'Back', { consent: '', notes: 'changed my mind' })));
  expect(sectionOf(card)).toBe('family');
  // everything was saved before, so Next on any section is "Save and review"
  card = lastCard(await bot.submit(press(card, 'Save and review')));
  expect(sectionOf(card)).toBe('review');
  expect(cardText(card)).toContain('Not saved yet: what you typed is kept; Edit to finish it.');
  card = lastCard(await bot.submit(editOf(card, 'consent')));
  expect(values(card)).toMatchObject({ notes: 'changed my mind' });
  // the saved answers are still the valid ones
  expect(storedState(bot)!.current!.answers.consent).toMatchObject(FULL_CALL.consent!);
  card = lastCard(await bot.submit(press(card, 'Save and review', FULL_CALL.consent!)));
  expect(cardText(card)).not.toContain('Not saved yet');

  // domestic abuse now "yes": a new pick-up-the-phone prompt applies, so that section lacks answers
  card = lastCard(await bot.submit(editOf(card, 'risk')));
  card = lastCard(
    await bot.submit(press(card, 'Save and review', { ...FULL_CALL.risk!, domesticAbuse: 'yes' })),
  );
  expect(sectionOf(card)).toBe('review');
  expect(cardText(card)).toMatch(/Still needed: \d+ answers?/);
});

test('[HAZ-01] possible harm typed on a risk card with answers still missing alerts the leads at once; Next still needs the rest', async () => {
  const risk = await walkTo(bot, 'risk', FULL_CALL);
  // no possible harm typed yet: an unfinished card raises nothing
  let card = lastCard(await bot.submit(press(risk, 'Save', { harmToBaby: 'no' })));
  expect(cardText(card)).toMatch(/Saved — \d+ answers still needed before Next/);
  expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(0);
  // harm to the baby "yes" with the rest missing: saved as typed, and acted on now
  const saved = await bot.submit(press(card, 'Save', { harmToBaby: 'yes' }));
  const said = cards(saved).map(cardText).join('\n');
  expect(said).toContain('What you should do now');
  expect(said).toContain('safeguarding leads are being alerted now');
  expect(said).toMatch(/Saved — \d+ answers still needed before Next/);
  expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(1);
  expect(storedState(bot)!.current!.saved).not.toContain('risk');
  // Next refuses the unfinished card with the field-level messages, and raises no second alert
  card = lastCard(saved);
  const refused = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(refused)).toBe('risk');
  expect(cardText(refused)).toContain('Please check these answers:');
  // completed and saved: the same alert, not another
  const valid = await bot.submit(press(refused, 'Save', { ...FULL_CALL.risk!, harmToBaby: 'yes' }));
  expect(storedState(bot)!.current!.saved).toContain('risk');
  expect(cards(valid).map(cardText).join('\n')).toContain('What you should do now');
  expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(1);
});

test('typed back to the saved answers and Back: the older typed copy does not come back', async () => {
  const family = await walkTo(bot, 'consent', FULL_CALL);
  let card = lastCard(await bot.submit(press(family, 'Save', { consent: '', notes: 'half' })));
  card = lastCard(await bot.submit(press(card, 'Next', FULL_CALL.consent!)));
  expect(sectionOf(card)).toBe('relationship');
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(values(card)).toMatchObject(FULL_CALL.consent!);
  card = lastCard(await bot.submit(press(card, 'Save', { consent: '', notes: 'half again' })));
  card = lastCard(await bot.submit(press(card, 'Back', FULL_CALL.consent!)));
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('consent');
  expect(values(card)).toMatchObject(FULL_CALL.consent!);
});
