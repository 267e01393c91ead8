/**
 * Issue 9 item 1, through the bot's real HTTP endpoint: nothing typed is ever lost (Back, Save, Edit,
 * resume keep what was typed, valid or not), Save always saves, validation of required answers happens on
 * Next and Submit, and Next goes to the next section in order.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
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
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

/** Typed on the family card (inputs are "section.field"): half done, and one answer not valid. */
const PARTIAL_FAMILY = { 'family.infantName': 'Baby Half Typed', 'family.nhsNumber': '943 476 5918' };

test('Back keeps what was typed on the card, valid or not, and shows it again on the way forward', async () => {
  const family = await walkTo(bot, 'family', FULL_CALL);
  const back = lastCard(await bot.submit(press(family, 'Back', PARTIAL_FAMILY)));
  expect(sectionOf(back)).toBe('referrer');
  const again = lastCard(await bot.submit(press(back, 'Next')));
  expect(sectionOf(again)).toBe('family');
  expect(values(again)).toMatchObject(PARTIAL_FAMILY);
  // not saved as answers: the card is still unsaved, and no errors are shown for a Back
  expect(storedState(bot)!.current!.saved).toEqual(['referrer']);
  // (only the stage, asked on the first card, is saved of the family section)
  expect(storedState(bot)!.current!.answers.family).toMatchObject({ stage: 'born' });
  expect(storedState(bot)!.current!.answers.family?.infantName).toBeUndefined();
  expect(cardText(again)).not.toContain('Please check these answers:');
});

test('Save always saves: a partly filled card is kept as typed, says how many answers are still needed, and survives a restart', async () => {
  const family = await walkTo(bot, 'family', FULL_CALL);
  // no client-side required check that would make Teams refuse Save; the label says what is required
  expect(inputs(family).filter((i) => i.isRequired === true)).toEqual([]);
  expect(cardText(family)).not.toContain('(required)'); // labels are inputs' labels, not TextBlocks
  const labels = inputs(family).map((i) => String((i as { label?: string }).label));
  expect(labels).toContain('Address and postcode (required)');
  expect(labels).toContain('Father or partner (where appropriate)');

  const saved = lastCard(await bot.submit(press(family, 'Save', PARTIAL_FAMILY)));
  expect(sectionOf(saved)).toBe('family');
  expect(cardText(saved)).toMatch(/Saved — \d+ answers? still needed before Next/);
  expect(values(saved)).toMatchObject(PARTIAL_FAMILY);
  expect(storedState(bot)!.current!.saved).toEqual(['referrer']);
  expect(storedState(bot)!.current!.answers.family?.infantName).toBeUndefined();

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
  expect(text).toMatch(/Address and postcode: this is required/);
  expect(values(checked)).toMatchObject(PARTIAL_FAMILY);

  // put right, Next moves on, and the typed copy is gone once the card is saved valid
  const next = lastCard(await bot.submit(press(checked, 'Next', cardAnswers(checked, FULL_CALL))));
  expect(sectionOf(next)).toBe('relationship');
  const stored = storedState(bot)!.current as unknown as { typed?: Record<string, unknown> };
  expect(stored.typed?.family).toBeUndefined();
});

test('Next after Back goes to the next card in order, not to the first unsaved one', async () => {
  let card = await walkTo(bot, 'services', FULL_CALL);
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(sectionOf(card)).toBe('relationship');
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(sectionOf(card)).toBe('family');
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('relationship');
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('services');
});

/** The Edit button of one section on the review card. */
function editOf(card: Card, target: string): Record<string, unknown> {
  // each section's button is "Edit <section title>" (issue 9)
  const title = JSON.stringify(card).match(
    new RegExp(
      `"title":"(Edit [^"]+)","associatedInputs":"none","data":\\{"verb":"call.edit",[^}]*"target":"${target}"`,
    ),
  )?.[1];
  if (!title) throw new Error(`no Edit for ${target}`);
  return press(card, title);
}

test('Edit keeps what was typed; the review lists what is missing per section', async () => {
  let card = await walkTo(bot, 'review', FULL_CALL);
  // Edit names a section; consent is asked on the family card
  card = lastCard(await bot.submit(editOf(card, 'consent')));
  expect(sectionOf(card)).toBe('family');
  const typed = { 'consent.consent': '', 'family.partnerName': 'changed my mind' };
  card = lastCard(await bot.submit(press(card, 'Save', typed)));
  expect(cardText(card)).toContain('Saved — 1 answer still needed before Next');
  card = lastCard(await bot.submit(press(card, 'Back', typed)));
  expect(sectionOf(card)).toBe('referrer');
  // everything was saved before, so Next on any card is "Save and review"
  card = lastCard(await bot.submit(press(card, 'Save and review')));
  expect(sectionOf(card)).toBe('review');
  expect(cardText(card)).toContain('Not saved yet: what you typed is kept; Edit to finish it.');
  card = lastCard(await bot.submit(editOf(card, 'consent')));
  expect(values(card)).toMatchObject(typed);
  // the saved answers are still the valid ones
  expect(storedState(bot)!.current!.answers.consent).toMatchObject(FULL_CALL.consent!);
  expect(storedState(bot)!.current!.answers.family?.partnerName).toBe(FULL_CALL.family!.partnerName);
  card = lastCard(await bot.submit(press(card, 'Save and review', cardAnswers(card, FULL_CALL))));
  expect(cardText(card)).not.toContain('Not saved yet');

  // domestic abuse now ticked as there: a new pick-up-the-phone prompt applies, so that section lacks answers
  card = lastCard(await bot.submit(editOf(card, 'risk')));
  expect(values(card)).toMatchObject({ 'risk.screenYes': 'mentalHealth', 'risk.screenRest': 'no' });
  card = lastCard(
    await bot.submit(press(card, 'Save and review', { screenYes: 'domesticAbuse,mentalHealth' })),
  );
  expect(storedState(bot)!.current!.answers.risk).toMatchObject({
    domesticAbuse: 'yes',
    mentalHealth: 'yes',
  });
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
  const valid = await bot.submit(
    press(refused, 'Save', {
      harmToBaby: 'yes',
      harmToParent: 'no',
      screenYes: 'mentalHealth',
      screenRest: 'no',
      level: 'low-to-moderate',
    }),
  );
  expect(storedState(bot)!.current!.saved).toContain('risk');
  expect(cards(valid).map(cardText).join('\n')).toContain('What you should do now');
  expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(1);
});

test('typed back to the saved answers and Back: the older typed copy does not come back', async () => {
  const family = await walkTo(bot, 'consent', FULL_CALL);
  const saved = { 'consent.consent': 'yes', 'family.partnerName': FULL_CALL.family!.partnerName };
  let card = lastCard(
    await bot.submit(press(family, 'Save', { 'consent.consent': '', 'family.partnerName': 'half' })),
  );
  card = lastCard(await bot.submit(press(card, 'Next', cardAnswers(card, FULL_CALL))));
  expect(sectionOf(card)).toBe('relationship');
  card = lastCard(await bot.submit(press(card, 'Back')));
  expect(values(card)).toMatchObject(saved);
  card = lastCard(
    await bot.submit(press(card, 'Save', { 'consent.consent': '', 'family.partnerName': 'half again' })),
  );
  card = lastCard(await bot.submit(press(card, 'Back', cardAnswers(card, FULL_CALL))));
  expect(sectionOf(card)).toBe('referrer');
  card = lastCard(await bot.submit(press(card, 'Next')));
  expect(sectionOf(card)).toBe('family');
  expect(values(card)).toMatchObject(saved);
});
