import { type Answers, many, serviceAnswer, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, type ServiceProfile, SOCIAL_CARE } from './checklist';
import type { FieldDef } from './fields';
import { harmFlagged } from './risk';

/**
 * Seed 003's types of information to share and triangulate with colleagues, led by the safeguarding
 * referral as the briefing leads with it, then its handover at admission and discharge.
 */
export type PromptId =
  | 'safeguarding-referral'
  | 'open-to-social-care'
  | 'disclosures'
  | 'substance-misuse'
  | 'domestic-abuse'
  | 'mental-health'
  | 'non-compliance'
  | 'not-brought'
  | 'aggression'
  | 'early-help-refused'
  | 'out-of-area'
  | 'hospital-admission'
  | 'hospital-discharge';

/** Who answers out of hours: children's social care's Emergency Duty Team, or the health team's own contact. */
export type OutOfHours = 'social-care' | 'health';

export interface PhonePrompt {
  readonly id: PromptId;
  /** The emerging concern, as the briefing names it. */
  readonly title: string;
  /** Why this call was prompted by what the referrer said. */
  readonly because: string;
  readonly whoToPhone: string;
  readonly findTheNumber: string;
  readonly outOfHours: OutOfHours;
}

export const FIND_THE_NUMBER =
  'Look for the generic number of the relevant team on the local authority or NHS Trust website; if there is none, call the switchboard and ask to be redirected.';

export const PHONE_OUTCOMES = [
  { value: 'phoned', title: 'Phoned' },
  { value: 'not-needed', title: 'Not needed' },
  { value: 'could-not-reach', title: 'Could not reach' },
] as const;

export type PhoneOutcome = (typeof PHONE_OUTCOMES)[number]['value'];

const yes = (answers: Answers, field: string) => text(answers, 'risk', field) === 'yes';

/**
 * The numbers to give with a prompt: the front door in hours and the Emergency Duty Team out of hours for
 * social care; for a health colleague, seed 003's "notify each other of their contact numbers, including
 * out of hours" (with the Emergency Duty Team too, should a social care referral be needed at night).
 */
export function promptNumbers(p: PhonePrompt, profile: ServiceProfile): { label: string; value: string }[] {
  const ooh = profile.outOfHoursNumber
    ? `${profile.outOfHoursName} on ${profile.outOfHoursNumber}`
    : `the ${profile.outOfHoursName} for the family’s area`;
  if (p.outOfHours === 'social-care') {
    return [
      {
        label: 'In hours',
        value: profile.frontDoorNumber
          ? `${profile.frontDoorName}: ${profile.frontDoorNumber}`
          : `${profile.frontDoorName} for the family’s local authority`,
      },
      { label: 'Out of hours', value: `Children’s social care: ${ooh}. In immediate danger call 999.` },
    ];
  }
  return [
    {
      label: 'Out of hours',
      value: `Ask for their out-of-hours contact and give them yours. Children’s social care out of hours: ${ooh}.`,
    },
  ];
}

