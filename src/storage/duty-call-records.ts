import type Database from 'better-sqlite3';
import { isExistingKey } from './database';

export type DutyCallKind = 'full' | 'advice';

export interface DutyCallRow {
  id: string;
  kind: DutyCallKind;
  tenantId: string;
  referrerAadId: string;
  conversationId: string;
  /** ISO-8601 UTC ("…Z"); listForReferrer orders by the string, which is chronological only in that form. */
  startedAt: string;
  submittedAt: string;
  record: unknown;
}

interface DbRow {
  id: string;
  kind: DutyCallKind;
  tenant_id: string;
  referrer_aad_id: string;
  conversation_id: string;
  started_at: string;
  submitted_at: string;
  record_json: string;
}

export class DuplicateDutyCallError extends Error {
  constructor(
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`Duty call ${id} has already been recorded`, options);
    this.name = 'DuplicateDutyCallError';
  }
}

/**
 * Submitted duty calls. Append-only on purpose: a submitted record is what the referrer was shown
 * and confirmed, so corrections must be new rows rather than edits.
 */
export class DutyCallRecords {
  private readonly insertStmt: Database.Statement<[DbRow]>;
  private readonly getStmt: Database.Statement<[string], DbRow>;
  private readonly listStmt: Database.Statement<[string, number], DbRow>;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(`
      INSERT INTO duty_calls
        (id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json)
      VALUES
        (@id, @kind, @tenant_id, @referrer_aad_id, @conversation_id, @started_at, @submitted_at, @record_json)`);
    this.getStmt = db.prepare('SELECT * FROM duty_calls WHERE id = ?');
    // rowid breaks ties between calls submitted in the same millisecond: later insert first.
    this.listStmt = db.prepare(`
      SELECT * FROM duty_calls WHERE referrer_aad_id = ?
      ORDER BY submitted_at DESC, rowid DESC
      LIMIT ?`);
  }

  /** @throws DuplicateDutyCallError if the id exists, so a re-sent submit can be recognised. */
  insert(row: DutyCallRow): void {
    const recordJson = JSON.stringify(row.record);
    if (recordJson === undefined) throw new TypeError(`Duty call ${row.id} has no serialisable record`);
    try {
      this.insertStmt.run({
        id: row.id,
        kind: row.kind,
        tenant_id: row.tenantId,
        referrer_aad_id: row.referrerAadId,
        conversation_id: row.conversationId,
        started_at: row.startedAt,
        submitted_at: row.submittedAt,
        record_json: recordJson,
      });
    } catch (err) {
      if (isExistingKey(err)) {
        throw new DuplicateDutyCallError(row.id, { cause: err });
      }
      throw err;
    }
  }

  get(id: string): DutyCallRow | undefined {
    const row = this.getStmt.get(id);
    return row && fromDb(row);
  }

  listForReferrer(aadId: string, limit = 20): DutyCallRow[] {
    // SQLite treats a negative LIMIT as "no limit", which would silently return everything.
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be a positive integer: ${limit}`);
    }
    return this.listStmt.all(aadId, limit).map(fromDb);
  }
}

function fromDb(row: DbRow): DutyCallRow {
  return {
    id: row.id,
    kind: row.kind,
    tenantId: row.tenant_id,
    referrerAadId: row.referrer_aad_id,
    conversationId: row.conversation_id,
    startedAt: row.started_at,
    submittedAt: row.submitted_at,
    record: JSON.parse(row.record_json),
  };
}
