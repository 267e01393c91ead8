import { isDuplicateKey, perStore, type Query, select, selectOne, write } from '../storage/sql';
import type { SqliteSql } from '../storage/sqlite-sql';

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

/*
 * Submitted duty calls. Append-only on purpose, enforced by both stores' schemas: a submitted record is
 * what the referrer was shown and confirmed, so corrections must be new rows rather than edits.
 */

/** What the scheduler and the open-calls list need of a call: not its record. */
export interface CallHead {
  readonly id: string;
  readonly kind: 'full' | 'advice';
  readonly submittedAt: string;
}

const COLUMNS =
  'id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json';

/**
 * A duplicate key where a call is inserted means the call is already recorded (a re-sent Submit, or the
 * same draft submitted at another instance at the same moment): that, as DuplicateDutyCallError, so the
 * referrer can be told. A statement's failure ends its query (sql.ts, drive), so whoever runs the query
 * reads the failure through this.
 */
export function asDuplicateCall(err: unknown, id: string): unknown {
  return isDuplicateKey(err) ? new DuplicateDutyCallError(id, { cause: err }) : err;
}

/** A duplicate id fails with a duplicate key (asDuplicateCall): the table is append-only. */
export function* insertCall(row: DutyCallRow): Query<void> {
  const recordJson = JSON.stringify(row.record);
  if (recordJson === undefined) throw new TypeError(`Duty call ${row.id} has no serialisable record`);
  yield* write(`INSERT INTO duty_calls (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.id,
    row.kind,
    row.tenantId,
    row.referrerAadId,
    row.conversationId,
    row.startedAt,
    row.submittedAt,
    recordJson,
  ]);
}

export function* callOf(id: string): Query<DutyCallRow | undefined> {
  const row = yield* selectOne<DbRow>(`SELECT ${COLUMNS} FROM duty_calls WHERE id = ?`, [id]);
  return row && fromDb(row);
}

/** A call's kind and when it was submitted, without its record (the scheduler's reminders). */
export function* headOf(id: string): Query<CallHead | undefined> {
  const row = yield* selectOne<{ kind: DutyCallKind; submitted_at: string }>(
    'SELECT kind, submitted_at FROM duty_calls WHERE id = ?',
    [id],
  );
  return row && { id, kind: row.kind, submittedAt: row.submitted_at };
}

/**
 * Calls that may still await their indication or referral, oldest first: the open calls only, not the
 * history (SQLite migration 6). Every call awaiting its indication has an 'indication' schedule row and
 * every call awaiting its referral a 'reminder' row (a few more may have one until the scheduler first
 * looks at them: the caller's fold leaves those out).
 */
export function* maybeOpenCalls(): Query<CallHead[]> {
  const rows = yield* select<{ id: string; kind: DutyCallKind; submitted_at: string }>(
    `SELECT id, kind, submitted_at FROM duty_calls d
     WHERE d.id IN (SELECT record_id FROM record_schedule WHERE kind IN ('reminder', 'indication'))
     ORDER BY submitted_at`,
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, submittedAt: r.submitted_at }));
}

const REFERENCE = perStore(
  (d) => `SELECT ${d.json('record_json', 'reference')} AS reference FROM duty_calls WHERE id = ?`,
);

/**
 * A call's reference (IMH-...), read from its record without parsing the rest: not the whole record
 * read and parsed for each of up to 50 calls listed on every "open" (most of what an "open" turn
 * allocated, issue 10).
 */
export function* referenceOf(id: string): Query<string | undefined> {
  const row = yield* selectOne<{ reference: string | null }>(REFERENCE, [id]);
  return row?.reference ?? undefined;
}

const OF_REFERRER = perStore(
  (d) => `SELECT ${COLUMNS} FROM duty_calls WHERE referrer_aad_id = ?
          ORDER BY submitted_at DESC, ${d.insertOrder} DESC LIMIT ?`,
);

/** A referrer's latest calls, latest first; calls of the same millisecond, the later inserted first. */
export function* callsOfReferrer(aadId: string, limit = 20): Query<DutyCallRow[]> {
  // SQLite treats a negative LIMIT as "no limit", which would silently return everything.
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer: ${limit}`);
  }
  const rows = yield* select<DbRow>(OF_REFERRER, [aadId, limit]);
  return rows.map(fromDb);
}

/**
 * The calls' queries, run synchronously on SQLite for callers that are still synchronous, until they
 * move to the seam's transact (issue 11). The queries themselves are written once for both stores.
 */
export class DutyCallRecords {
  constructor(private readonly sql: SqliteSql) {}

  /** Inside the caller's transaction, part of it. @throws DuplicateDutyCallError */
  insert(row: DutyCallRow): void {
    try {
      this.sql.transactNow(insertCall(row));
    } catch (err) {
      throw asDuplicateCall(err, row.id);
    }
  }

  get(id: string): DutyCallRow | undefined {
    return this.sql.transactNow(callOf(id), { readOnly: true });
  }

  head(id: string): CallHead | undefined {
    return this.sql.transactNow(headOf(id), { readOnly: true });
  }

  maybeOpen(): CallHead[] {
    return this.sql.transactNow(maybeOpenCalls(), { readOnly: true });
  }

  reference(id: string): string | undefined {
    return this.sql.transactNow(referenceOf(id), { readOnly: true });
  }

  listForReferrer(aadId: string, limit = 20): DutyCallRow[] {
    return this.sql.transactNow(callsOfReferrer(aadId, limit), { readOnly: true });
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
