import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';
import { WalSync } from './wal-sync';

export const DEFAULT_DATABASE_FILE = path.join('data', 'imh-duty-bot.sqlite');

/**
 * The WAL is cut back to this size when it starts over (it keeps its largest size otherwise): a burst
 * of writes, or a while when it could not start over, would leave the file that large for good. About a
 * second of the heaviest load measured (bench:peer writes some 18 MB of pages a second), four of the
 * checkpointer's passes, fit in it, so under load it is reused rather than cut and grown again.
 */
export const WAL_LIMIT_BYTES = 16 * 1024 * 1024;

/** The first migration that ships with secure_delete on (see upgradeScrub). */
const SECURE_DELETE_SINCE = 3;

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') restrictFiles(file);
  const db = new Database(file);
  try {
    // busy_timeout first: switching to WAL needs a lock, and a second process (e.g. a report
    // script) should wait for it rather than fail with SQLITE_BUSY. WAL lets readers proceed
    // while a turn is being written.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // Every commit waits for the disk (a record, an alert, the outbox, the audit survive a power cut).
    // Said outright: SQLite as better-sqlite3 builds it turns this down to NORMAL on the connection that
    // first switches a file to WAL, so a fresh install kept records only as durably as the next sync,
    // and every later start, opening a file already in WAL, waited for the disk. A draft's steps ask for
    // less, one transaction at a time (SqliteStorage.writeSoon).
    db.pragma('synchronous = FULL');
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    db.pragma('foreign_keys = ON');
    // Deleted means deleted: freed cells and pages are zeroed instead of lingering in the file.
    // It is a per-connection setting, so it cannot live in a migration.
    db.pragma('secure_delete = ON');
    // Sorts, temporary tables and VACUUM's copy of the database stay in memory rather than in files
    // under /tmp, which nobody would think of scrubbing.
    db.pragma('temp_store = MEMORY');
    const applied = migrate(db);
    upgradeScrub(db, applied);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * The file holds details of infants and families: only the bot's own user may read it. SQLite gives
 * the -wal and -shm files the mode of the database file, so creating that one 0600 covers them; files
 * left by an older build (which created them 0644) are tightened here.
 */
function restrictFiles(file: string): void {
  // mode applies only to folders created here: an existing folder may be shared (e.g. /srv/data)
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = fs.statSync(f).mode & 0o777;
    } catch {
      continue;
    }
    if (mode & 0o077) fs.chmodSync(f, mode & 0o700);
  }
}

/**
 * Rewrites the whole file once, when a database written by a build without secure_delete is first
 * opened by this one: residue of drafts discarded before then sits in its free pages.
 */
function upgradeScrub(db: Database.Database, applied: readonly number[]): void {
  if (db.memory || !applied.includes(SECURE_DELETE_SINCE)) return;
  const all = Number(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get());
  if (all === applied.length) return; // created just now: nothing was ever deleted in it
  db.exec('VACUUM');
  scrubWal(db);
}

/**
 * Runs `fn` (a transaction, or statements each their own) with commits that do not wait for the disk
 * (synchronous = NORMAL), then puts the connection back to waiting (FULL, as openDatabase sets it). For
 * writes whose loss to a power cut costs a step, not a record: a draft's step, and the delivery worker's
 * bookkeeping (a claim, a post marked under way or made, the rate limits' stamps: lost, a post is made
 * once more, recognisably). A crash of the bot loses none of them; the checkpointer's pass syncs the log
 * a quarter of a second later at most, as does any commit that waits. A commit that waits, on this
 * machine: 60 µs of CPU and 150 µs with the event loop held; one that does not: 15 and 20. Inside a
 * transaction already begun it only runs `fn`: that transaction's own commit decides.
 *
 * Each switch is its own exec, not a prepared statement run again: SQLite applies PRAGMA synchronous
 * when the statement is compiled, so a prepared one did nothing on its first run (the first step of
 * every start waited for the disk) and worked afterwards only because it expires itself.
 */
export function withoutWaitingForDisk<T>(db: Database.Database, fn: () => T): T {
  if (db.inTransaction) return fn();
  db.exec('PRAGMA synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.exec('PRAGMA synchronous = FULL');
  }
}

