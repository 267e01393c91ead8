import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase } from '../../src/storage/database';
import { PostgresSql } from '../../src/storage/postgres-sql';
import { type Query, type SqlStore, select, selectOne, write } from '../../src/storage/sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from './postgres';

/** A store on a freshly migrated database, and how to throw it away. */
export type MakeStore = () => Promise<{ store: SqlStore; close: () => Promise<void> }>;

/**
 * The same suite on both stores (issue 11, item 2): `body` once with a maker of SQLite stores (a new
 * file each), once with a maker of PostgreSQL ones (a new schema each, dropped after), the latter skipped
 * with its reason when no server answers (describePostgres).
 */
export function describeOnBothStores(title: string, body: (make: MakeStore) => void): void {
  describe(`${title} (SQLite)`, () => {
    let dir: string;
    let n = 0;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-store-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    body(async () => {
      const db = openDatabase(path.join(dir, `s${n++}.sqlite`));
      const store = new SqliteSql(db);
      return {
        store,
        close: async () => {
          await store.close();
          db.close();
        },
      };
    });
  });

  describePostgres(`${title} (PostgreSQL)`, () => {
    const nextSchema = tableNames('store_test');
    let admin: Pool;
    beforeAll(() => {
      admin = adminPool();
    });
    afterAll(async () => {
      await admin?.end();
    });
    body(async () => {
      const schema = nextSchema();
      const store = new PostgresSql({ connectionString: TEST_DATABASE_URL, schema });
      await store.init();
      return {
        store,
        close: async () => {
          await store.close();
          await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        },
      };
    });
  });
}

/** Runs `fn` on a new store from `make`, and throws the store away after. */
export async function withStore(make: MakeStore, fn: (store: SqlStore) => Promise<void>): Promise<void> {
  const { store, close } = await make();
  try {
    await fn(store);
  } finally {
    await close();
  }
}

/** A submitted call's row, for contacts, events, deliveries and schedules to belong to (their foreign key). */
export function aRecord(
  id: string,
  kind: 'full' | 'advice' = 'full',
  submittedAt = '2026-12-01T09:40:00.000Z',
): Query<{ changes: number }> {
  return write(
    `INSERT INTO duty_calls (id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json)
     VALUES (?, ?, 't', 'aad', 'c', '2026-12-01T09:00:00.000Z', ?, '{}')`,
    [id, kind, submittedAt],
  );
}

/**
 * Two instances acting at the same moment: `first` runs on `store` and holds its transaction open a
 * moment before it commits (on PostgreSQL, where each transaction has a connection of its own; SQLite's
 * is over before anything else runs), and `second` starts while it is open. Both results, in that order.
 */
export async function atTheSameMoment<A, B>(
  store: SqlStore,
  first: Query<A>,
  second: Query<B>,
): Promise<[A, B]> {
  const held = store.transact(
    (function* () {
      const result = yield* first;
      yield* select({ sqlite: 'SELECT 1 AS held', postgres: 'SELECT pg_sleep(0.3) AS held' });
      return result;
    })(),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const other = await store.transact(second);
  return [await held, other];
}

/** How many rows `table` holds. */
export async function rowCount(store: SqlStore, table: string, where = ''): Promise<number> {
  const r = await store.transact(
    selectOne<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} ${where}`),
  );
  return Number(r?.n);
}
