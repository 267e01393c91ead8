import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateDutyCallError, DutyCallRecords, type DutyCallRow } from '../../src/records/duty-calls';
import { openDatabase } from '../../src/storage/database';
import { migrations } from '../../src/storage/migrations';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { SqliteStorage } from '../../src/storage/sqlite-storage';

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'sqlite-persistence-'));
let file: string;
let fileCounter = 0;

beforeEach(() => {
  file = path.join(tempDir, `db-${fileCounter++}.sqlite`);
});

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

type Db = ReturnType<typeof openDatabase>;

function withDb<T>(run: (db: Db) => T): T {
  const db = openDatabase(file);
  try {
    return run(db);
  } finally {
    db.close();
  }
}

async function withDbAsync<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(file);
  try {
    return await run(db);
  } finally {
    db.close();
  }
}

describe('openDatabase', () => {
  it('creates missing parent directories', () => {
    file = path.join(tempDir, 'nested', 'deeper', 'bot.sqlite');
    withDb((db) => {
      expect(db.name).toBe(file);
    });
    withDb((db) => {
      expect(db.prepare('SELECT count(*) AS n FROM bot_state').get()).toEqual({ n: 0 });
    });
  });

  it('sets WAL, foreign keys and busy timeout', () => {
    withDb((db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    });
  });

  it('applies each migration once, however often the file is reopened', () => {
    const expected = migrations.map((m) => m.version).sort((a, b) => a - b);
    for (let i = 0; i < 3; i++) {
      withDb((db) => {
        const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
        expect(versions).toEqual(expected);
        const tables = db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'",
          )
          .pluck()
          .all();
        expect(tables).toEqual(
          expect.arrayContaining([
            'bot_state',
            'duty_calls',
            'duty_calls_referrer_submitted',
            'schema_migrations',
          ]),
        );
      });
    }
  });

  it('refuses a database migrated by a newer build', () => {
    withDb((db) => {
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(9999, 'later');
    });
    expect(() => openDatabase(file)).toThrow(/9999/);
  });
});

describe('SqliteStorage across restarts', () => {
  it('keeps state and eTags after the database is closed and reopened', async () => {
    const written = await withDbAsync(async (db) => {
      const storage = new SqliteStorage(db);
      await storage.write({ 'conv/1': { step: 'consent', answers: { name: 'Ada' } } });
      return (await storage.read(['conv/1']))['conv/1'];
    });

    const db = openDatabase(file);
    try {
      const storage = new SqliteStorage(db);
      const reread = (await storage.read(['conv/1']))['conv/1'];
      expect(reread).toEqual(written);

      await storage.write({ 'conv/1': { ...reread, step: 'details' } });
      await expect(storage.write({ 'conv/1': { ...reread, step: 'stale' } })).rejects.toThrow(
        /eTag conflict/,
      );
      expect((await storage.read(['conv/1']))['conv/1'].step).toBe('details');
    } finally {
      db.close();
    }
  });

  it('stores the value without a copy of the eTag', async () => {
    await withDbAsync(async (db) => {
      await new SqliteStorage(db).write({ k: { v: 1, eTag: '*' } });
      const row = db.prepare('SELECT etag, value FROM bot_state WHERE key = ?').get('k') as {
        etag: string;
        value: string;
      };
      expect(JSON.parse(row.value)).toEqual({ v: 1 });
      expect(row.etag).not.toBe('*');
    });
  });
});

describe('DutyCallRecords', () => {
  const row = (overrides: Partial<DutyCallRow> = {}): DutyCallRow => ({
    id: 'call-1',
    kind: 'full',
    tenantId: 'tenant',
    referrerAadId: 'aad-1',
    conversationId: 'conv-1',
    startedAt: '2024-05-01T09:00:00.000Z',
    submittedAt: '2024-05-01T09:10:00.000Z',
    record: { child: { firstName: 'Sam' }, concerns: ['sleep', 'feeding'], urgent: false },
    ...overrides,
  });

  it('inserts and gets a row, record included', () => {
    withDb((db) => {
      const records = new DutyCallRecords(new SqliteSql(db));
      records.insert(row());
      expect(records.get('call-1')).toEqual(row());
      expect(records.get('nope')).toBeUndefined();
    });
  });

  it('keeps rows across a reopen', () => {
    withDb((db) => new DutyCallRecords(new SqliteSql(db)).insert(row({ kind: 'advice' })));
    withDb((db) => {
      expect(new DutyCallRecords(new SqliteSql(db)).get('call-1')).toEqual(row({ kind: 'advice' }));
    });
  });

  it('throws on a duplicate id and keeps the original row', () => {
    withDb((db) => {
      const records = new DutyCallRecords(new SqliteSql(db));
      records.insert(row());
      expect(() => records.insert(row({ record: { changed: true } }))).toThrow(DuplicateDutyCallError);
      expect(records.get('call-1')).toEqual(row());
    });
  });

  it('rejects an unknown kind', () => {
    withDb((db) => {
      const records = new DutyCallRecords(new SqliteSql(db));
      expect(() => records.insert(row({ kind: 'other' as DutyCallRow['kind'] }))).toThrow(/CHECK constraint/);
      expect(records.get('call-1')).toBeUndefined();
    });
  });

  it("lists one referrer's calls, newest first, limited", () => {
    withDb((db) => {
      const records = new DutyCallRecords(new SqliteSql(db));
      const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
      // Inserted out of order so that insertion order alone cannot produce the expected result.
      for (const minute of [5, 1, 30, 12, 7]) {
        records.insert(row({ id: `a-${minute}`, submittedAt: at(minute) }));
      }
      records.insert(row({ id: 'b-1', referrerAadId: 'aad-2', submittedAt: at(59) }));

      expect(records.listForReferrer('aad-1').map((r) => r.id)).toEqual([
        'a-30',
        'a-12',
        'a-7',
        'a-5',
        'a-1',
      ]);
      expect(records.listForReferrer('aad-1', 2).map((r) => r.id)).toEqual(['a-30', 'a-12']);
      expect(records.listForReferrer('aad-2')).toEqual([
        row({ id: 'b-1', referrerAadId: 'aad-2', submittedAt: at(59) }),
      ]);
      expect(records.listForReferrer('nobody')).toEqual([]);
      expect(() => records.listForReferrer('aad-1', -1)).toThrow(RangeError);
    });
  });

  it('returns 20 by default and breaks submitted_at ties by insertion, latest first', () => {
    withDb((db) => {
      const records = new DutyCallRecords(new SqliteSql(db));
      for (let i = 0; i < 25; i++) {
        records.insert(
          row({ id: `same-${String(i).padStart(2, '0')}`, submittedAt: '2024-05-01T11:00:00.000Z' }),
        );
      }
      const listed = records.listForReferrer('aad-1').map((r) => r.id);
      expect(listed).toHaveLength(20);
      expect(listed[0]).toBe('same-24');
      expect(listed[19]).toBe('same-05');
    });
  });
});
