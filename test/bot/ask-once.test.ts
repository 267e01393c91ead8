/**
 * Issue 9 through the bot's real HTTP endpoint: ask once, ask only what applies, a compact risk card.
 * Follow-up questions come when an answer calls for them ("One more question", not an error); the risk
 * screening is one list but every question is still recorded; referrer details already known are one
 * line to confirm; an antenatal call asks about the pregnancy; drafts and cards from before still work.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cardAnswers,
  cards,
  cardText,
  draftKey,
  inputs,
  lastCard,
  press,
  sectionOf,
  startTestBot,
  storedState,
  type TestBot,
  values,
  visibleInputs,
  walkTo,
} from '../harness/bot';

let bot: TestBot;
beforeEach(async () => {
  bot = await startTestBot({ now: () => new Date('2026-11-23T10:00:00Z') });
});
afterEach(async () => {
  await bot.close();
});

const ONE_MORE = 'One more question, because of your answers: it is below.';
const ERRORS = 'Please check these answers:';
const SHARING = 'Information can be shared without consent where a child is at risk';
/** The first card's own answers: the referrer and whether the baby is born. */
const FIRST: Record<string, string> = { ...FULL_CALL.referrer!, stage: 'born' };

const ids = (card: Card) => inputs(card).map((i) => i.id);
const shown = (card: Card) => visibleInputs(card).map((i) => i.id);

/** The risk card's answers in its compact form: the fixture's (mental health there, the others no). */
const RISK_CARD = {
  harmToBaby: 'no',
  harmToParent: 'no',
  screenYes: 'mentalHealth',
  screenRest: 'no',
  level: 'low-to-moderate',
};

