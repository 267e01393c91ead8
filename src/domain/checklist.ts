import type { Answers } from './answers';
import { type FieldDef, LIMITS } from './fields';
import { postcodeDistrict, postcodeIn } from './postcode';

/** Service specifics the questions depend on: every IMH service differs. */
export interface ServiceProfile {
  readonly serviceName: string;
  readonly areaName: string;
  readonly postcodeDistricts: readonly string[];
  readonly localAuthorities: readonly string[];
  readonly adviceLineNumber: string;
  /** Where a referrer reports a child at risk: many areas do not call it MASH (issue 8). */
  readonly frontDoorName: string;
  /** Required in production; a local bot may run without it (the referrer is told where to find it). */
  readonly frontDoorNumber?: string | undefined;
  /** The out-of-hours route for children's social care, usually the Emergency Duty Team. */
  readonly outOfHoursName: string;
  /** The Emergency Duty Team: children's social care out of hours (also in the phone prompts). */
  readonly outOfHoursNumber?: string | undefined;
  readonly callMinutes: number;
  readonly timeZone: string;
}

export type CallKind = 'full' | 'advice';

export type SectionId =
  | 'referrer'
  | 'family'
  | 'consent'
  | 'relationship'
  | 'infant'
  | 'availability'
  | 'context'
  | 'services'
  | 'universal'
  | 'risk'
  | 'pickUpThePhone'
  | 'referral'
  | 'advice';

export interface SectionDef {
  readonly id: SectionId;
  readonly title: string;
  /** Why the section matters, in the words of the duty-call guide where it has them. */
  readonly intro: string;
  /** Which of the guide's six key points this section covers (1-6), if any. */
  readonly keyPoint?: number;
  /** The answers recorded, in order: what summaries show. */
  readonly fields: readonly FieldDef[];
  /** The inputs its card asks, when they differ from the answers recorded (the compact risk card). */
  readonly card?: readonly FieldDef[];
}

const yesNoUnknown = [
  { value: 'yes', title: 'Yes' },
  { value: 'no', title: 'No' },
  { value: 'not-known', title: 'Not known' },
] as const;

const screeningQuestion = (id: string, label: string, help?: string): FieldDef => ({
  id,
  kind: 'choice',
  label,
  required: true,
  choices: yesNoUnknown,
  ...(help ? { help } : {}),
});

/** One answer from the facts so far (saved answers with what is typed on the card on screen). */
const fact = (facts: Answers, section: SectionId, field: string): string => {
  const v = facts[section]?.[field];
  return typeof v === 'string' ? v : '';
};

const isAntenatal = (facts: Answers) => fact(facts, 'family', 'stage') === 'antenatal';

/**
 * A health visitor and a 0-19 service practitioner are one role here (issue 9: a 0-19 team member could
 * not tell which to pick); calls that chose "0-19 service practitioner" read as it.
 */
export const REFERRER_ROLES = [
  { value: 'health-visitor', title: 'Health visitor or 0-19 service practitioner' },
  { value: 'gp', title: 'GP' },
  { value: 'midwife', title: 'Midwife' },
  { value: 'perinatal-mental-health', title: 'Perinatal mental health practitioner' },
  { value: 'talking-therapies', title: 'Talking therapies (IAPT) practitioner' },
  { value: 'social-care', title: 'Social care practitioner' },
  { value: 'other', title: 'Other' },
] as const;

