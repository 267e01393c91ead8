import { type FieldDef, LIMITS } from './fields';

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
  readonly fields: readonly FieldDef[];
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

export const REFERRER_ROLES = [
  { value: 'health-visitor', title: 'Health visitor' },
  { value: 'gp', title: 'GP' },
  { value: 'midwife', title: 'Midwife' },
  { value: 'perinatal-mental-health', title: 'Perinatal mental health practitioner' },
  { value: '0-19-service', title: '0-19 service practitioner' },
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
      { id: 'role', kind: 'choice', label: 'Your role', required: true, choices: REFERRER_ROLES },
      {
        id: 'roleOther',
        kind: 'text',
        label: 'If other, your role',
        required: false,
        maxLength: LIMITS.short,
      },
      {
        id: 'organisation',
        kind: 'text',
        label: 'Organisation and team',
        required: true,
        maxLength: LIMITS.medium,
      },
      { id: 'phone', kind: 'phone', label: 'Your telephone number', required: true },
      { id: 'email', kind: 'email', label: 'Your email address', required: true },
    ],
  };
}

function family(profile: ServiceProfile): SectionDef {
  const authorities = [
    ...profile.localAuthorities.map((la) => ({ value: la, title: la })),
    { value: 'other', title: 'Another local authority' },
    { value: 'not-known', title: 'Not sure' },
  ];
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
        errorMessage: 'Please say whether the baby is born.',
        choices: [
          { value: 'born', title: 'Yes, the baby is born' },
          { value: 'antenatal', title: 'No, this is an antenatal referral' },
        ],
      },
      {
        id: 'infantName',
        kind: 'text',
        label: 'Infant’s name (required once born)',
        required: false,
        maxLength: LIMITS.short,
      },
      {
        id: 'dateOfBirth',
        kind: 'date',
        label: 'Infant’s date of birth (required once born)',
        required: false,
      },
      {
        id: 'expectedDate',
        kind: 'date',
        label: 'Expected date of delivery (required if not yet born)',
        required: false,
      },
      {
        id: 'nhsNumber',
        kind: 'text',
        label: 'NHS number (the infant’s; the mother’s if antenatal)',
        required: false,
        maxLength: 14,
        help: 'Optional. 10 digits; spaces are fine.',
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
      { id: 'address', kind: 'text', label: 'Address', required: true, maxLength: LIMITS.medium },
      { id: 'postcode', kind: 'text', label: 'Postcode', required: true, maxLength: 10 },
      {
        id: 'localAuthority',
        kind: 'choice',
        label: 'Local authority the family live in',
        required: true,
        choices: authorities,
      },
      { id: 'gp', kind: 'text', label: 'GP (name and practice)', required: true, maxLength: LIMITS.medium },
      {
        id: 'healthVisitor',
        kind: 'text',
        label: 'Health visitor (name and team)',
        required: false,
        maxLength: LIMITS.medium,
      },
      {
        id: 'otherProfessionals',
        kind: 'longtext',
        label: 'Other professionals and agencies involved',
        required: false,
        maxLength: LIMITS.long,
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
        label: 'Who gave consent and when (or why not)',
        required: false,
        maxLength: 500,
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
        required: true,
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
      'What the infant is telling us: ideally from the 6-8 week Early Attachment Observation, from observing the infant, or from liaising with the 0-19 service.',
    fields: [
      {
        id: 'eao',
        kind: 'choice',
        label: 'Was a 6-8 week Early Attachment Observation done?',
        required: true,
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
      },
      {
        id: 'observations',
        kind: 'longtext',
        label: 'What the infant is telling us (behaviour, cues, what has been observed)',
        required: true,
        maxLength: LIMITS.long,
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
        required: true,
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
        required: true,
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
        required: true,
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
        label: 'Services involved, their plans and any identified risks',
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
        id: 'statutoryCollaboration',
        kind: 'choice',
        label: 'Are the statutory agencies involved willing to work with IMH?',
        required: true,
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
        label: 'If yes: who (name, role, organisation), as far as you know',
        required: false,
        maxLength: 500,
      },
      hospitalQuestion(),
      {
        id: 'hospitalDetails',
        kind: 'longtext',
        label: 'If yes: who (mother, baby or both), which hospital and ward, and when',
        required: false,
        maxLength: 500,
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
        required: true,
        maxLength: LIMITS.long,
      },
    ],
  };
}

function risk(): SectionDef {
  return {
    id: 'risk',
    title: 'Brief risk screening',
    intro:
      'A brief screening to get a fuller understanding of the infant’s experience. The IMH practitioner decides on risk with you; the bot only suggests the actions policy requires.',
    fields: [
      screeningQuestion('harmToBaby', 'Is there any possibility of harm to the baby?'),
      screeningQuestion(
        'harmToParent',
        'Is there any possibility of harm to either parent (e.g. self-harm, suicidal thoughts, harm from others)?',
      ),
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
      {
        id: 'level',
        kind: 'choice',
        label: 'Apart from any possible harm above, your view of the level of risk',
        required: true,
        choices: [
          { value: 'none-or-low', title: 'No or low risk' },
          { value: 'low-to-moderate', title: 'Low to moderate risk' },
        ],
      },
      {
        id: 'details',
        kind: 'longtext',
        label: 'Details of the risks and what has been done about them',
        required: false,
        maxLength: LIMITS.long,
      },
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
        label: 'Reason for referral',
        required: true,
        maxLength: LIMITS.ownWords,
      },
      {
        id: 'hopes',
        kind: 'longtext',
        label: 'What you and the family hope the IMH service can offer',
        required: false,
        maxLength: LIMITS.long,
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

/** The sections of a call, in the order the referrer is walked through them. */
export function checklist(kind: CallKind, profile: ServiceProfile): readonly SectionDef[] {
  if (kind === 'advice') return [referrer(), advice(profile), risk(), pickUpThePhone()];
  return [
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
  ];
}

export const KEY_POINTS = 6;
