import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { perStore, type Query, type SqlStore, select, selectOne, write } from '../storage/sql';
import { appendAudit } from './audit';

export interface RetentionOptions {
  /** A draft nobody has touched for this long is deleted (DRAFT_RETENTION_DAYS). */
  readonly draftDays: number;
  /** A referrer's saved state (the remembered profile) unused for this long is deleted. */
  readonly profileDays: number;
  /**
   * Submitted records are deleted this many years after submission (RECORD_RETENTION_YEARS); an alert
   * raised while a call was in progress that never became a record's, this many years after it was raised.
   */
  readonly recordYears: number;
  /** At most this many of each kind per run, so one run never holds the write lock for long. */
  readonly batch?: number;
}

export interface Purged {
  readonly drafts: number;
  readonly profiles: number;
  readonly records: number;
  /** Alerts raised while a call was in progress whose call was discarded or never submitted. */
  readonly alerts: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/*
 * What retention reads and deletes, written once for both stores (the SQL seam, issue 11). Each purge
 * is one transaction that looks again at what it deletes, because another instance may have purged it,
 * or a referrer used it, since the due list was read: each thing is purged, and audited, once.
 */

/**
 * Drafts in progress untouched since `before`, oldest first: the rows holding a draft in `current`, by
 * the bot_state_open_drafts index's own condition (each store's: so that index is the one used).
 */
function* openDraftsBefore(
  before: string,
  limit: number,
): Query<{ key: string; etag: string; value: string }[]> {
  return yield* select(
    {
      sqlite: `SELECT key, etag, value FROM bot_state
               WHERE CASE WHEN json_valid(value) THEN json_type(value, '$.current') END = 'object'
                 AND updated_at < ?
               ORDER BY updated_at LIMIT ?`,
      postgres: `SELECT key, etag, value FROM bot_state
                 WHERE jsonb_typeof(json_or_null(value) -> 'current') = 'object' AND updated_at < ?
                 ORDER BY updated_at LIMIT ?`,
    },
    [before, limit],
  );
}

/**
 * A referrer's state with its draft cleared, if it is still as read: a referrer acting at this very
 * moment wins (their write changed the eTag, and the draft is no longer abandoned). updated_at is left
 * alone: the profile's own expiry counts from the referrer's last use.
 */
function* clearDraft(key: string, etag: string, value: string): Query<boolean> {
  const { changes } = yield* write('UPDATE bot_state SET value = ?, etag = ? WHERE key = ? AND etag = ?', [
    value,
    randomUUID(),
    key,
    etag,
  ]);
  return changes === 1;
}

function* statesUnusedSince(before: string, limit: number): Query<{ key: string }[]> {
  return yield* select('SELECT key FROM bot_state WHERE updated_at < ? ORDER BY updated_at LIMIT ?', [
    before,
    limit,
  ]);
}

function* deleteStateUnusedSince(key: string, before: string): Query<number> {
  return (yield* write('DELETE FROM bot_state WHERE key = ? AND updated_at < ?', [key, before])).changes;
}

function* recordsSubmittedBefore(before: string, limit: number): Query<{ id: string }[]> {
  return yield* select('SELECT id FROM duty_calls WHERE submitted_at < ? ORDER BY submitted_at LIMIT ?', [
    before,
    limit,
  ]);
}

const RECORD_LOCKED = perStore(
  (d) => `SELECT 1 AS present FROM duty_calls WHERE id = ?${d.postgresOnly(' FOR UPDATE')}`,
);
const ALERT_DELIVERIES = perStore(
  (d) => `DELETE FROM outbox WHERE record_id IS NULL AND ${d.json('payload_json', 'draftAlertId')} = ?`,
);

/**
 * A record and everything of it, under the purge permit the schema asks for; undefined if it is gone
 * already. The record's row is locked first (on SQLite the transaction holds the write lock from its
 * start), so two instances purging it at once purge it once: the second finds it gone.
 */
export function* purgeRecord(
  id: string,
  at: string,
  retentionYears: number,
): Query<{ events: number; deliveries: number } | undefined> {
  const present = yield* selectOne(RECORD_LOCKED, [id]);
  if (!present) return undefined;
  const remove = function* (table: string, column = 'record_id'): Query<number> {
    return (yield* write(`DELETE FROM ${table} WHERE ${column} = ?`, [id])).changes;
  };
  yield* write('INSERT INTO purge_permits (record_id) VALUES (?)', [id]);
  const counts = { events: yield* remove('record_events'), deliveries: yield* remove('outbox') };
  yield* remove('call_contacts');
  // the alert the call raised while in progress (SQLite migration 4): its snapshot goes with the record
  yield* remove('draft_alerts');
  // what the scheduler would next have done for it (SQLite migration 6)
  yield* remove('record_schedule');
  yield* remove('duty_calls', 'id');
  yield* remove('purge_permits');
  // ids and counts only: what was deleted is gone, and the audit must not keep a copy of it
  yield* appendAudit({
    at,
    actorId: 'bot',
    action: 'record-purged',
    recordId: id,
    outcome: 'purged',
    detail: { retentionYears, ...counts },
  });
  return counts;
}

function* unrecordedAlertsRaisedBefore(
  before: string,
  limit: number,
): Query<{ id: string; draft_id: string }[]> {
  return yield* select(
    'SELECT id, draft_id FROM draft_alerts WHERE record_id IS NULL AND raised_at < ? ORDER BY raised_at LIMIT ?',
    [before, limit],
  );
}

/**
 * An alert raised while a call was in progress whose call was discarded or never submitted is a
 * safeguarding record of its own (the leads were told about this infant): kept RECORD_RETENTION_YEARS
 * from when it was raised, then deleted with every outbox row it queued (all carry its id; no record
 * names them). Undefined if a record took it over since it was read: it goes with that record instead.
 */
export function* purgeAlert(
  id: string,
  draftId: string,
  at: string,
  retentionYears: number,
): Query<number | undefined> {
  const { changes } = yield* write('DELETE FROM draft_alerts WHERE id = ? AND record_id IS NULL', [id]);
  if (changes === 0) return undefined;
  const deliveries = (yield* write(ALERT_DELIVERIES, [id])).changes;
  yield* appendAudit({
    at,
    actorId: 'bot',
    action: 'draft-alert-purged',
    recordId: draftId,
    outcome: 'purged',
    detail: { alertId: id, retentionYears, deliveries },
  });
  return deliveries;
}

/**
 * Deletes what the service no longer needs, oldest first, a bounded batch at a time, each found
 * through an index so a run costs the same however long the history. This is the only code that
 * deletes submitted records: the schema refuses it without the purge permit written here.
 */
export class Retention {
  private readonly batch: number;