describe('a follow-up is asked when an answer calls for it', () => {
  test('role "other": the same card again with "One more question" and the role in words, then Next moves on', async () => {
    const first = lastCard(await bot.say('start'));
    expect(ids(first)).not.toContain('referrer.roleOther');
    const again = lastCard(await bot.submit(press(first, 'Next', { ...FIRST, role: 'other' })));
    expect(sectionOf(again)).toBe('referrer');
    const text = cardText(again);
    expect(text).toContain(ONE_MORE);
    expect(text).not.toContain(ERRORS);
    expect(shown(again)).toContain('referrer.roleOther');
    // nothing moved on yet, but what was answered is kept
    expect(storedState(bot)!.current!.at).toBe('referrer');
    expect(values(again)).toMatchObject({ 'referrer.role': 'other', 'referrer.phone': FIRST.phone });

    const next = lastCard(await bot.submit(press(again, 'Next', { roleOther: 'Family nurse' })));
    expect(sectionOf(next)).toBe('family');
    expect(storedState(bot)!.current!.answers.referrer).toMatchObject({
      role: 'other',
      roleOther: 'Family nurse',
    });
  });

  test('role "other" left without the role in words: Next the second time says it is needed', async () => {
    const first = lastCard(await bot.say('start'));
    const again = lastCard(await bot.submit(press(first, 'Next', { ...FIRST, role: 'other' })));
    const refused = lastCard(await bot.submit(press(again, 'Next')));
    expect(sectionOf(refused)).toBe('referrer');
    expect(cardText(refused)).toContain(ERRORS);
    expect(cardText(refused)).toContain('Your role, in a few words: this is required.');
    expect(storedState(bot)!.current!.saved).toEqual([]);
  });

  test('consent "no": the notes follow-up and the information-sharing statement (HAZ-12) on the reply', async () => {
    const family = await walkTo(bot, 'family', FULL_CALL);
    expect(ids(family)).not.toContain('consent.notes');
    const again = lastCard(
      await bot.submit(press(family, 'Next', { ...cardAnswers(family, FULL_CALL), consent: 'no' })),
    );
    expect(sectionOf(again)).toBe('family');
    const text = cardText(again);
    expect(text).toContain(ONE_MORE);
    expect(text).not.toContain(ERRORS);
    expect(text).toContain(SHARING);
    expect(shown(again)).toContain('consent.notes');
    expect(JSON.stringify(again)).toContain('Why not, or when the family will be asked');
    const next = lastCard(
      await bot.submit(press(again, 'Next', { notes: 'Mum wants to talk to dad first' })),
    );
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.consent).toEqual({
      consent: 'no',
      notes: 'Mum wants to talk to dad first',
    });
  });

  test('consent changed back to "yes": the notes no longer apply and are not kept', async () => {
    const family = await walkTo(bot, 'family', FULL_CALL);
    const again = lastCard(
      await bot.submit(press(family, 'Next', { ...cardAnswers(family, FULL_CALL), consent: 'no' })),
    );
    const next = lastCard(await bot.submit(press(again, 'Next', { consent: 'yes', notes: 'typed before' })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.consent).toEqual({ consent: 'yes' });
  });

  test('out of area "yes" asks who is involved from outside the area', async () => {
    const services = await walkTo(bot, 'services', FULL_CALL);
    expect(ids(services)).not.toContain('services.outOfAreaDetails');
    const again = lastCard(
      await bot.submit(press(services, 'Next', { ...cardAnswers(services, FULL_CALL), outOfArea: 'yes' })),
    );
    expect(sectionOf(again)).toBe('services');
    expect(cardText(again)).toContain(ONE_MORE);
    expect(cardText(again)).not.toContain(ERRORS);
    expect(shown(again)).toContain('services.outOfAreaDetails');
    const next = lastCard(
      await bot.submit(press(again, 'Next', { outOfAreaDetails: 'Midwife, Other Trust' })),
    );
    expect(sectionOf(next)).toBe('risk');
    expect(storedState(bot)!.current!.answers.services).toMatchObject({
      outOfArea: 'yes',
      outOfAreaDetails: 'Midwife, Other Trust',
    });
  });

  test('social care "child in need" asks whether the statutory agencies will work with IMH, and it is required', async () => {
    const services = await walkTo(bot, 'services', FULL_CALL);
    expect(ids(services)).not.toContain('services.statutoryCollaboration');
    const again = lastCard(
      await bot.submit(
        press(services, 'Next', { ...cardAnswers(services, FULL_CALL), socialCare: 'child-in-need' }),
      ),
    );
    expect(sectionOf(again)).toBe('services');
    expect(cardText(again)).toContain(ONE_MORE);
    expect(cardText(again)).not.toContain(ERRORS);
    expect(shown(again)).toContain('services.statutoryCollaboration');
    // required: Next without it is refused
    const refused = lastCard(await bot.submit(press(again, 'Next')));
    expect(sectionOf(refused)).toBe('services');
    expect(cardText(refused)).toContain(ERRORS);
    expect(cardText(refused)).toContain('Are the statutory agencies involved willing to work with IMH?');
    expect(storedState(bot)!.current!.saved).not.toContain('services');
    const next = lastCard(await bot.submit(press(refused, 'Next', { statutoryCollaboration: 'yes' })));
    expect(sectionOf(next)).toBe('risk');
    expect(storedState(bot)!.current!.answers.services).toMatchObject({
      socialCare: 'child-in-need',
      statutoryCollaboration: 'yes',
    });
  });

  test('an address without a postcode asks for the postcode; one ending with it is read from the address', async () => {
    const family = await walkTo(bot, 'family', FULL_CALL);
    expect(ids(family)).not.toContain('family.postcode');
    const address = '1 Example Street, Testtown';
    const again = lastCard(
      await bot.submit(press(family, 'Next', { ...cardAnswers(family, FULL_CALL), address })),
    );
    expect(sectionOf(again)).toBe('family');
    expect(cardText(again)).toContain(ONE_MORE);
    expect(cardText(again)).not.toContain(ERRORS);
    expect(shown(again)).toContain('family.postcode');
    const next = lastCard(await bot.submit(press(again, 'Next', { 'family.postcode': 'le1 6th' })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family).toMatchObject({ address, postcode: 'LE1 6TH' });
  });

  test('the fixture’s address ends with its postcode: no postcode question, and the postcode is recorded', async () => {
    const family = await walkTo(bot, 'family', FULL_CALL);
    const next = lastCard(await bot.submit(press(family, 'Next', cardAnswers(family, FULL_CALL))));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family).toMatchObject({ postcode: 'LE1 6TH' });
    expect(storedState(bot)!.current!.answers.family?.localAuthority).toBeUndefined();
  });

  test('a postcode outside the service’s districts asks the local authority', async () => {
    const family = await walkTo(bot, 'family', FULL_CALL);
    expect(ids(family)).not.toContain('family.localAuthority');
    const address = '2 Far Road, Elsewhere ZE1 0AA';
    const again = lastCard(
      await bot.submit(press(family, 'Next', { ...cardAnswers(family, FULL_CALL), address })),
    );
    expect(sectionOf(again)).toBe('family');
    expect(cardText(again)).toContain(ONE_MORE);
    expect(cardText(again)).not.toContain(ERRORS);
    expect(shown(again)).toContain('family.localAuthority');
    const next = lastCard(await bot.submit(press(again, 'Next', { localAuthority: 'other' })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family).toMatchObject({
      postcode: 'ZE1 0AA',
      localAuthority: 'other',
    });
  });
});

describe('the compact risk card', () => {
  test('the card asks possible harm on its own and the other questions as one list', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    expect(shown(risk)).toEqual([
      'risk.harmToBaby',
      'risk.harmToParent',
      'risk.screenYes',
      'risk.screenRest',
      'risk.level',
      'risk.details',
    ]);
  });

  test('"some are not known" asks which; every screening question is recorded yes, no or not known', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const again = lastCard(
      await bot.submit(press(risk, 'Next', { ...RISK_CARD, screenRest: 'some-not-known' })),
    );
    expect(sectionOf(again)).toBe('risk');
    expect(cardText(again)).toContain(ONE_MORE);
    expect(cardText(again)).not.toContain(ERRORS);
    expect(shown(again)).toContain('risk.screenNotKnown');
    const next = lastCard(
      await bot.submit(press(again, 'Next', { screenNotKnown: 'domesticAbuse,aggression' })),
    );
    expect(sectionOf(next)).toBe('pickUpThePhone');
    expect(storedState(bot)!.current!.answers.risk).toMatchObject({
      harmToBaby: 'no',
      harmToParent: 'no',
      domesticAbuse: 'not-known',
      substanceMisuse: 'none',
      mentalHealth: 'yes',
      aggression: 'not-known',
      nonCompliance: 'no',
      notBrought: 'no',
      earlyHelpRefused: 'no',
      disclosures: 'no',
      level: 'low-to-moderate',
    });
  });

  test('"not known: not asked yet" records every unticked question as not known', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const next = lastCard(
      await bot.submit(
        press(risk, 'Next', { ...RISK_CARD, screenYes: 'substanceMisuse', screenRest: 'not-known' }),
      ),
    );
    expect(sectionOf(next)).toBe('pickUpThePhone');
    const recorded = storedState(bot)!.current!.answers.risk!;
    expect(recorded.substanceMisuse).toBe('active');
    for (const q of [
      'domesticAbuse',
      'mentalHealth',
      'aggression',
      'nonCompliance',
      'notBrought',
      'earlyHelpRefused',
      'disclosures',
    ])
      expect(recorded[q], q).toBe('not-known');
  });

  test('the list without what the unticked ones are is refused: no screening question is left unanswered', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const { screenRest: _rest, ...withoutRest } = RISK_CARD;
    const refused = lastCard(await bot.submit(press(risk, 'Next', withoutRest)));
    expect(sectionOf(refused)).toBe('risk');
    expect(cardText(refused)).toContain('For each one not ticked: say whether it is no or not known.');
    expect(storedState(bot)!.current!.answers.risk).toBeUndefined();
  });

  test('a question ticked both as there and as not known is an error, and nothing is saved as answers', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const again = lastCard(
      await bot.submit(press(risk, 'Next', { ...RISK_CARD, screenRest: 'some-not-known' })),
    );
    expect(shown(again)).toContain('risk.screenNotKnown');
    for (const title of ['Next', 'Save']) {
      const refused = lastCard(
        await bot.submit(
          press(lastCard(await bot.say('resume')), title, {
            ...RISK_CARD,
            screenYes: 'mentalHealth,domesticAbuse',
            screenRest: 'some-not-known',
            screenNotKnown: 'domesticAbuse',
          }),
        ),
      );
      expect(sectionOf(refused)).toBe('risk');
      // Next lists it; Save keeps it as typed and says an answer is still needed
      expect(cardText(refused)).toContain(
        title === 'Next'
          ? 'Ticked as there and as not known: Domestic abuse. Untick one of the two.'
          : 'Saved — 1 answer still needed before Next.',
      );
      expect(values(refused)).toMatchObject({ 'risk.screenNotKnown': 'domesticAbuse' });
      const stored = storedState(bot)!.current!;
      expect(stored.answers.risk).toBeUndefined();
      expect(stored.saved).not.toContain('risk');
    }
  });

  test('[HAZ-01] possible harm typed on the compact card with the list unanswered alerts the leads at once', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const replies = await bot.submit(press(risk, 'Save', { harmToBaby: 'yes' }));
    const said = cards(replies).map(cardText).join('\n');
    expect(said).toContain('What you should do now');
    expect(said).toMatch(/Saved — \d+ answers still needed before Next/);
    expect(bot.sql('SELECT id FROM draft_alerts')).toHaveLength(1);
    expect(storedState(bot)!.current!.saved).not.toContain('risk');
  });

  test('an older risk card’s submission (one answer per question, no list) is accepted and recorded', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const perQuestion = {
      harmToBaby: 'no',
      harmToParent: 'no',
      domesticAbuse: 'yes',
      substanceMisuse: 'none',
      mentalHealth: 'yes',
      aggression: 'no',
      nonCompliance: 'not-known',
      notBrought: 'no',
      earlyHelpRefused: 'no',
      disclosures: 'no',
      level: 'low-to-moderate',
    };
    const value = press(risk, 'Next', perQuestion);
    // as the older card sent it: no list, no "for each one not ticked"
    expect(Object.keys(value).filter((k) => /screen/.test(k))).toEqual([]);
    expect(value['risk.domesticAbuse']).toBe('yes');
    const next = lastCard(await bot.submit(value));
    expect(sectionOf(next)).toBe('pickUpThePhone');
    expect(cardText(next)).not.toContain(ERRORS);
    expect(storedState(bot)!.current!.answers.risk).toMatchObject(perQuestion);
    // the answers act as answers: domestic abuse brings its phone prompt
    expect(ids(next)).toContain('pickUpThePhone.domestic-abuse.status');
  });

  test('an older risk card’s "in the past" substance misuse is recorded as given, with its phone prompt', async () => {
    const risk = await walkTo(bot, 'risk', FULL_CALL);
    const next = lastCard(
      await bot.submit(press(risk, 'Next', { ...FULL_CALL.risk!, substanceMisuse: 'past' })),
    );
    expect(sectionOf(next)).toBe('pickUpThePhone');
    expect(storedState(bot)!.current!.answers.risk?.substanceMisuse).toBe('past');
    expect(ids(next)).toContain('pickUpThePhone.substance-misuse.status');
  });
});

