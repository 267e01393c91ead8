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
];
