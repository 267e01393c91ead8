import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database';
import { SqliteStorage } from '../../src/storage/sqlite-storage';
import { type MakeStorage, storageContract, transactionalStorageContract } from './storage-contract';

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'sqlite-storage-'));
let fileCounter = 0;
const newFile = () => path.join(tempDir, `state-${fileCounter++}.sqlite`);

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

const onFile: MakeStorage = async () => {
  const db = openDatabase(newFile());
  return { storage: new SqliteStorage(db), close: async () => void db.close() };
};

const inMemory: MakeStorage = async () => {
  const db = openDatabase(':memory:');
  return { storage: new SqliteStorage(db), close: async () => void db.close() };
};

storageContract('SqliteStorage (file)', onFile);
storageContract('SqliteStorage (:memory:)', inMemory);
transactionalStorageContract('SqliteStorage (file)', onFile);
transactionalStorageContract('SqliteStorage (:memory:)', inMemory);

describe('SqliteStorage with two connections to one file', () => {
  it('sees the other connection’s writes and detects conflicts across them', async () => {
    const file = newFile();
    const dbA = openDatabase(file);
    const dbB = openDatabase(file);
    try {
      const a = new SqliteStorage(dbA);
      const b = new SqliteStorage(dbB);
      await a.write({ k: { v: 1 } });
      const viaB = (await b.read(['k'])).k;
      expect(viaB.v).toBe(1);

      await b.write({ k: { ...viaB, v: 2 } });
      await expect(a.write({ k: { ...viaB, v: 3 } })).rejects.toThrow(/eTag conflict/);
      expect((await a.read(['k'])).k.v).toBe(2);
    } finally {
      dbA.close();
      dbB.close();
    }
  });
});
