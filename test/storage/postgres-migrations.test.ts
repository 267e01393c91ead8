import type Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database';
import type { Migration } from '../../src/storage/migrations';
import { migratePostgres, postgresMigrations } from '../../src/storage/postgres-migrations';
import { StorageError } from '../../src/storage/storage-errors';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../harness/postgres';

// A schema of its own for each test, named for this run: test files running at the same time on one
// server never see each other's tables.
const nextSchema = tableNames('migrations_test');
let admin: pg.Pool;
const schemas: string[] = [];
let pools: pg.Pool[] = [];
let sqlites: Database.Database[] = [];

beforeAll(() => {
  admin = adminPool();
});

afterEach(async () => {
  await Promise.all(pools.map((p) => p.end()));
  pools = [];
  for (const db of sqlites) db.close();
  sqlites = [];
});

afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

/** A pool whose sessions work in the schema, as the app's would. */
function poolFor(schema: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max, options: `-c search_path=${schema}` });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}

function newSchema(): string {
  const schema = nextSchema();
  schemas.push(schema);
  return schema;
}

async function migrated(): Promise<{ schema: string; pool: pg.Pool }> {
  const schema = newSchema();
  const pool = poolFor(schema);
  expect(await migratePostgres(pool, { schema })).toEqual(postgresMigrations.map((m) => m.version));
  return { schema, pool };
}

function sqlite(): Database.Database {
  const db = openDatabase(':memory:');
  sqlites.push(db);
  return db;
}

