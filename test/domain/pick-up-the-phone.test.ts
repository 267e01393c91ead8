import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { SOCIAL_CARE } from '../../src/domain/checklist';
import {
  FIND_THE_NUMBER,
  PHONE_OUTCOMES,
  type PromptId,
  phonePrompts,
  phoneRecords,
  promptFields,
} from '../../src/domain/pick-up-the-phone';

/** Answers that raise no information-sharing prompt. */
const QUIET: Answers = {
  context: { problems: ['parental-trauma-loss'], details: 'Traumatic birth.' },
  services: {
    involvement: 'HV only.',
    socialCare: 'none',
    statutoryCollaboration: 'not-applicable',
    outOfArea: 'no',
    outOfAreaDetails: '',
  },
  risk: {
    harmToBaby: 'no',
    harmToParent: 'no',
    domesticAbuse: 'no',
    substanceMisuse: 'none',
    mentalHealth: 'no',
    aggression: 'no',
    nonCompliance: 'no',
    notBrought: 'no',
    earlyHelpRefused: 'no',
    disclosures: 'no',
    level: 'none-or-low',
  },
};

type Changes = Partial<Record<keyof Answers, Record<string, string | readonly string[]>>>;

function answers(changes: Changes, base: Answers = QUIET): Answers {
  const out: Answers = { ...base };
  for (const [section, fields] of Object.entries(changes) as [keyof Answers, Record<string, string>][]) {
    out[section] = { ...(base[section] ?? {}), ...fields };
  }
  return out;
}

test('no concern, no prompt', () => {
  expect(phonePrompts(QUIET)).toEqual([]);
  expect(phonePrompts({})).toEqual([]);
});

describe('each of the briefing’s information types prompts exactly its call', () => {
  test.each<[string, Changes, PromptId, RegExp]>([
    [
      'open to CSC: assessment',
      { services: { socialCare: 'assessment' } },
      'open-to-social-care',
      /assessment/,
    ],
    [
      'open to CSC: child in need',
      { services: { socialCare: 'child-in-need' } },
      'open-to-social-care',
      /child in need/,
    ],
    [
      'open to CSC: child protection',
      { services: { socialCare: 'child-protection' } },
      'open-to-social-care',
      /child protection/,
    ],
    [
      'open to CSC: looked after',
      { services: { socialCare: 'looked-after' } },
      'open-to-social-care',
      /Looked after/,
    ],
    ['disclosures below threshold', { risk: { disclosures: 'yes' } }, 'disclosures', /disclosures/],
    ['active substance misuse', { risk: { substanceMisuse: 'active' } }, 'substance-misuse', /^Active/],
    ['past substance misuse', { risk: { substanceMisuse: 'past' } }, 'substance-misuse', /in the past/],
    ['domestic abuse', { risk: { domesticAbuse: 'yes' } }, 'domestic-abuse', /Domestic abuse/],
    [
      'mental health from the risk screening',
      { risk: { mentalHealth: 'yes' } },
      'mental-health',
      /mental health/,
    ],
    [
      'mental health from the context problem types',
      { context: { problems: ['parental-mental-health'] } },
      'mental-health',
      /mental health/,
    ],
    ['not complying with plans', { risk: { nonCompliance: 'yes' } }, 'non-compliance', /not complied/],
    ['not brought to an appointment', { risk: { notBrought: 'yes' } }, 'not-brought', /not brought/],
    ['aggression', { risk: { aggression: 'yes' } }, 'aggression', /aggression/],
    ['early help refused', { risk: { earlyHelpRefused: 'yes' } }, 'early-help-refused', /refused Early Help/],
    ['out-of-area professional', { services: { outOfArea: 'yes' } }, 'out-of-area', /outside the area/],
  ])('%s', (_name, changes, id, because) => {
    const prompts = phonePrompts(answers(changes));
    expect(prompts.map((p) => p.id)).toEqual([id]);
    const p = prompts[0]!;
    expect(p.because).toMatch(because);
    expect(p.title.length).toBeGreaterThan(5);
    expect(p.whoToPhone.length).toBeGreaterThan(10);
    expect(p.findTheNumber).toBe(FIND_THE_NUMBER);
  });

  test('the open-to-social-care prompt gives the level as its reason', () => {
    const [p] = phonePrompts(answers({ services: { socialCare: 'child-protection' } }));
    expect(p!.because).toBe(SOCIAL_CARE.find((s) => s.value === 'child-protection')!.title);
    expect(p!.whoToPhone).toMatch(/allocated social worker/);
  });

  test('out of area: the professionals named become the reason', () => {
    const [p] = phonePrompts(
      answers({
        services: {
          outOfArea: 'yes',
          outOfAreaDetails: 'Jo Bloggs, midwife, Nottingham University Hospitals',
        },
      }),
    );
    expect(p!.because).toBe('Involved out of area: Jo Bloggs, midwife, Nottingham University Hospitals');
    expect(p!.whoToPhone).toMatch(/Record their name, role, organisation and number/);
  });

  test.each<[string, Changes]>([
    ['social care none', { services: { socialCare: 'none' } }],
    ['early help only', { services: { socialCare: 'early-help' } }],
    ['social care not known', { services: { socialCare: 'not-known' } }],
    ['substance misuse none', { risk: { substanceMisuse: 'none' } }],
    ['substance misuse not known', { risk: { substanceMisuse: 'not-known' } }],
    ['disclosures not known', { risk: { disclosures: 'not-known' } }],
    ['domestic abuse not known', { risk: { domesticAbuse: 'not-known' } }],
    ['mental health not known', { risk: { mentalHealth: 'not-known' } }],
    [
      'other parental problems',
      { context: { problems: ['parental-personality-disorder', 'parental-isolation'] } },
    ],
    ['non-compliance not known', { risk: { nonCompliance: 'not-known' } }],
    ['not brought not known', { risk: { notBrought: 'not-known' } }],
    ['aggression not known', { risk: { aggression: 'not-known' } }],
    ['early help refusal not known', { risk: { earlyHelpRefused: 'not-known' } }],
    ['out of area not known', { services: { outOfArea: 'not-known' } }],
    [
      'possible harm (its own policy route, not this briefing)',
      { risk: { harmToBaby: 'yes', harmToParent: 'yes' } },
    ],
  ])('no prompt for %s', (_name, changes) => {
    expect(phonePrompts(answers(changes))).toEqual([]);
  });
});