describe('referrer details already known are one line to confirm', () => {
  test('on start, the name and email from Teams are a confirm line, and a submission without them keeps them', async () => {
    const first = lastCard(await bot.say('start'));
    expect(cardText(first)).toContain('Hannah Visitor · hannah.visitor@nhs.net');
    expect(shown(first)).not.toContain('referrer.name');
    expect(shown(first)).not.toContain('referrer.email');
    expect(shown(first)).toEqual(
      expect.arrayContaining(['referrer.role', 'referrer.organisation', 'referrer.phone', 'family.stage']),
    );
    // still on the card (hidden), so Change can show them
    expect(values(first)).toMatchObject({
      'referrer.name': 'Hannah Visitor',
      'referrer.email': 'hannah.visitor@nhs.net',
    });
    const { name: _n, email: _e, ...rest } = FIRST;
    const value = press(first, 'Next', rest);
    // a client that sends no hidden inputs
    delete value['referrer.name'];
    delete value['referrer.email'];
    const next = lastCard(await bot.submit(value));
    expect(sectionOf(next)).toBe('family');
    expect(storedState(bot)!.current!.answers.referrer).toMatchObject({
      name: 'Hannah Visitor',
      email: 'hannah.visitor@nhs.net',
      role: FIRST.role,
    });
  });

  test('a detail changed on the card wins over the one known', async () => {
    const first = lastCard(await bot.say('start'));
    const next = lastCard(await bot.submit(press(first, 'Next', { ...FIRST, name: 'Hannah V. Visitor' })));
    expect(sectionOf(next)).toBe('family');
    expect(storedState(bot)!.current!.answers.referrer?.name).toBe('Hannah V. Visitor');
  });

  test('on a second call every referrer detail is on the confirm line, and the first card asks only whether the baby is born', async () => {
    const review = await walkTo(bot, 'review', FULL_CALL);
    expect(bot.connector.profileLookups()).toBe(1);
    await bot.submit(press(review, 'Submit the duty call'));
    const first = lastCard(await bot.say('start'));
    // their last call gives the name and email, which win over Teams: Teams is not asked again
    expect(bot.connector.profileLookups()).toBe(1);
    expect(sectionOf(first)).toBe('referrer');
    expect(shown(first)).toEqual(['family.stage']);
    expect(visibleInputs(first)[0]?.label).toBe('Is the baby born? (required)');
    const text = cardText(first);
    for (const detail of [
      FULL_CALL.referrer!.name!,
      'Health visitor or 0-19 service practitioner',
      FULL_CALL.referrer!.organisation!,
      FULL_CALL.referrer!.phone!,
      FULL_CALL.referrer!.email!,
    ])
      expect(text).toContain(detail);
    const next = lastCard(await bot.submit(press(first, 'Next', { stage: 'born' })));
    expect(sectionOf(next)).toBe('family');
    expect(storedState(bot)!.current!.answers.referrer).toMatchObject(FULL_CALL.referrer!);
  });
});

