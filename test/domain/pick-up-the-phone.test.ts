import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { checklist, SOCIAL_CARE } from '../../src/domain/checklist';
import {
  FIND_THE_NUMBER,
  PHONE_OUTCOMES,
  type PromptId,
  phonePrompts,
  phoneRecords,
  promptFields,
  promptNumbers,
} from '../../src/domain/pick-up-the-phone';
import { PROFILE } from '../fixtures/calls';

/** Answers that raise no information-sharing prompt. */
const QUIET: Answers = {
  context: { problems: ['parental-trauma-loss'], details: 'Traumatic birth.' },
  services: {
    involvement: 'HV only.',
    socialCare: 'none',
    statutoryCollaboration: 'not-applicable',
    outOfArea: 'no',
    outOfAreaDetails: '',
    hospital: 'no',
    hospitalDetails: '',
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
    ['no possible harm to the baby or a parent', { risk: { harmToBaby: 'no', harmToParent: 'no' } }],
    ['hospital not known', { services: { hospital: 'not-known' } }],
  ])('no prompt for %s', (_name, changes) => {
    expect(phonePrompts(answers(changes))).toEqual([]);
  });
});

test('prompts come in the briefing’s order', () => {
  const all = answers({
    services: { socialCare: 'child-in-need', outOfArea: 'yes', hospital: 'discharge' },
    risk: {
      harmToBaby: 'yes',
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
    'safeguarding-referral',
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
    'hospital-discharge',
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
    services: { socialCare: 'child-in-need', outOfArea: 'yes', hospital: 'in-hospital' },
    risk: {
      harmToBaby: 'yes',
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
  expect(new Set(who).size).toBe(12);
});

describe('seed 003: a safeguarding referral where harm is possible', () => {
  test.each<[string, Changes, RegExp, RegExp]>([
    ['harm to the baby: yes', { risk: { harmToBaby: 'yes' } }, /^Possible harm to the baby\.$/, /front door/],
    [
      'harm to the baby: not known',
      { risk: { harmToBaby: 'not-known' } },
      /^Possible harm to the baby is not known: find out today\.$/,
      /front door/,
    ],
    [
      'harm to a parent: yes',
      { risk: { harmToParent: 'yes' } },
      /^Possible harm to a parent\.$/,
      /adult social care/,
    ],
    [
      'harm to a parent: not known',
      { risk: { harmToParent: 'not-known' } },
      /^Possible harm to a parent is not known/,
      /adult social care, and the parent’s GP/,
    ],
  ])('[HAZ-11] %s prompts the social care referral, first', (_name, changes, because, who) => {
    // with other concerns too, the referral leads the list as the briefing leads with it
    const prompts = phonePrompts(answers({ ...changes, services: { socialCare: 'child-in-need' } }));
    expect(prompts.map((p) => p.id)).toEqual(['safeguarding-referral', 'open-to-social-care']);
    const p = prompts[0]!;
    expect(p.title).toBe('Safeguarding referral to children’s (and adult) social care');
    expect(p.because).toMatch(because);
    expect(p.whoToPhone).toMatch(who);
    expect(p.outOfHours).toBe('social-care');
  });

  test('[HAZ-11] harm to both: one referral prompt naming both', () => {
    const prompts = phonePrompts(answers({ risk: { harmToBaby: 'yes', harmToParent: 'not-known' } }));
    expect(prompts.map((p) => p.id)).toEqual(['safeguarding-referral']);
    expect(prompts[0]!.because).toBe(
      'Possible harm to the baby. Possible harm to a parent is not known: find out today.',
    );
    expect(prompts[0]!.whoToPhone).toMatch(/front door.*adult social care/);
  });

  test('[HAZ-11] a referral that could not be made is recorded, and shows in the record', () => {
    const records = phoneRecords(
      answers({
        risk: { harmToBaby: 'yes' },
        pickUpThePhone: {
          'safeguarding-referral.status': 'could-not-reach',
          'safeguarding-referral.notes': 'Front door line busy twice.',
        },
      }),
    );
    expect(records[0]).toMatchObject({ outcome: 'could-not-reach', notes: 'Front door line busy twice.' });
  });
});

describe('seed 003: patient admission and discharge planning', () => {
  test('[HAZ-11] the call asks whether mother or baby is in, or about to leave, hospital (full and advice calls)', () => {
    for (const kind of ['full', 'advice'] as const) {
      const section = checklist(kind, PROFILE).find(
        (s) => s.id === (kind === 'full' ? 'services' : 'advice'),
      )!;
      const q = section.fields.find((f) => f.id === 'hospital')!;
      expect(q).toMatchObject({ kind: 'choice', required: true });
      expect(q.label).toBe('Is the mother or baby in hospital, or about to be admitted or discharged?');
      expect(q.choices!.map((c) => c.value)).toEqual(['no', 'in-hospital', 'discharge', 'not-known']);
    }
  });

  test('[HAZ-11] in hospital or about to be admitted: the admission handover prompt', () => {
    const [p, ...rest] = phonePrompts(
      answers({ services: { hospital: 'in-hospital', hospitalDetails: 'Baby on the neonatal unit, LRI' } }),
    );
    expect(rest).toEqual([]);
    expect(p!.id).toBe('hospital-admission');
    expect(p!.because).toBe('In hospital or about to be admitted: Baby on the neonatal unit, LRI');
    expect(p!.whoToPhone).toMatch(/tell each other your contact numbers, including out of hours/);
    expect(p!.whoToPhone).toMatch(/out-of-area health staff.*go into the patient’s record/);
  });

  test('[HAZ-11] about to be discharged: the discharge planning prompt hands over incidents and concerns', () => {
    const [p, ...rest] = phonePrompts(answers({ services: { hospital: 'discharge' } }));
    expect(rest).toEqual([]);
    expect(p!.id).toBe('hospital-discharge');
    expect(p!.because).toBe('Mother or baby is about to be discharged from hospital.');
    expect(p!.whoToPhone).toMatch(/hand over any untoward incidents and concerns/);
  });

  test('[HAZ-11] an advice call’s hospital answer prompts the handover too', () => {
    const prompts = phonePrompts({
      advice: {
        stage: 'under-two',
        question: 'Q',
        socialCare: 'none',
        outOfArea: 'no',
        hospital: 'discharge',
      },
      risk: QUIET.risk!,
    });
    expect(prompts.map((p) => p.id)).toEqual(['hospital-discharge']);
  });
});

describe('seed 003: out-of-hours numbers in the phone prompts', () => {
  const all = phonePrompts(
    answers({
      services: { socialCare: 'child-in-need', outOfArea: 'yes', hospital: 'in-hospital' },
      risk: { harmToBaby: 'yes', domesticAbuse: 'yes' },
    }),
  );

  test('[HAZ-11] social care prompts give the front door in hours and the Emergency Duty Team out of hours', () => {
    for (const id of ['safeguarding-referral', 'open-to-social-care']) {
      const numbers = promptNumbers(all.find((p) => p.id === id)!, PROFILE);
      expect(numbers).toEqual([
        { label: 'In hours', value: `${PROFILE.frontDoorName}: ${PROFILE.frontDoorNumber}` },
        {
          label: 'Out of hours',
          value: `Children’s social care: ${PROFILE.outOfHoursName} on ${PROFILE.outOfHoursNumber}. In immediate danger call 999.`,
        },
      ]);
    }
  });

  test('[HAZ-11] every other prompt asks for and gives out-of-hours numbers, with the Emergency Duty Team', () => {
    const health = all.filter((p) => p.outOfHours === 'health');
    expect(health.map((p) => p.id)).toEqual(['domestic-abuse', 'out-of-area', 'hospital-admission']);
    for (const p of health) {
      const [n, ...rest] = promptNumbers(p, PROFILE);
      expect(rest).toEqual([]);
      expect(n!.label).toBe('Out of hours');
      expect(n!.value).toMatch(/^Ask for their out-of-hours contact and give them yours\./);
      expect(n!.value).toContain(`${PROFILE.outOfHoursName} on ${PROFILE.outOfHoursNumber}`);
    }
  });

  test('[HAZ-11] without configured numbers the prompt still names where to go', () => {
    const p = all.find((x) => x.id === 'safeguarding-referral')!;
    const numbers = promptNumbers(p, { ...PROFILE, frontDoorNumber: undefined, outOfHoursNumber: undefined });
    expect(numbers[0]!.value).toBe(`${PROFILE.frontDoorName} for the family’s local authority`);
    expect(numbers[1]!.value).toBe(
      'Children’s social care: the Emergency Duty Team for the family’s area. In immediate danger call 999.',
    );
  });
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
  test('a status choice of the three outcomes, then one required box for who, the number and the outcome', () => {
    const [p] = phonePrompts(answers({ risk: { aggression: 'yes' } }));
    const fields = promptFields(p!);
    expect(fields.map((f) => f.id)).toEqual(['aggression.status', 'aggression.notes']);
    expect(fields[0]).toMatchObject({ kind: 'choice', required: true, choices: PHONE_OUTCOMES });
    expect(fields[0]!.label).toContain(p!.title);
    expect(fields[1]).toMatchObject({ kind: 'longtext', required: true, maxLength: 500 });
    expect(fields[1]!.label).toBe(
      'Who you spoke to (name, role, organisation, number) and the outcome; or why it was not needed, or what you tried',
    );
    expect(fields[1]!.errorMessage).toContain(p!.title);
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

  test('contact details recorded by older cards, and notes, are carried for each prompt', () => {
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