/** Seed 001: types of problems that impinge on the infant's socio-emotional development. */
export const PROBLEM_TYPES = [
  { value: 'parental-mental-health', title: 'Parental: mental health problems', group: 'parental' },
  { value: 'parental-personality-disorder', title: 'Parental: personality disorder', group: 'parental' },
  {
    value: 'parental-trauma-loss',
    title: 'Parental: past and/or current trauma and/or loss',
    group: 'parental',
  },
  { value: 'parental-isolation', title: 'Parental: social isolation/exclusion', group: 'parental' },
  {
    value: 'parental-conception-birth',
    title: 'Parental: conception and/or birth complications',
    group: 'parental',
  },
  { value: 'infant-birth-complications', title: 'Infant: birth complications', group: 'infant' },
  {
    value: 'infant-illness',
    title: 'Infant: illness and/or vulnerability (e.g. genetic syndrome)',
    group: 'infant',
  },
  {
    value: 'relationship-couple',
    title: 'Relationship: couple relationship problems (e.g. desertion, domestic violence)',
    group: 'relationship',
  },
  {
    value: 'relationship-parent-infant',
    title: 'Relationship: parent-infant problems (e.g. lack of bonding)',
    group: 'relationship',
  },
  { value: 'systemic-child-at-risk', title: 'Systemic: child at risk / child in need', group: 'systemic' },
] as const;

export const SOCIAL_CARE = [
  { value: 'none', title: 'Not known to children’s social care' },
  { value: 'early-help', title: 'Early Help (not open to social care)' },
  { value: 'assessment', title: 'Open to children’s social care: assessment' },
  { value: 'child-in-need', title: 'Open to children’s social care: child in need' },
  { value: 'child-protection', title: 'Open to children’s social care: child protection' },
  { value: 'looked-after', title: 'Looked after / court proceedings' },
  { value: 'not-known', title: 'Not known' },
] as const;

/** Seed 003's handover prompts: whether mother or baby is in, going into or leaving hospital. */
export const HOSPITAL = [
  { value: 'no', title: 'No' },
  { value: 'in-hospital', title: 'Yes: in hospital now, or about to be admitted' },
  { value: 'discharge', title: 'Yes: about to be discharged from hospital' },
  { value: 'not-known', title: 'Not known' },
] as const;

/** Where a statutory agency is involved, so whether it will work with IMH is asked (seed 001's exclusion). */
const STATUTORY_INVOLVEMENT: readonly string[] = [
  // not knowing whether social care is involved is not "no statutory agency" (unknown is not safe)
  'not-known',
  'early-help',
  'assessment',
  'child-in-need',
  'child-protection',
  'looked-after',
];

export const OPEN_TO_SOCIAL_CARE: readonly string[] = [
  'assessment',
  'child-in-need',
  'child-protection',
  'looked-after',
];

function referrer(): SectionDef {
  return {
    id: 'referrer',
    title: 'About you',
    intro:
      'Your details as the referrer, so the IMH duty practitioner can call you back. It helps to have the infant’s record open and be somewhere quiet.',
    fields: [
      { id: 'name', kind: 'text', label: 'Your name', required: true, maxLength: LIMITS.short },
      {
        id: 'role',
        kind: 'choice',
        label: 'Your role',
        required: true,
        choices: REFERRER_ROLES,
        aliases: { '0-19-service': 'health-visitor' },
        compact: true,
      },
      {
        id: 'roleOther',
        kind: 'text',
        label: 'Your role, in a few words',
        required: true,
        maxLength: LIMITS.short,
        appliesWhen: (f) => fact(f, 'referrer', 'role') === 'other',
      },
      {
        id: 'organisation',
        kind: 'text',
        label: 'Organisation and team',
        required: true,
        maxLength: LIMITS.medium,
      },
      { id: 'phone', kind: 'phone', label: 'Your telephone number', required: true },
      // optional: the practitioner phones back; most referrers' email comes from their Teams profile
      { id: 'email', kind: 'email', label: 'Your email address', required: false },
    ],
  };
}

