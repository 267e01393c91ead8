import { type Answers, text } from './answers';

/**
 * Consent to be contacted is what the formal referral needs (seed 001: "Consent by family to be contacted
 * must be included"), not a criterion of eligibility: a referrer must not read "no consent" as "do not
 * refer", nor as "do not share" (HAZ-12, HAZ-13).
 */
export const REFERRAL_NEEDS_CONSENT = 'The formal referral needs the family’s consent to be contacted';

/**
 * Information can be shared without consent where a child is at risk. Seed 001 (confidentiality):
 * "Confidentiality is assured in all aspects of the treatment except where concerns arise regarding the
 * safety of the baby and/or the parent/s"; seed 003: information is shared between professionals to
 * "reduce the risk of harm" and "safeguard children and adults at risk"; seed 002 (7.07): parents are
 * involved in decisions about sharing information.
 */
export const INFORMATION_SHARING = {
  heading: 'Sharing information without consent',
  lines: [
    'Consent is needed for the IMH service to contact the family, not to share a concern about a child’s safety.',
    'Information can be shared without consent where a child is at risk: confidentiality does not hold where the safety of the baby or a parent is of concern (IMH operational policy), and professionals share information to reduce the risk of harm and safeguard children and adults at risk (Pick up the Phone). Where it is safe to, involve the parents in decisions about sharing.',
  ],
} as const;

/** The consent answer is "no" or "not yet asked": the referrer is told sharing does not wait on it. */
export function needsSharingStatement(answers: Answers): boolean {
  const consent = text(answers, 'consent', 'consent');
  return consent === 'no' || consent === 'not-asked';
}

/** What the formal written referral still needs after this call, in the referrer's terms. */
export function referralStillNeeds(answers: Answers): string[] {
  const consent = text(answers, 'consent', 'consent');
  const needs: string[] = [];
  if (consent === 'no')
    needs.push(
      `${REFERRAL_NEEDS_CONSENT}: they have said no, so talk it through with the duty practitioner.`,
    );
  else if (consent !== 'yes') needs.push(`${REFERRAL_NEEDS_CONSENT}: please ask them before you send it.`);
  // seed 000: the two-step process, a duty call then the formal referral in the referrer's own words
  needs.push(
    'Your formal written referral, in your own words, after this call: a draft comes with your summary.',
  );
  return needs;
}
