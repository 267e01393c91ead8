import { type Query, selectOne, write } from '../storage/sql';
import type { SqliteSql } from '../storage/sqlite-sql';

/** How to reach a call's referrer in their personal chat, for proactive messages. */
export interface CallContact {
  readonly recordId: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly userId: string;
}

interface ContactRow {
  record_id: string;
  service_url: string;
  conversation_id: string;
  user_id: string;
}

export function* insertContact(c: CallContact): Query<void> {
  yield* write(
    'INSERT INTO call_contacts (record_id, service_url, conversation_id, user_id) VALUES (?, ?, ?, ?)',
    [c.recordId, c.serviceUrl, c.conversationId, c.userId],
  );
}

export function* contactOf(recordId: string): Query<CallContact | undefined> {
  const r = yield* selectOne<ContactRow>(
    'SELECT record_id, service_url, conversation_id, user_id FROM call_contacts WHERE record_id = ?',
    [recordId],
  );
  return (
    r && {
      recordId: r.record_id,
      serviceUrl: r.service_url,
      conversationId: r.conversation_id,
      userId: r.user_id,
    }
  );
}

/**
 * The contacts' queries, run synchronously on SQLite for callers that are still synchronous (a Submit's
 * record transaction, the delivery worker's choice of target), until they move to the seam's transact
 * (issue 11). The queries themselves are written once for both stores.
 */
export class CallContacts {
  constructor(private readonly sql: SqliteSql) {}

  /** Inside the caller's transaction, part of it. */
  insert(c: CallContact): void {
    this.sql.transactNow(insertContact(c));
  }

  get(recordId: string): CallContact | undefined {
    return this.sql.transactNow(contactOf(recordId), { readOnly: true });
  }
}
