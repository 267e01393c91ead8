import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database';
import { numberPlaceholders } from '../../src/storage/postgres-sql';
import { type Query, selectOne } from '../../src/storage/sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { describeOnBothStores } from '../harness/stores';
import { addTeam, sqlContract } from './sql-contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-sql-'));
let files = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const newDatabase = () => openDatabase(path.join(dir, `s${files++}.sqlite`));

describe('the SQL seam on SQLite, as only SQLite does it', () => {
  it('a query called from code still written against better-sqlite3 is part of that code’s transaction', () => {
    // how the repositories move onto the seam one at a time: a converted one inside an unconverted
    // transaction commits or rolls back with it
    const db = newDatabase();
    try {
      const store = new SqliteSql(db);
      const outer = db.transaction((fail: boolean) => {
        db.prepare("INSERT INTO teams VALUES ('direct', 'u', 't', '[]', 'now')").run();
        store.transactNow(addTeam('seam'));
        if (fail) throw new Error('rolled back');
      });
      expect(() => outer(true)).toThrow('rolled back');
      expect(db.prepare('SELECT count(*) FROM teams').pluck().get()).toBe(0);
      outer(false);
      expect(db.prepare('SELECT team_id FROM teams ORDER BY team_id').pluck().all()).toEqual([
        'direct',
        'seam',
      ]);
    } finally {
      db.close();
    }
  });

  it('commits without holding the event loop for the disk, and leaves the connection waiting for it again', async () => {
    const db = newDatabase();
    try {
      const store = new SqliteSql(db);
      function* writeAndLook(): Query<number | undefined> {
        yield* addTeam('a');
        return (yield* selectOne<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous;
      }
      expect(await store.transact(writeAndLook())).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      function* another(): Query<number | undefined> {
        yield* addTeam('b');
        return (yield* selectOne<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous;
      }
      expect(await store.transact(another(), { durability: 'soon' })).toBe(1);
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

describeOnBothStores('the SQL seam', (make) => sqlContract('its contract', make));
