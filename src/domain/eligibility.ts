import { addYears, describeInfantAge, formatUkDate } from './age';
import { type Answers, many, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, PROBLEM_TYPES, type ServiceProfile, SOCIAL_CARE } from './checklist';
import { postcodeDistrict } from './postcode';

/**
 * Seed 001's three eligibility criteria (age, a problem, the parent-infant relationship as the preferred
 * modality), the area, and its exclusions. Consent to be contacted is not here: it is what the formal
 * referral needs (see consent.ts), not a reason the infant is or is not eligible (HAZ-13).
 */
export type Criterion =
  | 'age'
  | 'area'
  | 'problem'
  | 'modality'
  | 'statutory-agencies'
  | 'substance-misuse'
  | 'social-care';

/** met: no bar to eligibility; not-met: an exclusion or unmet rule; check: for the practitioner's judgement. */
export type CriterionStatus = 'met' | 'not-met' | 'check';

export interface EligibilityReason {
  readonly criterion: Criterion;
  readonly status: CriterionStatus;
  readonly text: string;
}

export type EligibilityOutcome = 'likely-eligible' | 'likely-not-eligible' | 'practitioner-decides';

export interface Eligibility {
  readonly outcome: EligibilityOutcome;
  readonly headline: string;
  readonly reasons: readonly EligibilityReason[];
}

export const PRACTITIONER_DECIDES =
  'This is a suggestion only: the IMH duty practitioner gives the eligibility indication at the end of the call.';

const HEADLINES: Record<EligibilityOutcome, string> = {
  'likely-eligible': 'Likely eligible',
  'likely-not-eligible': 'Likely not eligible',
  'practitioner-decides': 'For the practitioner to decide',
};

/**
 * Suggests whether a full duty call is an eligible referral (seed 001: unborn or under 2 on the day of
 * the call, in area, a problem impinging on socio-emotional development, the parent-infant relationship
 * as the preferred modality, no exclusion). For the duty practitioner only: the referrer is shown what the
 * practitioner will consider, never this verdict (seed 000: the practitioner gives the indication).
 */
export function assessEligibility(answers: Answers, callDate: string, profile: ServiceProfile): Eligibility {
  const reasons = [
    age(answers, callDate),
    area(answers, profile),
    problem(answers),
    modality(answers),
    statutory(answers),
    substance(answers),
    socialCare(answers, profile),
  ];
  const outcome: EligibilityOutcome = reasons.some((r) => r.status === 'not-met')
    ? 'likely-not-eligible'
    : reasons.some((r) => r.status === 'check')
      ? 'practitioner-decides'
      : 'likely-eligible';
  return { outcome, headline: HEADLINES[outcome], reasons };
}

function age(answers: Answers, callDate: string): EligibilityReason {
  const born = text(answers, 'family', 'stage') === 'born';
  const date = text(answers, 'family', born ? 'dateOfBirth' : 'expectedDate');
  if (!date)
    return {
      criterion: 'age',
      status: 'check',
      text: 'No date of birth or expected date of delivery given.',
    };
  const a = describeInfantAge({ born, date }, callDate);
  switch (a.kind) {
    case 'unborn':
      return { criterion: 'age', status: 'met', text: `Unborn: expected ${formatUkDate(date)}.` };
    case 'edd-passed':
      return {
        criterion: 'age',
        status: 'check',
        text: `The expected date of delivery (${formatUkDate(date)}) has passed: check whether the baby is born and record the date of birth.`,
      };
    case 'future-birth':
      return {
        criterion: 'age',
        status: 'check',
        text: 'The date of birth is after the day of the call: check it.',
      };
    case 'under-two':
      return {
        criterion: 'age',
        status: 'met',
        text: `Under 2 on the day of the call (${a.months} month${a.months === 1 ? '' : 's'} old).`,
      };
    case 'two-or-over':
      return {
        criterion: 'age',
        status: 'not-met',
        text: `Over 2 (an exclusion): the infant’s 2nd birthday was ${formatUkDate(addYears(date, 2))}, on or before the day of the call; the service is for infants unborn or under 2.`,
      };
  }
}

function area(answers: Answers, profile: ServiceProfile): EligibilityReason {
  const postcode = text(answers, 'family', 'postcode');
  const district = postcode ? postcodeDistrict(postcode) : undefined;
  const la = text(answers, 'family', 'localAuthority');
  const districtIn = district !== undefined && profile.postcodeDistricts.includes(district);
  const laIn = profile.localAuthorities.includes(la);
  if (districtIn || laIn) {
    const why = districtIn ? `postcode district ${district}` : la;
    return { criterion: 'area', status: 'met', text: `In area (${profile.areaName}): ${why}.` };
  }
  if (la === 'other') {
    return {
      criterion: 'area',
      status: 'not-met',
      text: `Out of area: the family live outside ${profile.areaName}.`,
    };
  }
  return {
    criterion: 'area',
    status: 'check',
    text: `Postcode district ${district ?? 'unknown'} is not on the service’s list and the local authority is not known: check whether the family live in ${profile.areaName}.`,
  };
}

