import { expect, it } from 'vitest';
import {
  attempt,
  isDuplicateKey,
  type Query,
  type SqlStore,
  select,
  selectOne,
  write,
} from '../../src/storage/sql';
import { type MakeStore, withStore as withStoreOf } from '../harness/stores';

const TEAM =
  'INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at) VALUES (?, ?, ?, ?, ?)';
const team = (id: string) => [id, 'https://smba.example/uk/', 't', '[]', '2026-12-01T10:00:00.000Z'];
/** A row of the teams table, the seam's suites' plain table to write to. */
export const addTeam = (id: string) => write(TEAM, team(id));

function* teamIds(): Query<string[]> {
  return (yield* select<{ team_id: string }>('SELECT team_id FROM teams ORDER BY team_id')).map(
    (r) => r.team_id,
  );
}

/**
 * The SQL seam's contract (src/storage/sql.ts), the same on SQLite and PostgreSQL: what a repository
 * written once against it may rely on (issue 11).
 */
export function sqlContract(name: string, make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it(`${name}: ? placeholders, rows as objects, changes counted, RETURNING`, () =>
    withStore(async (store) => {
      expect(await store.transact(addTeam('a'))).toEqual({ changes: 1 });
      await store.transact(addTeam('b'));
      expect(
        await store.transact(
          selectOne<{ team_id: string }>('SELECT team_id FROM teams WHERE team_id = ?', ['a']),
        ),
      ).toEqual({ team_id: 'a' });
      expect(
        await store.transact(selectOne('SELECT team_id FROM teams WHERE team_id = ?', ['none'])),
      ).toBeUndefined();
      expect(await store.transact(teamIds())).toEqual(['a', 'b']);
      // a question mark inside quoted text is text, not a placeholder
      expect(await store.transact(selectOne("SELECT 'why?' AS q WHERE ? = 'x'", ['x']))).toEqual({
        q: 'why?',
      });
      expect(
        await store.transact(write('UPDATE teams SET tenant_id = ? WHERE team_id <> ?', ['t2', 'none'])),
      ).toEqual({ changes: 2 });
      expect(
        await store.transact(
          selectOne(
            `INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (team_id) DO NOTHING RETURNING team_id`,
            team('c'),
          ),
        ),
      ).toEqual({ team_id: 'c' });
    }));

  it(`${name}: a key already there is told apart from other failures (isDuplicateKey)`, () =>
    withStore(async (store) => {
      await store.transact(addTeam('a'));
      const clash = await store.transact(addTeam('a')).catch((err: unknown) => err);
      expect(isDuplicateKey(clash)).toBe(true);
      const other = await store
        .transact(write('INSERT INTO teams (team_id) VALUES (?)', ['z']))
        .catch((err: unknown) => err);
      expect(other).toBeInstanceOf(Error);
      expect(isDuplicateKey(other)).toBe(false);
    }));

  it(`${name}: a query is one transaction, all or nothing; a failure in it is rethrown and its finally runs`, () =>
    withStore(async (store) => {
      function* two(): Query<number> {
        yield* addTeam('a');
        yield* addTeam('b');
        return (yield* teamIds()).length;
      }
      expect(await store.transact(two())).toBe(2);
      function* refused(): Query<void> {
        yield* addTeam('c');
        throw new Error('refused');
      }
      await expect(store.transact(refused())).rejects.toThrow('refused');
      let cleanedUp = false;
      function* clashing(): Query<void> {
        try {
          yield* addTeam('d');
          yield* addTeam('a');
          yield* addTeam('never');
        } finally {
          cleanedUp = true;
        }
      }
      await expect(store.transact(clashing())).rejects.toSatisfy(isDuplicateKey);
      expect(cleanedUp).toBe(true);
      expect(await store.transact(teamIds())).toEqual(['a', 'b']);
      // committed without waiting for the disk: committed all the same
      await store.transact(addTeam('e'), { durability: 'soon' });
      expect(await store.transact(teamIds())).toEqual(['a', 'b', 'e']);
    }));

  it(`${name}: queries compose (yield*): several repositories' work is one transaction`, () =>
    withStore(async (store) => {
      function* install(id: string): Query<void> {
        yield* addTeam(id);
        yield* write('UPDATE teams SET tenant_id = ? WHERE team_id = ?', ['installed', id]);
      }
      function* both(): Query<void> {
        yield* install('x');
        yield* install('y');
        yield* install('x'); // the key is taken: the whole of it rolls back
      }
      await expect(store.transact(both())).rejects.toSatisfy(isDuplicateKey);
      expect(await store.transact(teamIds())).toEqual([]);
    }));

  it(`${name}: an attempted query that fails is undone alone, and the transaction carries on`, () =>
    withStore(async (store) => {
      function* install(id: string): Query<string> {
        yield* addTeam(id);
        yield* write('UPDATE teams SET tenant_id = ? WHERE team_id = ?', ['installed', id]);
        return id;
      }
      await store.transact(addTeam('taken'));
      const results = await store.transact(
        (function* () {
          const first = yield* attempt(install('a'));
          // its first statement succeeds, its second fails: both undone, nothing else
          const clash = yield* attempt(
            (function* () {
              yield* write('UPDATE teams SET tenant_id = ? WHERE team_id = ?', ['changed', 'a']);
              yield* addTeam('taken');
            })(),
          );
          // attempts inside attempts: the inner one undone, the outer kept
          const nested = yield* attempt(
            (function* () {
              yield* addTeam('b');
              return yield* attempt(addTeam('taken'));
            })(),
          );
          const last = yield* attempt(install('c'));
          return { first, clash, nested, last };
        })(),
      );
      expect(results.first).toEqual({ ok: true, value: 'a' });
      expect(results.clash.ok).toBe(false);
      expect(!results.clash.ok && isDuplicateKey(results.clash.error)).toBe(true);
      expect(results.nested.ok && !results.nested.value.ok).toBe(true);
      expect(results.last).toEqual({ ok: true, value: 'c' });
      expect(await store.transact(teamIds())).toEqual(['a', 'b', 'c', 'taken']);
      const tenants = await store.transact(
        select<{ team_id: string; tenant_id: string }>(
          'SELECT team_id, tenant_id FROM teams ORDER BY team_id',
        ),
      );
      expect(tenants.map((t) => t.tenant_id)).toEqual(['installed', 't', 'installed', 't']);
    }));

  it(`${name}: transactions from many callers at once each commit whole, none lost`, () =>
    withStore(async (store) => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transact(
            (function* (): Query<void> {
              yield* addTeam(`t${i}`);
              yield* write('UPDATE teams SET tenant_id = ? WHERE team_id = ?', [`n${i}`, `t${i}`]);
            })(),
          ),
        ),
      );
      const rows = await store.transact(
        select<{ team_id: string; tenant_id: string }>('SELECT team_id, tenant_id FROM teams'),
      );
      expect(rows).toHaveLength(20);
      expect(rows.every((r) => r.tenant_id === `n${r.team_id.slice(1)}`)).toBe(true);
    }));
}