function family(profile: ServiceProfile): SectionDef {
  const authorities = [
    ...profile.localAuthorities.map((la) => ({ value: la, title: la })),
    { value: 'other', title: 'Another local authority' },
    { value: 'not-known', title: 'Not sure' },
  ];
  const born = (f: Answers) => fact(f, 'family', 'stage') !== 'antenatal';
  const role = (f: Answers) => fact(f, 'referrer', 'role');
  const address = (f: Answers) => fact(f, 'family', 'address');
  const postcode = (f: Answers) => postcodeIn(address(f)) ?? fact(f, 'family', 'postcode');
  return {
    id: 'family',
    title: 'The infant and family',
    intro:
      'Demographic details for the referral: the infant, the mother or primary caregiver, the father or partner where appropriate, and the professionals around them.',
    fields: [
      {
        id: 'stage',
        kind: 'choice',
        label: 'Is the baby born?',
        required: true,
        errorMessage: 'Is the baby born? Choose yes, or no for an antenatal referral.',
        choices: [
          { value: 'born', title: 'Yes, the baby is born' },
          { value: 'antenatal', title: 'No, this is an antenatal referral' },
        ],
      },
      {
        id: 'infantName',
        kind: 'text',
        label: 'Infant’s name',
        required: true,
        maxLength: LIMITS.short,
        appliesWhen: born,
      },
      { id: 'dateOfBirth', kind: 'date', label: 'Infant’s date of birth', required: true, appliesWhen: born },
      {
        id: 'expectedDate',
        kind: 'date',
        label: 'Expected date of delivery',
        required: true,
        appliesWhen: isAntenatal,
      },
      {
        id: 'nhsNumber',
        kind: 'text',
        label: 'NHS number (the infant’s; the mother’s if antenatal)',
        required: false,
        maxLength: 14,
        help: '10 digits; spaces are fine.',
      },
      {
        id: 'caregiverName',
        kind: 'text',
        label: 'Mother or primary caregiver',
        required: true,
        maxLength: LIMITS.short,
      },
      { id: 'caregiverPhone', kind: 'phone', label: 'Family’s contact number', required: false },
      {
        id: 'partnerName',
        kind: 'text',
        label: 'Father or partner (where appropriate)',
        required: false,
        maxLength: LIMITS.short,
      },
      {
        id: 'address',
        kind: 'text',
        label: 'Address and postcode',
        required: true,
        maxLength: LIMITS.medium,
      },
      {
        // read from the address when it ends with one; asked only when it does not
        id: 'postcode',
        kind: 'text',
        label: 'Postcode',
        required: true,
        maxLength: 10,
        appliesWhen: (f) => address(f) !== '' && postcodeIn(address(f)) === undefined,
      },
      {
        // the postcode settles the area for the service's own districts; asked only when it does not
        id: 'localAuthority',
        kind: 'choice',
        label: 'Local authority the family live in',
        required: true,
        choices: authorities,
        compact: true,
        appliesWhen: (f) => {
          // an unreadable postcode is put right first (the postcode's own error), then this is asked
          const district = postcodeDistrict(postcode(f));
          return district !== undefined && !profile.postcodeDistricts.includes(district);
        },
      },
      {
        // a GP referrer is the GP (reuseFacts fills it in)
        id: 'gp',
        kind: 'text',
        label: 'GP (name and practice)',
        required: false,
        maxLength: LIMITS.medium,
        appliesWhen: (f) => role(f) !== 'gp',
      },
      {
        // a health visitor or 0-19 referrer is the health visitor (reuseFacts fills it in)
        id: 'healthVisitor',
        kind: 'text',
        label: 'Health visitor (name and team)',
        required: false,
        maxLength: LIMITS.medium,
        appliesWhen: (f) => role(f) !== 'health-visitor',
      },
      {
        // asked once, with the other services (key point 5)
        id: 'otherProfessionals',
        kind: 'longtext',
        label: 'Other professionals and agencies involved',
        required: false,
        maxLength: LIMITS.long,
        retired: true,
      },
    ],
  };
}

