import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { Pool } from 'pg';

export interface PostgresStorageOptions {
  connectionString: string;
  tableName?: string;
  // An idle pooled connection that drops emits 'error' on the pool; unhandled, that would crash
  // the process although the pool simply discards the client and reconnects on next use.
  onPoolError?: (err: Error) => void;
}

interface StateRow {
  key: string;
  etag: string;
  value: string;
}

/**
 * botbuilder Storage over a PostgreSQL table, with the same semantics as SqliteStorage:
 * MemoryStorage's behaviour, except that one write() is all-or-nothing.
 */
export class PostgresStorage implements Storage {
  private readonly pool: Pool;
  private readonly table: string;
  private initialised: Promise<void> | undefined;

  constructor(options: PostgresStorageOptions) {
    const tableName = options.tableName ?? 'bot_state';
    // The name is interpolated into SQL (identifiers cannot be bound), so only plain names pass.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(tableName)) {
      throw new Error(`Invalid table name: ${JSON.stringify(tableName)}`);
    }
    this.table = `"${tableName}"`;
    this.pool = new Pool({ connectionString: options.connectionString });
    this.pool.on('error', options.onPoolError ?? (() => {}));
  }

  /** Creates the table if needed; call (and await) before first use. */
  init(): Promise<void> {
    this.initialised ??= this.pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
          key TEXT PRIMARY KEY,
          etag TEXT NOT NULL,
          value TEXT NOT NULL,
          updated_at TIMESTAMPTZ NOT NULL
        )`,
      )
      .then(
        () => undefined,
        (err: unknown) => {
          // Let a later call retry, e.g. once the database is reachable.
          this.initialised = undefined;
          throw err;
        },
      );
    return this.initialised;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const { rows } = await this.pool.query<StateRow>(
      `SELECT key, etag, value FROM ${this.table} WHERE key = ANY($1::text[])`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const found: [string, object][] = [];
    for (const key of keys) {
      const row = byKey.get(key);
      if (row) found.push([key, { ...JSON.parse(row.value), eTag: row.etag }]);
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

    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      for (const { key, value, expected } of writes) {
        // The eTag check lives in the upsert's WHERE, which PostgreSQL re-evaluates against the
        // latest row version after waiting for its lock, so concurrent writers cannot both win.
        // A missing key is inserted whatever eTag was given, as MemoryStorage does.
        const result = await client.query(
          `INSERT INTO ${this.table} AS t (key, etag, value, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (key) DO UPDATE
             SET etag = EXCLUDED.etag, value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
             WHERE $4::text IS NULL OR t.etag = $4::text`,
          [key, randomUUID(), value, expected],
        );
        if (result.rowCount === 0) throw eTagConflict(key);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      // Passing an error destroys the connection instead of returning it mid-transaction.
      client.release(broken);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pool.query(`DELETE FROM ${this.table} WHERE key = ANY($1::text[])`, [keys]);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

function eTagConflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}
