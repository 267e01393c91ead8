import type Database from 'better-sqlite3';
import { awaitsReferral, foldEvents, referralOverdue } from '../domain/call-state';
import type { SubmittedCall } from '../domain/submitted-call';
import type { RecordEvents } from './record-events';

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
export function openCalls(
  db: Database.Database,
  events: RecordEvents,
  at: Date,
  today: (d: Date) => string,
  reminderDays: number,
  limit = 50,
): OpenCall[] {
  const rows = db
    .prepare(
      // the open calls only, not the history (migration 6): every call awaiting its indication has an
      // 'indication' row and every call awaiting its referral a 'reminder' row (a few more may have one
      // until the scheduler first looks at them: the fold below leaves those out)
      `SELECT id, kind, submitted_at, record_json FROM duty_calls d
       WHERE d.id IN (SELECT record_id FROM record_schedule WHERE kind IN ('reminder', 'indication'))
       ORDER BY submitted_at`,
    )
    .all() as { id: string; kind: 'full' | 'advice'; submitted_at: string; record_json: string }[];
  const now = today(at);
  const out: OpenCall[] = [];
  for (const r of rows) {
    const state = foldEvents(events.list(r.id));
    const submittedOn = today(new Date(r.submitted_at));
    const awaitingIndication = state.indication === undefined;
    const awaitingReferral = awaitsReferral(r.kind, state);
    if (!awaitingIndication && !awaitingReferral) continue;
    out.push({
      recordId: r.id,
      reference: (JSON.parse(r.record_json) as SubmittedCall).reference,
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