function consent(): SectionDef {
  return {
    id: 'consent',
    title: 'Consent',
    intro:
      'The formal referral needs the family’s consent to be contacted by the IMH service. Consent is not needed to share a concern about a child’s safety.',
    fields: [
      {
        id: 'consent',
        kind: 'choice',
        label: 'Have the family agreed to be contacted by the IMH service?',
        required: true,
        choices: [
          { value: 'yes', title: 'Yes, they agree to be contacted' },
          { value: 'no', title: 'No, they do not agree' },
          { value: 'not-asked', title: 'Not yet asked' },
        ],
      },
      {
        id: 'notes',
        kind: 'longtext',
        label: 'Why not, or when the family will be asked',
        required: false,
        maxLength: 500,
        appliesWhen: (f) => ['no', 'not-asked'].includes(fact(f, 'consent', 'consent')),
      },
    ],
  };
}

function relationship(): SectionDef {
  return {
    id: 'relationship',
    title: 'Concerns about the relationship',
    keyPoint: 1,
    intro:
      'What are the concerns about the relationship: any misattunement, disconnection, distance, anxiety etc. that impacts upon the infant’s world and experience of caregiving?',
    fields: [
      {
        id: 'concerns',
        kind: 'multichoice',
        label: 'Concerns seen',
        required: true,
        choices: [
          { value: 'misattunement', title: 'Misattunement' },
          { value: 'disconnection', title: 'Disconnection' },
          { value: 'distance', title: 'Distance' },
          { value: 'anxiety', title: 'Anxiety' },
          { value: 'other', title: 'Other' },
        ],
        errorMessage: 'Concerns seen: choose at least one.',
      },
      {
        id: 'details',
        kind: 'longtext',
        label: 'Details of the concerns and their impact on the infant',
        required: false,
        maxLength: LIMITS.long,
      },
    ],
  };
}

function infant(): SectionDef {
  return {
    id: 'infant',
    title: 'What the infant is telling us',
    keyPoint: 2,
    intro:
      'What the infant is telling us: ideally from the 6-8 week Early Attachment Observation, from observing the infant, or from liaising with the 0-19 service. Before birth: the pregnancy, and how the parent thinks and feels about the baby.',
    fields: [
      {
        // folded into the observations question (asked once)
        id: 'eao',
        kind: 'choice',
        label: 'Was a 6-8 week Early Attachment Observation done?',
        required: false,
        retired: true,
        choices: [
          { value: 'yes', title: 'Yes' },
          { value: 'no', title: 'No' },
          { value: 'not-due', title: 'Not yet due (or antenatal)' },
          { value: 'not-known', title: 'Not known' },
        ],
      },
      {
        id: 'eaoFindings',
        kind: 'longtext',
        label: 'What the Early Attachment Observation found',
        required: false,
        maxLength: LIMITS.long,
        retired: true,
      },
      {
        id: 'observations',
        kind: 'longtext',
        label:
          'What the infant is telling us: the 6-8 week Early Attachment Observation if done, the infant’s behaviour and cues, what has been observed',
        required: false,
        maxLength: LIMITS.long,
        appliesWhen: (f) => !isAntenatal(f),
      },
      {
        // an antenatal call asks about the pregnancy, not what an infant not yet born is telling us
        id: 'pregnancy',
        kind: 'longtext',
        label: 'The pregnancy: how it is going, and how the parent thinks and feels about the baby',
        required: false,
        maxLength: LIMITS.long,
        appliesWhen: isAntenatal,
      },
    ],
  };
}

function availability(): SectionDef {
  return {
    id: 'availability',
    title: 'Parent’s emotional availability',
    keyPoint: 3,
    intro:
      'Is there a level of emotional availability or readiness from the parent or caregiver to think about their relationship with their infant?',
    fields: [
      {
        id: 'readiness',
        kind: 'choice',
        label: 'Readiness to think about the relationship',
        required: false,
        choices: [
          { value: 'ready', title: 'Ready and wanting help' },
          { value: 'some', title: 'Some readiness or ambivalence' },
          { value: 'not-yet', title: 'Not yet ready' },
          { value: 'not-known', title: 'Not known' },
        ],
      },
      {
        id: 'details',
        kind: 'longtext',
        label: 'What tells you this',
        required: false,
        maxLength: LIMITS.long,
      },
    ],
  };
}

