import type { Pool, PoolClient } from 'pg';
import type { Migration } from './migrations';
import { fromPostgres, StorageError } from './storage-errors';

/*
 * The PostgreSQL schema (issue 11), for when several instances share one store.
 *
 * Version mapping: PostgreSQL has no data to carry forward, so its version 1 is SQLite's schema as it
 * stands after SQLite's version 9 (src/storage/migrations.ts), in one step. SQLite's data-only steps
 * (the backfills in its versions 5, 6 and 8) have nothing to act on here and are left out. From now on a
 * schema change is a new SQLite migration AND a new entry here (PostgreSQL version 2, 3, ...): the two
 * numberings are separate and only the final schemas must agree (test/storage/postgres-migrations.test.ts
 * compares them: tables, columns, indexes, triggers, and what the triggers do).
 *
 * Choices, and why:
 * - Every text column is TEXT COLLATE "C". SQLite compares text bytewise; with "C" the ISO-8601 times
 *   and ids sort and compare (<, ORDER BY, LEAST) the same whatever the database's default collation,
 *   and their btree indexes serve those comparisons.
 * - Times stay ISO-8601 text, as in SQLite, not timestamptz: the code writes and compares them as
 *   strings, and the same statements give the same answers on both stores.
 * - JSON stays text (record_json, payload_json, ...), not jsonb, with expression indexes on the paths
 *   looked up. jsonb keeps neither key order, whitespace nor duplicate keys, and a record is evidence:
 *   what is read back must be exactly what was written, on either store. Only three paths are ever
 *   searched, so expression indexes cover them. The queries must use the index's own expression to be
 *   served by it, e.g. (payload_json::jsonb ->> 'draftAlertId') = $1 where SQLite says
 *   json_extract(payload_json, '$.draftAlertId') = ?. As with json_extract in SQLite's index, a row
 *   whose JSON is malformed cannot be written where such an index applies.
 * - bot_state_open_drafts: SQLite guards json_type with json_valid, so a value that is not JSON is
 *   simply not a draft. json_or_null() below does the same (a cast that fails gives NULL).
 * - audit.id is a BIGINT identity (SQLite's rowid is 64-bit): pg returns int8 as a string unless a type
 *   parser says otherwise. Other integers (seq, attempts, risk_flagged, escalations) are INTEGER, with
 *   0/1 for the flag as in SQLite.
 * - Triggers keep SQLite's names, one PostgreSQL trigger per SQLite trigger, over plpgsql functions.
 *   PostgreSQL's WHEN cannot hold a subquery, so the EXISTS tests move into the functions. Each
 *   function pins search_path to this schema (SET search_path FROM CURRENT, the runner sets it to the
 *   one target schema), so the tables they touch are the ones next to them, whoever's session fires them.
 * - Errors: the append-only refusals carry SQLite's messages exactly. "Already exists" is raised as
 *   unique_violation (23505), the code a plain key clash has, so one code tells a repeated submit on
 *   PostgreSQL (the counterpart of isExistingKey in database.ts); the other refusals are
 *   integrity_constraint_violation (23000).
 * - PostgreSQL-only additions: TRUNCATE skips row triggers, so duty_calls, record_events and audit
 *   refuse it with statement triggers (*_append_only_t).
 *
 * Differences that cannot be helped: PostgreSQL's AFTER ROW triggers run at the end of the statement
 * (SQLite's right after each row), which only shows for one statement inserting several rows whose
 * triggers read each other; none of the code does that, and for the schedule triggers the end result is
 * the same. The owner of the tables can still disable triggers (ALTER TABLE ... DISABLE TRIGGER), as a
 * SQLite file's owner can drop them: the bot's own role should not own the schema where that matters.
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- SQLite 1, 3 -----------------------------------------------------------------------------------
      CREATE TABLE bot_state (
        key TEXT COLLATE "C" PRIMARY KEY,
        etag TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );

      CREATE TABLE duty_calls (
        id TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('full', 'advice')),
        tenant_id TEXT COLLATE "C" NOT NULL,
        referrer_aad_id TEXT COLLATE "C" NOT NULL,
        conversation_id TEXT COLLATE "C" NOT NULL,
        started_at TEXT COLLATE "C" NOT NULL,
        submitted_at TEXT COLLATE "C" NOT NULL,
        record_json TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX duty_calls_referrer_submitted ON duty_calls (referrer_aad_id, submitted_at);

      -- SQLite 2 ---------------------------------------------------------------------------------------
      CREATE TABLE channels (
        role TEXT COLLATE "C" PRIMARY KEY CHECK (role IN ('duty', 'safeguarding', 'admin')),
        team_id TEXT COLLATE "C" NOT NULL,
        channel_id TEXT COLLATE "C" NOT NULL,
        service_url TEXT COLLATE "C" NOT NULL,
        tenant_id TEXT COLLATE "C" NOT NULL,
        set_by TEXT COLLATE "C" NOT NULL,
        set_at TEXT COLLATE "C" NOT NULL
      );

      CREATE TABLE teams (
        team_id TEXT COLLATE "C" PRIMARY KEY,
        service_url TEXT COLLATE "C" NOT NULL,
        tenant_id TEXT COLLATE "C" NOT NULL,
        channels_json TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
      );

      CREATE TABLE call_contacts (
        record_id TEXT COLLATE "C" PRIMARY KEY REFERENCES duty_calls (id),
        service_url TEXT COLLATE "C" NOT NULL,
        conversation_id TEXT COLLATE "C" NOT NULL,
        user_id TEXT COLLATE "C" NOT NULL
      );

      CREATE TABLE record_events (
        record_id TEXT COLLATE "C" NOT NULL REFERENCES duty_calls (id),
        seq INTEGER NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        actor_id TEXT COLLATE "C" NOT NULL,
        actor_name TEXT COLLATE "C" NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        data_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
        PRIMARY KEY (record_id, seq)
      );

      CREATE TABLE outbox (
        id TEXT COLLATE "C" PRIMARY KEY,
        record_id TEXT COLLATE "C" REFERENCES duty_calls (id),
        kind TEXT COLLATE "C" NOT NULL,
        target_json TEXT COLLATE "C" NOT NULL,
        payload_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
        after_id TEXT COLLATE "C" REFERENCES outbox (id),
        status TEXT COLLATE "C" NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT COLLATE "C" NOT NULL,
        next_attempt_at TEXT COLLATE "C" NOT NULL,
        give_up_at TEXT COLLATE "C" NOT NULL,
        in_flight_at TEXT COLLATE "C",
        delivered_at TEXT COLLATE "C",
        conversation_id TEXT COLLATE "C",
        activity_id TEXT COLLATE "C",
        last_error TEXT COLLATE "C"
      );
      CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

      CREATE TABLE audit (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT COLLATE "C" NOT NULL,
        actor_id TEXT COLLATE "C" NOT NULL,
        action TEXT COLLATE "C" NOT NULL,
        record_id TEXT COLLATE "C",
        outcome TEXT COLLATE "C" NOT NULL,
        detail_json TEXT COLLATE "C" NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_record ON audit (record_id, id);

      -- SQLite 3: the purge permit, and the retention indexes -------------------------------------------
      CREATE TABLE purge_permits (record_id TEXT COLLATE "C" PRIMARY KEY);

      CREATE INDEX duty_calls_submitted ON duty_calls (submitted_at);
      CREATE INDEX bot_state_updated ON bot_state (updated_at);

      -- SQLite's CASE WHEN json_valid(value) THEN json_type(value, '$.current') END: NULL for text that is
      -- not JSON. IMMUTABLE is true (the answer depends on the argument alone) and lets an index use it.
      CREATE FUNCTION json_or_null(t TEXT) RETURNS jsonb
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
      BEGIN
        RETURN t::jsonb;
      EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
        RETURN NULL;
      END
      $fn$;
      CREATE INDEX bot_state_open_drafts ON bot_state (updated_at)
        WHERE jsonb_typeof(json_or_null(value) -> 'current') = 'object';

      -- SQLite 4, 5 --------------------------------------------------------------------------------------
      CREATE TABLE draft_alerts (
        id TEXT COLLATE "C" PRIMARY KEY,
        draft_id TEXT COLLATE "C" NOT NULL UNIQUE,
        reference TEXT COLLATE "C" NOT NULL,
        outbox_id TEXT COLLATE "C" NOT NULL UNIQUE,
        tenant_id TEXT COLLATE "C" NOT NULL,
        referrer_aad_id TEXT COLLATE "C" NOT NULL,
        service_url TEXT COLLATE "C" NOT NULL,
        conversation_id TEXT COLLATE "C" NOT NULL,
        user_id TEXT COLLATE "C" NOT NULL,
        snapshot_json TEXT COLLATE "C" NOT NULL,
        raised_at TEXT COLLATE "C" NOT NULL,
        risk_flagged INTEGER NOT NULL DEFAULT 1,
        ack_by_id TEXT COLLATE "C",
        ack_by_name TEXT COLLATE "C",
        ack_at TEXT COLLATE "C",
        record_id TEXT COLLATE "C",
        closed_as TEXT COLLATE "C" CHECK (closed_as IN ('submitted', 'discarded')),
        closed_at TEXT COLLATE "C",
        unsubmitted_noted_at TEXT COLLATE "C",
        escalations INTEGER NOT NULL DEFAULT 0,
        last_escalated_at TEXT COLLATE "C",
        next_escalation_at TEXT COLLATE "C"
      );
      CREATE INDEX draft_alerts_unsubmitted ON draft_alerts (raised_at)
        WHERE closed_at IS NULL AND unsubmitted_noted_at IS NULL;
      CREATE INDEX draft_alerts_record ON draft_alerts (record_id) WHERE record_id IS NOT NULL;
      CREATE INDEX draft_alerts_escalation ON draft_alerts (next_escalation_at)
        WHERE next_escalation_at IS NOT NULL;
      CREATE INDEX draft_alerts_unrecorded ON draft_alerts (raised_at) WHERE record_id IS NULL;
      -- look-ups must say (payload_json::jsonb ->> 'draftAlertId') = $1 AND record_id IS NULL
      CREATE INDEX outbox_draft_alert ON outbox ((payload_json::jsonb ->> 'draftAlertId'))
        WHERE record_id IS NULL;

      -- SQLite 6 -----------------------------------------------------------------------------------------
      CREATE TABLE record_schedule (
        record_id TEXT COLLATE "C" NOT NULL,
        kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('reminder', 'escalation', 'indication')),
        alert_id TEXT COLLATE "C" NOT NULL DEFAULT '',
        due_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (record_id, kind, alert_id)
      );
      CREATE INDEX record_schedule_due ON record_schedule (kind, due_at);
      -- look-ups must say kind = 'alert-undelivered' AND (payload_json::jsonb ->> 'alertId') = $1
      CREATE INDEX outbox_alert_undelivered ON outbox (kind, (payload_json::jsonb ->> 'alertId'))
        WHERE kind = 'alert-undelivered';
      CREATE INDEX outbox_kind_status ON outbox (kind, status, created_at);

      -- SQLite 7, 8, 9 -----------------------------------------------------------------------------------
      CREATE INDEX outbox_record ON outbox (record_id, created_at);
      CREATE INDEX outbox_after ON outbox (after_id);
      CREATE TABLE call_references (
        reference TEXT COLLATE "C" PRIMARY KEY,
        issued_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX outbox_pending_queue ON outbox (created_at, next_attempt_at, kind)
        WHERE status = 'pending';

      -- Append-only (SQLite 2, 3): records, their events and the audit are evidence --------------------
      -- The message is the trigger's first argument (SQLite's wording).
      CREATE FUNCTION append_only_refuse() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
      END
      $fn$;

      CREATE FUNCTION duty_calls_purge_only() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM purge_permits WHERE record_id = OLD.id) THEN
          RAISE EXCEPTION USING MESSAGE = 'duty_calls rows are append-only',
            ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
      END
      $fn$;

      CREATE FUNCTION record_events_purge_only() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM purge_permits WHERE record_id = OLD.record_id) THEN
          RAISE EXCEPTION USING MESSAGE = 'record_events rows are append-only',
            ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
      END
      $fn$;

      -- BEFORE INSERT row triggers run before the key is looked at, INSERT ... ON CONFLICT included.
      CREATE FUNCTION duty_calls_no_replace() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM duty_calls WHERE id = NEW.id) THEN
          RAISE EXCEPTION USING MESSAGE = 'duty_calls rows are append-only: the row already exists',
            ERRCODE = 'unique_violation';
        END IF;
        RETURN NEW;
      END
      $fn$;

      CREATE FUNCTION record_events_no_replace() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF EXISTS (SELECT 1 FROM record_events WHERE record_id = NEW.record_id AND seq = NEW.seq) THEN
          RAISE EXCEPTION USING MESSAGE = 'record_events rows are append-only: the row already exists',
            ERRCODE = 'unique_violation';
        END IF;
        RETURN NEW;
      END
      $fn$;

      CREATE FUNCTION audit_no_replace() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) THEN
          RAISE EXCEPTION USING MESSAGE = 'audit rows are append-only: the row already exists',
            ERRCODE = 'unique_violation';
        END IF;
        RETURN NEW;
      END
      $fn$;

      CREATE TRIGGER duty_calls_append_only_u BEFORE UPDATE ON duty_calls
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse('duty_calls rows are append-only');
      CREATE TRIGGER duty_calls_append_only_d BEFORE DELETE ON duty_calls
        FOR EACH ROW EXECUTE FUNCTION duty_calls_purge_only();
      CREATE TRIGGER duty_calls_append_only_t BEFORE TRUNCATE ON duty_calls
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse('duty_calls rows are append-only');
      CREATE TRIGGER duty_calls_no_replace BEFORE INSERT ON duty_calls
        FOR EACH ROW EXECUTE FUNCTION duty_calls_no_replace();

      CREATE TRIGGER record_events_append_only_u BEFORE UPDATE ON record_events
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse('record_events rows are append-only');
      CREATE TRIGGER record_events_append_only_d BEFORE DELETE ON record_events
        FOR EACH ROW EXECUTE FUNCTION record_events_purge_only();
      CREATE TRIGGER record_events_append_only_t BEFORE TRUNCATE ON record_events
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse('record_events rows are append-only');
      CREATE TRIGGER record_events_no_replace BEFORE INSERT ON record_events
        FOR EACH ROW EXECUTE FUNCTION record_events_no_replace();

      CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse('audit rows are append-only');
      CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse('audit rows are append-only');
      CREATE TRIGGER audit_append_only_t BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse('audit rows are append-only');
      CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_no_replace();

      -- record_schedule upkeep (SQLite 6): "look now" when something that may change the time is written -
      -- a full call awaits its formal referral from submission
      CREATE FUNCTION record_schedule_call() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          VALUES (NEW.id, 'reminder', '', NEW.submitted_at)
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER record_schedule_call AFTER INSERT ON duty_calls
        FOR EACH ROW WHEN (NEW.kind = 'full') EXECUTE FUNCTION record_schedule_call();

      -- every call is open until an indication is given
      CREATE FUNCTION record_schedule_open() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          VALUES (NEW.id, 'indication', '', NEW.submitted_at)
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER record_schedule_open AFTER INSERT ON duty_calls
        FOR EACH ROW EXECUTE FUNCTION record_schedule_open();

      -- a record's safeguarding alert, queued with it or taken over from its draft (linkToRecord)
      CREATE FUNCTION record_schedule_alert() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        INSERT INTO record_schedule (record_id, kind, alert_id, due_at)
          SELECT NEW.record_id, 'escalation', NEW.id, NEW.created_at
          WHERE NOT EXISTS (SELECT 1 FROM record_events e
                            WHERE e.record_id = NEW.record_id AND e.type = 'alert-acknowledged')
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER record_schedule_alert AFTER INSERT ON outbox
        FOR EACH ROW WHEN (NEW.kind = 'safeguarding-alert' AND NEW.record_id IS NOT NULL)
        EXECUTE FUNCTION record_schedule_alert();
      -- UPDATE OF fires, as in SQLite, when record_id is in the SET list (the WHEN sees the change)
      CREATE TRIGGER record_schedule_alert_linked AFTER UPDATE OF record_id ON outbox
        FOR EACH ROW WHEN (NEW.kind = 'safeguarding-alert' AND NEW.record_id IS NOT NULL
                           AND OLD.record_id IS NULL)
        EXECUTE FUNCTION record_schedule_alert();

      -- events that end the work, or may start it again (an indication changes whether a referral is
      -- awaited): reminder-sent and alert-escalated are the scheduler's own, which sets the next time
      CREATE FUNCTION record_schedule_event() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF NEW.type = 'referral-received' THEN
          DELETE FROM record_schedule WHERE record_id = NEW.record_id AND kind = 'reminder';
        ELSIF NEW.type = 'alert-acknowledged' THEN
          DELETE FROM record_schedule WHERE record_id = NEW.record_id AND kind = 'escalation';
        ELSIF NEW.type = 'indication-given' THEN
          DELETE FROM record_schedule WHERE record_id = NEW.record_id AND kind = 'indication';
          INSERT INTO record_schedule AS s (record_id, kind, alert_id, due_at)
            SELECT d.id, 'reminder', '', NEW.at FROM duty_calls d
            WHERE d.id = NEW.record_id AND d.kind = 'full'
              AND NOT EXISTS (SELECT 1 FROM record_events e
                              WHERE e.record_id = d.id AND e.type = 'referral-received')
            ON CONFLICT (record_id, kind, alert_id) DO UPDATE SET due_at = LEAST(s.due_at, EXCLUDED.due_at);
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER record_schedule_event AFTER INSERT ON record_events
        FOR EACH ROW WHEN (NEW.type IN ('referral-received', 'alert-acknowledged', 'indication-given'))
        EXECUTE FUNCTION record_schedule_event();
    `,
  },
  {
    version: 2,
    sql: `
      -- SQLite 10: the worker's queue by target, without the posts waiting on another
      CREATE INDEX outbox_pending_target ON outbox (target_json, created_at, next_attempt_at, kind)
        WHERE status = 'pending' AND next_attempt_at <> '9999-12-31T23:59:59.999Z';
    `,
  },
  {
    version: 3,
    sql: `
      -- SQLite 11: a delivery worker's claim on a post, for a lease
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT COLLATE "C";
      ALTER TABLE outbox ADD COLUMN claimed_until TEXT COLLATE "C";
      CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
      -- and Teams' rate limits across every instance: posts made, by bucket, in wall-clock ms
      CREATE TABLE post_stamps (
        id BIGSERIAL PRIMARY KEY,
        bucket TEXT COLLATE "C" NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX post_stamps_bucket ON post_stamps (bucket, at);
      CREATE INDEX post_stamps_at ON post_stamps (at);
      CREATE TABLE post_holds (
        bucket TEXT COLLATE "C" PRIMARY KEY,
        until BIGINT NOT NULL
      );
      CREATE INDEX post_holds_until ON post_holds (until);
    `,
  },
  {
    version: 4,
    sql: `
      -- PostgreSQL only: SQLite's rowid, the order rows were inserted in. The code breaks ties between
      -- rows of the same millisecond by it (a referrer's calls, latest first; a record's posts, in the
      -- order they were queued), and PostgreSQL has nothing that keeps that order (ctid changes).
      ALTER TABLE duty_calls ADD COLUMN row_order BIGINT GENERATED ALWAYS AS IDENTITY;
      ALTER TABLE outbox ADD COLUMN row_order BIGINT GENERATED ALWAYS AS IDENTITY;
    `,
  },
];

export interface MigratePostgresOptions {
  /**
   * The schema to create (if need be) and migrate. Default: the connection's current schema (the first
   * existing one on its search_path, normally public). The app's sessions must have it on their
   * search_path; the triggers' functions find their tables whatever the session's path.
   */
  schema?: string;
  /** How long to wait for another instance's migration (default 60 s); then this one fails. */
  lockTimeoutMs?: number;
  /** The migrations to apply (tests); default postgresMigrations. */
  migrations?: readonly Migration[];
}

