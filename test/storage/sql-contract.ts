import { expect, it } from 'vitest';
import { isDuplicateKey, type SqlStore } from '../../src/storage/sql';

/** A store on a freshly migrated database (either kind), and how to throw it away. */
export type MakeSql = () => Promise<{ store: SqlStore; close: () => Promise<void> }>;

const TEAM =
  'INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at) VALUES (?, ?, ?, ?, ?)';
const team = (id: string) => [id, 'https://smba.example/uk/', 't', '[]', '2026-12-01T10:00:00.000Z'] as const;

/** A promise the test settles when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/**
 * The SQL seam's contract (src/storage/sql.ts), the same on SQLite and PostgreSQL: what a repository
 * written once against it may rely on (issue 11).
 */
export function sqlContract(name: string, make: MakeSql): void {
  const withStore = async (fn: (store: SqlStore) => Promise<void>) => {
    const { store, close } = await make();
    try {
      await fn(store);
    } finally {
      await close();
    }
  };

  it(`${name}: ? placeholders, rows as objects, changes counted, RETURNING`, () =>
    withStore(async (store) => {
      expect(await store.run(TEAM, [...team('a')])).toEqual({ changes: 1 });
      await store.run(TEAM, [...team('b')]);
      expect(
        await store.get<{ team_id: string }>('SELECT team_id FROM teams WHERE team_id = ?', ['a']),
      ).toEqual({
        team_id: 'a',
      });
      expect(await store.get('SELECT team_id FROM teams WHERE team_id = ?', ['none'])).toBeUndefined();
      expect(
        (await store.all<{ team_id: string }>('SELECT team_id FROM teams ORDER BY team_id')).map(
          (r) => r.team_id,
        ),
      ).toEqual(['a', 'b']);
      // a question mark inside quoted text is text, not a placeholder
      expect(await store.get<{ q: string }>("SELECT 'why?' AS q WHERE ? = 'x'", ['x'])).toEqual({
        q: 'why?',
      });
      expect(await store.run('UPDATE teams SET tenant_id = ? WHERE team_id <> ?', ['t2', 'none'])).toEqual({
        changes: 2,
      });
      expect(
        await store.get<{ team_id: string }>(
          `INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (team_id) DO NOTHING RETURNING team_id`,
          [...team('c')],
        ),
      ).toEqual({ team_id: 'c' });
    }));

  it(`${name}: a key already there is told apart from other failures (isDuplicateKey)`, () =>
    withStore(async (store) => {
      await store.run(TEAM, [...team('a')]);
      const clash = await store.run(TEAM, [...team('a')]).catch((err: unknown) => err);
      expect(isDuplicateKey(clash)).toBe(true);
      const other = await store
        .run('INSERT INTO teams (team_id) VALUES (?)', ['z'])
        .catch((err: unknown) => err);
      expect(other).toBeInstanceOf(Error);
      expect(isDuplicateKey(other)).toBe(false);
    }));

  it(`${name}: a transaction is all or nothing, and a throw in it is rethrown`, () =>
    withStore(async (store) => {
      const kept = await store.transaction(async (tx) => {
        await tx.run(TEAM, [...team('a')]);
        await tx.run(TEAM, [...team('b')]);
        return (await tx.all('SELECT team_id FROM teams')).length;
      });
      expect(kept).toBe(2);
      await expect(
        store.transaction(async (tx) => {
          await tx.run(TEAM, [...team('c')]);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await expect(
        store.transaction(async (tx) => {
          await tx.run(TEAM, [...team('d')]);
          await tx.run(TEAM, [...team('a')]);
        }),
      ).rejects.toSatisfy(isDuplicateKey);
      const left = await store.all<{ team_id: string }>('SELECT team_id FROM teams ORDER BY team_id');
      expect(left.map((r) => r.team_id)).toEqual(['a', 'b']);
      // committed without waiting for the disk: committed all the same
      await store.transaction(async (tx) => void (await tx.run(TEAM, [...team('e')])), {
        durability: 'soon',
      });
      expect(await store.get('SELECT team_id FROM teams WHERE team_id = ?', ['e'])).toBeDefined();
    }));

  it(`${name}: a statement from outside never runs inside an open transaction (its write outlives a rollback)`, () =>
    withStore(async (store) => {
      const hold = gate();
      const inTx = gate();
      const tx = store
        .transaction(async (t) => {
          await t.run(TEAM, [...team('rolled-back')]);
          inTx.open();
          await hold.opened;
          throw new Error('rolled back');
        })
        .catch((err: unknown) => err);
      await inTx.opened;
      const outside = store.run(TEAM, [...team('outside')]);
      hold.open();
      expect(await tx).toBeInstanceOf(Error);
      await outside;
      const left = await store.all<{ team_id: string }>('SELECT team_id FROM teams ORDER BY team_id');
      expect(left.map((r) => r.team_id)).toEqual(['outside']);
    }));

  it(`${name}: inside a transaction, the store itself (not its runner) is refused rather than waited for`, () =>
    withStore(async (store) => {
      await expect(
        store.transaction(async () => {
          await store.get('SELECT 1 AS one');
        }),
      ).rejects.toThrow(/use its runner/);
      await expect(store.transaction(async () => store.transaction(async () => 1))).rejects.toThrow(
        /use its runner/,
      );
      // and the store works on afterwards
      expect(await store.get<{ one: number }>('SELECT 1 AS one')).toEqual({ one: 1 });
    }));

  it(`${name}: transactions from many callers at once each commit whole, none lost`, () =>
    withStore(async (store) => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.run(TEAM, [...team(`t${i}`)]);
            await tx.run('UPDATE teams SET tenant_id = ? WHERE team_id = ?', [`n${i}`, `t${i}`]);
          }),
        ),
      );
      const rows = await store.all<{ team_id: string; tenant_id: string }>(
        'SELECT team_id, tenant_id FROM teams',
      );
      expect(rows).toHaveLength(20);
      expect(rows.every((r) => r.tenant_id === `n${r.team_id.slice(1)}`)).toBe(true);
    }));
}