function context(): SectionDef {
  return {
    id: 'context',
    title: 'Context and history',
    keyPoint: 4,
    intro:
      'Contextual and historic information of relevance, and the problems impinging (or likely to impinge) on the infant’s socio-emotional development.',
    fields: [
      {
        id: 'problems',
        kind: 'multichoice',
        label: 'Problems identified',
        required: false,
        choices: PROBLEM_TYPES,
      },
      {
        id: 'details',
        kind: 'longtext',
        label: 'Contextual and historic information',
        required: false,
        maxLength: LIMITS.long,
      },
    ],
  };
}

function services(profile: ServiceProfile): SectionDef {
  return {
    id: 'services',
    title: 'Other services involved',
    keyPoint: 5,
    intro:
      'What involvement other services are having, e.g. plans to manage maternal mental health and any identified risks. Perinatal mental health support with trauma or emotional instability often creates the space to hold the infant’s experience in mind safely.',
    fields: [
      {
        id: 'involvement',
        kind: 'longtext',
        label:
          'Services and professionals involved (e.g. perinatal mental health, social care), their plans and any identified risks',
        required: false,
        maxLength: LIMITS.long,
      },
      {
        id: 'socialCare',
        kind: 'choice',
        label: 'Children’s social care involvement',
        required: true,
        choices: SOCIAL_CARE,
        compact: true,
      },
      {
        // seed 001's exclusion applies only where a statutory agency is involved
        id: 'statutoryCollaboration',
        kind: 'choice',
        label: 'Are the statutory agencies involved willing to work with IMH?',
        required: true,
        appliesWhen: (f) => STATUTORY_INVOLVEMENT.includes(fact(f, 'services', 'socialCare')),
        choices: [
          { value: 'yes', title: 'Yes' },
          { value: 'refused', title: 'No, they refuse to collaborate' },
          { value: 'not-applicable', title: 'No statutory agency involved' },
          { value: 'not-known', title: 'Not known' },
        ],
      },
      {
        id: 'outOfArea',
        kind: 'choice',
        label: `Is any professional from outside ${profile.areaName} involved (e.g. a midwife or health visitor in another trust)?`,
        required: true,
        choices: yesNoUnknown,
      },
      {
        id: 'outOfAreaDetails',
        kind: 'longtext',
        label: 'Who is involved from outside the area (name, role, organisation), as far as you know',
        required: false,
        maxLength: 500,
        appliesWhen: (f) => fact(f, 'services', 'outOfArea') === 'yes',
      },
      hospitalQuestion(),
      {
        id: 'hospitalDetails',
        kind: 'longtext',
        label: 'Who is in hospital (mother, baby or both), which hospital and ward, and when',
        required: false,
        maxLength: 500,
        appliesWhen: (f) => ['in-hospital', 'discharge'].includes(fact(f, 'services', 'hospital')),
      },
    ],
  };
}

/** Seed 003's admission and discharge prompts can only be given if the call asks (its own question: HAZ-11). */
function hospitalQuestion(): FieldDef {
  return {
    id: 'hospital',
    kind: 'choice',
    label: 'Is the mother or baby in hospital, or about to be admitted or discharged?',
    required: true,
    choices: HOSPITAL,
  };
}

function universal(): SectionDef {
  return {
    id: 'universal',
    title: 'Universal services',
    keyPoint: 6,
    intro: 'Whether any universal services are involved or can help first, and what has been done already.',
    fields: [
      {
        id: 'involved',
        kind: 'multichoice',
        label: 'Universal services involved',
        required: false,
        // asked once: the referrer, the GP and the services involved already say who is involved
        retired: true,
        choices: [
          { value: 'health-visiting', title: 'Health visiting / 0-19 service' },
          { value: 'gp', title: 'GP' },
          { value: 'midwifery', title: 'Midwifery' },
          { value: 'family-hub', title: 'Family hub / children’s centre' },
          { value: 'early-help', title: 'Early Help' },
          { value: 'other', title: 'Other' },
        ],
      },
      {
        id: 'doneAlready',
        kind: 'longtext',
        label: 'What has been done already, and could universal services help first?',
        required: false,
        maxLength: LIMITS.long,
      },
    ],
  };
}

