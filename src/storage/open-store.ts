import type { Storage, StoreItems } from 'botbuilder';
import type { Logger } from '../logger';
import { type Checkpointer, startCheckpointer } from './checkpointer';
import { closeDatabase, openDatabase, scrubWalSoon } from './database';
import { PostgresSql } from './postgres-sql';
import { type Query, type SqlStore, selectOne } from './sql';
import { SqliteSql } from './sqlite-sql';
import { SqliteStorage } from './sqlite-storage';
import { answersWithin, StateStorage } from './state-storage';

/** Where a bot keeps everything, as DATABASE_URL chooses (issue 11). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** The records, outbox, audit, channels, limits: the SQL seam. */
  readonly sql: SqlStore;
  /** The drafts and Teams AI's turn state (botbuilder Storage), in the same database as the records. */
  readonly drafts: Storage & {
    writeTogether<T>(changes: StoreItems, alongside: Query<T>, durable?: (result: T) => boolean): Promise<T>;
    writeSoon(changes: StoreItems): Promise<void>;
  };
  /**
   * After a deletion (a discard, "forget me", a purge): on SQLite the old versions of the deleted pages
   * are scrubbed from the WAL; PostgreSQL's own vacuum reclaims them.
   */
  afterDelete(onBusy: () => void): void;
  /** Whether the database answers now, within `timeoutMs`: never a rejection (a health probe asks). */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Where SQLite's WAL is checkpointed (off the event loop, or in a commit); PostgreSQL: 'server'. */
  checkpoints(): 'worker' | 'in-commit' | 'none' | 'server';
  close(): Promise<void>;
}

export interface StoreSettings {
  readonly DATABASE_FILE: string;
  readonly DATABASE_URL?: string | undefined;
  readonly DATABASE_SCHEMA?: string | undefined;
}

/**
 * The store the settings name: PostgreSQL when DATABASE_URL is set (several instances share it), else the
 * SQLite file (the embedded default: nothing else to run). Migrations run before it is handed back, once
 * under a lock when several instances start together.
 */
export async function openStore(settings: StoreSettings, now: () => Date, logger: Logger): Promise<Store> {
  if (settings.DATABASE_URL) {
    const sql = new PostgresSql({
      connectionString: settings.DATABASE_URL,
      ...(settings.DATABASE_SCHEMA ? { schema: settings.DATABASE_SCHEMA } : {}),
    });
    try {
      await sql.init();
    } catch (err) {
      await sql.close();
      throw err;
    }
    return {
      kind: 'postgres',
      sql,
      drafts: new StateStorage(sql, now),
      afterDelete: () => {},
      ready: (timeoutMs = 2_000) =>
        answersWithin(() => sql.transact(selectOne('SELECT 1 AS one')), timeoutMs),
      checkpoints: () => 'server',
      close: () => sql.close(),
    };
  }
  const db = openDatabase(settings.DATABASE_FILE);
  const sql = new SqliteSql(db);
  let checkpointer: Checkpointer | undefined;
  try {
    checkpointer = await startCheckpointer(db, logger);
  } catch (err) {
    closeDatabase(db);
    throw err;
  }
  return {
    kind: 'sqlite',
    sql,
    drafts: new SqliteStorage(db, now),
    // held all along (a reader): tried again until it is done (scrubWalSoon)
    afterDelete: (onBusy) => scrubWalSoon(db, onBusy),
    ready: async () => {
      db.prepare('SELECT 1').get();
      return true;
    },
    checkpoints: () => (checkpointer?.running ? 'worker' : db.memory ? 'none' : 'in-commit'),
    close: async () => {
      await checkpointer?.stop();
      closeDatabase(db);
    },
  };
}
