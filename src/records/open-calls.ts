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

interface Statements {
  readonly open: Database.Statement<[], { id: string; kind: 'full' | 'advice'; submitted_at: string }>;
  readonly reference: Database.Statement<[string], string>;
}

/** Prepared once per connection: "open" is asked on a turn. */
const prepared = new WeakMap<Database.Database, Statements>();

function statements(db: Database.Database): Statements {
  let s = prepared.get(db);
  if (!s) {
    s = {
      // the open calls only, not the history (migration 6): every call awaiting its indication has an
      // 'indication' row and every call awaiting its referral a 'reminder' row (a few more may have one
      // until the scheduler first looks at them: the fold below leaves those out). Without the record:
      // only the listed ones' references are read.
      open: db.prepare(
        `SELECT id, kind, submitted_at FROM duty_calls d
         WHERE d.id IN (SELECT record_id FROM record_schedule WHERE kind IN ('reminder', 'indication'))
         ORDER BY submitted_at`,
      ),
      // the reference alone: not the whole record read and parsed for each of up to 50 calls listed on
      // every "open" (most of what an "open" turn allocated, issue 10)
      reference: db
        .prepare<[string], string>(
          `SELECT json_extract(record_json, '$.reference') FROM duty_calls WHERE id = ?`,
        )
        .pluck(),
    };
    prepared.set(db, s);
  }
  return s;
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
  const q = statements(db);
  const rows = q.open.all();
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
      reference: q.reference.get(r.id) as SubmittedCall['reference'],
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