/**
 * The screening questions the risk card asks as one list (issue 9: one compact card): each is still
 * recorded yes, no or not known (see screening.ts), and the summary shows every one.
 */
export const SCREENING_LIST = [
  { value: 'domesticAbuse', title: 'Domestic abuse' },
  { value: 'substanceMisuse', title: 'Active parental substance misuse' },
  { value: 'mentalHealth', title: 'Concerns about parental mental health' },
  { value: 'aggression', title: 'The parents have disclosed or displayed aggression' },
  { value: 'nonCompliance', title: 'The parents have not complied with health or social care plans' },
  {
    value: 'notBrought',
    title: 'A child has not been brought to an appointment, including a health appointment',
  },
  {
    value: 'earlyHelpRefused',
    title: 'The parents have refused Early Help (below a safeguarding threshold)',
  },
  {
    value: 'disclosures',
    title: 'Children have made disclosures about the parents that have not met a safeguarding threshold',
  },
] as const;

export const SCREENING_REST = [
  { value: 'no', title: 'No: I have asked about each of them' },
  { value: 'some-not-known', title: 'Some are not known (say which)' },
  { value: 'not-known', title: 'Not known: not asked yet' },
] as const;

function risk(): SectionDef {
  const harmToBaby = screeningQuestion('harmToBaby', 'Is there any possibility of harm to the baby?');
  const harmToParent = screeningQuestion(
    'harmToParent',
    'Is there any possibility of harm to either parent (e.g. self-harm, suicidal thoughts, harm from others)?',
  );
  const level: FieldDef = {
    id: 'level',
    kind: 'choice',
    label: 'Apart from any possible harm above, your view of the level of risk',
    required: true,
    choices: [
      { value: 'none-or-low', title: 'No or low risk' },
      { value: 'low-to-moderate', title: 'Low to moderate risk' },
    ],
  };
  const details: FieldDef = {
    id: 'details',
    kind: 'longtext',
    label: 'Details of the risks and what has been done about them',
    required: false,
    maxLength: LIMITS.long,
  };
  return {
    id: 'risk',
    title: 'Brief risk screening',
    intro:
      'A brief screening to get a fuller understanding of the infant’s experience. The IMH practitioner decides on risk with you; the bot only suggests the actions policy requires.',
    // possible harm keeps its own yes / no / not known (it alerts the safeguarding leads at once); the
    // other questions are one list with what the unticked ones are, so each is still answered
    card: [
      harmToBaby,
      harmToParent,
      {
        id: 'screenYes',
        kind: 'multichoice',
        label: 'Which of these are there? Tick each one',
        required: false,
        choices: SCREENING_LIST,
      },
      {
        id: 'screenRest',
        kind: 'choice',
        label: 'For each one not ticked',
        required: true,
        choices: SCREENING_REST,
        errorMessage: 'For each one not ticked: say whether it is no or not known.',
      },
      {
        id: 'screenNotKnown',
        kind: 'multichoice',
        label: 'Which of them are not known?',
        required: true,
        choices: SCREENING_LIST,
        errorMessage: 'Which of them are not known: tick at least one, or choose another answer above.',
        appliesWhen: (f) => fact(f, 'risk', 'screenRest') === 'some-not-known',
      },
      level,
      details,
    ],
    fields: [
      harmToBaby,
      harmToParent,
      screeningQuestion('domesticAbuse', 'Is there domestic abuse?'),
      {
        id: 'substanceMisuse',
        kind: 'choice',
        label: 'Parental substance misuse',
        required: true,
        choices: [
          { value: 'none', title: 'None known' },
          { value: 'past', title: 'In the past, not now' },
          { value: 'active', title: 'Active substance misuse' },
          { value: 'not-known', title: 'Not known' },
        ],
      },
      screeningQuestion('mentalHealth', 'Are there concerns about parental mental health?'),
      screeningQuestion('aggression', 'Have the parents disclosed or displayed aggression?'),
      screeningQuestion('nonCompliance', 'Have the parents not complied with health or social care plans?'),
      screeningQuestion(
        'notBrought',
        'Has a child not been brought to an appointment, including a health appointment?',
      ),
      screeningQuestion(
        'earlyHelpRefused',
        'Have the parents refused Early Help (below a safeguarding threshold)?',
      ),
      screeningQuestion(
        'disclosures',
        'Have children made disclosures about the parents that have not met a safeguarding threshold?',
      ),
      level,
      details,
    ],
  };
}

