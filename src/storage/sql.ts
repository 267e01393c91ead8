/*
 * The seam between the repositories and the two stores (issue 11): SQLite, embedded, the default; and
 * PostgreSQL, for several instances. A repository is written once against SqlRunner, in SQL both
 * understand: `?` placeholders (PostgresSql numbers them), ISO-8601 text for times, JSON as text,
 * ON CONFLICT and RETURNING. Each store's own class keeps what differs: connections, locking, durability,
 * and how a failure reads.
 */

export type SqlValue = string | number | bigint | null;

export interface SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  all<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A write: how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/**
 * How long a commit waits for the disk. 'disk' (the default): the commit is durable before the call
 * resolves, what anybody is told is done must be. 'soon': a power cut may lose it (a draft's step, the
 * delivery worker's bookkeeping); a crash of the bot does not.
 */
export type Durability = 'disk' | 'soon';

export interface SqlStore extends SqlRunner {
  /**
   * Runs `fn` as one transaction: all of it or none. The write lock (SQLite) or the rows' locks
   * (PostgreSQL) are the transaction's until it ends, so `fn` must only talk to the database through
   * `tx`: no network, no waiting on anything else. A throw rolls it back and is rethrown.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>, opts?: { durability?: Durability }): Promise<T>;
  close(): Promise<void>;
}

/** Whether a write failed because a row with that key is already there (either store). */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return (
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    // PostgreSQL's unique_violation, kept as the code of our StorageError
    e?.code === '23505'
  );
}