/** The information-sharing prompts that apply, in the briefing's order. */
export function phonePrompts(answers: Answers): PhonePrompt[] {
  const prompts: PhonePrompt[] = [];
  const add = (
    id: PromptId,
    title: string,
    because: string,
    whoToPhone: string,
    outOfHours: OutOfHours = 'health',
  ) => prompts.push({ id, title, because, whoToPhone, findTheNumber: FIND_THE_NUMBER, outOfHours });

  const harmToBaby = text(answers, 'risk', 'harmToBaby');
  const harmToParent = text(answers, 'risk', 'harmToParent');
  // seed 003 asks for the social care referral where harm is possible: "not known" is not safe (HAZ-04)
  const babyAtRisk = harmFlagged(harmToBaby);
  const parentAtRisk = harmFlagged(harmToParent);
  if (babyAtRisk || parentAtRisk) {
    const said = (who: string, v: string) =>
      v === 'yes' ? `Possible harm to ${who}.` : `Possible harm to ${who} is not known: find out today.`;
    add(
      'safeguarding-referral',
      'Safeguarding referral to children’s (and adult) social care',
      [babyAtRisk && said('the baby', harmToBaby), parentAtRisk && said('a parent', harmToParent)]
        .filter(Boolean)
        .join(' '),
      [
        babyAtRisk &&
          'The children’s social care front door for the family’s area: make the referral, or discuss the concern, following your organisation’s safeguarding procedure.',
        parentAtRisk && 'For a parent at risk: adult social care, and the parent’s GP.',
      ]
        .filter(Boolean)
        .join(' '),
      'social-care',
    );
  }

  const socialCare = serviceAnswer(answers, 'socialCare');
  if (OPEN_TO_SOCIAL_CARE.includes(socialCare)) {
    const level = SOCIAL_CARE.find((s) => s.value === socialCare)?.title ?? socialCare;
    add(
      'open-to-social-care',
      'Child open to children’s social care',
      level,
      'The allocated social worker, or the children’s social care team for the family’s area.',
      'social-care',
    );
  }
  if (yes(answers, 'disclosures')) {
    add(
      'disclosures',
      'Disclosures below the safeguarding threshold',
      'Children have made disclosures about the parents that did not meet a threshold.',
      'The professional who heard the disclosure (e.g. the school nurse) and the family’s health visitor or GP.',
    );
  }
  const substance = text(answers, 'risk', 'substanceMisuse');
  if (substance === 'active' || substance === 'past') {
    add(
      'substance-misuse',
      'Parental substance misuse',
      substance === 'active' ? 'Active parental substance misuse.' : 'Parental substance misuse in the past.',
      'The substance misuse service if involved, the GP, and the health visitor or midwife.',
    );
  }
  if (yes(answers, 'domesticAbuse')) {
    add(
      'domestic-abuse',
      'Domestic abuse',
      'Domestic abuse was reported in the risk screening.',
      'The GP and the health visitor or midwife; the allocated social worker if the family is open to social care.',
    );
  }
  if (
    yes(answers, 'mentalHealth') ||
    many(answers, 'context', 'problems').includes('parental-mental-health')
  ) {
    add(
      'mental-health',
      'Parental mental health',
      'There are concerns about a parent’s mental health.',
      'The perinatal or adult mental health team involved, and the GP.',
    );
  }
  if (yes(answers, 'nonCompliance')) {
    add(
      'non-compliance',
      'Not complying with health and social care plans',
      'The parents have not complied with health or social care plans.',
      'The lead professional for the plan.',
    );
  }
  if (yes(answers, 'notBrought')) {
    add(
      'not-brought',
      'Child not brought to appointments',
      'A child was not brought to an appointment.',
      'The service whose appointment was missed, and the GP or health visitor.',
    );
  }
  if (yes(answers, 'aggression')) {
    add(
      'aggression',
      'Parents who disclose or display aggression',
      'The parents have disclosed or displayed aggression.',
      'The professionals who visit the family (health visitor, midwife, social worker), so visits can be planned safely.',
    );
  }
  if (yes(answers, 'earlyHelpRefused')) {
    add(
      'early-help-refused',
      'Early Help refused',
      'The parents refused Early Help below a safeguarding threshold.',
      'The Early Help team that offered support.',
    );
  }
  if (serviceAnswer(answers, 'outOfArea') === 'yes') {
    const who = text(answers, 'services', 'outOfAreaDetails');
    add(
      'out-of-area',
      'Out-of-area professionals involved',
      who ? `Involved out of area: ${who}` : 'A professional from outside the area is involved.',
      'The out-of-area professional(s) involved. Record their name, role, organisation and number: their contact details go into the record.',
    );
  }
  const hospital = serviceAnswer(answers, 'hospital');
  const where = text(answers, 'services', 'hospitalDetails');
  if (hospital === 'in-hospital') {
    add(
      'hospital-admission',
      'Patient admission: handover to the hospital',
      where
        ? `In hospital or about to be admitted: ${where}`
        : 'Mother or baby is in hospital or about to be admitted.',
      'The ward or acute team caring for them, and the community team (health visitor, midwife, GP): tell each other your contact numbers, including out of hours. The contact details of out-of-area health staff involved go into the patient’s record.',
    );
  }
  if (hospital === 'discharge') {
    add(
      'hospital-discharge',
      'Patient discharge planning: handover to the community',
      where ? `About to be discharged: ${where}` : 'Mother or baby is about to be discharged from hospital.',
      'The ward planning the discharge and the community team taking over (health visitor, midwife, GP): hand over any untoward incidents and concerns, including those above, and tell each other your contact numbers, including out of hours.',
    );
  }
  return prompts;
}

/** The card inputs recording what happened for one prompt. */
const promptFieldsCache = new Map<string, FieldDef[]>();

/** The inputs of one prompt, the same definitions every time (their validation schemas are kept). */
export function promptFields(p: PhonePrompt): FieldDef[] {
  const key = `${p.id}\u0000${p.title}`;
  let fields = promptFieldsCache.get(key);
  if (!fields) {
    fields = buildPromptFields(p);
    promptFieldsCache.set(key, fields);
  }
  return fields;
}

function buildPromptFields(p: PhonePrompt): FieldDef[] {
  return [
    {
      id: `${p.id}.status`,
      kind: 'choice',
      label: `${p.title}: what happened?`,
      required: true,
      choices: PHONE_OUTCOMES,
      errorMessage: `${p.title}: choose what happened.`,
    },
    {
      // one box (issue 9: fewer inputs): who and their number, what was shared and the outcome
      id: `${p.id}.notes`,
      kind: 'longtext',
      label:
        'Who you spoke to (name, role, organisation, number) and the outcome; or why it was not needed, or what you tried',
      required: true,
      maxLength: 500,
      errorMessage: `${p.title}: say who you spoke to and the outcome, why it was not needed, or what you tried.`,
    },
  ];
}

export interface PhoneRecord {
  readonly prompt: PhonePrompt;
  readonly outcome: PhoneOutcome | 'not-recorded';
  readonly name: string;
  readonly role: string;
  readonly organisation: string;
  readonly number: string;
  readonly notes: string;
}

/** What the referrer recorded against each prompt that applies now; answers to prompts that no longer apply are left out. */
export function phoneRecords(answers: Answers): PhoneRecord[] {
  return phonePrompts(answers).map((prompt) => {
    const f = (k: string) => text(answers, 'pickUpThePhone', `${prompt.id}.${k}`);
    const status = f('status');
    const outcome = PHONE_OUTCOMES.some((o) => o.value === status)
      ? (status as PhoneOutcome)
      : 'not-recorded';
    return {
      prompt,
      outcome,
      name: f('name'),
      role: f('role'),
      organisation: f('organisation'),
      number: f('number'),
      notes: f('notes'),
    };
  });
}
