import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { OPEN_TO_SOCIAL_CARE, SOCIAL_CARE } from '../../src/domain/checklist';
import {
  assessEligibility,
  type Criterion,
  type CriterionStatus,
  type Eligibility,
  practitionerWillConsider,
} from '../../src/domain/eligibility';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, patch, TODAY, validated } from '../fixtures/calls';

/** The fixture call, validated: born 10 May 2026, LE1, consent, problem types, relationship concerns with some readiness, no exclusion. */
const BASE = validated('full', FULL_CALL);

type Changes = Partial<Record<keyof Answers, Record<string, string | readonly string[]>>>;

function answers(changes: Changes): Answers {
  const out: Answers = { ...BASE };
  for (const [section, fields] of Object.entries(changes) as [keyof Answers, Record<string, string>][]) {
    out[section] = { ...(BASE[section] ?? {}), ...fields };
  }
  return out;
}

/** A family whose address ends with the postcode, with the local authority where it is asked. */
const inAddress = (postcode: string, localAuthority: string) => ({
  address: `1 Example Street, Testtown ${postcode}`,
  postcode,
  localAuthority,
});

function reason(e: Eligibility, criterion: Criterion) {
  const r = e.reasons.find((x) => x.criterion === criterion);
  if (!r) throw new Error(`no ${criterion} reason`);
  return r;
}

function assess(changes: Changes, callDate = TODAY): Eligibility {
  return assessEligibility(answers(changes), callDate, PROFILE);
}

const ALL_CRITERIA: Criterion[] = [
  'age',
  'area',
  'problem',
  'modality',
  'statutory-agencies',
  'substance-misuse',
  'social-care',
];

test('the fixture call meets every criterion and is likely eligible', () => {
  const e = assess({});
  expect(e.reasons.map((r) => [r.criterion, r.status])).toEqual(ALL_CRITERIA.map((c) => [c, 'met']));
  expect(e.outcome).toBe('likely-eligible');
  expect(e.headline).toBe('Likely eligible');
});

describe('age on the day of the call', () => {
  test.each<[string, Record<string, string>, string, CriterionStatus, RegExp[]]>([
    [
      'unborn, EDD in the future',
      { stage: 'antenatal', expectedDate: '2027-01-15', dateOfBirth: '' },
      TODAY,
      'met',
      [/^Unborn/, /15 January 2027/],
    ],
    [
      'unborn, EDD is the day of the call',
      { stage: 'antenatal', expectedDate: '2026-11-20', dateOfBirth: '' },
      TODAY,
      'met',
      [/^Unborn/, /20 November 2026/],
    ],
    [
      'EDD passed by a day',
      { stage: 'antenatal', expectedDate: '2026-11-19', dateOfBirth: '' },
      TODAY,
      'check',
      [/19 November 2026/, /has passed/, /check whether the baby is born/],
    ],
    [
      'born on the day of the call',
      { stage: 'born', dateOfBirth: '2026-11-20' },
      TODAY,
      'met',
      [/Under 2 on the day of the call/, /\(0 months old\)/],
    ],
    [
      'the day before the 2nd birthday',
      { stage: 'born', dateOfBirth: '2024-11-21' },
      TODAY,
      'met',
      [/Under 2/, /\(23 months old\)/],
    ],
    [
      'the 2nd birthday itself',
      { stage: 'born', dateOfBirth: '2024-11-20' },
      TODAY,
      'not-met',
      [/over 2/i, /2nd birthday was 20 November 2026/, /unborn or under 2/],
    ],
    [
      'well over 2',
      { stage: 'born', dateOfBirth: '2023-06-01' },
      TODAY,
      'not-met',
      [/over 2/i, /1 June 2025/],
    ],
    [
      'born 29 February, on 28 February two years on (birthday not yet reached)',
      { stage: 'born', dateOfBirth: '2024-02-29' },
      '2026-02-28',
      'met',
      [/Under 2/, /23 months/],
    ],
    [
      'born 29 February, on 1 March two years on (the 2nd birthday in a non-leap year)',
      { stage: 'born', dateOfBirth: '2024-02-29' },
      '2026-03-01',
      'not-met',
      [/over 2/i, /1 March 2026/],
    ],
    [
      'a date of birth after the day of the call',
      { stage: 'born', dateOfBirth: '2026-11-21' },
      TODAY,
      'check',
      [/after the day of the call/],
    ],
    [
      'no date given',
      { stage: 'born', dateOfBirth: '' },
      TODAY,
      'check',
      [/No date of birth or expected date/],
    ],
    [
      'born: a stale EDD does not stand in for the missing date of birth',
      { stage: 'born', dateOfBirth: '', expectedDate: '2027-01-15' },
      TODAY,
      'check',
      [/No date of birth/],
    ],
    [
      'antenatal: a stale date of birth is ignored, the EDD counts',
      { stage: 'antenatal', expectedDate: '2027-01-15', dateOfBirth: '2020-01-01' },
      TODAY,
      'met',
      [/^Unborn/],
    ],
  ])('%s', (_name, family, callDate, status, texts) => {
    const r = reason(assess({ family }, callDate), 'age');
    expect(r.status).toBe(status);
    for (const t of texts) expect(r.text).toMatch(t);
  });

  test('the age is worked out on the call date, not any other day', () => {
    const family = { stage: 'born', dateOfBirth: '2024-11-21' };
    expect(reason(assess({ family }, '2026-11-20'), 'age').status).toBe('met');
    expect(reason(assess({ family }, '2026-11-21'), 'age').status).toBe('not-met');
  });

  test('EDD passed makes it the practitioner’s decision, not a refusal', () => {
    const e = assess({ family: { stage: 'antenatal', expectedDate: '2026-10-01' } });
    expect(e.outcome).toBe('practitioner-decides');
    expect(e.headline).toBe('For the practitioner to decide');
  });

  test('the 2nd birthday makes the referral likely not eligible', () => {
    const e = assess({ family: { stage: 'born', dateOfBirth: '2024-11-20' } });
    expect(e.outcome).toBe('likely-not-eligible');
    expect(e.headline).toBe('Likely not eligible');
  });
});

