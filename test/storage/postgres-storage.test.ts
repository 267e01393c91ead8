import type { Pool } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../helpers/postgres';
import { type MakeStorage, storageContract, transactionalStorageContract } from './storage-contract';

const connectionString = TEST_DATABASE_URL;
const nextTable = tableNames('bot_state_test');
let admin: Pool;

beforeAll(() => {
  admin = adminPool();
});

afterAll(async () => {
  await admin.end();
});

async function dropTable(name: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS "${name}"`);
}

const makeStorage: MakeStorage = async () => {
  const tableName = nextTable();
  const storage = new PostgresStorage({ connectionString, tableName });
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
      await dropTable(tableName);
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

  it('init() is idempotent and keeps existing rows', async () => {
    const tableName = nextTable();
    const first = new PostgresStorage({ connectionString, tableName });
    const second = new PostgresStorage({ connectionString, tableName });
    try {
      await first.init();
      await first.init();
      await first.write({ k: { v: 1 } });
      await second.init();
      expect((await second.read(['k'])).k.v).toBe(1);
    } finally {
      await first.close();
      await second.close();
      await dropTable(tableName);
    }
  });

  it('rejects table names that would need quoting', () => {
    for (const tableName of ['bot state', 'x"; DROP TABLE y; --', '1table', '']) {
      expect(() => new PostgresStorage({ connectionString, tableName })).toThrow(/Invalid table name/);
    }
  });
});
