import { type Answers, many, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, SOCIAL_CARE } from './checklist';
import type { FieldDef } from './fields';

/** Seed 003's types of information to share and triangulate with colleagues. */
export type PromptId =
  | 'open-to-social-care'
  | 'disclosures'
  | 'substance-misuse'
  | 'domestic-abuse'
  | 'mental-health'
  | 'non-compliance'
  | 'not-brought'
  | 'aggression'
  | 'early-help-refused'
  | 'out-of-area';

export interface PhonePrompt {
  readonly id: PromptId;
  /** The emerging concern, as the briefing names it. */
  readonly title: string;
  /** Why this call was prompted by what the referrer said. */
  readonly because: string;
  readonly whoToPhone: string;
  readonly findTheNumber: string;
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

/** Social care and out-of-area answers live in "services" for a full call and "advice" for advice-only. */
function serviceAnswer(answers: Answers, field: string): string {
  return text(answers, 'services', field) || text(answers, 'advice', field);
}

/** The information-sharing prompts that apply, in the briefing's order. */
export function phonePrompts(answers: Answers): PhonePrompt[] {
  const prompts: PhonePrompt[] = [];
  const add = (id: PromptId, title: string, because: string, whoToPhone: string) =>
    prompts.push({ id, title, because, whoToPhone, findTheNumber: FIND_THE_NUMBER });

  const socialCare = serviceAnswer(answers, 'socialCare');
  if (OPEN_TO_SOCIAL_CARE.includes(socialCare)) {
    const level = SOCIAL_CARE.find((s) => s.value === socialCare)?.title ?? socialCare;
    add(
      'open-to-social-care',
      'Child open to children’s social care',
      level,
      'The allocated social worker, or the children’s social care team for the family’s area.',
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
  return prompts;
}

/** The card inputs recording what happened for one prompt. */
export function promptFields(p: PhonePrompt): FieldDef[] {
  return [
    {
      id: `${p.id}.status`,
      kind: 'choice',
      label: `${p.title}: what happened?`,
      required: true,
      choices: PHONE_OUTCOMES,
      errorMessage: `${p.title}: choose what happened.`,
    },
    { id: `${p.id}.name`, kind: 'text', label: 'Who you spoke to', required: false },
    { id: `${p.id}.role`, kind: 'text', label: 'Their role', required: false },
    { id: `${p.id}.organisation`, kind: 'text', label: 'Their organisation', required: false },
    { id: `${p.id}.number`, kind: 'phone', label: 'Number called', required: false },
    {
      id: `${p.id}.notes`,
      kind: 'longtext',
      label: 'Outcome, or why not needed, or what you tried',
      required: false,
      maxLength: 500,
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
