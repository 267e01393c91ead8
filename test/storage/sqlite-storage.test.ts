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

// HAZ-23: a draft step does not wait for the disk (issue 10); everything else does, and draft steps are
// synced by a checkpoint soon after.
describe('what waits for the disk', () => {
  /** The connection's pragma calls, in order, with `synchronous` read when each transaction commits. */
  function watched(db: ReturnType<typeof openDatabase>) {
    const calls: string[] = [];
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: { simple?: boolean }) => {
      calls.push(source);
      return pragma(source, options);
    }) as typeof db.pragma;
    return calls;
  }
  const synchronous = (db: ReturnType<typeof openDatabase>) => db.pragma('synchronous', { simple: true });

  it('[HAZ-23] every commit waits for the disk but a draft step; a failed step leaves it waiting again', async () => {
    const db = openDatabase(newFile());
    try {
      // FULL (2), set on opening rather than left to how SQLite was built
      expect(synchronous(db)).toBe(2);
      const storage = new SqliteStorage(db, undefined, 60_000);
      const calls = watched(db);
      await storage.write({ k: { v: 1 } });
      expect(calls).toEqual(['synchronous = NORMAL', 'synchronous = FULL']);
      expect(synchronous(db)).toBe(2);
      // an eTag conflict throws inside the transaction: the connection is back to waiting all the same
      calls.length = 0;
      await expect(storage.write({ k: { v: 2, eTag: 'stale' } })).rejects.toThrow(/eTag conflict/);
      expect(calls).toEqual(['synchronous = NORMAL', 'synchronous = FULL']);
      expect(synchronous(db)).toBe(2);
      // a draft saved with the alert it raises (and so the alert) waits for the disk
      const current = (await storage.read(['k'])).k as { eTag: string };
      const inside = await storage.writeTogether({ k: { v: 3, eTag: current.eTag } }, () => synchronous(db));
      expect(inside).toBe(2);
      // forgetting a referrer waits for the disk too
      calls.length = 0;
      await storage.delete(['k']);
      expect(calls).toEqual([]);
      storage.syncNow();
    } finally {
      db.close();
    }
  });

  it('[HAZ-23] draft steps are synced to disk by a checkpoint soon after, once however many steps', async () => {
    const db = openDatabase(newFile());
    try {
      const storage = new SqliteStorage(db, undefined, 30);
      const calls = watched(db);
      for (let i = 0; i < 5; i++) await storage.write({ [`k${i}`]: { v: i } });
      expect(calls.filter((c) => c.startsWith('wal_checkpoint'))).toEqual([]);
      await new Promise((r) => setTimeout(r, 120));
      expect(calls.filter((c) => c.startsWith('wal_checkpoint'))).toEqual(['wal_checkpoint(PASSIVE)']);
      // nothing written since: no further sync
      await new Promise((r) => setTimeout(r, 80));
      expect(calls.filter((c) => c.startsWith('wal_checkpoint'))).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
