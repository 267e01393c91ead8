import { addYears, describeInfantAge, formatUkDate } from './age';
import { type Answers, many, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, PROBLEM_TYPES, type ServiceProfile, SOCIAL_CARE } from './checklist';
import { postcodeDistrict } from './postcode';

export type Criterion =
  | 'age'
  | 'area'
  | 'consent'
  | 'problem'
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
 * the call, in area, consent to contact, a problem impinging on socio-emotional development, no exclusion).
 */
export function assessEligibility(answers: Answers, callDate: string, profile: ServiceProfile): Eligibility {
  const reasons = [
    age(answers, callDate),
    area(answers, profile),
    consent(answers),
    problem(answers),
    statutory(answers),
    substance(answers),
    socialCare(answers),
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

function consent(answers: Answers): EligibilityReason {
  switch (text(answers, 'consent', 'consent')) {
    case 'yes':
      return { criterion: 'consent', status: 'met', text: 'The family agree to be contacted.' };
    case 'no':
      return {
        criterion: 'consent',
        status: 'not-met',
        text: 'The family do not agree to be contacted: consent to contact must be included with a referral.',
      };
    default:
      return {
        criterion: 'consent',
        status: 'check',
        text: 'Consent to be contacted has not been asked yet: it must be included with the referral.',
      };
  }
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

function socialCare(answers: Answers): EligibilityReason {
  const level = text(answers, 'services', 'socialCare');
  if (level === 'not-known') {
    return {
      criterion: 'social-care',
      status: 'met',
      text: 'Not known whether the family are open to children’s social care; no open involvement reported.',
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
