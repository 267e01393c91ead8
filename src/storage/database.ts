import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';

export const DEFAULT_DATABASE_FILE = path.join('data', 'imh-duty-bot.sqlite');

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  const db = new Database(file);
  try {
    // busy_timeout first: switching to WAL needs a lock, and a second process (e.g. a report
    // script) should wait for it rather than fail with SQLITE_BUSY. WAL lets readers proceed
    // while a turn is being written.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
  const applyPending = db.transaction(() => {
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      // Running an older build against a newer schema could silently corrupt data.
      throw new Error(`Database has migrations this build does not know about: ${unknown.join(', ')}`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, new Date().toISOString());
    }
  });
  // IMMEDIATE takes the write lock before reading schema_migrations, so two processes starting
  // together cannot both decide to apply the same migration.
  applyPending.immediate();
}
