import { awaitsReferral, foldEvents, referralOverdue } from '../domain/call-state';
import type { SubmittedCall } from '../domain/submitted-call';
import type { Query } from '../storage/sql';
import { maybeOpenCalls, referenceOf } from './duty-calls';
import { eventsOf } from './record-events';

export interface OpenCall {
  readonly recordId: string;
  readonly reference: string;
  readonly kind: 'full' | 'advice';
  readonly submittedOn: string;
  readonly awaitingIndication: boolean;
  readonly awaitingReferral: boolean;
  readonly overdue: boolean;
}

/** Calls the duty team still has to act on: no indication given yet, or the formal referral not received. */
export function* openCalls(
  at: Date,
  today: (d: Date) => string,
  reminderDays: number,
  limit = 50,
): Query<OpenCall[]> {
  const rows = yield* maybeOpenCalls();
  const now = today(at);
  const out: OpenCall[] = [];
  for (const r of rows) {
    const state = foldEvents(yield* eventsOf(r.id));
    const submittedOn = today(new Date(r.submittedAt));
    const awaitingIndication = state.indication === undefined;
    const awaitingReferral = awaitsReferral(r.kind, state);
    if (!awaitingIndication && !awaitingReferral) continue;
    out.push({
      recordId: r.id,
      reference: (yield* referenceOf(r.id)) as SubmittedCall['reference'],
      kind: r.kind,
      submittedOn,
      awaitingIndication,
      awaitingReferral,
      overdue: referralOverdue(r.kind, state, submittedOn, now, reminderDays),
    });
    if (out.length >= limit) break;
  }
  return out;
}
