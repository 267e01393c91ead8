import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { syncWal } from './database';
import type { Durability, SqlRunner, SqlStore, SqlValue } from './sql';

/**
 * The SQL seam (sql.ts) on the bot's SQLite connection. better-sqlite3 answers at once, so a statement
 * alone runs on the spot. A transaction spans awaits, and while it is open every other statement on the
 * connection would join it: so they wait for it to end (a turnstile), and it has the connection alone.
 *
 * What keeps that true: while some repositories still use the connection directly (the synchronous ones
 * not yet moved to the seam, issue 11), their statements called while a transaction here is open would
 * run inside it. transaction() therefore refuses unless `exclusive` says every writer on the connection
 * goes through this store.
 */
export class SqliteSql implements SqlStore {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private waiting: (() => void)[] = [];
  private locked = false;
  private readonly inside = new AsyncLocalStorage<SqliteSql>();

  constructor(
    private readonly db: Database.Database,
    private readonly o: { readonly exclusive?: boolean } = {},
  ) {}

  async all<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (this.locked) await this.turn();
    return this.statement(sql).all(...params) as T[];
  }

  async get<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    if (this.locked) await this.turn();
    return this.statement(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (this.locked) await this.turn();
    return { changes: this.statement(sql).run(...params).changes };
  }

  async transaction<T>(
    fn: (tx: SqlRunner) => Promise<T>,
    opts: { durability?: Durability } = {},
  ): Promise<T> {
    if (!this.o.exclusive) {
      throw new Error('SqliteSql.transaction: other code still writes on this connection directly');
    }
    if (this.inside.getStore() === this) {
      throw new Error('SqliteSql.transaction: already inside one; use its runner');
    }
    while (this.locked) await this.wait();
    this.locked = true;
    let result: T;
    try {
      // the commit itself does not wait for the disk; a 'disk' transaction then waits for the WAL's sync
      // in the thread pool (wal-sync.ts), as commitDurably does, so neither holds the event loop, and the
      // connection is free for others meanwhile
      this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('BEGIN IMMEDIATE');
      try {
        result = await this.inside.run(this, () => fn(this.runner()));
        this.db.exec('COMMIT');
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.db.exec('PRAGMA synchronous = FULL');
      this.release();
    }
    if (opts.durability !== 'soon') await syncWal(this.db);
    return result;
  }

  async close(): Promise<void> {
    this.statements.clear();
  }

  /** Statements of the open transaction: straight to the connection, which is theirs. */
  private runner(): SqlRunner {
    const statement = (sql: string) => this.statement(sql);
    return {
      dialect: 'sqlite',
      all: async <T extends object>(sql: string, params: readonly SqlValue[] = []) =>
        statement(sql).all(...params) as T[],
      get: async <T extends object>(sql: string, params: readonly SqlValue[] = []) =>
        statement(sql).get(...params) as T | undefined,
      run: async (sql: string, params: readonly SqlValue[] = []) => ({
        changes: statement(sql).run(...params).changes,
      }),
    };
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Until no transaction is open. From inside the open one it would wait forever: refused. */
  private async turn(): Promise<void> {
    while (this.locked) {
      if (this.inside.getStore() === this) {
        throw new Error('SqliteSql: inside a transaction, use its runner');
      }
      await this.wait();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    this.locked = false;
    const woken = this.waiting;
    this.waiting = [];
    for (const w of woken) w();
  }
}
