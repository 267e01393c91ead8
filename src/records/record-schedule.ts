import { type Query, select, write } from '../storage/sql';

/*
 * When the scheduler next looks at a record (migration 6): found by index, oldest first, a bounded
 * batch at a time, so a tick costs the same however long the history. Rows are added by the schema's
 * triggers as calls, alerts and events are written (in their transaction); the scheduler sets each
 * row's next time, from the record's events, in the transaction of the event it records.
 */

export type ScheduleKind = 'reminder' | 'escalation' | 'indication';

export interface ScheduleRow {
  readonly recordId: string;
  readonly kind: ScheduleKind;
  /** The alert's outbox id for an escalation; '' for a reminder. */
  readonly alertId: string;
  readonly dueAt: string;
}

/** Rows of this kind due at `now`, oldest first, at most `limit`. */
export function* dueRows(kind: ScheduleKind, now: Date, limit: number): Query<ScheduleRow[]> {
  const rows = yield* select<{ record_id: string; kind: ScheduleKind; alert_id: string; due_at: string }>(
    `SELECT record_id, kind, alert_id, due_at FROM record_schedule
     WHERE kind = ? AND due_at <= ? ORDER BY due_at LIMIT ?`,
    [kind, now.toISOString(), limit],
  );
  return rows.map((r) => ({ recordId: r.record_id, kind: r.kind, alertId: r.alert_id, dueAt: r.due_at }));
}

/** The next time to look (a row removed meanwhile, e.g. by an acknowledgement, stays removed). */
export function* setDue(row: Pick<ScheduleRow, 'recordId' | 'kind' | 'alertId'>, dueAt: Date): Query<void> {
  yield* write('UPDATE record_schedule SET due_at = ? WHERE record_id = ? AND kind = ? AND alert_id = ?', [
    dueAt.toISOString(),
    row.recordId,
    row.kind,
    row.alertId,
  ]);
}

/** Nothing more to do for this row. */
export function* removeRow(row: Pick<ScheduleRow, 'recordId' | 'kind' | 'alertId'>): Query<void> {
  yield* write('DELETE FROM record_schedule WHERE record_id = ? AND kind = ? AND alert_id = ?', [
    row.recordId,
    row.kind,
    row.alertId,
  ]);
}
