import type Database from 'better-sqlite3';

/** How to reach a call's referrer in their personal chat, for proactive messages. */
export interface CallContact {
  readonly recordId: string;
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly userId: string;
}

export class CallContacts {
  private readonly insertStmt: Database.Statement<[Record<string, string>]>;
  private readonly getStmt: Database.Statement<[string], Record<string, string>>;

  constructor(db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO call_contacts (record_id, service_url, conversation_id, user_id)
       VALUES (@record_id, @service_url, @conversation_id, @user_id)`,
    );
    this.getStmt = db.prepare('SELECT * FROM call_contacts WHERE record_id = ?');
  }

  insert(c: CallContact): void {
    this.insertStmt.run({
      record_id: c.recordId,
      service_url: c.serviceUrl,
      conversation_id: c.conversationId,
      user_id: c.userId,
    });
  }

  get(recordId: string): CallContact | undefined {
    const r = this.getStmt.get(recordId);
    return (
      r && {
        recordId: r.record_id!,
        serviceUrl: r.service_url!,
        conversationId: r.conversation_id!,
        userId: r.user_id!,
      }
    );
  }
}
