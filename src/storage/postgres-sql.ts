import { Pool, type PoolClient } from 'pg';
import { checkSchemaName, migrationOnce } from './postgres-migrations';
import {
  type Durability,
  driveAsync,
  type Query,
  type SqlStore,
  type SqlValue,
  type Statement,
  textFor,
} from './sql';
import { fromPostgres, StorageError } from './storage-errors';

export interface PostgresSqlOptions {
  readonly connectionString: string;
  /** The schema holding the bot's tables, migrated by init(). Default: the connection's current one. */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** Connecting, and waiting for a free pooled connection (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Server side: one statement, waiting for a row lock included (default 10 s). */
  readonly statementTimeoutMs?: number;
}

/**
 * The SQL seam (sql.ts) on PostgreSQL: a pool, each query a transaction on one connection of its own,
 * its statements awaited in turn. The repositories' `?` placeholders become `$1`, `$2`, ...
 * Every failure is a StorageError with a fixed message and the SQLSTATE kept (unique_violation is
 * 23505, as isDuplicateKey reads it): the driver's own messages can quote SQL and values.
 */
export class PostgresSql implements SqlStore {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private readonly schema: string | undefined;
  private readonly migrate: () => Promise<void>;
  private readonly texts = new Map<string, string>();

  constructor(o: PostgresSqlOptions) {
    if (o.schema !== undefined) checkSchemaName(o.schema);
    this.schema = o.schema;
    const statementTimeoutMs = o.statementTimeoutMs ?? 10_000;
    this.pool = new Pool({
      connectionString: o.connectionString,
      max: o.maxConnections ?? 10,
      connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 2_000,
      idle_in_transaction_session_timeout: 10_000,
      keepAlive: true,
      application_name: 'imh-duty-bot',
      // the schema is ours, named and checked (checkSchemaName): every connection looks there first
      ...(o.schema === undefined ? {} : { options: `-c search_path="${o.schema}"` }),
    });
    // an idle connection lost: the pool drops it and connects again on next use
    this.pool.on('error', () => {});
    this.migrate = migrationOnce(this.pool, o.schema);
  }

  /** Brings the schema up to date, once, under the migrations' lock (several instances may start together). */
  init(): Promise<void> {
    return this.migrate();
  }

  /** `query` as one transaction on a pooled connection of its own; 'soon' commits with synchronous_commit off. */
  async transact<T>(query: Query<T>, opts: { durability?: Durability } = {}): Promise<T> {
    await this.init();
    const client = await this.pool.connect().catch((err: unknown) => {
      throw generic(err);
    });
    let lost = false;
    const onError = () => {
      lost = true;
    };
    client.on('error', onError);
    let clean = false;
    try {
      await this.send(client, 'BEGIN', []);
      // a step's loss to a crash of the server costs a step, as on SQLite (sql.ts, Durability)
      if (opts.durability === 'soon') await this.send(client, 'SET LOCAL synchronous_commit = off', []);
      let result: T;
      try {
        result = await driveAsync(query, (s) => this.answer(client, s, 0));
        await this.send(client, 'COMMIT', []);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
      clean = true;
      return result;
    } finally {
      client.off('error', onError);
      // a connection whose state is unknown is closed rather than pooled
      client.release(clean && !lost ? undefined : true);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** `s`'s answer, `depth` savepoints (attempts) deep. */
  private async answer(client: PoolClient, s: Statement, depth: number): Promise<unknown> {
    if (s.op === 'attempt') {
      const savepoint = `attempt_${depth + 1}`;
      await this.send(client, `SAVEPOINT ${savepoint}`, []);
      try {
        const value = await driveAsync(s.query, (inner) => this.answer(client, inner, depth + 1));
        await this.send(client, `RELEASE SAVEPOINT ${savepoint}`, []);
        return { ok: true, value };
      } catch (error) {
        // undone alone: the transaction carries on from before the attempt (if this fails too, the
        // connection is lost and the transaction with it: that is rethrown)
        await this.send(client, `ROLLBACK TO SAVEPOINT ${savepoint}`, []);
        return { ok: false, error };
      }
    }
    if (s.op === 'lock') {
      // the key's 64-bit hash: two keys sharing one only wait on each other, never lose a lock
      await this.send(client, 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [s.key]);
      return undefined;
    }
    const result = await this.send(client, textFor(s.sql, 'postgres'), s.params);
    switch (s.op) {
      case 'select':
      case 'writeReturning':
        return result.rows;
      case 'selectOne':
        return result.rows[0];
      case 'write':
        return { changes: result.rowCount ?? 0 };
    }
  }

  private async send(
    client: PoolClient,
    sql: string,
    params: readonly SqlValue[],
  ): Promise<{ rows: object[]; rowCount: number | null }> {
    try {
      const result = await client.query(this.text(sql), params as SqlValue[]);
      return { rows: result.rows as object[], rowCount: result.rowCount };
    } catch (err) {
      throw generic(err);
    }
  }

  /** `?` to `$n`, outside quoted text; each statement's text is worked out once. */
  private text(sql: string): string {
    let t = this.texts.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      this.texts.set(sql, t);
    }
    return t;
  }
}

/** Numbers the `?` placeholders of portable SQL ($1, $2, ...), leaving those inside '...' or "..." alone. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

function generic(err: unknown): Error {
  const ours = fromPostgres(err, 'A database statement failed');
  if (ours) return ours;
  if (err instanceof Error && !(err as { code?: unknown }).code) return err;
  return new StorageError('A database statement failed', undefined);
}
