import type { Answers } from './answers';
import { recordTarget } from './answers';
import type { CallKind, ServiceProfile } from './checklist';
import type { Draft } from './draft';
import { assessEligibility, type Eligibility } from './eligibility';
import { type PhoneRecord, phoneRecords } from './pick-up-the-phone';
import { assessRisk, type RiskAssessment } from './risk';

/** A call as submitted: the answers and everything the bot suggested from them, frozen. */
export interface SubmittedCall {
  readonly id: string;
  readonly reference: string;
  readonly kind: CallKind;
  readonly callDate: string;
  readonly startedAt: string;
  readonly submittedAt: string;
  readonly minutesUsed: number;
  readonly answers: Answers;
  readonly recordTarget: 'infant' | 'mother' | 'none';
  /** null for advice-only calls: no referral, so no eligibility indication. */
  readonly eligibility: Eligibility | null;
  readonly risk: RiskAssessment;
  readonly phone: readonly PhoneRecord[];
}

export function submitCall(
  draft: Draft,
  reference: string,
  profile: ServiceProfile,
  now: Date,
): SubmittedCall {
  return {
    id: draft.id,
    reference,
    kind: draft.kind,
    callDate: draft.callDate,
    startedAt: draft.startedAt,
    submittedAt: now.toISOString(),
    minutesUsed: Math.round(draft.activeMs / 60_000),
    answers: draft.answers,
    recordTarget: recordTarget(draft.kind, draft.answers),
    eligibility: draft.kind === 'full' ? assessEligibility(draft.answers, draft.callDate, profile) : null,
    risk: assessRisk(draft.answers, profile),
    phone: phoneRecords(draft.answers),
  };
}

/** A short reference a person can read out on the phone: no 0/O or 1/I to confuse. */
export function makeReference(random: () => number = Math.random): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let ref = '';
  for (let i = 0; i < 6; i++) ref += alphabet[Math.floor(random() * alphabet.length)];
  return `IMH-${ref}`;
}