/**
 * A schema named in settings is interpolated into SQL (identifiers cannot be bound), so only plain names
 * pass; pg_ is the system's.
 */
export function checkSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema) || /^pg_/i.test(schema)) {
    throw new Error('Invalid schema name');
  }
}

/** Who holds the migration lock: this app's key, the schema's hash the second half. */
const LOCK_CLASS = 0x1d0b; // "imh duty bot"

/**
 * Brings the schema up to date, and returns the versions applied by this call.
 *
 * Instances starting together each call this: every step holds a transaction-level advisory lock on
 * the schema while it reads schema_migrations and applies one version, so each version is applied
 * exactly once, and the others wait, then find nothing left to do. The lock ends with its transaction,
 * so a connection lost mid-way leaves no lock behind, and a failed version leaves nothing half-applied.
 * A database that has versions this build does not know refuses to start, as SQLite's migrate does.
 */
export async function migratePostgres(pool: Pool, options: MigratePostgresOptions = {}): Promise<number[]> {
  const list = [...(options.migrations ?? postgresMigrations)].sort((a, b) => a.version - b.version);
  const known = new Set(list.map((m) => m.version));
  if (options.schema !== undefined) checkSchemaName(options.schema);
  const lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000));

  const client = await pool.connect().catch(rethrowGeneric);
  // pg-pool listens for errors only on idle clients: one lost while checked out would otherwise be an
  // 'error' event with no listener, which ends the process (see postgres-storage.ts).
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on('error', onError);
  let reusable = false;
  const appliedNow: number[] = [];
  try {
    const schema = options.schema ?? (await currentSchema(client));
    const quoted = `"${schema.replaceAll('"', '""')}"`;
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
        await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [LOCK_CLASS, schema]);
        // inside the lock: CREATE ... IF NOT EXISTS run at the same moment by two sessions can both
        // find nothing and one then fails on the catalog's unique index
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
        // the functions created below keep this path (SET search_path FROM CURRENT)
        await client.query(`SET LOCAL search_path TO ${quoted}`);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
        const applied = new Set(rows.map((r) => r.version));
        const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
        if (unknown.length > 0) {
          // Running an older build against a newer schema could silently corrupt data.
          throw new Error(`Database has migrations this build does not know about: ${unknown.join(', ')}`);
        }
        const next = list.find((m) => !applied.has(m.version));
        if (next === undefined) {
          await client.query('COMMIT');
          break;
        }
        await client.query(next.sql).catch((err: unknown) => {
          throw generic(err, `PostgreSQL migration ${next.version} failed`);
        });
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [next.version]);
        await client.query('COMMIT');
        appliedNow.push(next.version);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    reusable = true;
    return appliedNow;
  } catch (err) {
    throw generic(err, 'PostgreSQL migration failed');
  } finally {
    client.off('error', onError);
    // after a failure the connection's state is unknown: close it rather than pool it
    client.release(reusable && !lost ? undefined : true);
  }
}