describe('in area', () => {
  test.each<[string, string, string, CriterionStatus, RegExp]>([
    ['a listed district (LE1)', 'LE1 6TH', 'not-known', 'met', /postcode district LE1\b/],
    ['another listed district (LE2)', 'LE2 7AA', 'not-known', 'met', /postcode district LE2\b/],
    ['LE11 is not LE1', 'LE11 2AB', 'not-known', 'check', /Postcode district LE11 is not on the service/],
    ['a listed local authority', 'NG1 1AA', 'Testville City Council', 'met', /Testville City Council/],
    ['another local authority', 'NG1 1AA', 'other', 'not-met', /Out of area.*outside Testshire/],
    ['LE11 in another local authority', 'LE11 2AB', 'other', 'not-met', /Out of area/],
    ['an unlisted postcode, local authority not known', 'NG1 1AA', 'not-known', 'check', /NG1.*check/],
    ['no postcode, local authority not known', '', 'not-known', 'check', /district unknown/],
  ])('%s', (_name, postcode, localAuthority, status, text) => {
    // as a call records it now: the postcode read from the end of the address, the local authority asked
    // only outside the service's districts (an older call without a postcode is checked on its answers)
    const family = postcode
      ? inAddress(postcode, localAuthority)
      : { address: '1 Example Street, Testtown', postcode, localAuthority };
    const r = reason(assess({ family }), 'area');
    expect(r.status).toBe(status);
    expect(r.text).toMatch(text);
  });

  test('out of area (another local authority) is likely not eligible', () => {
    expect(assess({ family: inAddress('NG1 1AA', 'other') }).outcome).toBe('likely-not-eligible');
  });

  test('the postcode is read from the address as typed on the card, and the area follows it', () => {
    const e = assessEligibility(
      validated(
        'full',
        patch(FULL_CALL, { family: { address: '2 Far Road, Farton, ng1 1aa.', localAuthority: 'other' } }),
      ),
      TODAY,
      PROFILE,
    );
    expect(reason(e, 'area')).toMatchObject({ status: 'not-met' });
    // in the service's districts the local authority is not asked, and the area is met by the postcode
    const near = validated('full', patch(FULL_CALL, { family: { localAuthority: 'other' } }));
    expect(near.family).not.toHaveProperty('localAuthority');
    expect(reason(assessEligibility(near, TODAY, PROFILE), 'area')).toMatchObject({
      status: 'met',
      text: expect.stringMatching(/postcode district LE1\b/),
    });
  });

  test('a service configured by local authority only still finds the family in area', () => {
    const profile = { ...PROFILE, postcodeDistricts: [] };
    const e = assessEligibility(
      answers({ family: { postcode: 'LE1 6TH', localAuthority: 'Testshire County Council' } }),
      TODAY,
      profile,
    );
    expect(reason(e, 'area')).toMatchObject({
      status: 'met',
      text: expect.stringMatching(/Testshire County/),
    });
    const unknown = assessEligibility(
      answers({ family: { postcode: 'LE1 6TH', localAuthority: 'not-known' } }),
      TODAY,
      profile,
    );
    expect(reason(unknown, 'area').status).toBe('check');
  });
});

