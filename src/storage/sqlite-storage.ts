import type Database from 'better-sqlite3';
import type { Storage, StoreItems } from 'botbuilder';
import { commitDurably, withoutWaitingForDisk } from './database';
import type { Query } from './sql';
import { SqliteSql } from './sqlite-sql';
import { eTagConflict, pendingWrites, type StateWrite } from './state-storage';

interface StateRow {
  etag: string;
  value: string;
}

/** A row to write; `expected` null means "overwrite whatever is there", as MemoryStorage does. */
type PendingWrite = StateWrite;

/**
 * botbuilder Storage over the `bot_state` table, matching MemoryStorage's observable behaviour
 * except that one write() is all-or-nothing (MemoryStorage applies the non-conflicting items).
 */
export class SqliteStorage implements Storage {
  private readonly readOne: (key: string) => [string, object][];
  private readonly readAll: (keys: string[]) => [string, object][];
  private readonly writeAll: Database.Transaction<(writes: PendingWrite[]) => void>;
  private readonly deleteAll: (keys: string[]) => void;
  private readonly writeWith: Database.Transaction<
    (writes: PendingWrite[], alongside: () => unknown) => unknown
  >;
  /** The records' queries on the same connection, for what is written with a draft. */
  private readonly sql: SqliteSql;

  /** `now` stamps updated_at, which retention (src/records/retention.ts) reads on the same clock. */
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = new SqliteSql(db);
    const select = db.prepare<[string], StateRow>('SELECT etag, value FROM bot_state WHERE key = ?');
    // Inserting when the key is absent even if an eTag was supplied mirrors MemoryStorage, which
    // only checks the eTag against an existing item.
    const upsert = db.prepare<[PendingWrite]>(`
      INSERT INTO bot_state (key, etag, value, updated_at) VALUES (@key, @etag, @value, @updatedAt)
      ON CONFLICT (key) DO UPDATE
        SET etag = excluded.etag, value = excluded.value, updated_at = excluded.updated_at
        WHERE @expected IS NULL OR bot_state.etag = @expected`);
    const remove = db.prepare<[string]>('DELETE FROM bot_state WHERE key = ?');

    // eTag set on the parsed object rather than spread into a copy: a turn reads its draft every time
    const item = (row: StateRow): object => {
      const value = JSON.parse(row.value) as Record<string, unknown>;
      value.eTag = row.etag;
      return value;
    };
    // One statement is its own snapshot: a turn's single key needs no transaction around it.
    this.readOne = (key: string) => {
      const row = select.get(key);
      return row ? [[key, item(row)]] : [];
    };
    // A transaction so a multi-key read sees one snapshot even if another process writes meanwhile.
    this.readAll = db.transaction((keys: string[]) => {
      const found: [string, object][] = [];
      for (const key of keys) {
        const row = select.get(key);
        if (row) found.push([key, item(row)]);
      }
      return found;
    });
    this.writeAll = db.transaction((writes: PendingWrite[]) => {
      for (const write of writes) {
        if (upsert.run(write).changes === 0) throw eTagConflict(write.key);
      }
    });
    this.writeWith = db.transaction((writes: PendingWrite[], alongside: () => unknown) => {
      for (const write of writes) {
        if (upsert.run(write).changes === 0) throw eTagConflict(write.key);
      }
      return alongside();
    });
    this.deleteAll = db.transaction((keys: string[]) => {
      for (const key of keys) remove.run(key);
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    // fromEntries defines own properties, so keys like "__proto__" come back as data, not prototypes.
    return Object.fromEntries(keys.length === 1 ? this.readOne(keys[0]!) : this.readAll(keys));
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const writes = this.pending(changes);
    if (writes.length === 0) return;
    // IMMEDIATE takes the write lock up front, so busy_timeout applies instead of a deferred
    // transaction failing with SQLITE_BUSY when it tries to upgrade its read lock. On disk before it
    // resolves, without holding the event loop meanwhile (commitDurably).
    await commitDurably(this.db, () => this.writeAll.immediate(writes));
  }

  /**
   * write() for a step of the call in progress (a card's Save, Next or Back), committed without waiting
   * for the disk (withoutWaitingForDisk: a power cut can set the draft a step back). Only for drafts'
   * steps: anything the bot has told someone is stored (a submit, an alert, "forget me") uses write() or
   * writeTogether(), whose commits wait.
   */
  async writeSoon(changes: StoreItems): Promise<void> {
    const writes = this.pending(changes);
    if (writes.length === 0) return;
    withoutWaitingForDisk(this.db, () => this.writeAll.immediate(writes));
  }

  /**
   * write(), and `alongside` (a query of the records) in the same transaction on the same database: both
   * happen or neither does (an eTag conflict, or `alongside` failing, rolls back both). How a draft save
   * and the safeguarding alert it raises are stored together (DraftStore.saveWith).
   */
  async writeTogether<T>(
    changes: StoreItems,
    alongside: Query<T>,
    durable: (result: T) => boolean = () => true,
  ): Promise<T> {
    const writes = this.pending(changes);
    return (await commitDurably(
      this.db,
      () => this.writeWith.immediate(writes, () => this.sql.transactNow(alongside)),
      durable as (result: unknown) => boolean,
    )) as T;
  }

  private pending(changes: StoreItems): PendingWrite[] {
    return pendingWrites(changes, this.now());
  }

  async delete(keys: string[]): Promise<void> {
    await commitDurably(this.db, () => this.deleteAll(keys));
  }
}