test('prompts come in the briefing’s order', () => {
  const all = answers({
    services: { socialCare: 'child-in-need', outOfArea: 'yes' },
    risk: {
      disclosures: 'yes',
      substanceMisuse: 'active',
      domesticAbuse: 'yes',
      mentalHealth: 'yes',
      nonCompliance: 'yes',
      notBrought: 'yes',
      aggression: 'yes',
      earlyHelpRefused: 'yes',
    },
  });
  expect(phonePrompts(all).map((p) => p.id)).toEqual([
    'open-to-social-care',
    'disclosures',
    'substance-misuse',
    'domestic-abuse',
    'mental-health',
    'non-compliance',
    'not-brought',
    'aggression',
    'early-help-refused',
    'out-of-area',
  ]);
});

test('mental health from both sources is one prompt', () => {
  const prompts = phonePrompts(
    answers({ risk: { mentalHealth: 'yes' }, context: { problems: ['parental-mental-health'] } }),
  );
  expect(prompts.map((p) => p.id)).toEqual(['mental-health']);
});

test('how to find the number: the generic number, else the switchboard', () => {
  expect(FIND_THE_NUMBER).toMatch(/generic number of the relevant team/);
  expect(FIND_THE_NUMBER).toMatch(/local authority or NHS Trust website/);
  expect(FIND_THE_NUMBER).toMatch(/if there is none, call the switchboard and ask to be redirected/);
});

test('each prompt says whom to phone, and they differ', () => {
  const all = answers({
    services: { socialCare: 'child-in-need', outOfArea: 'yes' },
    risk: {
      disclosures: 'yes',
      substanceMisuse: 'active',
      domesticAbuse: 'yes',
      mentalHealth: 'yes',
      nonCompliance: 'yes',
      notBrought: 'yes',
      aggression: 'yes',
      earlyHelpRefused: 'yes',
    },
  });
  const who = phonePrompts(all).map((p) => p.whoToPhone);
  expect(new Set(who).size).toBe(10);
});

