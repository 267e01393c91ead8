export interface Migration {
  version: number;
  sql: string;
}

// Append only: a migration that has shipped must never be edited, because databases that already
// recorded its version will not run it again.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        etag TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE duty_calls (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'advice')),
        tenant_id TEXT NOT NULL,
        referrer_aad_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        record_json TEXT NOT NULL
      );

      CREATE INDEX duty_calls_referrer_submitted ON duty_calls (referrer_aad_id, submitted_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- Where the bot posts: set by "@bot set duty channel" (or configuration), one row per role.
      CREATE TABLE channels (
        role TEXT PRIMARY KEY CHECK (role IN ('duty', 'safeguarding', 'admin')),
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      );

      -- Teams the bot is installed in, learned from the install event.
      CREATE TABLE teams (
        team_id TEXT PRIMARY KEY,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        channels_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- How to reach the referrer of a call later (reminders, the indication given).
      CREATE TABLE call_contacts (
        record_id TEXT PRIMARY KEY REFERENCES duty_calls (id),
        service_url TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL
      );

      -- What happened to a call after submission; the state is the fold of its events, in seq order.
      -- (record_id, seq) is the optimistic-concurrency check: two actions on one version cannot both land.
      CREATE TABLE record_events (
        record_id TEXT NOT NULL REFERENCES duty_calls (id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        at TEXT NOT NULL,
        data_json TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (record_id, seq)
      );

      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        record_id TEXT REFERENCES duty_calls (id),
        kind TEXT NOT NULL,
        target_json TEXT NOT NULL,
        payload_json TEXT NOT NULL DEFAULT '{}',
        after_id TEXT REFERENCES outbox (id),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        give_up_at TEXT NOT NULL,
        in_flight_at TEXT,
        delivered_at TEXT,
        conversation_id TEXT,
        activity_id TEXT,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id TEXT,
        outcome TEXT NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_record ON audit (record_id, id);

      -- Records, their events and the audit trail are evidence: never changed or removed in place.
      CREATE TRIGGER duty_calls_append_only_u BEFORE UPDATE ON duty_calls
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only'); END;
      CREATE TRIGGER duty_calls_append_only_d BEFORE DELETE ON duty_calls
        BEGIN SELECT RAISE(ABORT, 'duty_calls rows are append-only'); END;
      CREATE TRIGGER record_events_append_only_u BEFORE UPDATE ON record_events
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only'); END;
      CREATE TRIGGER record_events_append_only_d BEFORE DELETE ON record_events
        BEGIN SELECT RAISE(ABORT, 'record_events rows are append-only'); END;
      CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
      CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    `,
  },
];
