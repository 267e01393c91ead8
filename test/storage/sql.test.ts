import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database';
import { numberPlaceholders, PostgresSql } from '../../src/storage/postgres-sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../harness/postgres';
import { type MakeSql, sqlContract } from './sql-contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-sql-'));
let files = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const onSqlite: MakeSql = async () => {
  const db = openDatabase(path.join(dir, `s${files++}.sqlite`));
  const store = new SqliteSql(db, { exclusive: true });
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
    },
  };
};

describe('the SQL seam on SQLite', () => {
  sqlContract('SqliteSql', onSqlite);

  it('refuses a transaction while other code may still write on the connection directly', async () => {
    const db = openDatabase(path.join(dir, `s${files++}.sqlite`));
    try {
      await expect(new SqliteSql(db).transaction(async () => 1)).rejects.toThrow(/directly/);
    } finally {
      db.close();
    }
  });

  it('commits without holding the event loop for the disk, and leaves the connection waiting for it again', async () => {
    const db = openDatabase(path.join(dir, `s${files++}.sqlite`));
    try {
      const store = new SqliteSql(db, { exclusive: true });
      const during = await store.transaction(
        async (tx) => (await tx.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous,
      );
      expect(during).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });
});

describe('numberPlaceholders', () => {
  it('numbers ? as $1, $2, ... outside quoted text', () => {
    expect(numberPlaceholders(`SELECT '?', "a?" FROM t WHERE a = ? AND b = ?`)).toBe(
      `SELECT '?', "a?" FROM t WHERE a = $1 AND b = $2`,
    );
  });
});

const nextSchema = tableNames('sql_seam_test');
let admin: Pool;

describePostgres('the SQL seam on PostgreSQL', () => {
  beforeAll(() => {
    admin = adminPool();
  });
  afterAll(async () => {
    await admin?.end();
  });

  const onPostgres: MakeSql = async () => {
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
  };
  sqlContract('PostgresSql', onPostgres);
});