describe('an antenatal call', () => {
  test('asks the expected date, not the infant’s name or date of birth, and the pregnancy, not observations', async () => {
    const first = lastCard(await bot.say('start'));
    const family = lastCard(await bot.submit(press(first, 'Next', { ...FIRST, stage: 'antenatal' })));
    expect(sectionOf(family)).toBe('family');
    expect(ids(family)).toContain('family.expectedDate');
    expect(ids(family)).not.toContain('family.dateOfBirth');
    expect(ids(family)).not.toContain('family.infantName');
    const { infantName: _i, dateOfBirth: _d, ...rest } = FULL_CALL.family!;
    const next = lastCard(
      await bot.submit(
        press(family, 'Next', { ...rest, stage: 'antenatal', expectedDate: '2027-01-14', consent: 'yes' }),
      ),
    );
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family).toMatchObject({
      stage: 'antenatal',
      expectedDate: '2027-01-14',
    });
    expect(storedState(bot)!.current!.answers.family?.dateOfBirth).toBeUndefined();
    expect(ids(next)).toContain('infant.pregnancy');
    expect(ids(next)).not.toContain('infant.observations');
  });

  test('the expected date is required', async () => {
    const first = lastCard(await bot.say('start'));
    const family = lastCard(await bot.submit(press(first, 'Next', { ...FIRST, stage: 'antenatal' })));
    const { infantName: _i, dateOfBirth: _d, ...rest } = FULL_CALL.family!;
    const refused = lastCard(await bot.submit(press(family, 'Next', { ...rest, consent: 'yes' })));
    expect(sectionOf(refused)).toBe('family');
    expect(cardText(refused)).toContain('Expected date of delivery: this is required.');
  });
});

