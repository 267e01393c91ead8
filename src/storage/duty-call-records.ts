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
/** What the scheduler and the open-calls list need of a call: not its record. */
export interface CallHead {
  readonly id: string;
  readonly kind: 'full' | 'advice';
  readonly submittedAt: string;
}

export class DutyCallRecords {
  private readonly insertStmt: Database.Statement<[DbRow]>;
  private readonly getStmt: Database.Statement<[string], DbRow>;
  private readonly listStmt: Database.Statement<[string, number], DbRow>;
  private readonly headStmt: Database.Statement<[string], { kind: 'full' | 'advice'; submitted_at: string }>;
  private openStmt:
    | Database.Statement<[], { id: string; kind: 'full' | 'advice'; submitted_at: string }>
    | undefined;
  private readonly referenceStmt: Database.Statement<[string], string>;

  constructor(private readonly db: Database.Database) {
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
    this.headStmt = db.prepare('SELECT kind, submitted_at FROM duty_calls WHERE id = ?');
    // the reference alone: not the whole record read and parsed for each of up to 50 calls listed on
    // every "open" (most of what an "open" turn allocated, issue 10)
    this.referenceStmt = db
      .prepare<[string], string>(
        `SELECT json_extract(record_json, '$.reference') FROM duty_calls WHERE id = ?`,
      )
      .pluck();
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

  /** A call's kind and when it was submitted, without its record (the scheduler's reminders). */
  head(id: string): CallHead | undefined {
    const row = this.headStmt.get(id);
    return row && { id, kind: row.kind, submittedAt: row.submitted_at };
  }

  /** Calls that may still await their indication or referral (those with a schedule row), oldest first. */
  maybeOpen(): CallHead[] {
    // the open calls only, not the history (migration 6): every call awaiting its indication has an
    // 'indication' row and every call awaiting its referral a 'reminder' row (a few more may have one
    // until the scheduler first looks at them: the caller's fold leaves those out). Prepared on first use:
    // tests write databases of a schema older than migration 6 through this class.
    this.openStmt ??= this.db.prepare(
      `SELECT id, kind, submitted_at FROM duty_calls d
       WHERE d.id IN (SELECT record_id FROM record_schedule WHERE kind IN ('reminder', 'indication'))
       ORDER BY submitted_at`,
    );
    return this.openStmt.all().map((r) => ({ id: r.id, kind: r.kind, submittedAt: r.submitted_at }));
  }

  /** A call's reference (IMH-...), read from its record without parsing the rest. */
  reference(id: string): string | undefined {
    return this.referenceStmt.get(id);
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