function problem(answers: Answers): EligibilityReason {
  const problems = many(answers, 'context', 'problems');
  if (problems.length > 0) {
    const names = problems.map((p) => PROBLEM_TYPES.find((t) => t.value === p)?.title ?? p);
    return {
      criterion: 'problem',
      status: 'met',
      text: `Problems impinging on the infant’s socio-emotional development: ${names.join('; ')}.`,
    };
  }
  const concerns = many(answers, 'relationship', 'concerns');
  return {
    criterion: 'problem',
    status: concerns.length > 0 ? 'check' : 'not-met',
    text:
      concerns.length > 0
        ? `Relationship concerns (${concerns.join(', ')}) but no problem type from the policy chosen: the practitioner considers whether they impinge on the infant’s socio-emotional development.`
        : 'No problem impinging on the infant’s socio-emotional development was identified.',
  };
}

const READINESS: Record<string, string> = {
  ready: 'is ready and wants help',
  some: 'shows some readiness (or ambivalence)',
};

/**
 * Seed 001's third criterion: the preferred modality supports the infant's development through the
 * parent-infant relationship. The call asks it as the relationship concerns (key point 1) and the
 * parent's readiness to think about the relationship (key point 3); anything short of both is for the
 * practitioner's judgement, never an exclusion.
 */
function modality(answers: Answers): EligibilityReason {
  const concerns = many(answers, 'relationship', 'concerns');
  const readiness = text(answers, 'availability', 'readiness');
  const modalityIs = 'whether work through the parent-infant relationship is the preferred modality';
  if (concerns.length === 0) {
    return {
      criterion: 'modality',
      status: 'check',
      text: `No concern about the parent-infant relationship was recorded: ${modalityIs} is for the practitioner.`,
    };
  }
  const ready = READINESS[readiness];
  if (ready) {
    return {
      criterion: 'modality',
      status: 'met',
      text: `Work through the parent-infant relationship fits: relationship concerns (${concerns.join(', ')}) and the parent ${ready} to think about the relationship.`,
    };
  }
  return {
    criterion: 'modality',
    status: 'check',
    text: `Relationship concerns (${concerns.join(', ')}), but the parent’s readiness to think about the relationship is ${readiness === 'not-yet' ? 'not there yet' : 'not known'}: ${modalityIs} now is for the practitioner.`,
  };
}

/**
 * What the referrer is told the practitioner will consider: the criteria without a verdict, so that a
 * suggestion made before any practitioner has seen the call cannot deter a referral (HAZ-13).
 */
export function practitionerWillConsider(profile: ServiceProfile): string[] {
  return [
    'The infant’s age: unborn or under 2 on the day of the call.',
    `Where the family live: the service is for ${profile.areaName}.`,
    'A problem impinging, or likely to impinge, on the infant’s socio-emotional development.',
    'Whether work through the parent-infant relationship is the right way to help, and the parent’s readiness to think about it.',
    'Statutory agencies’ willingness to work with the service, active substance misuse, and any social care involvement.',
  ];
}

/** The same in one sentence, for the review card, where space is short. */
export const PRACTITIONER_WILL_CONSIDER_BRIEFLY =
  'The IMH duty practitioner gives the eligibility indication, considering the infant’s age, where the family live, the problem, whether the parent-infant relationship is the way to help, and any exclusions; you will be told here.';

function statutory(answers: Answers): EligibilityReason {
  return text(answers, 'services', 'statutoryCollaboration') === 'refused'
    ? {
        criterion: 'statutory-agencies',
        status: 'not-met',
        text: 'Statutory agencies refuse to collaborate (an exclusion).',
      }
    : {
        criterion: 'statutory-agencies',
        status: 'met',
        text: 'No refusal by statutory agencies to collaborate.',
      };
}

function substance(answers: Answers): EligibilityReason {
  return text(answers, 'risk', 'substanceMisuse') === 'active'
    ? { criterion: 'substance-misuse', status: 'not-met', text: 'Active substance misuse (an exclusion).' }
    : { criterion: 'substance-misuse', status: 'met', text: 'No active substance misuse reported.' };
}

function socialCare(answers: Answers, profile: ServiceProfile): EligibilityReason {
  const level = text(answers, 'services', 'socialCare');
  if (level === 'not-known') {
    // not knowing is not "no involvement" (issue 8, HAZ-05): the front door can say in one call
    return {
      criterion: 'social-care',
      status: 'check',
      text: `Not known whether the family are open to children’s social care: check with the ${profile.frontDoorName}.`,
    };
  }
  if (!OPEN_TO_SOCIAL_CARE.includes(level)) {
    return { criterion: 'social-care', status: 'met', text: 'Not open to children’s social care.' };
  }
  const title = SOCIAL_CARE.find((s) => s.value === level)?.title ?? level;
  return {
    criterion: 'social-care',
    status: 'check',
    text: `${title}: whether to accept with social care involvement is the practitioner’s judgement.`,
  };
}
