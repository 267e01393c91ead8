import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, withoutWaitingForDisk } from '../../src/storage/database';
import { select } from '../../src/storage/sql';
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

describe('SqliteStorage.writeSoon (a draft’s step, not waiting for the disk)', () => {
  const synchronous = (db: ReturnType<typeof openDatabase>) => db.pragma('synchronous', { simple: true });

  it('[HAZ-16] every other commit waits for the disk, on a file the bot creates as on one it opens again', () => {
    const file = newFile();
    const fresh = openDatabase(file);
    // better-sqlite3's SQLite sets NORMAL on the connection that switches a new file to WAL
    expect(synchronous(fresh)).toBe(2);
    fresh.close();
    const again = openDatabase(file);
    expect(synchronous(again)).toBe(2);
    again.close();
  });

  it('writes as write() does, eTag checked, and leaves the connection waiting for the disk again', async () => {
    const db = openDatabase(newFile());
    try {
      const storage = new SqliteStorage(db);
      // FULL: every other commit (records, alerts, the outbox, the audit) waits for the disk
      expect(synchronous(db)).toBe(2);
      await storage.writeSoon({ k: { v: 1 } });
      const read = (await storage.read(['k'])).k;
      expect(read.v).toBe(1);
      expect(synchronous(db)).toBe(2);

      await storage.writeSoon({ k: { ...read, v: 2 } });
      // refused (the eTag read is stale): nothing written, and the setting is still put back
      await expect(storage.writeSoon({ k: { ...read, v: 3 } })).rejects.toThrow(/eTag conflict/);
      expect((await storage.read(['k'])).k.v).toBe(2);
      expect(synchronous(db)).toBe(2);
      // what is written with something alongside (an alert with a risk save) is on disk when it resolves:
      // committed without holding the event loop, then synced off it (commitDurably)
      const during = await storage.writeTogether(
        { j: { v: 1 } },
        (function* () {
          // what the connection is set to while the query runs inside the draft's transaction
          yield* select('SELECT 1');
          return synchronous(db);
        })(),
      );
      expect(during).toBe(1);
      expect(synchronous(db)).toBe(2);
    } finally {
      db.close();
    }
  });

  it('does not wait from the first call on a connection, and every call after (issue 10)', () => {
    // SQLite applies PRAGMA synchronous when the statement is compiled: a prepared switch, run later,
    // did nothing the first time, so each start's first step waited for the disk
    const db = openDatabase(newFile());
    try {
      const seen = [1, 2, 3].map(() => withoutWaitingForDisk(db, () => synchronous(db)));
      expect(seen).toEqual([1, 1, 1]);
      expect(synchronous(db)).toBe(2);
      // a throw puts the setting back too
      expect(() =>
        withoutWaitingForDisk(db, () => {
          throw new Error('refused');
        }),
      ).toThrow('refused');
      expect(synchronous(db)).toBe(2);
    } finally {
      db.close();
    }
  });

  it('is seen at once by another connection, as any commit is', async () => {
    const file = newFile();
    const dbA = openDatabase(file);
    const dbB = openDatabase(file);
    try {
      await new SqliteStorage(dbA).writeSoon({ k: { v: 7 } });
      expect((await new SqliteStorage(dbB).read(['k'])).k.v).toBe(7);
    } finally {
      dbA.close();
      dbB.close();
    }
  });
});
