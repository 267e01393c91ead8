import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FULL_CALL } from '../fixtures/answers';
import {
  type Card,
  cards,
  cardText,
  inputs,
  lastCard,
  personalChatActivity,
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
const fixedNow = () => new Date('2026-11-23T10:00:00Z');

beforeEach(async () => {
  bot = await startTestBot({ now: fixedNow });
});
afterEach(async () => {
  await bot.close();
});

/** The family card's answers: the family (but the stage, asked on the first card) and consent. */
const FAMILY: Record<string, string> = { ...FULL_CALL.family!, ...FULL_CALL.consent! };
/** The first card's answers: the referrer and whether the baby is born. */
const REFERRER: Record<string, string> = { ...FULL_CALL.referrer!, stage: FULL_CALL.family!.stage! };

/** Every TextBlock in the cards of a reply, as one string. */
function text(replies: Reply[]): string {
  return cards(replies).map(cardText).join('\n---\n');
}

/** The error lines a section card lists under "Please check these answers:". */
function listedErrors(card: Card): string[] {
  let found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; items?: { text?: string }[] };
    if (n.type === 'Container' && n.items?.[0]?.text === 'Please check these answers:') {
      found = n.items.slice(1).map((i) => String(i.text));
      return;
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return found;
}

/** A draft with the first card saved, on the family card: something that must not be damaged. */
async function draftOnFamily(): Promise<Card> {
  const card = await walkTo(bot, 'family', FULL_CALL);
  expect(storedState(bot)?.current?.saved).toEqual(['referrer']);
  return card;
}

/** The draft is still on the family section with the referrer's answers exactly as first saved. */
async function expectDraftUntouched(savedBefore: ReturnType<typeof storedState>) {
  const now = storedState(bot)!;
  expect(now.current?.id).toBe(savedBefore?.current?.id);
  expect(now.current?.answers).toEqual(savedBefore?.current?.answers);
  expect(now.current?.saved).toEqual(['referrer']);
  expect(now.current?.at).toBe('family');
  const resumed = lastCard(await bot.say('resume'));
  expect(sectionOf(resumed)).toBe('family');
  // and Back shows the referrer section with what was saved
  const back = lastCard(await bot.submit(press(resumed, 'Back')));
  expect(values(back)).toMatchObject({
    'referrer.name': REFERRER.name,
    'referrer.organisation': REFERRER.organisation,
  });
}

describe('a submission that is not from one of our cards', () => {
  const cases: [string, (data: Record<string, unknown>) => unknown, RegExp][] = [
    ['an unknown verb', (d) => ({ ...d, verb: 'call.delete-everything' }), /do not recognise that button/],
    ['a value that is a string', () => 'call.save', /could not read that card/],
    ['a value that is an array', (d) => [d], /could not read that card/],
    ['a value that is null', () => null, /could not read that card/],
    ['a value that is a number', () => 42, /could not read that card/],
    ['a verb that is missing', ({ verb: _verb, ...d }) => d, /do not recognise that button/],
    ['a verb that is not a string', (d) => ({ ...d, verb: ['call.save'] }), /do not recognise that button/],
    ['a step that is not a number', (d) => ({ ...d, step: 'two' }), /could not read that card/],
    ['a step that is true', (d) => ({ ...d, step: true }), /could not read that card/],
    ['a step that is an array', (d) => ({ ...d, step: [d.step] }), /could not read that card/],
    ['a step that is negative', (d) => ({ ...d, step: -1 }), /could not read that card/],
    ['a move that is not next or stay', (d) => ({ ...d, move: 'submit' }), /could not read that card/],
    [
      'a submission over 64 KB',
      (d) => ({ ...d, 'family.address': 'x'.repeat(70 * 1024) }),
      /more than I can accept/,
    ],
  ];

  test.each(cases)(
    '%s is refused plainly, with the card to carry on and the draft intact',
    async (_, make, why) => {
      const family = await draftOnFamily();
      const before = storedState(bot);
      const value = make(press(family, 'Next', FAMILY));
      const { status, replies } = await bot.post({ value });
      expect(status).toBe(200);
      const [notice, current] = cards(replies);
      expect(cardText(notice)).toContain('Nothing changed');
      expect(cardText(notice)).toMatch(why);
      // the card to carry on with: the family section again, nothing filled in from the bad submission
      expect(current && sectionOf(current)).toBe('family');
      expect(values(current!)['family.infantName'] ?? '').toBe('');
      await expectDraftUntouched(before);
    },
  );

  test('a request body over the server limit gets 413 and a generic body', async () => {
    const family = await draftOnFamily();
    const before = storedState(bot);
    const value = { ...press(family, 'Next', FAMILY), 'family.address': 'x'.repeat(300 * 1024) };
    const { status, raw } = await bot.post({ value });
    expect(status).toBe(413);
    expect(JSON.parse(raw)).toEqual({ error: 'Payload too large' });
    await expectDraftUntouched(before);
  });

  test('a body that is not JSON gets 400 without echoing it', async () => {
    const { status, raw } = await bot.postRaw('{"type":"message","text":"Maria Example 943 476 5919');
    expect(status).toBe(400);
    expect(raw).not.toContain('Maria');
    expect(raw).not.toContain('943');
    expect(JSON.parse(raw)).toEqual({ error: 'Bad request' });
  });
});

describe('a key that would set a prototype', () => {
  const withKey = (key: string, value: Record<string, unknown>) =>
    JSON.stringify(personalChatActivity({ value }, 'user-1', bot.connector.url, 'act-proto')).replace(
      '"value":{',
      `"value":{${key}:{"isAdmin":true},`,
    );

  test.each([
    ['as written', '"__proto__"'],
    [
      'with every letter escaped',
      `"__${[...'proto'].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('')}__"`,
    ],
  ])('is refused with 400 and the draft kept (%s)', async (_how, key) => {
    const family = await draftOnFamily();
    const before = storedState(bot);
    const { status, raw } = await bot.postRaw(withKey(key, press(family, 'Next', FAMILY)));
    expect(status).toBe(400);
    expect(JSON.parse(raw)).toEqual({ error: 'Bad request' });
    await expectDraftUntouched(before);
  });

  test('the word in an answer, and \\u escapes in a body, are only text', async () => {
    const family = await draftOnFamily();
    const gp = 'Dr "__proto__" Patel, Café Street';
    const value = press(family, 'Next', { ...FAMILY, gp });
    const body = JSON.stringify(personalChatActivity({ value }, 'user-1', bot.connector.url, 'act-text'));
    const escaped = body.replace('Café', 'Caf\\u00e9');
    expect(escaped).toContain('Caf\\u00e9');
    const { status } = await bot.postRaw(escaped);
    expect(status).toBe(200);
    expect(storedState(bot)!.current!.answers.family?.gp).toBe(gp);
  });
});

describe('a card that is not for where the draft is', () => {
  test('a section id that is not the current one changes nothing', async () => {
    const family = await draftOnFamily();
    const before = storedState(bot);
    for (const section of ['risk', 'referrer', 'review', 'no-such-section']) {
      const replies = await bot.submit({ ...press(family, 'Next', FAMILY), section });
      expect(text(replies)).toContain('That card is out of date');
      expect(sectionOf(lastCard(replies))).toBe('family');
    }
    await expectDraftUntouched(before);
  });

  test('pressing Next twice on the same card advances once and keeps the first answers', async () => {
    const referrer = lastCard(await bot.say('start'));
    const first = await bot.submit(press(referrer, 'Next', REFERRER));
    expect(sectionOf(lastCard(first))).toBe('family');
    const again = await bot.submit(
      press(referrer, 'Next', { ...REFERRER, name: 'Someone Else', organisation: 'Elsewhere' }),
    );
    expect(text(again)).toContain('That card is out of date');
    // the reply puts the referrer back where they are, not a section further on
    expect(sectionOf(lastCard(again))).toBe('family');
    const stored = storedState(bot)!.current!;
    expect(stored.at).toBe('family');
    expect(stored.answers.referrer).toMatchObject({
      name: REFERRER.name,
      organisation: REFERRER.organisation,
    });
    const back = lastCard(await bot.submit(press(lastCard(again), 'Back')));
    expect(values(back)).toMatchObject({
      'referrer.name': REFERRER.name,
      'referrer.organisation': REFERRER.organisation,
    });
  });

  test('an older copy of the same section card cannot overwrite what was saved after it', async () => {
    const first = await draftOnFamily();
    const saved = lastCard(await bot.submit(press(first, 'Save', { ...FAMILY, gp: 'Dr Newer' })));
    expect(cardText(saved)).toContain('Saved.');
    expect(values(saved)['family.gp']).toBe('Dr Newer');
    // the first copy is for the same section, but it was sent before the save
    for (const title of ['Save', 'Next']) {
      const replies = await bot.submit(press(first, title, { ...FAMILY, gp: 'Dr Older' }));
      expect(text(replies)).toContain('That card is out of date');
      expect(sectionOf(lastCard(replies))).toBe('family');
      expect(values(lastCard(replies))['family.gp']).toBe('Dr Newer');
    }
    const stored = storedState(bot)!.current!;
    expect(stored.answers.family?.gp).toBe('Dr Newer');
    expect(stored.at).toBe('family');
  });

  test('a card from an earlier, cancelled draft does not touch the new one', async () => {
    const oldCard = lastCard(await bot.say('start'));
    const confirm = lastCard(await bot.say('cancel'));
    expect(cardText(lastCard(await bot.submit(press(confirm, 'Discard the draft'))))).toContain(
      'Draft discarded',
    );
    const newCard = lastCard(await bot.say('start'));
    const newId = storedState(bot)!.current!.id;
    expect(newId).not.toBe(oldCard.actions?.[0]?.data?.draftId);

    const replies = await bot.submit(press(oldCard, 'Next', REFERRER));
    expect(text(replies)).toContain('That duty call was cancelled, so nothing was changed.');
    expect(sectionOf(lastCard(replies))).toBe('referrer');
    const stored = storedState(bot)!.current!;
    expect(stored.id).toBe(newId);
    expect(stored.saved).toEqual([]);
    expect(stored.answers).toEqual({});
    // the new draft's own card still works (after the re-sent copy replaced it)
    const fresh = lastCard(replies);
    expect(sectionOf(lastCard(await bot.submit(press(fresh, 'Next', REFERRER))))).toBe('family');
    expect(sectionOf(newCard)).toBe('referrer');
  });

  test('a card from an earlier, submitted draft says so and does not touch the new one', async () => {
    const review = await walkTo(bot, 'review', FULL_CALL);
    const oldSection = lastCard(await bot.submit(press(review, 'Back')));
    expect(sectionOf(oldSection)).toBe('referral');
    const review2 = lastCard(await bot.submit(press(oldSection, 'Save and review')));
    const submitted = await bot.submit(press(review2, 'Submit the duty call'));
    const reference = /IMH-[A-Z2-9]{6}/.exec(text(submitted))![0];

    lastCard(await bot.say('start'));
    const newId = storedState(bot)!.current!.id;
    const replies = await bot.submit(press(oldSection, 'Save and review', FULL_CALL.referral!));
    expect(text(replies)).toContain('That duty call has already been submitted, so nothing was changed.');
    expect(text(replies)).toContain(`Its reference is ${reference}.`);
    expect(storedState(bot)!.current).toMatchObject({ id: newId, saved: [], answers: {} });
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
  });
});

describe('answers the server checks, whatever the card did', () => {
  test('missing required fields are listed on the re-sent card, with what was typed kept', async () => {
    const family = await draftOnFamily();
    const typed = { ...FAMILY, caregiverName: '', gp: '', address: '', consent: '' };
    const card = lastCard(await bot.submit(press(family, 'Next', typed)));
    expect(sectionOf(card)).toBe('family');
    const errors = listedErrors(card);
    expect(errors).toEqual(
      expect.arrayContaining([
        'Mother or primary caregiver: this is required.',
        'Address and postcode: this is required.',
        'Have the family agreed to be contacted by the IMH service?: this is required.',
      ]),
    );
    expect(errors).toHaveLength(3);
    const shown = values(card);
    expect(shown).toMatchObject({
      'family.infantName': FAMILY.infantName,
      'family.dateOfBirth': FAMILY.dateOfBirth,
      'family.nhsNumber': FAMILY.nhsNumber,
      'family.partnerName': FAMILY.partnerName,
      'family.caregiverName': '',
      'family.gp': '',
    });
    const stored = storedState(bot)!.current!;
    expect(stored.answers.family).toMatchObject({ stage: 'born' });
    expect(stored.answers.family?.caregiverName).toBeUndefined();
    expect(stored.answers.consent).toBeUndefined();
    expect(stored.at).toBe('family');
    // the re-sent card is the one to fix it: filling the gaps moves on
    const next = lastCard(await bot.submit(press(card, 'Next', FAMILY)));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family).toMatchObject({ caregiverName: FAMILY.caregiverName });
  });

  test('a required field sent as nothing at all (no key) is caught too', async () => {
    const family = await draftOnFamily();
    const withoutCaregiver = press(family, 'Next', FAMILY);
    expect(withoutCaregiver['family.caregiverName']).toBe(FAMILY.caregiverName);
    delete withoutCaregiver['family.caregiverName'];
    const card = lastCard(await bot.submit(withoutCaregiver));
    expect(listedErrors(card)).toEqual(['Mother or primary caregiver: this is required.']);
    expect(storedState(bot)!.current!.answers.family?.caregiverName).toBeUndefined();
  });

  test('text one character over the limit is refused and kept as typed; at the limit it is saved', async () => {
    const family = await draftOnFamily();
    const tooLong = `${'a'.repeat(199)}bc`;
    const card = lastCard(await bot.submit(press(family, 'Next', { ...FAMILY, gp: tooLong })));
    expect(listedErrors(card)).toEqual(['GP (name and practice): keep this to 200 characters or fewer.']);
    expect(values(card)['family.gp']).toBe(tooLong);
    expect(storedState(bot)!.current!.answers.family?.gp).toBeUndefined();

    const atLimit = 'a'.repeat(200);
    const next = lastCard(await bot.submit(press(card, 'Next', { ...FAMILY, gp: atLimit })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family?.gp).toBe(atLimit);
  });

  test('a date of birth in the future is refused; today is accepted', async () => {
    const family = await draftOnFamily();
    const card = lastCard(await bot.submit(press(family, 'Next', { ...FAMILY, dateOfBirth: '2026-11-24' })));
    expect(listedErrors(card)).toEqual(['Date of birth: this is in the future.']);
    expect(values(card)['family.dateOfBirth']).toBe('2026-11-24');
    expect(storedState(bot)!.current!.answers.family?.dateOfBirth).toBeUndefined();

    const next = lastCard(await bot.submit(press(card, 'Next', { ...FAMILY, dateOfBirth: '2026-11-23' })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family?.dateOfBirth).toBe('2026-11-23');
  });

  test('an NHS number with a wrong check digit is refused; a valid one typed with spaces is accepted', async () => {
    const family = await draftOnFamily();
    const card = lastCard(await bot.submit(press(family, 'Next', { ...FAMILY, nhsNumber: '943 476 5918' })));
    expect(listedErrors(card)).toEqual([
      'NHS number: this is not a valid NHS number (10 digits with a correct check digit).',
    ]);
    expect(values(card)['family.nhsNumber']).toBe('943 476 5918');
    expect(storedState(bot)!.current!.answers.family?.nhsNumber).toBeUndefined();

    const next = lastCard(await bot.submit(press(card, 'Next', { ...FAMILY, nhsNumber: ' 943 476 5919 ' })));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family?.nhsNumber).toBe('9434765919');
  });

  test('an invalid postcode is refused and kept as typed', async () => {
    let card = await draftOnFamily();
    // an address without a postcode: the postcode is asked (one more question, not an error)
    const address = '1 Example Street, Testtown';
    card = lastCard(await bot.submit(press(card, 'Next', { ...FAMILY, address })));
    expect(listedErrors(card)).toEqual([]);
    expect(inputs(card).map((i) => i.id)).toContain('family.postcode');
    for (const postcode of ['LE1', 'NOT A PC', 'LE1 6T1']) {
      card = lastCard(await bot.submit(press(card, 'Next', { ...FAMILY, address, postcode })));
      // a postcode that cannot be read cannot settle the area, so the local authority is asked too
      expect(listedErrors(card).filter((e) => !e.startsWith('Local authority'))).toEqual([
        'Postcode: enter a UK postcode such as LE1 6TH.',
      ]);
      expect(values(card)['family.postcode']).toBe(postcode);
    }
    expect(storedState(bot)!.current!.answers.family?.postcode).toBeUndefined();
    const next = lastCard(await bot.submit(press(card, 'Next', FAMILY)));
    expect(sectionOf(next)).toBe('relationship');
    expect(storedState(bot)!.current!.answers.family?.postcode).toBe('LE1 6TH');
  });
});

describe('a card from a call that is over', () => {
  test('after the call was submitted: the reply says so and no second record is made', async () => {
    const review = await walkTo(bot, 'review', FULL_CALL);
    const submitted = await bot.submit(press(review, 'Submit the duty call'));
    expect(text(submitted)).toContain('Duty call submitted');
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
    const reference = /IMH-[A-Z2-9]{6}/.exec(text(submitted))![0];

    const again = await bot.submit(press(review, 'Submit the duty call'));
    expect(text(again)).toContain('That duty call has already been submitted, so nothing was changed.');
    expect(text(again)).toContain(`Its reference is ${reference}.`);
    expect(text(again)).not.toContain('Duty call submitted');
    // no draft to show, so the card offers a new call instead
    expect(cardText(lastCard(again))).toContain('[Start a duty call]');

    const edit = await bot.submit(press(review, 'Back'));
    expect(text(edit)).toContain('already been submitted');
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
    expect(storedState(bot)).toMatchObject({ current: null, closed: [{ status: 'submitted', reference }] });
  });

  test('after the call was cancelled: the reply says so and nothing is saved or recorded', async () => {
    const referrer = lastCard(await bot.say('start'));
    const confirm = lastCard(await bot.say('cancel'));
    await bot.submit(press(confirm, 'Discard the draft'));

    const replies = await bot.submit(press(referrer, 'Next', REFERRER));
    expect(text(replies)).toContain('That duty call was cancelled, so nothing was changed.');
    expect(cardText(lastCard(replies))).toContain('[Start a duty call]');
    // the confirmation card pressed again says the same, and does not cancel anything new
    const twice = await bot.submit(press(confirm, 'Discard the draft'));
    expect(text(twice)).toContain('That duty call was cancelled');
    const stored = storedState(bot)!;
    expect(stored.current).toBeNull();
    expect(stored.closed).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(0);
  });
});

describe('user text is data, never template or markdown', () => {
  // user text that looks like Adaptive Card template expressions, on purpose
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the point of the test
  const TEMPLATE = '${serviceName} ${1+1} ${$root.step}';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the point of the test
  const FOOTER_EXPRESSION = '${footer}';
  const LINK = '[x](https://evil.example) **bold** <at>Someone</at>';
  const hostile = {
    referrer: { ...REFERRER, organisation: `${TEMPLATE} ${LINK}`.slice(0, 200) },
    family: { ...FAMILY, partnerName: FOOTER_EXPRESSION, gp: `Dr ${LINK}`.slice(0, 200) },
    referral: {
      ...FULL_CALL.referral!,
      reason: `Reason ${TEMPLATE}\n${LINK}\n# not a heading\n- not a list`,
    },
  };
  const answers = { ...FULL_CALL, ...hostile };

  test('an input shows the text verbatim after saving and after a failed check', async () => {
    const referrer = lastCard(await bot.say('start'));
    const saved = lastCard(await bot.submit(press(referrer, 'Save', hostile.referrer)));
    expect(cardText(saved)).toContain('Saved.');
    expect(values(saved)['referrer.organisation']).toBe(hostile.referrer.organisation);
    expect(storedState(bot)!.current!.answers.referrer?.organisation).toBe(hostile.referrer.organisation);

    const failed = lastCard(await bot.submit(press(saved, 'Next', { ...hostile.referrer, phone: 'x' })));
    expect(listedErrors(failed)).toHaveLength(1);
    expect(values(failed)['referrer.organisation']).toBe(hostile.referrer.organisation);
  });

  test('the summary escapes it in facts and the referral keeps it verbatim in text runs', async () => {
    const review = await walkTo(bot, 'review', answers);
    const reviewFacts = facts(review);
    expect(reviewFacts.some((v) => v.includes(TEMPLATE))).toBe(true);
    for (const v of reviewFacts) expect(v).not.toMatch(/(?<!\\)\]\(|https?:\/\//);

    const replies = await bot.submit(press(review, 'Submit the duty call'));
    // one card (issue 9): the summary and the draft referral are on it, behind Show
    const [summary] = cards(replies);
    const referral = summary;
    const summaryFacts = facts(summary!);
    // the template expressions are still there as typed: they were not evaluated against the card's data
    const organisation = summaryFacts.find((v) => v.startsWith(TEMPLATE));
    expect(organisation).toBeDefined();
    expect(summaryFacts).toContain(FOOTER_EXPRESSION);
    expect(JSON.stringify(summary)).not.toContain('Test IMH Service 2');
    for (const v of summaryFacts) {
      expect(v).not.toMatch(/(?<!\\)\]\(/);
      expect(v).not.toMatch(/https?:\/\//);
      expect(v).not.toMatch(/(^|[^\\])\*\*/);
    }
    // TextRuns render no markdown: there the text is exactly as typed
    expect(textRuns(referral!)).toContain(hostile.referral.reason);
    // the record text (the card's copy box, or code blocks after it) is wrapped at 64 characters
    const plain = [
      ...replies.filter((r) => r.text?.startsWith('```')).map((r) => r.text),
      String(inputs(summary!).find((i) => i.id === 'recordText')?.value ?? ''),
    ];
    expect(plain.join('\n').replace(/\s+/g, ' ')).toContain(hostile.referral.reason.replace(/\s+/g, ' '));
  });
});

function facts(card: Card): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'FactSet' && Array.isArray(n.facts)) {
      for (const f of n.facts as { value: string }[]) out.push(f.value);
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
}

function textRuns(card: Card): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextRun' && typeof n.text === 'string') out.push(n.text);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
}