  /** `afterDelete`: told once a run has deleted anything (on SQLite the host scrubs the WAL). */
  constructor(
    private readonly sql: SqlStore,
    private readonly logger: Logger,
    private readonly o: RetentionOptions,
    private readonly afterDelete: () => void = () => {},
  ) {
    this.batch = o.batch ?? 100;
  }

  async run(now: Date): Promise<Purged> {
    const drafts = await this.purgeDrafts(new Date(now.getTime() - this.o.draftDays * DAY_MS));
    const profiles = await this.purgeStates(new Date(now.getTime() - this.o.profileDays * DAY_MS));
    const records = await this.purgeRecords(now, yearsBefore(now, this.o.recordYears));
    const alerts = await this.purgeAlerts(now, yearsBefore(now, this.o.recordYears));
    if (drafts + profiles + records + alerts > 0) this.afterDelete();
    return { drafts, profiles, records, alerts };
  }

  private async purgeAlerts(now: Date, before: Date): Promise<number> {
    const at = now.toISOString();
    let count = 0;
    const due = await this.sql.transact(unrecordedAlertsRaisedBefore(before.toISOString(), this.batch));
    for (const { id, draft_id } of due) {
      const deliveries = await this.sql.transact(purgeAlert(id, draft_id, at, this.o.recordYears));
      if (deliveries === undefined) continue;
      count += 1;
      this.logger.info({ event: 'draft-alert-purged', alert: id, draft: draft_id, deliveries });
    }
    return count;
  }

  private async purgeDrafts(before: Date): Promise<number> {
    let count = 0;
    for (const row of await this.sql.transact(openDraftsBefore(before.toISOString(), this.batch))) {
      const state = JSON.parse(row.value) as { current?: { id?: unknown } };
      const draftId = state.current?.id;
      // the row is written by DraftStore (bot/draft-store.ts): a referrer's state with the draft in
      // `current`; the rest of it (the remembered profile) has its own, longer, expiry
      const next = JSON.stringify({ ...state, current: null });
      if (!(await this.sql.transact(clearDraft(row.key, row.etag, next)))) continue;
      count += 1;
      this.logger.info({ event: 'draft-purged', draft: typeof draftId === 'string' ? draftId : undefined });
    }
    return count;
  }

  private async purgeStates(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    let count = 0;
    for (const { key } of await this.sql.transact(statesUnusedSince(cutoff, this.batch))) {
      count += await this.sql.transact(deleteStateUnusedSince(key, cutoff));
    }
    if (count > 0) this.logger.info({ event: 'referrer-state-purged', count });
    return count;
  }

  private async purgeRecords(now: Date, before: Date): Promise<number> {
    const at = now.toISOString();
    let count = 0;
    for (const { id } of await this.sql.transact(recordsSubmittedBefore(before.toISOString(), this.batch))) {
      const counts = await this.sql.transact(purgeRecord(id, at, this.o.recordYears));
      if (counts === undefined) continue;
      count += 1;
      this.logger.info({ event: 'record-purged', record: id, ...counts });
    }
    return count;
  }
}

/** The same instant `years` calendar years earlier (29 February falls back to 1 March). */
export function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}