function pickUpThePhone(): SectionDef {
  // The questions are built per call from the risk screening: see pick-up-the-phone.ts.
  return {
    id: 'pickUpThePhone',
    title: 'Pick up the phone',
    intro:
      'Need to know? Call! Share emerging concerns with colleagues involved in the family’s care, including out-of-area colleagues, and record what happened.',
    fields: [],
  };
}

function referral(): SectionDef {
  return {
    id: 'referral',
    title: 'Your referral, in your own words',
    intro:
      'The formal written referral captures your concerns in your words. What you write here goes into the draft referral exactly as you wrote it.',
    fields: [
      {
        id: 'reason',
        kind: 'longtext',
        label: 'Reason for referral, and what you and the family hope the IMH service can offer',
        required: true,
        maxLength: LIMITS.ownWords,
      },
      {
        // asked with the reason (one box in the referrer's own words)
        id: 'hopes',
        kind: 'longtext',
        label: 'What you and the family hope the IMH service can offer',
        required: false,
        maxLength: LIMITS.long,
        retired: true,
      },
    ],
  };
}

function advice(profile: ServiceProfile): SectionDef {
  return {
    id: 'advice',
    title: 'Your question',
    intro:
      'An advice-only call: no referral is drafted. Identifying details are not needed; describe the situation enough for the duty practitioner to think with you.',
    fields: [
      {
        id: 'stage',
        kind: 'choice',
        label: 'The infant is',
        required: true,
        choices: [
          { value: 'antenatal', title: 'Not yet born' },
          { value: 'under-two', title: 'Under 2' },
          { value: 'two-or-over', title: '2 or over' },
          { value: 'not-given', title: 'Not given' },
        ],
      },
      {
        id: 'question',
        kind: 'longtext',
        label: 'What would you like advice about?',
        required: true,
        maxLength: LIMITS.long,
      },
      {
        id: 'socialCare',
        kind: 'choice',
        label: 'Children’s social care involvement',
        required: true,
        choices: SOCIAL_CARE,
      },
      {
        id: 'outOfArea',
        kind: 'choice',
        label: `Is any professional from outside ${profile.areaName} involved?`,
        required: true,
        choices: yesNoUnknown,
      },
      hospitalQuestion(),
      {
        id: 'context',
        kind: 'longtext',
        label: 'Relevant context (relationship, what the infant is telling us, services involved)',
        required: false,
        maxLength: LIMITS.long,
      },
    ],
  };
}

/**
 * The sections of a call, in the order they are asked. Built once per service profile and kind: every
 * turn reads them several times (issue 10), and a profile does not change while the bot runs.
 */
export function checklist(kind: CallKind, profile: ServiceProfile): readonly SectionDef[] {
  let built = BUILT.get(profile);
  if (!built) {
    built = {
      advice: [referrer(), advice(profile), risk(), pickUpThePhone()],
      full: [
        referrer(),
        family(profile),
        consent(),
        relationship(),
        infant(),
        availability(),
        context(),
        services(profile),
        universal(),
        risk(),
        pickUpThePhone(),
        referral(),
      ],
    };
    BUILT.set(profile, built);
  }
  return built[kind];
}

const BUILT = new WeakMap<ServiceProfile, Record<CallKind, readonly SectionDef[]>>();

export const KEY_POINTS = 6;