/**
 * migratePostgres on the first call and every call after that until one succeeds (the database may be
 * down at start-up): what each store on the pool awaits before its first statement.
 */
export function migrationOnce(pool: Pool, schema: string | undefined): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= migratePostgres(pool, schema === undefined ? {} : { schema }).then(
      () => undefined,
      (err: unknown) => {
        done = undefined;
        throw err;
      },
    );
    return done;
  };
}

async function currentSchema(client: PoolClient): Promise<string> {
  const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('No schema to migrate: the search_path names no existing schema');
  return schema;
}

function rethrowGeneric(err: unknown): never {
  throw generic(err, 'PostgreSQL migration failed');
}

/**
 * The driver's error as a StorageError with a fixed message (its own can quote SQL and values), the
 * code kept; our own errors (plain Error, StorageError) pass as they are. Connection trouble, timeouts
 * and a lock wait given up on (55P03) are StorageUnavailableError: starting again later may work.
 */
function generic(err: unknown, message: string): Error {
  // a lock wait given up on (55P03): another instance still migrating, so starting again later may work
  const ours = fromPostgres(err, message, ['55P03']);
  if (ours) return ours;
  // ours (the unknown-version refusal, no schema): a sentence of our own, fit to log
  if (err instanceof Error) return err;
  return new StorageError(message, undefined);
}
