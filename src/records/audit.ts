import type Database from 'better-sqlite3';

export interface AuditEntry {
  readonly at: string;
  /** The acting user's Teams (Entra) id, or "bot" for the bot's own work. */
  readonly actorId: string;
  readonly action: string;
  readonly recordId?: string | undefined;
  readonly outcome: string;
  /** Ids, states and counts only: never names or free text. */
  readonly detail?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  readonly id: number;
}

/** The audit trail: appended to, never updated (the schema's triggers refuse it). */
export class Audit {
  private readonly insertStmt: Database.Statement<[Record<string, unknown>]>;
  private readonly forRecordStmt: Database.Statement<[string], Record<string, unknown>>;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit (at, actor_id, action, record_id, outcome, detail_json)
       VALUES (@at, @actor_id, @action, @record_id, @outcome, @detail_json)`,
    );
    this.forRecordStmt = db.prepare('SELECT * FROM audit WHERE record_id = ? ORDER BY id');
  }

  append(e: AuditEntry): void {
    this.insertStmt.run({
      at: e.at,
      actor_id: e.actorId,
      action: e.action,
      record_id: e.recordId ?? null,
      outcome: e.outcome,
      detail_json: JSON.stringify(e.detail ?? {}),
    });
  }

  forRecord(recordId: string): AuditRow[] {
    return this.forRecordStmt.all(recordId).map((r) => ({
      id: r.id as number,
      at: r.at as string,
      actorId: r.actor_id as string,
      action: r.action as string,
      recordId: (r.record_id as string | null) ?? undefined,
      outcome: r.outcome as string,
      detail: JSON.parse(r.detail_json as string) as Record<string, unknown>,
    }));
  }
}