const walSyncs = new WeakMap<Database.Database, WalSync>();

/**
 * Commits `fn` (a transaction) without holding the event loop for the disk, and resolves once it is on
 * disk (WalSync): for what must survive a power cut before anyone is told it is done (a submitted
 * call's record, an alert raised with a draft's save, a draft's clearing or deletion).
 */
export async function commitDurably<T>(
  db: Database.Database,
  fn: () => T,
  /** Whether what was committed needs it (a risk save that raised no alert is a draft's step). */
  durable: (result: T) => boolean = () => true,
): Promise<T> {
  const result = withoutWaitingForDisk(db, fn);
  if (!durable(result)) return result;
  await syncWal(db);
  return result;
}

/** Resolves once everything committed on `db` so far is on disk (WalSync, off the event loop). */
export function syncWal(db: Database.Database): Promise<void> {
  let sync = walSyncs.get(db);
  if (!sync) {
    sync = db.memory ? new WalSync(undefined) : WalSync.of(db.name);
    walSyncs.set(db, sync);
  }
  return sync.flush();
}

/** Closes the database and the WAL descriptor commitDurably keeps for it. */
export function closeDatabase(db: Database.Database): void {
  walSyncs.get(db)?.close();
  walSyncs.delete(db);
  db.close();
}

/**
 * Moves every committed page into the database file and truncates the WAL to nothing. Old versions
 * of pages (a discarded draft as it was) live on in the WAL until then: a normal checkpoint copies
 * pages back but leaves the WAL's bytes in place. Returns false if a reader kept it from finishing.
 */
export function scrubWal(db: Database.Database): boolean {
  if (db.memory) return true;
  // without waiting: TRUNCATE waits for every reader to leave the WAL, and with the connection's busy
  // timeout that held the event loop, and every referrer's turn, for up to 5 s (scrubWalSoon tries again)
  const busyMs = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${busyMs}`);
  }
}

/** The scrub each database is waiting to make, if any: one per file however many deletions ask. */
const pendingScrubs = new WeakMap<Database.Database, { onBusy: () => void }>();

/**
 * scrubWal now and, while something holds the WAL, again until it is done: quickly at first (the
 * checkpointer's pass, a few milliseconds four times a second, or a reader), then every `slowMs` for as
 * long as it takes (a report script or a backup reading for minutes). Giving up after the quick tries
 * left a discarded draft's old pages in the WAL until the next discard or purge, which could be days.
 * `onBusy` is told once, when the quick tries have all found it held; however many deletions ask while
 * one scrub is waiting, it is the one scrub that is tried.
 */
export function scrubWalSoon(
  db: Database.Database,
  onBusy: () => void,
  { quickTries = 5, gapMs = 40, slowMs = 1000 } = {},
): void {
  if (pendingScrubs.has(db)) return;
  pendingScrubs.set(db, { onBusy });
  const attempt = (tried: number) => {
    if (!db.open || scrubWal(db)) {
      pendingScrubs.delete(db);
      return;
    }
    if (tried + 1 === quickTries) pendingScrubs.get(db)?.onBusy();
    setTimeout(() => attempt(tried + 1), tried + 1 < quickTries ? gapMs : slowMs).unref();
  };
  attempt(0);
}

/**
 * Whether an insert failed because its key is already there: the primary key refuses a plain
 * INSERT, and the append-only triggers refuse it first (so that INSERT OR REPLACE cannot rewrite).
 */
export function isExistingKey(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return (
    e?.code === 'SQLITE_CONSTRAINT_TRIGGER' && typeof e.message === 'string' && e.message.endsWith(EXISTS)
  );
}

/** The end of the message the append-only insert triggers raise (see migration 3). */
const EXISTS = 'append-only: the row already exists';

/** Returns the versions applied by this call. */
function migrate(db: Database.Database): number[] {
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
    const now: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, new Date().toISOString());
      now.push(m.version);
    }
    return now;
  });
  // IMMEDIATE takes the write lock before reading schema_migrations, so two processes starting
  // together cannot both decide to apply the same migration.
  return applyPending.immediate();
}
