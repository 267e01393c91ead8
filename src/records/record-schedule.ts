import type Database from 'better-sqlite3';

export type ScheduleKind = 'reminder' | 'escalation' | 'indication';

export interface ScheduleRow {
  readonly recordId: string;
  readonly kind: ScheduleKind;
  /** The alert's outbox id for an escalation; '' for a reminder. */
  readonly alertId: string;
  readonly dueAt: string;
}

/**
 * When the scheduler next looks at a record (migration 6): found by index, oldest first, a bounded
 * batch at a time, so a tick costs the same however long the history. Rows are added by the schema's
 * triggers as calls, alerts and events are written (in their transaction); the scheduler sets each
 * row's next time, from the record's events, in the transaction of the event it records.
 */
export class RecordSchedule {
  private readonly dueStmt: Database.Statement<
    [string, string, number],
    { record_id: string; kind: ScheduleKind; alert_id: string; due_at: string }
  >;
  private readonly setStmt: Database.Statement<[string, string, string, string]>;
  private readonly removeStmt: Database.Statement<[string, string, string]>;

  constructor(db: Database.Database) {
    this.dueStmt = db.prepare(
      `SELECT record_id, kind, alert_id, due_at FROM record_schedule
       WHERE kind = ? AND due_at <= ? ORDER BY due_at LIMIT ?`,
    );
    this.setStmt = db.prepare(
      'UPDATE record_schedule SET due_at = ? WHERE record_id = ? AND kind = ? AND alert_id = ?',
    );
    this.removeStmt = db.prepare(
      'DELETE FROM record_schedule WHERE record_id = ? AND kind = ? AND alert_id = ?',
    );
  }

  /** Rows of this kind due at `now`, oldest first, at most `limit`. */
  due(kind: ScheduleKind, now: Date, limit: number): ScheduleRow[] {
    return this.dueStmt.all(kind, now.toISOString(), limit).map((r) => ({
      recordId: r.record_id,
      kind: r.kind,
      alertId: r.alert_id,
      dueAt: r.due_at,
    }));
  }

  /** The next time to look (a row removed meanwhile, e.g. by an acknowledgement, stays removed). */
  set(row: Pick<ScheduleRow, 'recordId' | 'kind' | 'alertId'>, dueAt: Date): void {
    this.setStmt.run(dueAt.toISOString(), row.recordId, row.kind, row.alertId);
  }

  /** Nothing more to do for this row. */
  remove(row: Pick<ScheduleRow, 'recordId' | 'kind' | 'alertId'>): void {
    this.removeStmt.run(row.recordId, row.kind, row.alertId);
  }
}
