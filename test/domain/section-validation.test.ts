import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { checklist, type SectionDef, type SectionId } from '../../src/domain/checklist';
import { pagesOf } from '../../src/domain/pages';
import { type PhonePrompt, phonePrompts } from '../../src/domain/pick-up-the-phone';
import {
  askedFields,
  asSubmitted,
  type SectionResult,
  sectionFields,
  validateDraft,
  validatePage,
  validateSection,
} from '../../src/domain/section-validation';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { PROFILE, patch, TODAY, validated } from '../fixtures/calls';

const SECTIONS = checklist('full', PROFILE);
const section = (id: SectionId): SectionDef => SECTIONS.find((s) => s.id === id)!;

function validate(
  id: SectionId,
  raw: Record<string, unknown>,
  prompts: readonly PhonePrompt[] = [],
  today = TODAY,
) {
  return validateSection(section(id), raw, { today, prompts, answers: {} });
}

function accepted(result: SectionResult): Record<string, string | readonly string[]> {
  if (!result.ok) throw new Error(`expected success: ${JSON.stringify(result.errors)}`);
  return result.answers;
}

function rejected(result: SectionResult): { errors: Record<string, string>; values: Record<string, string> } {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.answers)}`);
  return result;
}

const referrer = (changes: Record<string, unknown>) => ({ ...FULL_CALL.referrer!, ...changes });
const family = (changes: Record<string, unknown>) => ({ ...FULL_CALL.family!, ...changes });
/** An address without a postcode: the postcode is asked. */
const noPostcode = (changes: Record<string, unknown>) =>
  family({ address: '1 Example Street, Testtown', ...changes });
/** A family living outside the service's postcode districts: the local authority is asked. */
const outside = (changes: Record<string, unknown>) =>
  family({ address: '2 Far Road, Farton NG1 1AA', ...changes });

test('every fixture section is accepted as typed', () => {
  expect(() => validated('full', FULL_CALL)).not.toThrow();
  expect(() => validated('advice', ADVICE_CALL)).not.toThrow();
});

describe('field kinds, through real sections', () => {
  test('text is trimmed and stripped of control characters', () => {
    const a = accepted(validate('referrer', referrer({ name: '  Hannah\u0000 Visitor\u200B ' })));
    expect(a.name).toBe('Hannah Visitor');
  });

  test('longtext keeps its line breaks', () => {
    const a = accepted(
      validate('relationship', { ...FULL_CALL.relationship, details: ' line 1\r\nline 2 ' }),
    );
    expect(a.details).toBe('line 1\nline 2');
  });

  test.each([
    ['referrer', 'name', 100, 'Your name'],
    ['referrer', 'organisation', 200, 'Organisation and team'],
    ['relationship', 'details', 1000, 'Details of the concerns and their impact on the infant'],
    [
      'referral',
      'reason',
      3000,
      'Reason for referral, and what you and the family hope the IMH service can offer',
    ],
    ['consent', 'notes', 500, 'Why not, or when the family will be asked'],
  ] as const)('%s.%s is limited to %i characters', (id, fieldId, max, label) => {
    // the consent notes are asked only when the family have not agreed
    const base = id === 'consent' ? { consent: 'no' } : FULL_CALL[id]!;
    expect(accepted(validate(id, { ...base, [fieldId]: 'x'.repeat(max) }))[fieldId]).toHaveLength(max);
    const { errors } = rejected(validate(id, { ...base, [fieldId]: 'x'.repeat(max + 1) }));
    expect(errors[fieldId]).toBe(`${label}: keep this to ${max} characters or fewer.`);
  });

  test.each([
    ['name', 'Your name'],
    ['organisation', 'Organisation and team'],
    ['phone', 'Your telephone number'],
    ['role', 'Your role'],
  ])('required %s: blank or missing', (id, label) => {
    expect(rejected(validate('referrer', referrer({ [id]: '   ' }))).errors[id]).toBe(
      `${label}: this is required.`,
    );
    expect(rejected(validate('referrer', referrer({ [id]: undefined }))).errors[id]).toBe(
      `${label}: this is required.`,
    );
  });

  test('the email address is optional (issue 9): the practitioner phones back', () => {
    expect(accepted(validate('referrer', referrer({ email: '' }))).email).toBe('');
    expect(accepted(validate('referrer', referrer({ email: undefined }))).email).toBe('');
  });

  test('optional fields may be left out', () => {
    const a = accepted(
      validate('family', family({ partnerName: undefined, healthVisitor: '', nhsNumber: '' })),
    );
    expect(a.partnerName).toBe('');
    expect(a.healthVisitor).toBe('');
    expect(a.nhsNumber).toBe('');
  });

  test('a choice not in the list', () => {
    expect(rejected(validate('referrer', referrer({ role: 'surgeon' }))).errors.role).toBe(
      'Your role: choose one of the options.',
    );
    expect(
      rejected(validate('family', outside({ localAuthority: 'Atlantis Council' }))).errors.localAuthority,
    ).toBe('Local authority the family live in: choose one of the options.');
  });

  test('the profile’s local authorities are the choices', () => {
    expect(
      accepted(validate('family', outside({ localAuthority: 'Testville City Council' }))).localAuthority,
    ).toBe('Testville City Council');
  });

  test('a role chosen on an earlier card is read under its older name', () => {
    expect(accepted(validate('referrer', referrer({ role: '0-19-service' }))).role).toBe('health-visitor');
  });

  test('multichoice is parsed, trimmed and deduplicated', () => {
    const a = accepted(
      validate('relationship', { ...FULL_CALL.relationship, concerns: ' anxiety , distance,anxiety,' }),
    );
    expect(a.concerns).toEqual(['anxiety', 'distance']);
  });

  test('multichoice with an unknown value', () => {
    const { errors } = rejected(
      validate('relationship', { ...FULL_CALL.relationship, concerns: 'anxiety,anger' }),
    );
    expect(errors.concerns).toBe('Concerns seen: choose from the options shown.');
  });

  test.each([[''], [undefined]])(
    'a required multichoice with nothing chosen (%j) uses its own message',
    (concerns) => {
      const { errors } = rejected(validate('relationship', { ...FULL_CALL.relationship, concerns }));
      expect(errors.concerns).toBe('Concerns seen: choose at least one.');
    },
  );

  test('an optional multichoice may be left out', () => {
    const a = accepted(validate('context', { details: 'Some history.' }));
    expect(a.problems).toEqual([]);
  });

  test('email', () => {
    expect(rejected(validate('referrer', referrer({ email: 'hannah at nhs' }))).errors.email).toBe(
      'Your email address: enter an email address like name@nhs.net.',
    );
    expect(accepted(validate('referrer', referrer({ email: ' hannah@nhs.net ' }))).email).toBe(
      'hannah@nhs.net',
    );
  });

  test('phone', () => {
    expect(rejected(validate('referrer', referrer({ phone: 'ring the office' }))).errors.phone).toBe(
      'Your telephone number: enter a telephone number.',
    );
    expect(rejected(validate('family', family({ caregiverPhone: '12' }))).errors.caregiverPhone).toBe(
      'Family’s contact number: enter a telephone number.',
    );
  });

  test('date format', () => {
    expect(rejected(validate('family', family({ dateOfBirth: '10/05/2026' }))).errors.dateOfBirth).toBe(
      'Infant’s date of birth: enter a date.',
    );
  });

  test.each<[string, unknown]>([
    ['a number', 42],
    ['a boolean', true],
    ['an array', ['Hannah']],
    ['an object', { text: 'Hannah' }],
  ])('a forged non-string value (%s) gets a readable message naming the field', (_name, value) => {
    const { errors, values } = rejected(validate('referrer', referrer({ name: value })));
    expect(errors.name).toBe('Your name: this answer could not be read; please enter it again.');
    expect(values).not.toHaveProperty('name');
  });

  test('a forged array for a multichoice is also unreadable, not accepted', () => {
    const { errors } = rejected(
      validate('relationship', { ...FULL_CALL.relationship, concerns: ['anxiety'] }),
    );
    expect(errors.concerns).toBe('Concerns seen: this answer could not be read; please enter it again.');
  });

  test('keys that are not fields of the section are ignored', () => {
    const a = accepted(
      validate('consent', { consent: 'no', notes: 'Asking next visit.', isAdmin: 'true', step: 99 }),
    );
    expect(Object.keys(a).sort()).toEqual(['consent', 'notes']);
  });

  test('every field error is reported at once, with the typed values echoed', () => {
    const raw = referrer({ name: '', email: 'nope ', phone: 'x', role: 'surgeon', extra: 'ignored' });
    const { errors, values } = rejected(validate('referrer', raw));
    expect(Object.keys(errors).sort()).toEqual(['email', 'name', 'phone', 'role']);
    expect(values).toEqual({
      name: '',
      role: 'surgeon',
      organisation: FULL_CALL.referrer!.organisation,
      phone: 'x',
      email: 'nope ',
    });
  });
});

describe('cross-field rules: the referrer', () => {
  test('role “other” needs the role', () => {
    expect(rejected(validate('referrer', referrer({ role: 'other' }))).errors.roleOther).toBe(
      'Your role, in a few words: this is required.',
    );
    expect(accepted(validate('referrer', referrer({ role: 'other', roleOther: 'Doula' }))).roleOther).toBe(
      'Doula',
    );
  });

  test('any other role does not need it, and a role typed before choosing another is dropped', () => {
    expect(accepted(validate('referrer', referrer({ role: 'gp', roleOther: '' }))).role).toBe('gp');
    expect(accepted(validate('referrer', referrer({ role: 'gp', roleOther: 'Doula' })))).not.toHaveProperty(
      'roleOther',
    );
  });
});

describe('cross-field rules: the family', () => {
  test('a born baby needs a name and a date of birth', () => {
    const { errors } = rejected(validate('family', family({ infantName: '', dateOfBirth: '' })));
    expect(errors.infantName).toBe('Infant’s name: this is required.');
    expect(errors.dateOfBirth).toBe('Infant’s date of birth: this is required.');
    expect(errors).not.toHaveProperty('expectedDate');
  });

  test.each([
    ['2026-11-21', 'Date of birth: this is in the future.'],
    ['2026-02-30', 'Date of birth: that is not a real date.'],
    ['2008-11-19', 'Date of birth: this is more than 18 years ago; please check it.'],
  ])('date of birth %s is refused', (dateOfBirth, message) => {
    expect(rejected(validate('family', family({ dateOfBirth }))).errors.dateOfBirth).toBe(message);
  });

  test.each([['2026-11-20'], ['2008-11-20'], ['2024-02-29']])(
    'date of birth %s is accepted',
    (dateOfBirth) => {
      expect(accepted(validate('family', family({ dateOfBirth }))).dateOfBirth).toBe(dateOfBirth);
    },
  );

  test('an antenatal referral needs an expected date of delivery', () => {
    const { errors } = rejected(validate('family', family({ stage: 'antenatal', expectedDate: '' })));
    expect(errors.expectedDate).toBe('Expected date of delivery: this is required.');
    // but not the infant's name or date of birth
    expect(errors).not.toHaveProperty('infantName');
    expect(errors).not.toHaveProperty('dateOfBirth');
  });

  test.each([
    ['2027-09-25', 'Expected date of delivery: this is more than 44 weeks away; please check it.'],
    ['2025-11-19', 'Expected date of delivery: this was over a year ago.'],
    ['2027-02-29', 'Expected date of delivery: that is not a real date.'],
  ])('expected date %s is refused', (expectedDate, message) => {
    const { errors } = rejected(validate('family', family({ stage: 'antenatal', expectedDate })));
    expect(errors.expectedDate).toContain(message);
  });

  test('an EDD over a year ago points the referrer to “the baby is born”', () => {
    const { errors } = rejected(
      validate('family', family({ stage: 'antenatal', expectedDate: '2025-01-01' })),
    );
    expect(errors.expectedDate).toContain('choose "Yes, the baby is born" and give the date of birth');
  });

  test.each([
    ['44 weeks ahead', '2027-09-24'],
    ['today', '2026-11-20'],
    ['a year ago to the day', '2025-11-20'],
  ])('expected date %s is accepted', (_name, expectedDate) => {
    expect(accepted(validate('family', family({ stage: 'antenatal', expectedDate }))).expectedDate).toBe(
      expectedDate,
    );
  });

  test('the date that does not apply is dropped', () => {
    const born = accepted(validate('family', family({ expectedDate: '2027-01-01' })));
    expect(born).not.toHaveProperty('expectedDate');
    expect(born.dateOfBirth).toBe('2026-05-10');
    const antenatal = accepted(
      validate(
        'family',
        family({ stage: 'antenatal', expectedDate: '2027-01-01', dateOfBirth: '2026-05-10' }),
      ),
    );
    expect(antenatal).not.toHaveProperty('dateOfBirth');
    expect(antenatal).not.toHaveProperty('infantName');
    expect(antenatal.expectedDate).toBe('2027-01-01');
  });

  test.each([
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['9434765919', '9434765919'],
  ])('NHS number %j is valid and saved as %s', (nhsNumber, saved) => {
    expect(accepted(validate('family', family({ nhsNumber }))).nhsNumber).toBe(saved);
  });

  test.each([['943 476 5918'], ['123'], ['1111111111'], ['94347659190']])(
    'NHS number %j is refused',
    (nhsNumber) => {
      expect(rejected(validate('family', family({ nhsNumber }))).errors.nhsNumber).toMatch(
        /^NHS number: this is not a valid NHS number/,
      );
    },
  );

  test.each([
    ['le1 6th', 'LE1 6TH'],
    ['le16th', 'LE1 6TH'],
    ['  LE11   2AB ', 'LE11 2AB'],
  ])('postcode %j, asked because the address has none, is saved as %j', (postcode, saved) => {
    // LE11 is outside the service's districts (LE1, LE2): the local authority is asked too
    const raw = noPostcode({ postcode, localAuthority: 'Testshire County Council' });
    expect(accepted(validate('family', raw)).postcode).toBe(saved);
  });

  test.each([['LE1 11AB'], ['12345'], ['LE1']])('postcode %j is refused', (postcode) => {
    expect(rejected(validate('family', noPostcode({ postcode }))).errors.postcode).toBe(
      'Postcode: enter a UK postcode such as LE1 6TH.',
    );
  });

  test('the postcode at the end of the address is the postcode; the postcode input is then ignored', () => {
    const a = accepted(validate('family', family({ postcode: 'NG1 1AA' })));
    expect(a.postcode).toBe('LE1 6TH');
    expect(a.address).toBe(FULL_CALL.family!.address);
  });

  test('cross-field errors come back with the values as typed', () => {
    const raw = noPostcode({
      nhsNumber: '943 476 5918',
      postcode: 'zz',
      localAuthority: 'Testshire County Council',
    });
    const { errors, values } = rejected(validate('family', raw));
    expect(Object.keys(errors).sort()).toEqual(['nhsNumber', 'postcode']);
    expect(values.nhsNumber).toBe('943 476 5918');
    expect(values.postcode).toBe('zz');
    expect(values.infantName).toBe(FULL_CALL.family!.infantName);
  });
});

describe('cross-field rules: pick up the phone', () => {
  const concerns: Answers = {
    risk: { ...FULL_CALL.risk!, aggression: 'yes', mentalHealth: 'yes' },
  };
  const prompts = phonePrompts(concerns);
  const ptp = section('pickUpThePhone');

  test('the fields are built from the prompts: what happened, and one box for who and the outcome', () => {
    expect(prompts.map((p) => p.id)).toEqual(['mental-health', 'aggression']);
    expect(sectionFields(ptp, { prompts }).map((f) => f.id)).toEqual([
      'mental-health.status',
      'mental-health.notes',
      'aggression.status',
      'aggression.notes',
    ]);
    expect(sectionFields(section('consent'), { prompts })).toEqual(section('consent').fields);
  });

  test('with no prompt, an empty card is fine', () => {
    expect(accepted(validate('pickUpThePhone', {}, []))).toEqual({});
  });

  test('every prompt needs a status', () => {
    const { errors } = rejected(validate('pickUpThePhone', {}, prompts));
    expect(errors['mental-health.status']).toBe('Parental mental health: choose what happened.');
    expect(errors['aggression.status']).toBe(
      'Parents who disclose or display aggression: choose what happened.',
    );
  });

  test.each([['phoned'], ['not-needed'], ['could-not-reach']])('“%s” needs notes', (status) => {
    const { errors } = rejected(
      validate(
        'pickUpThePhone',
        {
          'mental-health.status': status,
          'mental-health.notes': '  ',
          'aggression.status': 'not-needed',
          'aggression.notes': 'Known.',
        },
        prompts,
      ),
    );
    expect(errors).toEqual({
      'mental-health.notes':
        'Parental mental health: say who you spoke to and the outcome, why it was not needed, or what you tried.',
    });
  });

  test('a complete record is accepted; name, role, organisation and number are no longer separate answers', () => {
    const a = accepted(
      validate(
        'pickUpThePhone',
        {
          'mental-health.status': 'phoned',
          'mental-health.notes': ' Sam Carer, PMHT, 0116 555 0199. Shared. ',
          'mental-health.name': 'Sam Carer',
          'mental-health.number': '0116 555 0199',
          'aggression.status': 'could-not-reach',
          'aggression.notes': 'Rang twice, no answer.',
        },
        prompts,
      ),
    );
    expect(a).toEqual({
      'mental-health.status': 'phoned',
      'mental-health.notes': 'Sam Carer, PMHT, 0116 555 0199. Shared.',
      'aggression.status': 'could-not-reach',
      'aggression.notes': 'Rang twice, no answer.',
    });
  });

  test('a status that is not an outcome is refused', () => {
    const { errors } = rejected(
      validate(
        'pickUpThePhone',
        { 'mental-health.status': 'emailed', 'aggression.status': 'not-needed' },
        prompts,
      ),
    );
    expect(errors['mental-health.status']).toBe(
      'Parental mental health: what happened?: choose one of the options.',
    );
  });
});

describe('asSubmitted', () => {
  test('gives saved answers back as card strings', () => {
    expect(asSubmitted({ concerns: ['anxiety', 'distance'], details: 'x' })).toEqual({
      concerns: 'anxiety,distance',
      details: 'x',
    });
    expect(asSubmitted(undefined)).toEqual({});
  });

  test('saved answers pass validation again unchanged', () => {
    const answers = validated('full', FULL_CALL);
    for (const s of SECTIONS) {
      const again = validateSection(s, asSubmitted(answers[s.id]), {
        today: TODAY,
        prompts: phonePrompts(answers),
        answers,
      });
      expect(again).toEqual({ ok: true, answers: answers[s.id] });
    }
  });
});

describe('validateDraft', () => {
  const ctx = (answers: Answers, today = TODAY, kind: 'full' | 'advice' = 'full') => ({
    today,
    prompts: phonePrompts(answers),
    answers,
    kind,
    profile: PROFILE,
  });

  test('a complete, consistent draft passes', () => {
    const answers = validated('full', FULL_CALL);
    expect(validateDraft(ctx(answers))).toEqual({ ok: true });
    const advice = validated('advice', ADVICE_CALL);
    expect(validateDraft(ctx(advice, TODAY, 'advice'))).toEqual({ ok: true });
  });

  test('a new prompt after pick-up-the-phone was saved sends the referrer back to it', () => {
    const answers = validated('full', FULL_CALL);
    // the referrer goes back to the risk screening and now reports aggression
    const changed: Answers = { ...answers, risk: { ...answers.risk!, aggression: 'yes' } };
    const check = validateDraft(ctx(changed));
    if (check.ok) throw new Error('expected a failure');
    expect(check.page.id).toBe('pickUpThePhone');
    // the missing status and, checked in the same pass, the notes every outcome needs
    expect(Object.keys(check.errors)).toEqual([
      'pickUpThePhone.aggression.status',
      'pickUpThePhone.aggression.notes',
    ]);
    // what was recorded for the other prompt comes back to be shown again
    expect(check.values['pickUpThePhone.mental-health.notes']).toBe(
      FULL_CALL.pickUpThePhone!['mental-health.notes'],
    );
  });

  test('the first bad page is the one reported', () => {
    const answers = validated('full', FULL_CALL);
    const broken: Answers = {
      ...answers,
      consent: { consent: '' },
      risk: { ...answers.risk!, aggression: 'yes' },
    };
    const check = validateDraft(ctx(broken));
    if (check.ok) throw new Error('expected a failure');
    expect(check.page.id).toBe('family');
    expect(Object.keys(check.errors)).toEqual(['consent.consent']);
  });

  test('a section never saved fails, on the page that asks it', () => {
    const { services: _omitted, ...answers } = validated('full', FULL_CALL);
    const check = validateDraft(ctx(answers));
    expect(!check.ok && check.page.id).toBe('services');
  });

  test('the stage, asked on the first card, is checked there', () => {
    const answers = validated('full', FULL_CALL);
    const { stage: _gone, ...family } = answers.family!;
    const check = validateDraft(ctx({ ...answers, family }));
    if (check.ok) throw new Error('expected a failure');
    expect(check.page.id).toBe('referrer');
    expect(check.errors['family.stage']).toMatch(/Is the baby born\?/);
  });

  test('dates are checked against the day of submission', () => {
    const answers = validated(
      'full',
      patch(FULL_CALL, {
        family: { stage: 'antenatal', expectedDate: '2025-11-20', dateOfBirth: undefined },
      }),
    );
    expect(validateDraft(ctx(answers, TODAY)).ok).toBe(true);
    const nextDay = validateDraft(ctx(answers, '2026-11-21'));
    expect(!nextDay.ok && nextDay.page.id).toBe('family');
    expect(!nextDay.ok && nextDay.errors['family.expectedDate']).toMatch(/over a year ago/);
  });
});

describe('facts given once are reused, not asked again (issue 9)', () => {
  const referrerAs = (
    role: string,
    name = 'Hannah Visitor',
    organisation = 'Testshire 0-19 Service',
  ): Answers => ({
    referrer: { ...FULL_CALL.referrer!, role, name, organisation },
  });
  const familyWith = (answers: Answers, changes: Record<string, unknown> = {}) =>
    validateSection(section('family'), family({ gp: undefined, healthVisitor: undefined, ...changes }), {
      today: TODAY,
      prompts: [],
      answers,
    });
  const asked = (answers: Answers) =>
    askedFields(section('family'), undefined, { ...answers, family: FULL_CALL.family! }, []).map((f) => f.id);

  test('a health visitor (or 0-19) referrer is the health visitor: "name, organisation", not asked', () => {
    const answers = referrerAs('health-visitor');
    expect(asked(answers)).not.toContain('healthVisitor');
    expect(asked(answers)).toContain('gp');
    const r = familyWith(answers);
    expect(r.ok && r.answers.healthVisitor).toBe('Hannah Visitor, Testshire 0-19 Service');
    // not asked, so a health visitor in a submission (a card sent before) is not read
    const typed = familyWith(answers, { healthVisitor: 'Jo Bloggs, South team' });
    expect(typed.ok && typed.answers.healthVisitor).toBe('Hannah Visitor, Testshire 0-19 Service');
  });

  test('a GP referrer is the GP, not asked', () => {
    const answers = referrerAs('gp', 'Dr Asha Rao', 'Market Street Surgery');
    expect(asked(answers)).not.toContain('gp');
    expect(asked(answers)).toContain('healthVisitor');
    const r = familyWith(answers, { healthVisitor: 'Jo Bloggs, South team' });
    expect(r.ok && r.answers).toMatchObject({
      gp: 'Dr Asha Rao, Market Street Surgery',
      healthVisitor: 'Jo Bloggs, South team',
    });
  });

  test('any other referrer is asked both', () => {
    const answers = referrerAs('midwife');
    expect(asked(answers)).toEqual(expect.arrayContaining(['gp', 'healthVisitor']));
    const r = familyWith(answers, { gp: 'Dr Patel', healthVisitor: '' });
    expect(r.ok && r.answers).toMatchObject({ gp: 'Dr Patel', healthVisitor: '' });
  });

  test('on the family card of a call, through validatePage, as the bot saves it', () => {
    const answers = validated('full', FULL_CALL);
    const page = pagesOf('full').find((p) => p.id === 'family')!;
    const raw = Object.fromEntries(
      Object.entries({ ...FULL_CALL.family!, ...FULL_CALL.consent! }).map(([k, v]) => [
        k === 'consent' ? 'consent.consent' : `family.${k}`,
        v,
      ]),
    );
    const r = validatePage(page, raw, { today: TODAY, prompts: [], answers, kind: 'full', profile: PROFILE });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.answers.family).toMatchObject({
      stage: 'born',
      healthVisitor: 'Hannah Visitor, Testshire 0-19 Service, North team',
      postcode: 'LE1 6TH',
    });
  });
});
