import { type CallEvent, type CallState, foldEvents } from '../domain/call-state';
import type { SubmittedCall } from '../domain/submitted-call';
import type { Query, SqlStore } from '../storage/sql';
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

/** A record with its events, each read one transaction. */
export class CallViews {
  constructor(private readonly sql: SqlStore) {}

  load(recordId: string): Promise<CallView | undefined> {
    return this.sql.transact(viewOf(recordId));
  }
}