describe('advice-only calls', () => {
  const ADVICE: Answers = {
    advice: { stage: 'under-two', question: 'Q', socialCare: 'none', outOfArea: 'no', context: '' },
    risk: QUIET.risk!,
  };

  test('social care and out-of-area answers in the advice section prompt calls too', () => {
    const prompts = phonePrompts(
      answers({ advice: { socialCare: 'child-protection', outOfArea: 'yes' } }, ADVICE),
    );
    expect(prompts.map((p) => p.id)).toEqual(['open-to-social-care', 'out-of-area']);
    expect(prompts[1]!.because).toBe('A professional from outside the area is involved.');
  });

  test('quiet advice answers prompt nothing', () => {
    expect(phonePrompts(ADVICE)).toEqual([]);
  });
});

describe('promptFields', () => {
  test('a status choice of the three outcomes, then contact details and notes', () => {
    const [p] = phonePrompts(answers({ risk: { aggression: 'yes' } }));
    const fields = promptFields(p!);
    expect(fields.map((f) => f.id)).toEqual([
      'aggression.status',
      'aggression.name',
      'aggression.role',
      'aggression.organisation',
      'aggression.number',
      'aggression.notes',
    ]);
    expect(fields[0]).toMatchObject({ kind: 'choice', required: true, choices: PHONE_OUTCOMES });
    expect(fields[0]!.label).toContain(p!.title);
    expect(fields[4]!.kind).toBe('phone');
    expect(PHONE_OUTCOMES.map((o) => o.value)).toEqual(['phoned', 'not-needed', 'could-not-reach']);
  });
});

describe('phoneRecords', () => {
  const concerns = answers({
    risk: { aggression: 'yes', domesticAbuse: 'yes', disclosures: 'yes', notBrought: 'yes' },
  });

  test.each([
    ['phoned', 'phoned'],
    ['not-needed', 'not-needed'],
    ['could-not-reach', 'could-not-reach'],
    ['', 'not-recorded'],
    ['maybe', 'not-recorded'],
  ])('status %j is recorded as %s', (status, outcome) => {
    const records = phoneRecords({ ...concerns, pickUpThePhone: { 'aggression.status': status } });
    expect(records.find((r) => r.prompt.id === 'aggression')!.outcome).toBe(outcome);
    // the status belongs to its own prompt only
    expect(records.find((r) => r.prompt.id === 'disclosures')!.outcome).toBe('not-recorded');
  });

  test('contact details and notes are carried for each prompt', () => {
    const records = phoneRecords({
      ...concerns,
      pickUpThePhone: {
        'domestic-abuse.status': 'phoned',
        'domestic-abuse.name': 'Priya Shah',
        'domestic-abuse.role': 'Health visitor',
        'domestic-abuse.organisation': 'Northshire Community Trust',
        'domestic-abuse.number': '01234 567890',
        'domestic-abuse.notes': 'HV aware; will visit jointly.',
        'aggression.status': 'not-needed',
        'aggression.notes': 'Reported by the HV herself.',
      },
    });
    expect(records.map((r) => r.prompt.id)).toEqual([
      'disclosures',
      'domestic-abuse',
      'not-brought',
      'aggression',
    ]);
    expect(records[1]).toMatchObject({
      outcome: 'phoned',
      name: 'Priya Shah',
      role: 'Health visitor',
      organisation: 'Northshire Community Trust',
      number: '01234 567890',
      notes: 'HV aware; will visit jointly.',
    });
    expect(records[3]).toMatchObject({
      outcome: 'not-needed',
      name: '',
      notes: 'Reported by the HV herself.',
    });
    // a prompt that applies but has no answers yet
    expect(records[0]).toMatchObject({ outcome: 'not-recorded', name: '', number: '', notes: '' });
  });

  test('answers to prompts that no longer apply are dropped', () => {
    const records = phoneRecords(
      answers({
        risk: { aggression: 'no', mentalHealth: 'yes' },
        pickUpThePhone: {
          'aggression.status': 'phoned',
          'aggression.name': 'Old Answer',
          'mental-health.status': 'could-not-reach',
          'mental-health.notes': 'Tried twice.',
        },
      }),
    );
    expect(records.map((r) => r.prompt.id)).toEqual(['mental-health']);
    expect(records[0]).toMatchObject({ outcome: 'could-not-reach', notes: 'Tried twice.' });
    expect(JSON.stringify(records)).not.toContain('Old Answer');
  });
});
