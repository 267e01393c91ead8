import { type Query, type SqlStore, select, write } from '../storage/sql';

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

interface Row {
  id: number | string;
  at: string;
  actor_id: string;
  action: string;
  record_id: string | null;
  outcome: string;
  detail_json: string;
}

export function* appendAudit(e: AuditEntry): Query<void> {
  yield* write(
    'INSERT INTO audit (at, actor_id, action, record_id, outcome, detail_json) VALUES (?, ?, ?, ?, ?, ?)',
    [e.at, e.actorId, e.action, e.recordId ?? null, e.outcome, JSON.stringify(e.detail ?? {})],
  );
}

/** A record's audit trail, oldest first. */
export function* auditOf(recordId: string): Query<AuditRow[]> {
  const rows = yield* select<Row>(
    'SELECT id, at, actor_id, action, record_id, outcome, detail_json FROM audit WHERE record_id = ? ORDER BY id',
    [recordId],
  );
  return rows.map((r) => ({
    // PostgreSQL's BIGINT identity comes back as text
    id: Number(r.id),
    at: r.at,
    actorId: r.actor_id,
    action: r.action,
    recordId: r.record_id ?? undefined,
    outcome: r.outcome,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
  }));
}

/** The audit trail: appended to, never updated (the schema's triggers refuse it). */
export class Audit {
  constructor(private readonly sql: SqlStore) {}

  async append(e: AuditEntry): Promise<void> {
    await this.sql.transact(appendAudit(e));
  }

  forRecord(recordId: string): Promise<AuditRow[]> {
    return this.sql.transact(auditOf(recordId));
  }
}
