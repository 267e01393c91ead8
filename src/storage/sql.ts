/*
 * The seam between the repositories and the two stores (issue 11): SQLite, embedded, the default; and
 * PostgreSQL, for several instances.
 *
 * A repository's work is written once, as a Query: a generator that yields the statements it needs and
 * gets each one's answer back, in SQL both stores understand (`?` placeholders, ISO-8601 text for times,
 * JSON as text, ON CONFLICT, RETURNING):
 *
 *   function* teamOf(teamId: string): Query<Team | undefined> {
 *     const row = yield* selectOne<TeamRow>('SELECT ... FROM teams WHERE team_id = ?', [teamId]);
 *     return row && toTeam(row);
 *   }
 *
 * Each store drives the generator its own way, as one transaction. SqliteSql answers each statement on
 * the spot, so a whole query runs synchronously, inside the caller's own transaction if there is one:
 * the repositories still written against better-sqlite3 directly can call a converted one, and move
 * one at a time. PostgresSql awaits each statement on one pooled connection of its own. Queries compose
 * with yield*: several repositories' work is one transaction on either store.
 */

import { isExistingKey } from './database';

export type SqlValue = string | number | bigint | null;

/**
 * A statement's text: one for both stores, or, where their SQL cannot agree (reading a path of JSON
 * text, SQLite's rowid), each store's own. The two must give the same answers: the repositories' suites
 * run on both (test/harness/stores.ts).
 */
export type SqlText = string | { readonly sqlite: string; readonly postgres: string };

export type Statement =
  | {
      readonly op: 'select' | 'selectOne' | 'write' | 'writeReturning';
      readonly sql: SqlText;
      readonly params: readonly SqlValue[];
    }
  | { readonly op: 'lock'; readonly key: string }
  | { readonly op: 'attempt'; readonly query: Query<unknown> };

/** What a statement written once for both stores may say differently on each (perStore). */
export interface Dialect {
  /** The column that orders a table's rows as inserted: SQLite's rowid, PostgreSQL's row_order. */
  readonly insertOrder: string;
  /** A key of JSON text: json_extract on SQLite, ->> on PostgreSQL, as each one's indexes are written. */
  json(column: string, key: string): string;
  /** Text for SQLite alone (its hints: INDEXED BY, a unary + that keeps a term off an index). */
  sqliteOnly(text: string): string;
  /** Text for PostgreSQL alone (FOR UPDATE, a column read at once that SQLite reads when used). */
  postgresOnly(text: string): string;
}

/** One statement's two texts from one template. */
export function perStore(template: (d: Dialect) => string): SqlText {
  return {
    sqlite: template({
      insertOrder: 'rowid',
      json: (column, key) => `json_extract(${column}, '$.${key}')`,
      sqliteOnly: (text) => text,
      postgresOnly: () => '',
    }),
    postgres: template({
      insertOrder: 'row_order',
      json: (column, key) => `(${column}::jsonb ->> '${key}')`,
      sqliteOnly: () => '',
      postgresOnly: (text) => text,
    }),
  };
}

/** The text `dialect` runs. */
export function textFor(sql: SqlText, dialect: 'sqlite' | 'postgres'): string {
  return typeof sql === 'string' ? sql : sql[dialect];
}

/** Database work written once for both stores (see above). A failed statement ends it. */
export type Query<T> = Generator<Statement, T, unknown>;

/** Every row. */
export function* select<T extends object>(sql: SqlText, params: readonly SqlValue[] = []): Query<T[]> {
  return (yield { op: 'select', sql, params }) as T[];
}

/** The first row, if any. */
export function* selectOne<T extends object>(
  sql: SqlText,
  params: readonly SqlValue[] = [],
): Query<T | undefined> {
  return (yield { op: 'selectOne', sql, params }) as T | undefined;
}

/** A write: how many rows it changed. */
export function* write(sql: SqlText, params: readonly SqlValue[] = []): Query<{ changes: number }> {
  return (yield { op: 'write', sql, params }) as { changes: number };
}

/** A write with RETURNING: the rows it returns (the ids it made). */
export function* writeReturning<T extends object>(
  sql: SqlText,
  params: readonly SqlValue[] = [],
): Query<T[]> {
  return (yield { op: 'writeReturning', sql, params }) as T[];
}

/**
 * Holds `key` until the transaction ends, for work that reads and then writes something no row stands
 * for (a rate limit's count: two instances must not both find room). On PostgreSQL a transaction-level
 * advisory lock; SQLite's transaction already holds the file's write lock from its start (IMMEDIATE), so
 * there it does nothing. Take several in one order (sorted), or two transactions may wait on each other.
 */
export function* lock(key: string): Query<void> {
  yield { op: 'lock', key };
}

/** What attempt() gives back: the query's result, or the failure that undid it. */
export type Attempted<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/**
 * `query` inside the caller's transaction, undone alone if it fails (a savepoint on either store): the
 * failure is given back rather than ending the whole transaction, so a batch of items commits once with
 * each item all or nothing (the scheduler's due records).
 */
export function* attempt<T>(query: Query<T>): Query<Attempted<T>> {
  return (yield { op: 'attempt', query }) as Attempted<T>;
}

/**
 * How long a commit waits for the disk. 'disk' (the default): durable before the call resolves; what
 * anybody is told is done must be. 'soon': a power cut may lose it (a draft's step, the delivery worker's
 * bookkeeping); a crash of the bot does not.
 */
export type Durability = 'disk' | 'soon';

export interface SqlStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `query` as one transaction: all of it or none; a failure rolls it back and is rethrown. */
  transact<T>(query: Query<T>, opts?: { durability?: Durability }): Promise<T>;
  close(): Promise<void>;
}

/**
 * Feeds a query each statement's answer until it returns. A statement that fails ends the query (its
 * finally blocks run) and the failure is rethrown: PostgreSQL would refuse every later statement of the
 * transaction anyway, so neither store lets a query carry on past one.
 */
export function drive<T>(query: Query<T>, answer: (s: Statement) => unknown): T {
  let step = query.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = answer(step.value);
    } catch (err) {
      query.return(undefined as T);
      throw err;
    }
    step = query.next(result);
  }
  return step.value;
}

/** As drive, each answer awaited. */
export async function driveAsync<T>(query: Query<T>, answer: (s: Statement) => Promise<unknown>): Promise<T> {
  let step = query.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = await answer(step.value);
    } catch (err) {
      query.return(undefined as T);
      throw err;
    }
    step = query.next(result);
  }
  return step.value;
}

/**
 * Whether a write failed because a row with that key is already there, on either store: SQLite's key
 * clashes and its append-only tables' refusal (isExistingKey), PostgreSQL's unique_violation (the code
 * its append-only triggers raise too, kept as our StorageError's code).
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return isExistingKey(err) || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505';
}