describe('consent to be contacted is what the referral needs, not a criterion', () => {
  test.each(['yes', 'no', 'not-asked'])(
    '[HAZ-13] consent "%s" changes neither the reasons nor the suggestion',
    (consent) => {
      const e = assess({ consent: { consent } });
      expect(e.reasons.map((r) => r.criterion)).not.toContain('consent');
      expect(e.reasons.map((r) => r.text).join(' ')).not.toMatch(/consent/i);
      expect(e.outcome).toBe('likely-eligible');
      expect(e).toEqual(assess({}));
    },
  );

  test('[HAZ-13] the referrer is told what the practitioner will consider: the criteria, with no verdict and no consent', () => {
    const lines = practitionerWillConsider(PROFILE).join('\n');
    expect(lines).toMatch(/unborn or under 2/);
    expect(lines).toContain('Testshire');
    expect(lines).toMatch(/socio-emotional development/);
    expect(lines).toMatch(/parent-infant relationship/);
    expect(lines).not.toMatch(/likely (not )?eligible|not eligible|consent/i);
  });
});

describe('the parent-infant relationship as the preferred modality (seed 001’s third criterion)', () => {
  test.each<[string, Changes, CriterionStatus, RegExp]>([
    [
      'relationship concerns, the parent ready and wanting help',
      { availability: { readiness: 'ready' } },
      'met',
      /parent-infant relationship fits.*misattunement, anxiety.*is ready and wants help/,
    ],
    [
      'relationship concerns, some readiness or ambivalence',
      { availability: { readiness: 'some' } },
      'met',
      /shows some readiness/,
    ],
    [
      'relationship concerns, the parent not yet ready',
      { availability: { readiness: 'not-yet' } },
      'check',
      /not there yet.*preferred modality now is for the practitioner/,
    ],
    [
      'relationship concerns, readiness not known',
      { availability: { readiness: 'not-known' } },
      'check',
      /readiness.*is not known/,
    ],
    [
      'no relationship concern recorded',
      { relationship: { concerns: [] } },
      'check',
      /No concern about the parent-infant relationship/,
    ],
  ])('[HAZ-17] %s', (_name, changes, status, text) => {
    const r = reason(assess(changes), 'modality');
    expect(r.status).toBe(status);
    expect(r.text).toMatch(text);
  });

  test('[HAZ-17] readiness that is not there yet leaves it to the practitioner, never an exclusion', () => {
    const e = assess({ availability: { readiness: 'not-yet' } });
    expect(e.outcome).toBe('practitioner-decides');
    expect(e.reasons.filter((r) => r.status !== 'met').map((r) => r.criterion)).toEqual(['modality']);
  });
});

describe('a problem impinging on socio-emotional development', () => {
  test('a policy problem type is met and named', () => {
    const r = reason(
      assess({ context: { problems: ['infant-illness', 'systemic-child-at-risk'] } }),
      'problem',
    );
    expect(r.status).toBe('met');
    expect(r.text).toContain('Infant: illness and/or vulnerability (e.g. genetic syndrome)');
    expect(r.text).toContain('Systemic: child at risk / child in need');
  });

  test('only relationship concerns: the practitioner considers them', () => {
    const r = reason(
      assess({ context: { problems: [] }, relationship: { concerns: ['distance', 'anxiety'] } }),
      'problem',
    );
    expect(r.status).toBe('check');
    expect(r.text).toMatch(/distance, anxiety/);
  });

  test('no problem and no concern is not met', () => {
    const r = reason(assess({ context: { problems: [] }, relationship: { concerns: [] } }), 'problem');
    expect(r.status).toBe('not-met');
  });
});

