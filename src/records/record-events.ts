import type Database from 'better-sqlite3';
import type { Actor, CallEvent, CallEventBody } from '../domain/call-state';
import { isExistingKey } from '../storage/database';

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

/** The append-only event log of each submitted call; (record, seq) unique is the concurrency check. */
export class RecordEvents {
  private readonly listStmt: Database.Statement<[string], Row>;
  private readonly insertStmt: Database.Statement<[Row]>;

  constructor(db: Database.Database) {
    this.listStmt = db.prepare('SELECT * FROM record_events WHERE record_id = ? ORDER BY seq');
    this.insertStmt = db.prepare(
      `INSERT INTO record_events (record_id, seq, type, actor_id, actor_name, at, data_json)
       VALUES (@record_id, @seq, @type, @actor_id, @actor_name, @at, @data_json)`,
    );
  }

  list(recordId: string): CallEvent[] {
    return this.listStmt.all(recordId).map((r) => {
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

  /** Appends as version `expected + 1`; throws VersionConflictError if another event got there first. */
  append(recordId: string, expected: number, body: CallEventBody, actor: Actor, at: string): CallEvent {
    try {
      this.insertStmt.run({
        record_id: recordId,
        seq: expected + 1,
        type: body.type,
        actor_id: actor.id,
        actor_name: actor.name,
        at,
        data_json: JSON.stringify(body),
      });
    } catch (err) {
      if (isExistingKey(err)) throw new VersionConflictError();
      throw err;
    }
    return { ...body, seq: expected + 1, at, actor } as CallEvent;
  }
}
