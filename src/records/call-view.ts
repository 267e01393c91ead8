import { type CallEvent, type CallState, foldEvents } from '../domain/call-state';
import type { SubmittedCall } from '../domain/submitted-call';
import type { Query } from '../storage/sql';
import type { SqliteSql } from '../storage/sqlite-sql';
import { callOf, type DutyCallRow } from './duty-calls';
import { eventsOf } from './record-events';

/** A submitted call with what has happened to it since: its events and the state they fold to. */
export interface CallView {
  readonly row: DutyCallRow;
  readonly call: SubmittedCall;
  readonly events: readonly CallEvent[];
  readonly state: CallState;
}

/** A record and its events read together; both tables are append-only, so a view is never half-changed. */
export function* viewOf(recordId: string): Query<CallView | undefined> {
  const row = yield* callOf(recordId);
  if (!row) return undefined;
  const events = yield* eventsOf(recordId);
  return { row, call: row.record as SubmittedCall, events, state: foldEvents(events) };
}

/** viewOf run synchronously on SQLite, for the callers still synchronous (issue 11). */
export class CallViews {
  constructor(private readonly sql: SqliteSql) {}

  load(recordId: string): CallView | undefined {
    return this.sql.transactNow(viewOf(recordId), { readOnly: true });
  }
}
