import type { Pool } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresMigrations } from '../../src/storage/postgres-migrations';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../harness/postgres';
import { type MakeStorage, storageContract, transactionalStorageContract } from './storage-contract';

const connectionString = TEST_DATABASE_URL;
const nextSchema = tableNames('bot_state_test');
let admin: Pool;

beforeAll(() => {
  admin = adminPool();
});

afterAll(async () => {
  await admin.end();
});

async function dropSchema(name: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
}

const makeStorage: MakeStorage = async () => {
  const schema = nextSchema();
  const storage = new PostgresStorage({ connectionString, schema });
  try {
    await storage.init();
  } catch (err) {
    await storage.close();
    throw err;
  }
  return {
    storage,
    close: async () => {
      await storage.close();
      await dropSchema(schema);
    },
  };
};

describePostgres('PostgresStorage', () => {
  it('reaches the test database', async () => {
    const { rows } = await admin.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  storageContract('PostgresStorage', makeStorage);
  transactionalStorageContract('PostgresStorage', makeStorage);

  it("keeps the drafts in the migrated schema's bot_state, stamped in ISO text on its clock as on SQLite", async () => {
    const schema = nextSchema();
    const at = new Date('2026-11-30T09:15:00.000Z');
    const storage = new PostgresStorage({ connectionString, schema, now: () => at });
    try {
      await storage.write({ 'duty-call/t/u': { current: { id: 'd1' }, closed: [] } });
      // the whole schema, migrated once: the drafts sit beside the records, outbox and audit
      const versions = await admin.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      expect(versions.rows.map((r) => r.version)).toEqual(postgresMigrations.map((m) => m.version));
      const { rows } = await admin.query<{ updated_at: string; type: string }>(
        `SELECT updated_at, pg_typeof(updated_at)::text AS type FROM "${schema}".bot_state`,
      );
      // retention compares these as text, on both stores
      expect(rows).toEqual([{ updated_at: '2026-11-30T09:15:00.000Z', type: 'text' }]);
    } finally {
      await storage.close();
      await dropSchema(schema);
    }
  });

  it('init() is idempotent and keeps existing rows', async () => {
    const schema = nextSchema();
    const first = new PostgresStorage({ connectionString, schema });
    const second = new PostgresStorage({ connectionString, schema });
    try {
      await first.init();
      await first.init();
      await first.write({ k: { v: 1 } });
      await second.init();
      expect((await second.read(['k'])).k.v).toBe(1);
    } finally {
      await first.close();
      await second.close();
      await dropSchema(schema);
    }
  });

  it("rejects schema names that would need quoting, or are the system's", () => {
    for (const schema of ['bot state', 'x"; DROP TABLE y; --', '1table', '', 'pg_catalog']) {
      expect(() => new PostgresStorage({ connectionString, schema })).toThrow(/Invalid schema name/);
    }
  });
});
