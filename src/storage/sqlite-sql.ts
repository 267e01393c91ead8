import type Database from 'better-sqlite3';
import { commitDurably, withoutWaitingForDisk } from './database';
import { type Durability, drive, type Query, type SqlStore, type Statement, textFor } from './sql';

/**
 * The SQL seam (sql.ts) on the bot's SQLite connection. better-sqlite3 answers at once, so a query runs
 * through synchronously, in one transaction, and nothing else can run on the connection meanwhile.
 */
export class SqliteSql implements SqlStore {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /**
   * `query` as one transaction (IMMEDIATE: the write lock first), committed without holding the event
   * loop for the disk; a 'disk' query resolves once the WAL is synced (commitDurably).
   */
  async transact<T>(query: Query<T>, opts: { durability?: Durability } = {}): Promise<T> {
    let wrote = false;
    const answer = (s: Statement): unknown => {
      if (s.op === 'write' || s.op === 'writeReturning') wrote = true;
      return this.answer(s, answer);
    };
    const run = () => this.db.transaction(() => drive(query, answer)).immediate();
    if (opts.durability === 'soon') return withoutWaitingForDisk(this.db, run);
    // a query that wrote nothing has nothing to wait for
    return commitDurably(this.db, run, () => wrote);
  }

  /**
   * `query` now, for code that is itself synchronous (the repositories not yet on the seam). Inside the
   * caller's own transaction it is part of that one (a savepoint), and that one's commit decides;
   * otherwise it commits waiting for the disk on the spot (synchronous = FULL), or, 'soon', not at all.
   * `readOnly`: the query only reads.
   */
  transactNow<T>(query: Query<T>, opts: { readOnly?: boolean; durability?: Durability } = {}): T {
    const answer = (s: Statement): unknown => this.answer(s, answer);
    const tx = this.db.transaction(() => drive(query, answer));
    // a read takes no write lock (another instance on the file may be writing); anything that may write
    // takes it first, so a read then a write in one query cannot deadlock with another writer
    const run = () => (opts.readOnly ? tx.deferred() : tx.immediate());
    return opts.durability === 'soon' ? withoutWaitingForDisk(this.db, run) : run();
  }

  async close(): Promise<void> {
    this.statements.clear();
  }

  /** `s`'s answer; `answer` answers the statements of a query attempted inside this one. */
  private answer(s: Statement, answer: (s: Statement) => unknown): unknown {
    // the transaction holds the file's write lock from its start (IMMEDIATE): nothing more to hold
    if (s.op === 'lock') return undefined;
    if (s.op === 'attempt') {
      try {
        // a transaction inside a transaction is a savepoint: a failure undoes this query alone
        return { ok: true, value: this.db.transaction(() => drive(s.query, answer))() };
      } catch (error) {
        return { ok: false, error };
      }
    }
    const statement = this.statement(textFor(s.sql, 'sqlite'));
    switch (s.op) {
      case 'select':
      case 'writeReturning':
        return statement.all(...s.params);
      case 'selectOne':
        return statement.get(...s.params);
      case 'write':
        return { changes: statement.run(...s.params).changes };
    }
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
