import type { Actor, CallEvent, CallEventBody } from '../domain/call-state';
import { isDuplicateKey, type Query, select, write } from '../storage/sql';
import type { SqliteSql } from '../storage/sqlite-sql';

export class VersionConflictError extends Error {
  constructor() {
    super('The record changed since it was read');
    this.name = 'VersionConflictError';
  }
}

interface Row {
  record_id: string;
  seq: number;
  type: string;
  actor_id: string;
  actor_name: string;
  at: string;
  data_json: string;
}

export function* eventsOf(recordId: string): Query<CallEvent[]> {
  const rows = yield* select<Row>(
    'SELECT record_id, seq, type, actor_id, actor_name, at, data_json FROM record_events WHERE record_id = ? ORDER BY seq',
    [recordId],
  );
  return rows.map((r) => {
    const { type: _type, ...data } = JSON.parse(r.data_json) as CallEventBody;
    return {
      ...data,
      type: r.type,
      seq: r.seq,
      at: r.at,
      actor: { id: r.actor_id, name: r.actor_name },
    } as CallEvent;
  });
}

/**
 * Appends as version `expected + 1`. Another event there first fails the query with a duplicate key
 * (isDuplicateKey); whoever runs it reads that as the record having changed (VersionConflictError).
 */
export function* appendEvent(
  recordId: string,
  expected: number,
  body: CallEventBody,
  actor: Actor,
  at: string,
): Query<CallEvent> {
  yield* write(
    `INSERT INTO record_events (record_id, seq, type, actor_id, actor_name, at, data_json)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [recordId, expected + 1, body.type, actor.id, actor.name, at, JSON.stringify(body)],
  );
  return { ...body, seq: expected + 1, at, actor } as CallEvent;
}

/**
 * The append-only event log of each submitted call; (record, seq) unique is the concurrency check. Its
 * queries run synchronously on SQLite (inside the caller's transaction when there is one) until the
 * callers move to the seam's transact (issue 11).
 */
export class RecordEvents {
  constructor(private readonly sql: SqliteSql) {}

  list(recordId: string): CallEvent[] {
    return this.sql.transactNow(eventsOf(recordId), { readOnly: true });
  }

  /** Appends as version `expected + 1`; throws VersionConflictError if another event got there first. */
  append(recordId: string, expected: number, body: CallEventBody, actor: Actor, at: string): CallEvent {
    try {
      return this.sql.transactNow(appendEvent(recordId, expected, body, actor, at));
    } catch (err) {
      if (isDuplicateKey(err)) throw new VersionConflictError();
      throw err;
    }
  }
}