describe('exclusions', () => {
  test.each<[string, CriterionStatus]>([
    ['refused', 'not-met'],
    ['yes', 'met'],
    ['not-applicable', 'met'],
    ['not-known', 'met'],
  ])('statutory agencies %s -> %s', (statutoryCollaboration, status) => {
    // asked only where a statutory agency is involved: Early Help is (and is no bar of its own)
    const r = reason(
      assess({ services: { socialCare: 'early-help', statutoryCollaboration } }),
      'statutory-agencies',
    );
    expect(r.status).toBe(status);
    if (status === 'not-met') expect(r.text).toMatch(/refuse to collaborate/);
  });

  test.each<[string, CriterionStatus]>([
    ['active', 'not-met'],
    ['past', 'met'],
    ['none', 'met'],
    ['not-known', 'met'],
  ])('substance misuse %s -> %s', (substanceMisuse, status) => {
    const r = reason(assess({ risk: { substanceMisuse } }), 'substance-misuse');
    expect(r.status).toBe(status);
    if (status === 'not-met') expect(r.text).toMatch(/Active substance misuse/);
  });

  test.each(OPEN_TO_SOCIAL_CARE)('open to social care (%s) is the practitioner’s judgement', (socialCare) => {
    const r = reason(assess({ services: { socialCare } }), 'social-care');
    expect(r.status).toBe('check');
    expect(r.text).toContain(SOCIAL_CARE.find((s) => s.value === socialCare)!.title);
    expect(r.text).toMatch(/practitioner’s judgement/);
  });

  test('social care not known is for the practitioner to check, not a met criterion', () => {
    const r = reason(assess({ services: { socialCare: 'not-known' } }), 'social-care');
    expect(r.status).toBe('check');
    expect(r.text).toMatch(/^Not known whether/);
  });

  test.each<[string, RegExp]>([
    ['none', /^Not open to children’s social care/],
    ['early-help', /^Not open to children’s social care/],
  ])('social care %s is no bar', (socialCare, text) => {
    const r = reason(assess({ services: { socialCare } }), 'social-care');
    expect(r.status).toBe('met');
    expect(r.text).toMatch(text);
  });
});

describe('the outcome', () => {
  test('any not-met reason makes it likely not eligible, and each reason is listed', () => {
    const e = assess({
      consent: { consent: 'no' },
      risk: { substanceMisuse: 'active' },
      services: { statutoryCollaboration: 'refused', socialCare: 'child-protection' },
      family: inAddress('NG1 1AA', 'other'),
    });
    expect(e.outcome).toBe('likely-not-eligible');
    const notMet = e.reasons.filter((r) => r.status === 'not-met').map((r) => r.criterion);
    expect(notMet).toEqual(['area', 'statutory-agencies', 'substance-misuse']);
    // the practitioner-judgement reason is still there too
    expect(reason(e, 'social-care').status).toBe('check');
  });

  test.each<[Criterion, Changes]>([
    ['age', { family: { stage: 'born', dateOfBirth: '2024-01-01' } }],
    ['area', { family: inAddress('NG1 1AA', 'other') }],
    ['problem', { context: { problems: [] }, relationship: { concerns: [] } }],
    ['statutory-agencies', { services: { socialCare: 'early-help', statutoryCollaboration: 'refused' } }],
    ['substance-misuse', { risk: { substanceMisuse: 'active' } }],
  ])('%s alone not met is enough for likely not eligible', (criterion, changes) => {
    const e = assess(changes);
    // (no relationship concern also leaves the modality to the practitioner: a check, not a bar)
    expect(e.reasons.filter((r) => r.status === 'not-met').map((r) => r.criterion)).toEqual([criterion]);
    expect(e.outcome).toBe('likely-not-eligible');
  });

  test('a single not-met reason outweighs checks', () => {
    const e = assess({ availability: { readiness: 'not-known' }, risk: { substanceMisuse: 'active' } });
    expect(e.outcome).toBe('likely-not-eligible');
  });

  test('checks without any not-met reason leave it to the practitioner', () => {
    const e = assess({
      availability: { readiness: 'not-yet' },
      services: { socialCare: 'child-in-need' },
    });
    expect(e.outcome).toBe('practitioner-decides');
    expect(e.reasons.filter((r) => r.status === 'check').map((r) => r.criterion)).toEqual([
      'modality',
      'social-care',
    ]);
  });

  test.each<[string, Changes]>([
    ['eligible', {}],
    ['practitioner decides', { availability: { readiness: 'not-known' } }],
    ['not eligible', { family: { stage: 'born', dateOfBirth: '2020-01-01' }, consent: { consent: 'no' } }],
    ['no answers at all', {}],
  ])('every result carries a reason for each criterion (%s)', (name, changes) => {
    const e =
      name === 'no answers at all'
        ? assessEligibility({}, TODAY, PROFILE)
        : assessEligibility(answers(changes), TODAY, PROFILE);
    expect(e.reasons.map((r) => r.criterion)).toEqual(ALL_CRITERIA);
    for (const r of e.reasons) expect(r.text.length).toBeGreaterThan(10);
  });

  test('no answers at all is never suggested as eligible', () => {
    expect(assessEligibility({}, TODAY, PROFILE).outcome).toBe('likely-not-eligible');
  });
});
