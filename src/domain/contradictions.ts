import { type Answers, many, serviceAnswer, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, SOCIAL_CARE } from './checklist';

/**
 * Answers that do not fit together. Each is a question for the practitioner to ask and for the referrer
 * to check, never a verdict: either answer may be the right one, but passing them silently could hide a
 * child at risk that nobody has told children's social care about (issue 8, HAZ-05).
 */
export interface Contradiction {
  readonly id:
    | 'child-at-risk-not-known-to-social-care'
    | 'domestic-violence-problem-abuse-not-confirmed'
    | 'domestic-abuse-not-known-to-social-care'
    | 'protection-plan-but-no-harm'
    | 'open-to-social-care-but-no-statutory-agency';
  readonly text: string;
}

const socialCareTitle = (v: string) => SOCIAL_CARE.find((s) => s.value === v)?.title ?? v;
const ANSWER_TITLE: Record<string, string> = { no: 'No', 'not-known': 'Not known' };

/** The answers that contradict each other, in the order the call asks them; empty when none do. */
export function contradictions(answers: Answers): Contradiction[] {
  const found: Contradiction[] = [];
  const problems = many(answers, 'context', 'problems');
  const socialCare = serviceAnswer(answers, 'socialCare');
  const domesticAbuse = text(answers, 'risk', 'domesticAbuse');
  const harmToBaby = text(answers, 'risk', 'harmToBaby');

  if (problems.includes('systemic-child-at-risk') && ['none', 'early-help'].includes(socialCare)) {
    found.push({
      id: 'child-at-risk-not-known-to-social-care',
      text: `“Child at risk / child in need” is among the problems, but children’s social care involvement is “${socialCareTitle(socialCare)}”: a child at risk or in need not known to children’s social care. Check with the children’s social care front door.`,
    });
  }
  if (problems.includes('relationship-couple') && ['no', 'not-known'].includes(domesticAbuse)) {
    found.push({
      id: 'domestic-violence-problem-abuse-not-confirmed',
      text: `Couple relationship problems (desertion, domestic violence) are among the problems, but domestic abuse is answered “${ANSWER_TITLE[domesticAbuse]}”: check whether there is domestic violence.`,
    });
  }
  if (domesticAbuse === 'yes' && socialCare === 'none') {
    found.push({
      id: 'domestic-abuse-not-known-to-social-care',
      text: 'Domestic abuse is answered “Yes”, but the family are not known to children’s social care: check with the children’s social care front door whether they know.',
    });
  }
  if (['child-protection', 'looked-after'].includes(socialCare) && harmToBaby === 'no') {
    found.push({
      id: 'protection-plan-but-no-harm',
      text: `Children’s social care involvement is “${socialCareTitle(socialCare)}”, but possible harm to the baby is answered “No”: check the answer about harm.`,
    });
  }
  if (
    OPEN_TO_SOCIAL_CARE.includes(socialCare) &&
    text(answers, 'services', 'statutoryCollaboration') === 'not-applicable'
  ) {
    found.push({
      id: 'open-to-social-care-but-no-statutory-agency',
      text: `Children’s social care involvement is “${socialCareTitle(socialCare)}”, but “No statutory agency involved” is answered: children’s social care is a statutory agency; check whether it is willing to work with IMH.`,
    });
  }
  return found;
}

/** What the referrer is told about contradictions, and what the practitioner's card calls them. */
export const CONTRADICTIONS_HEADING = {
  referrer: 'Some answers do not fit together',
  /** On the review, where the referrer can still edit. */
  reviewNote:
    'Edit the section if one is wrong. If both are right, leave them: the IMH duty practitioner will check them with you.',
  /** On the referrer's summary, after submitting. */
  summaryNote: 'The IMH duty practitioner will check them with you.',
  duty: 'Answers that do not fit together: check them with the referrer',
} as const;
