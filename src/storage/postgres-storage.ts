import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { Pool, type PoolClient } from 'pg';
import { checkSchemaName, migrationOnce } from './postgres-migrations';
import { answersWithin, eTagConflict, parseStored } from './state-storage';
import { fromPostgres, StorageError, StorageUnavailableError } from './storage-errors';

export interface PostgresStorageOptions {
  connectionString: string;
  /**
   * The schema the bot's tables live in, created and migrated by init() (postgres-migrations.ts): the
   * drafts are its bot_state table, beside the records. Default: the connection's current schema.
   */
  schema?: string;
  /** Stamps updated_at (ISO text, as on SQLite), which retention reads on the same clock. */
  now?: () => Date;
  /** Connecting, and waiting for a free pooled connection (default 5 s). */
  connectTimeoutMs?: number;
  /** Server side: one statement, waiting for a row lock included (default 10 s). */
  statementTimeoutMs?: number;
  /**
   * Client side, for a server or network that has gone silent and so never sends the statement
   * timeout's error either (default: the statement timeout plus 2 s, so the server's cleaner error wins).
   */
  queryTimeoutMs?: number;
  /** Server side: a transaction left open by a client that stopped talking (default 10 s). */
  idleInTransactionTimeoutMs?: number;
  /** How long ready() waits for an answer (default 2 s): a health probe must not hang with the database. */
  readyTimeoutMs?: number;
  maxConnections?: number;
  /**
   * A pooled connection was lost. The pool replaces it by itself; this is for logging. Only the
   * generic error is passed on: the driver's own can quote SQL.
   */
  onConnectionLost?: (err: StorageUnavailableError) => void;
}

interface StateRow {
  key: string;
  etag: string;
  value: string;
}

/**
 * botbuilder Storage over the bot_state table of the PostgreSQL schema, with the same semantics as SqliteStorage:
 * MemoryStorage's behaviour, except that one write() is all-or-nothing.
 *
 * Every failure is a rejected promise carrying a StorageError (StorageUnavailableError when trying
 * again later may work), never an 'error' event that nobody listens to, and never a wait without end.
 */
export class PostgresStorage implements Storage {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly schema: string | undefined;
  private readonly now: () => Date;
  private readonly readyTimeoutMs: number;
  private readonly onConnectionLost: (err: StorageUnavailableError) => void;
  private readonly migrate: () => Promise<void>;

  constructor(options: PostgresStorageOptions) {
    if (options.schema !== undefined) checkSchemaName(options.schema);
    this.schema = options.schema;
    this.table = options.schema === undefined ? 'bot_state' : `"${options.schema}".bot_state`;
    this.now = options.now ?? (() => new Date());
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
    this.onConnectionLost = options.onConnectionLost ?? (() => {});
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: statementTimeoutMs,
      query_timeout: options.queryTimeoutMs ?? statementTimeoutMs + 2_000,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 10_000,
      // without keepalives an idle connection to a vanished peer looks healthy until it is used
      keepAlive: true,
      application_name: 'imh-duty-bot',
    });
    // An idle pooled connection that drops emits 'error' on the pool; unhandled, that would end the
    // process although the pool simply discards the client and reconnects on next use.
    this.pool.on('error', (err) => this.lost(err));
    this.migrate = migrationOnce(this.pool, this.schema);
  }

  /**
   * Brings the schema up to date (every instance may; each version is applied once, under a lock). Every
   * operation does this first; calling it early fails fast.
   */
  init(): Promise<void> {
    return this.migrate().catch((err: unknown) => {
      throw generic(err);
    });
  }

  /**
   * Whether the database answers now: true or false within the ready timeout, never a rejection,
   * so a health endpoint can call it on every probe.
   */
  async ready(options: { timeoutMs?: number } = {}): Promise<boolean> {
    // a probe stuck on a silent connection is still ended by the pool's query timeout; this answers sooner
    return answersWithin(
      () => this.init().then(() => this.pool.query('SELECT 1')),
      options.timeoutMs ?? this.readyTimeoutMs,
    );
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    await this.init();
    const rows = await this.pool
      .query<StateRow>(`SELECT key, etag, value FROM ${this.table} WHERE key = ANY($1::text[])`, [keys])
      .then((result) => result.rows, rethrowGeneric);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const found: [string, object][] = [];
    for (const key of keys) {
      const row = byKey.get(key);
      if (row) found.push([key, { ...parseStored(row.value), eTag: row.etag }]);
    }
    // fromEntries defines own properties, so keys like "__proto__" come back as data, not prototypes.
    return Object.fromEntries(found);
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const writes = Object.entries(changes).map(([key, item]) => {
      const { eTag, ...value } = item;
      const expected: string | null = eTag && eTag !== '*' ? String(eTag) : null;
      return { key, value: JSON.stringify(value), expected };
    });
    if (writes.length === 0) return;
    // A fixed lock order stops two concurrent multi-key writes from deadlocking each other.
    writes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    await this.init();
    const updatedAt = this.now().toISOString();
    const client = await this.pool.connect().catch(rethrowGeneric);
    // pg-pool listens for errors only on idle clients: a connection lost while checked out would
    // otherwise raise an 'error' event with no listener, which ends the process.
    let lost = false;
    const onError = (err: Error) => {
      lost = true;
      this.lost(err);
    };
    client.on('error', onError);
    let conflict: string | undefined;
    let reusable = false;
    try {
      await client.query('BEGIN');
      for (const { key, value, expected } of writes) {
        // The eTag check lives in the upsert's WHERE, which PostgreSQL re-evaluates against the
        // latest row version after waiting for its lock, so concurrent writers cannot both win.
        // A missing key is inserted whatever eTag was given, as MemoryStorage does.
        const result = await client.query(
          `INSERT INTO ${this.table} AS t (key, etag, value, updated_at) VALUES ($1, $2, $3, $5)
           ON CONFLICT (key) DO UPDATE
             SET etag = EXCLUDED.etag, value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
             WHERE $4::text IS NULL OR t.etag = $4::text`,
          [key, randomUUID(), value, expected, updatedAt],
        );
        if (result.rowCount === 0) {
          conflict = key;
          break;
        }
      }
      await client.query(conflict === undefined ? 'COMMIT' : 'ROLLBACK');
      reusable = true;
    } catch (err) {
      throw generic(err);
    } finally {
      client.off('error', onError);
      // After any other failure the connection's state is unknown (a timed-out query may still be
      // running on it): close it rather than pool it. Closing also ends the server's transaction.
      releaseClient(client, reusable && !lost);
    }
    if (conflict !== undefined) throw eTagConflict(conflict);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.init();
    await this.pool
      .query(`DELETE FROM ${this.table} WHERE key = ANY($1::text[])`, [keys])
      .catch(rethrowGeneric);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private lost(err: unknown): void {
    const generic = new StorageUnavailableError(codeOf(err) ?? 'connection-lost');
    try {
      this.onConnectionLost(generic);
    } catch {
      // a logging callback that throws must not turn a handled loss into an uncaught one
    }
  }
}

function releaseClient(client: PoolClient, reusable: boolean): void {
  client.release(reusable ? undefined : true);
}

function rethrowGeneric(err: unknown): never {
  throw generic(err);
}

/**
 * The driver's error as a StorageError with a fixed message. pg's messages can quote SQL, the table,
 * and for constraint errors the values; only the code is kept.
 */
function generic(err: unknown): StorageError {
  return (
    fromPostgres(err, 'Storage operation failed') ?? new StorageError('Storage operation failed', undefined)
  );
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