describe('drafts and cards from before the restructure', () => {
  /** Rewrites the stored draft as it was stored before pages (issue 9): sections, plain typed keys. */
  function storeOldDraft(change: (draft: Record<string, unknown>) => Record<string, unknown>) {
    const db = new Database(bot.config.DATABASE_FILE);
    try {
      const row = db.prepare('SELECT value FROM bot_state WHERE key = ?').get(draftKey()) as {
        value: string;
      };
      const state = JSON.parse(row.value) as { current: Record<string, unknown> };
      const { layout: _layout, typed: _typed, ...draft } = state.current;
      state.current = change(draft);
      db.prepare('UPDATE bot_state SET value = ? WHERE key = ?').run(JSON.stringify(state), draftKey());
    } finally {
      db.close();
    }
  }

  test('an old draft at consent resumes on the family card with what was typed shown', async () => {
    await walkTo(bot, 'family', FULL_CALL);
    // the family section as the old family card saved it
    storeOldDraft((d) => ({
      ...d,
      at: 'consent',
      saved: ['referrer', 'family'],
      answers: {
        ...(d.answers as Record<string, unknown>),
        family: { ...FULL_CALL.family!, postcode: 'LE1 6TH' },
      },
      typed: { consent: { consent: 'no', notes: 'x' } },
    }));
    const resumed = lastCard(await bot.say('resume'));
    expect(sectionOf(resumed)).toBe('family');
    expect(values(resumed)).toMatchObject({
      'family.infantName': FULL_CALL.family!.infantName,
      'consent.consent': 'no',
      'consent.notes': 'x',
    });
    expect(shown(resumed)).toContain('consent.notes');
    // and it carries on from there
    const next = lastCard(await bot.submit(press(resumed, 'Next')));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.consent).toEqual({ consent: 'no', notes: 'x' });
  });

  test('an old draft with only notes typed at consent (consent not chosen) keeps the notes on the family card', async () => {
    await walkTo(bot, 'family', FULL_CALL);
    storeOldDraft((d) => ({
      ...d,
      at: 'consent',
      saved: ['referrer', 'family'],
      answers: {
        ...(d.answers as Record<string, unknown>),
        family: { ...FULL_CALL.family!, postcode: 'LE1 6TH' },
      },
      typed: { consent: { notes: 'x' } },
    }));
    const resumed = lastCard(await bot.say('resume'));
    expect(sectionOf(resumed)).toBe('family');
    expect(values(resumed)).toMatchObject({ 'family.infantName': FULL_CALL.family!.infantName });
    // what was typed is not lost: it is on the card
    expect(JSON.stringify(resumed.body)).toContain('"value":"x"');
  });
});