/** SQLite's `?` placeholders as PostgreSQL's `$1, $2, ...` (the statements below quote no `?`). */
function pgSql(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

type Outcome = { ok: true } | { ok: false; message: string };

/** Runs one statement on both stores: what each did, as the same shape. */
async function onBoth(
  db: Database.Database,
  pool: pg.Pool,
  sql: string,
  params: unknown[] = [],
): Promise<{ sqlite: Outcome; pg: Outcome }> {
  let lite: Outcome;
  try {
    db.prepare(sql).run(...params);
    lite = { ok: true };
  } catch (err) {
    lite = { ok: false, message: (err as Error).message };
  }
  let postgres: Outcome;
  try {
    await pool.query(pgSql(sql), params);
    postgres = { ok: true };
  } catch (err) {
    postgres = { ok: false, message: (err as Error).message };
  }
  return { sqlite: lite, pg: postgres };
}

/** The statement does the same on both stores, and that is `expected`. */
async function same(
  db: Database.Database,
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  expected: Outcome,
): Promise<void> {
  const outcome = await onBoth(db, pool, sql, params);
  expect(outcome, sql).toEqual({ sqlite: expected, pg: expected });
}

const OK: Outcome = { ok: true };
const refused = (message: string): Outcome => ({ ok: false, message });

const T = (n: number) => `2026-01-01T00:00:0${n}.000Z`;
const INSERT_CALL = `INSERT INTO duty_calls
  (id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json)
  VALUES (?, ?, 'tenant', 'referrer', 'conversation', ?, ?, ?)`;
const callParams = (id: string, kind: 'full' | 'advice', at: string) => [
  id,
  kind,
  at,
  at,
  JSON.stringify({ reference: `IMH-${id}` }),
];
const INSERT_EVENT = `INSERT INTO record_events (record_id, seq, type, actor_id, actor_name, at)
  VALUES (?, ?, ?, 'actor', 'Actor', ?)`;
const INSERT_OUTBOX = `INSERT INTO outbox
  (id, record_id, kind, target_json, payload_json, created_at, next_attempt_at, give_up_at)
  VALUES (?, ?, ?, '{"type":"channel","role":"safeguarding"}', ?, ?, ?, ?)`;
const outboxParams = (
  id: string,
  recordId: string | null,
  kind: string,
  at: string,
  payload: object = {},
) => [id, recordId, kind, JSON.stringify(payload), at, at, '2026-02-01T00:00:00.000Z'];
const INSERT_AUDIT = `INSERT INTO audit (id, at, actor_id, action, record_id, outcome)
  VALUES (?, ?, 'actor', 'view', ?, 'ok')`;

interface ScheduleRow {
  record_id: string;
  kind: string;
  alert_id: string;
  due_at: string;
}
const SCHEDULE =
  'SELECT record_id, kind, alert_id, due_at FROM record_schedule ORDER BY record_id, kind, alert_id';

async function schedules(db: Database.Database, pool: pg.Pool) {
  return {
    sqlite: db.prepare(SCHEDULE).all() as ScheduleRow[],
    pg: (await pool.query<ScheduleRow>(SCHEDULE)).rows,
  };
}

/**
 * Differences from SQLite's schema that are meant, each with its reason. Everything SQLite has must be
 * in PostgreSQL under the same name unless it is named here, and PostgreSQL may have nothing more.
 */
const ONLY_IN_SQLITE: Record<string, string> = {};
const ONLY_IN_POSTGRES: Record<string, string> = {
  // TRUNCATE does not fire row triggers; SQLite has no TRUNCATE
  'trigger duty_calls.duty_calls_append_only_t': 'refuses TRUNCATE, which skips the row triggers',
  'trigger record_events.record_events_append_only_t': 'refuses TRUNCATE, which skips the row triggers',
  'trigger audit.audit_append_only_t': 'refuses TRUNCATE, which skips the row triggers',
  // SQLite's rowid, which PostgreSQL has no counterpart of: ties within a millisecond are broken by it
  'column duty_calls.row_order not null':
    "SQLite's rowid: a referrer's calls of one millisecond, latest first",
  'column outbox.row_order not null':
    "SQLite's rowid: a record's posts of one millisecond, in the order queued",
};

describePostgres('PostgreSQL migrations', () => {
  describe('schema', () => {
    it("has every table, column, index and trigger SQLite's migrations make", async () => {
      const { schema } = await migrated();
      const db = sqlite();
      const liteObjects = db
        .prepare(
          `SELECT type, name, tbl_name FROM sqlite_schema
           WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'`,
        )
        .all() as { type: string; name: string; tbl_name: string }[];
      const lite = new Set(liteObjects.map((o) => `${o.type} ${o.tbl_name}.${o.name}`));

      const { rows: pgObjects } = await admin.query<{ key: string }>(
        `SELECT 'table ' || tablename || '.' || tablename AS key FROM pg_tables WHERE schemaname = $1
         UNION ALL
         -- the indexes that back PRIMARY KEY and UNIQUE are SQLite's sqlite_autoindex_*: left out on both
         SELECT 'index ' || t.relname || '.' || i.relname FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
         UNION ALL
         SELECT 'trigger ' || c.relname || '.' || tg.tgname FROM pg_trigger tg
           JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND NOT tg.tgisinternal`,
        [schema],
      );
      const postgres = new Set(pgObjects.map((o) => o.key));

      expect(lite.size).toBeGreaterThan(30); // the comparison is not vacuous
      expect([...lite].filter((k) => !postgres.has(k) && !(k in ONLY_IN_SQLITE)).sort()).toEqual([]);
      expect([...postgres].filter((k) => !lite.has(k) && !(k in ONLY_IN_POSTGRES)).sort()).toEqual([]);
      // and the allowlists name only real differences
      for (const k of Object.keys(ONLY_IN_SQLITE)) expect(postgres.has(k), k).toBe(false);
      for (const k of Object.keys(ONLY_IN_POSTGRES)) expect(lite.has(k), k).toBe(false);

      // columns: the same names, NOT NULL where SQLite has it, on every table
      const columnsOnlyHere = new Set<string>();
      for (const { name } of liteObjects.filter((o) => o.type === 'table')) {
        const liteCols = (
          db.prepare(`SELECT name, "notnull", pk FROM pragma_table_info(?)`).all(name) as {
            name: string;
            notnull: number;
            pk: number;
          }[]
        ).map((c) => `${c.name}${c.notnull || c.pk ? ' not null' : ''}`);
        const { rows } = await admin.query<{ col: string }>(
          `SELECT column_name || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS col
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
          [schema, name],
        );
        // SQLite's TEXT PRIMARY KEY allows NULL (an old quirk); PostgreSQL's key columns never do
        const pgCols = rows
          .map((r) => r.col)
          .filter((c) => {
            const onlyHere = `column ${name}.${c}` in ONLY_IN_POSTGRES;
            if (onlyHere) columnsOnlyHere.add(`column ${name}.${c}`);
            return !onlyHere;
          });
        const liteLoose = liteCols.map((c) => c.replace(/ not null$/, ''));
        expect(pgCols.map((c) => c.replace(/ not null$/, '')).sort(), name).toEqual(liteLoose.sort());
        for (const c of liteCols.filter((c) => c.endsWith(' not null'))) expect(pgCols, name).toContain(c);
      }
      // the columns named as PostgreSQL's own are there
      expect([...columnsOnlyHere].sort()).toEqual(
        Object.keys(ONLY_IN_POSTGRES)
          .filter((k) => k.startsWith('column '))
          .sort(),
      );
    });

    it("indexes the JSON paths the code looks up, with SQLite's answers", async () => {
      const { pool } = await migrated();
      const db = sqlite();
      const states: [string, string][] = [
        ['draft', JSON.stringify({ current: { step: 1 } })],
        ['profile', JSON.stringify({ current: null, profile: {} })],
        ['array', JSON.stringify({ current: [] })],
        ['not-json', 'this is not JSON {'],
        ['scalar', '42'],
      ];
      for (const [key, value] of states) {
        await same(
          db,
          pool,
          'INSERT INTO bot_state (key, etag, value, updated_at) VALUES (?, ?, ?, ?)',
          [key, 'e', value, T(1)],
          OK,
        );
      }
      await same(db, pool, INSERT_OUTBOX, outboxParams('d1', null, 'x', T(1), { draftAlertId: 'A' }), OK);
      await same(db, pool, INSERT_OUTBOX, outboxParams('d2', null, 'x', T(2), { draftAlertId: 'B' }), OK);
      await same(
        db,
        pool,
        INSERT_OUTBOX,
        outboxParams('u1', null, 'alert-undelivered', T(3), { alertId: 'A' }),
        OK,
      );

      const liteDrafts = db
        .prepare(
          `SELECT key FROM bot_state
           WHERE CASE WHEN json_valid(value) THEN json_type(value, '$.current') END = 'object' ORDER BY key`,
        )
        .all();
      const pgDraftsSql = `SELECT key FROM bot_state
        WHERE jsonb_typeof(json_or_null(value) -> 'current') = 'object' AND updated_at < $1 ORDER BY updated_at`;
      expect((await pool.query(pgDraftsSql, [T(9)])).rows).toEqual(liteDrafts);
      expect(liteDrafts).toEqual([{ key: 'draft' }]);

      const pgDraftAlertSql = `SELECT id FROM outbox WHERE record_id IS NULL AND (payload_json::jsonb ->> 'draftAlertId') = $1`;
      expect((await pool.query(pgDraftAlertSql, ['B'])).rows).toEqual([{ id: 'd2' }]);
      const pgUndeliveredSql = `SELECT 1 AS one FROM outbox WHERE kind = 'alert-undelivered' AND (payload_json::jsonb ->> 'alertId') = $1`;
      expect((await pool.query(pgUndeliveredSql, ['A'])).rows).toEqual([{ one: 1 }]);

      // the planner can serve each look-up from its partial index (sequential scans priced out)
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const plan = async (sql: string, params: unknown[]) =>
          (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
        expect(await plan(pgDraftsSql, [T(9)])).toContain('bot_state_open_drafts');
        expect(await plan(pgDraftAlertSql, ['B'])).toContain('outbox_draft_alert');
        expect(await plan(pgUndeliveredSql, ['A'])).toContain('outbox_alert_undelivered');
        expect(
          await plan(
            `SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY created_at LIMIT 10`,
            [T(9)],
          ),
        ).toContain('outbox_pending_queue');
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
    it("keeps its triggers on their own schema's tables whatever the session's search_path", async () => {
      const { schema } = await migrated();
      // the admin pool's sessions search public, where no such tables exist
      await admin.query(
        pgSql(INSERT_CALL.replace('INTO duty_calls', `INTO "${schema}".duty_calls`)),
        callParams('c1', 'full', T(1)),
      );
      const { rows } = await admin.query(`SELECT kind FROM "${schema}".record_schedule ORDER BY kind`);
      expect(rows).toEqual([{ kind: 'indication' }, { kind: 'reminder' }]);
      await expect(admin.query(`UPDATE "${schema}".duty_calls SET kind = 'advice'`)).rejects.toThrow(
        'duty_calls rows are append-only',
      );
    });
  });

  describe('runner', () => {
    it('applies each version once when five instances start together', async () => {
      const schema = newSchema();
      // later versions that fail if run twice (a table created, a column added)
      const last = postgresMigrations.length;
      const list: Migration[] = [
        ...postgresMigrations,
        { version: last + 1, sql: 'CREATE TABLE extra (x INTEGER)' },
        { version: last + 2, sql: 'ALTER TABLE extra ADD COLUMN y INTEGER' },
      ];
      const all = list.map((m) => m.version);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => migratePostgres(poolFor(schema, 1), { schema, migrations: list })),
      );
      expect(results.flat().sort((a, b) => a - b)).toEqual(all);
      const { rows } = await admin.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      expect(rows.map((r) => r.version)).toEqual(all);
      // and once more finds nothing to do
      expect(await migratePostgres(poolFor(schema), { schema, migrations: list })).toEqual([]);
    });

    it('refuses a database with a version this build does not know', async () => {
      const { schema, pool } = await migrated();
      await admin.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (7), (42)`);
      await expect(migratePostgres(pool, { schema })).rejects.toThrow(
        'Database has migrations this build does not know about: 7, 42',
      );
      // the refusal changed nothing
      const { rows } = await admin.query<{ version: number }>(
        `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
      );
      expect(rows.map((r) => r.version)).toEqual([...postgresMigrations.map((m) => m.version), 7, 42]);
    });

    it('leaves nothing of a version that fails, and says which one without quoting the driver', async () => {
      const { schema, pool } = await migrated();
      const failing = postgresMigrations.length + 1;
      const list: Migration[] = [
        ...postgresMigrations,
        { version: failing, sql: 'CREATE TABLE half_done (x INTEGER); SELECT no_such_column FROM half_done' },
      ];
      const err = await migratePostgres(pool, { schema, migrations: list }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).message).toBe(`PostgreSQL migration ${failing} failed`);
      expect((err as StorageError).code).toBe('42703');
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 'half_done'`,
        [schema],
      );
      expect(rows[0]?.n).toBe(0);
      expect(
        (await admin.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows,
      ).toEqual(postgresMigrations.map((m) => ({ version: m.version })));
    });

    it('migrates the current schema when none is named, and rejects names that would need quoting', async () => {
      const schema = newSchema();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const pool = poolFor(schema);
      expect(await migratePostgres(pool)).toEqual(postgresMigrations.map((m) => m.version));
      expect((await pool.query('SELECT count(*)::int AS n FROM record_schedule')).rows).toEqual([{ n: 0 }]);
      for (const bad of ['two words', 'x"; DROP SCHEMA public; --', '1abc', '', 'pg_reserved']) {
        await expect(migratePostgres(pool, { schema: bad })).rejects.toThrow(/Invalid schema name/);
      }
    });
  });

  describe('append-only, as on SQLite', () => {
    it('refuses to change or remove records, events and the audit, except a permitted purge', async () => {
      const { pool } = await migrated();
      const db = sqlite();
      await same(db, pool, INSERT_CALL, callParams('c1', 'full', T(1)), OK);
      await same(db, pool, INSERT_EVENT, ['c1', 1, 'note-added', T(2)], OK);
      await same(db, pool, INSERT_AUDIT, [1, T(2), 'c1'], OK);

      const calls = refused('duty_calls rows are append-only');
      const events = refused('record_events rows are append-only');
      const audit = refused('audit rows are append-only');
      await same(db, pool, `UPDATE duty_calls SET record_json = '{}' WHERE id = ?`, ['c1'], calls);
      await same(db, pool, 'DELETE FROM duty_calls WHERE id = ?', ['c1'], calls);
      await same(db, pool, `UPDATE record_events SET actor_name = 'x' WHERE record_id = ?`, ['c1'], events);
      await same(db, pool, 'DELETE FROM record_events WHERE record_id = ?', ['c1'], events);
      await same(db, pool, `UPDATE audit SET outcome = 'x' WHERE id = ?`, [1], audit);
      await same(db, pool, 'DELETE FROM audit WHERE id = ?', [1], audit);

      // the same key again, however the insert is phrased
      const callExists = refused('duty_calls rows are append-only: the row already exists');
      await same(db, pool, INSERT_CALL, callParams('c1', 'advice', T(3)), callExists);
      await same(
        db,
        pool,
        `${INSERT_CALL} ON CONFLICT DO NOTHING`,
        callParams('c1', 'advice', T(3)),
        callExists,
      );
      await same(
        db,
        pool,
        `${INSERT_CALL} ON CONFLICT (id) DO UPDATE SET record_json = excluded.record_json`,
        callParams('c1', 'advice', T(3)),
        callExists,
      );
      const eventExists = refused('record_events rows are append-only: the row already exists');
      await same(db, pool, INSERT_EVENT, ['c1', 1, 'other', T(3)], eventExists);
      await same(db, pool, `${INSERT_EVENT} ON CONFLICT DO NOTHING`, ['c1', 1, 'other', T(3)], eventExists);
      await same(
        db,
        pool,
        INSERT_AUDIT,
        [1, T(3), null],
        refused('audit rows are append-only: the row already exists'),
      );
      // on PostgreSQL "already exists" has a key clash's own code, so a repeated submit is told by it
      const clash = await pool
        .query(pgSql(INSERT_CALL), callParams('c1', 'full', T(1)))
        .catch((e: unknown) => e);
      expect((clash as { code?: string }).code).toBe('23505');

      // PostgreSQL's TRUNCATE skips row triggers: refused by its own
      for (const table of ['duty_calls', 'record_events', 'audit']) {
        await expect(pool.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(
          `${table} rows are append-only`,
        );
      }

      // the retention purge (which does this in one transaction): a permit, the record with its events,
      // the permit removed
      await same(db, pool, 'INSERT INTO purge_permits (record_id) VALUES (?)', ['c1'], OK);
      await same(db, pool, 'DELETE FROM audit WHERE record_id = ?', ['c1'], audit); // never the audit
      await same(db, pool, 'DELETE FROM record_events WHERE record_id = ?', ['c1'], OK);
      await same(db, pool, 'DELETE FROM record_schedule WHERE record_id = ?', ['c1'], OK);
      await same(db, pool, 'DELETE FROM duty_calls WHERE id = ?', ['c1'], OK);
      await same(db, pool, 'DELETE FROM purge_permits WHERE record_id = ?', ['c1'], OK);
      const count = 'SELECT (SELECT count(*) FROM duty_calls) + (SELECT count(*) FROM record_events) AS n';
      expect(Number((db.prepare(count).get() as { n: number }).n)).toBe(0);
      expect(Number((await pool.query<{ n: string }>(count)).rows[0]?.n)).toBe(0);
      // and the permit was for that record only
      await same(db, pool, INSERT_CALL, callParams('c2', 'advice', T(4)), OK);
      await same(db, pool, 'DELETE FROM duty_calls WHERE id = ?', ['c2'], calls);
    });

    it('refuses an update that changes nothing, and lets a permit purge only its own record', async () => {
      const { pool } = await migrated();
      const db = sqlite();
      await same(db, pool, INSERT_CALL, callParams('a', 'advice', T(1)), OK);
      await same(db, pool, INSERT_CALL, callParams('b', 'advice', T(1)), OK);
      await same(
        db,
        pool,
        'UPDATE duty_calls SET id = id WHERE id = ?',
        ['a'],
        refused('duty_calls rows are append-only'),
      );
      await same(db, pool, 'INSERT INTO purge_permits (record_id) VALUES (?)', ['a'], OK);
      // a statement reaching a record without a permit is refused as a whole
      await same(db, pool, 'DELETE FROM duty_calls', [], refused('duty_calls rows are append-only'));
      await same(db, pool, 'DELETE FROM duty_calls WHERE id = ?', ['a'], OK);
      const ids = 'SELECT id FROM duty_calls ORDER BY id';
      expect((await pool.query(ids)).rows).toEqual(db.prepare(ids).all());
      expect(db.prepare(ids).all()).toEqual([{ id: 'b' }]);
    });
  });

  describe('record_schedule upkeep, as on SQLite', () => {
    it('inserts, moves and deletes the same rows for the same writes', async () => {
      const { pool } = await migrated();
      const db = sqlite();
      const steps: [string, unknown[]][] = [
        // a full call: its reminder and its open indication, from submission
        [INSERT_CALL, callParams('c1', 'full', T(1))],
        // an advice call: open indication only
        [INSERT_CALL, callParams('c2', 'advice', T(2))],
        // an alert queued with its record: escalation from its creation
        [INSERT_OUTBOX, outboxParams('o1', 'c1', 'safeguarding-alert', T(3))],
        // an alert raised in progress (no record yet), then taken over by the record
        [INSERT_OUTBOX, outboxParams('o2', null, 'safeguarding-alert', T(4), { draftAlertId: 'da' })],
        ['UPDATE outbox SET record_id = ? WHERE id = ?', ['c2', 'o2']],
        // record_id in the SET list but already set: nothing new
        [`UPDATE outbox SET record_id = record_id, status = 'delivered' WHERE id = ?`, ['o1']],
        // other deliveries and events leave the schedule alone
        [INSERT_OUTBOX, outboxParams('o3', 'c1', 'summary', T(4))],
        [INSERT_EVENT, ['c1', 1, 'reminder-sent', T(5)]],
        // the scheduler sets the reminder's real time
        [`UPDATE record_schedule SET due_at = ? WHERE record_id = ? AND kind = 'reminder'`, [T(9), 'c1']],
        // an indication: no longer open, and the reminder looked at again from then (the earlier time)
        [INSERT_EVENT, ['c1', 2, 'indication-given', T(6)]],
        // the referral came: no reminder
        [INSERT_EVENT, ['c1', 3, 'referral-received', T(7)]],
        // a later indication does not bring it back
        [INSERT_EVENT, ['c1', 4, 'indication-given', T(8)]],
        // acknowledged: no escalation, and none for an alert queued or linked after that
        [INSERT_EVENT, ['c2', 1, 'alert-acknowledged', T(8)]],
        [INSERT_OUTBOX, outboxParams('o4', 'c2', 'safeguarding-alert', T(9))],
        [INSERT_OUTBOX, outboxParams('o5', null, 'safeguarding-alert', T(9))],
        ['UPDATE outbox SET record_id = ? WHERE id = ?', ['c2', 'o5']],
        [INSERT_OUTBOX, outboxParams('u1', null, 'alert-undelivered', T(9), { alertId: 'o1' })],
        // an indication later than the reminder's time keeps the earlier one
        [INSERT_CALL, callParams('c3', 'full', T(1))],
        [INSERT_EVENT, ['c3', 1, 'indication-given', T(5)]],
        // an indication on an advice call: no reminder
        [INSERT_EVENT, ['c2', 2, 'indication-given', T(9)]],
        [INSERT_CALL, callParams('c4', 'advice', T(2))],
        [INSERT_EVENT, ['c1', 5, 'alert-acknowledged', T(9)]],
      ];
      const seen: ScheduleRow[][] = [];
      for (const [sql, params] of steps) {
        await same(db, pool, sql, params, OK);
        const now = await schedules(db, pool);
        expect(now.pg, sql).toEqual(now.sqlite);
        seen.push(now.pg);
      }
      // and what they agree on is what the schedule should be, step by step where it matters
      const row = (record_id: string, kind: string, alert_id: string, due_at: string) => ({
        record_id,
        kind,
        alert_id,
        due_at,
      });
      expect(seen[0]).toEqual([row('c1', 'indication', '', T(1)), row('c1', 'reminder', '', T(1))]);
      expect(seen[4]).toEqual([
        row('c1', 'escalation', 'o1', T(3)),
        row('c1', 'indication', '', T(1)),
        row('c1', 'reminder', '', T(1)),
        row('c2', 'escalation', 'o2', T(4)),
        row('c2', 'indication', '', T(2)),
      ]);
      expect(seen[9]?.filter((r) => r.record_id === 'c1')).toEqual([
        row('c1', 'escalation', 'o1', T(3)),
        row('c1', 'reminder', '', T(6)),
      ]);
      expect(seen.at(-1)).toEqual([row('c3', 'reminder', '', T(1)), row('c4', 'indication', '', T(2))]);
    });
  });
});
