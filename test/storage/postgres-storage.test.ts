import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import { type MakeStorage, storageContract, transactionalStorageContract } from './storage-contract';

const connectionString = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Unreachable PostgreSQL fails these tests; skipping has to be asked for explicitly.
const skip = process.env.SKIP_PG === '1';

const runId = `${process.pid}_${randomBytes(4).toString('hex')}`;
let tableCounter = 0;
let admin: Pool;

beforeAll(() => {
  admin = new Pool({ connectionString, max: 1 });
});

afterAll(async () => {
  await admin.end();
});

async function dropTable(name: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS "${name}"`);
}

const makeStorage: MakeStorage = async () => {
  const tableName = `bot_state_test_${runId}_${tableCounter++}`;
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

describe.skipIf(skip)('PostgresStorage', () => {
  it('reaches the test database', async () => {
    const { rows } = await admin.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  storageContract('PostgresStorage', makeStorage);
  transactionalStorageContract('PostgresStorage', makeStorage);

  it('init() is idempotent and keeps existing rows', async () => {
    const tableName = `bot_state_test_${runId}_init`;
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
