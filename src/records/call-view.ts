import { type CallEvent, type CallState, foldEvents } from '../domain/call-state';
import type { SubmittedCall } from '../domain/submitted-call';
import type { DutyCallRecords, DutyCallRow } from './duty-calls';
import type { RecordEvents } from './record-events';

/** A submitted call with what has happened to it since: its events and the state they fold to. */
export interface CallView {
  readonly row: DutyCallRow;
  readonly call: SubmittedCall;
  readonly events: readonly CallEvent[];
  readonly state: CallState;
}

/** Reads a record and its events together; both tables are append-only, so a view is never half-changed. */
export class CallViews {
  constructor(
    private readonly records: DutyCallRecords,
    private readonly events: RecordEvents,
  ) {}

  load(recordId: string): CallView | undefined {
    const row = this.records.get(recordId);
    if (!row) return undefined;
    const events = this.events.list(recordId);
    return { row, call: row.record as SubmittedCall, events, state: foldEvents(events) };
  }
}
