import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger';
import { scrubWalSoon } from '../storage/database';
import type { Audit } from './audit';

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

/**
 * Deletes what the service no longer needs, oldest first, a bounded batch at a time, each found
 * through an index so a run costs the same however long the history. This is the only code that
 * deletes submitted records: the schema refuses it without the purge permit written here.
 */
export class Retention {
  private readonly openDrafts: Database.Statement<
    [string, number],
    { key: string; etag: string; value: string }
  >;
  private readonly setState: Database.Statement<[string, string, string, string]>;
  private readonly staleStates: Database.Statement<[string, number], { key: string }>;
  private readonly deleteState: Database.Statement<[string, string]>;
  private readonly dueRecords: Database.Statement<[string, number], { id: string }>;
  private readonly purgeRecord: (
    id: string,
    at: string,
  ) => { events: number; deliveries: number } | undefined;
  private readonly dueAlerts: Database.Statement<[string, number], { id: string; draft_id: string }>;
  private readonly purgeAlert: (id: string, draftId: string, at: string) => number | undefined;
  private readonly batch: number;

  constructor(
    private readonly db: Database.Database,
    private readonly audit: Audit,
    private readonly logger: Logger,
    private readonly o: RetentionOptions,
  ) {
    this.batch = o.batch ?? 100;
    // the CASE ... = 'object' term is the bot_state_open_drafts index's own condition, so that index
    // (rows holding a draft in progress only) is the one used
    this.openDrafts = db.prepare(`
      SELECT key, etag, value FROM bot_state
      WHERE CASE WHEN json_valid(value) THEN json_type(value, '$.current') END = 'object'
        AND updated_at < ?
      ORDER BY updated_at LIMIT ?`);
    // updated_at is left alone: the profile's own expiry counts from the referrer's last use
    this.setState = db.prepare('UPDATE bot_state SET value = ?, etag = ? WHERE key = ? AND etag = ?');
    this.staleStates = db.prepare(
      'SELECT key FROM bot_state WHERE updated_at < ? ORDER BY updated_at LIMIT ?',
    );
    this.deleteState = db.prepare('DELETE FROM bot_state WHERE key = ? AND updated_at < ?');
    this.dueRecords = db.prepare(
      'SELECT id FROM duty_calls WHERE submitted_at < ? ORDER BY submitted_at LIMIT ?',
    );

    const permit = db.prepare('INSERT INTO purge_permits (record_id) VALUES (?)');
    const unpermit = db.prepare('DELETE FROM purge_permits WHERE record_id = ?');
    const events = db.prepare('DELETE FROM record_events WHERE record_id = ?');
    const contacts = db.prepare('DELETE FROM call_contacts WHERE record_id = ?');
    const deliveries = db.prepare('DELETE FROM outbox WHERE record_id = ?');
    // the alert the call raised while in progress (migration 4): its snapshot goes with the record
    const draftAlerts = db.prepare('DELETE FROM draft_alerts WHERE record_id = ?');
    // what the scheduler would next have done for it (migration 6)
    const schedule = db.prepare('DELETE FROM record_schedule WHERE record_id = ?');
    const record = db.prepare('DELETE FROM duty_calls WHERE id = ?');
    const present = db.prepare('SELECT 1 FROM duty_calls WHERE id = ?').pluck();
    const purgeRecord = db.transaction((id: string, at: string) => {
      // another instance may have purged it since this one read its due list: purged (and audited) once
      if (!present.get(id)) return undefined;
      permit.run(id);
      const counts = { events: events.run(id).changes, deliveries: deliveries.run(id).changes };
      contacts.run(id);
      draftAlerts.run(id);
      schedule.run(id);
      record.run(id);
      unpermit.run(id);
      // ids and counts only: what was deleted is gone, and the audit must not keep a copy of it
      this.audit.append({
        at,
        actorId: 'bot',
        action: 'record-purged',
        recordId: id,
        outcome: 'purged',
        detail: { retentionYears: this.o.recordYears, ...counts },
      });
      return counts;
    });
    // the write lock first, so that the check above and the deletes see the same file
    this.purgeRecord = (id, at) => purgeRecord.immediate(id, at);

    // An alert raised while a call was in progress whose call was discarded or never submitted is a
    // safeguarding record of its own (the leads were told about this infant): kept RECORD_RETENTION_YEARS
    // from when it was raised, then deleted with every outbox row it queued (all carry its id; no record
    // names them). A submitted call's alert goes with its record (above), whenever that is due.
    this.dueAlerts = db.prepare(
      'SELECT id, draft_id FROM draft_alerts WHERE record_id IS NULL AND raised_at < ? ORDER BY raised_at LIMIT ?',
    );
    const alertRow = db.prepare('DELETE FROM draft_alerts WHERE id = ? AND record_id IS NULL');
    const alertDeliveries = db.prepare(
      `DELETE FROM outbox WHERE record_id IS NULL AND json_extract(payload_json, '$.draftAlertId') = ?`,
    );
    this.purgeAlert = db.transaction((id: string, draftId: string, at: string) => {
      // taken over by a record since it was read: it goes with that record instead
      if (alertRow.run(id).changes === 0) return undefined;
      const deliveries = alertDeliveries.run(id).changes;
      this.audit.append({
        at,
        actorId: 'bot',
        action: 'draft-alert-purged',
        recordId: draftId,
        outcome: 'purged',
        detail: { alertId: id, retentionYears: this.o.recordYears, deliveries },
      });
      return deliveries;
    });
  }

  run(now: Date): Purged {
    const drafts = this.purgeDrafts(new Date(now.getTime() - this.o.draftDays * DAY_MS));
    const profiles = this.purgeStates(new Date(now.getTime() - this.o.profileDays * DAY_MS));
    const records = this.purgeRecords(now, yearsBefore(now, this.o.recordYears));
    const alerts = this.purgeAlerts(now, yearsBefore(now, this.o.recordYears));
    if (drafts + profiles + records + alerts > 0) {
      // held all along (a reader): the next run that deletes anything truncates it
      scrubWalSoon(this.db, () => this.logger.warn({ event: 'retention-wal-busy' }));
    }
    return { drafts, profiles, records, alerts };
  }

  private purgeAlerts(now: Date, before: Date): number {
    const at = now.toISOString();
    let count = 0;
    for (const { id, draft_id } of this.dueAlerts.all(before.toISOString(), this.batch)) {
      const deliveries = this.purgeAlert(id, draft_id, at);
      if (deliveries === undefined) continue;
      count += 1;
      this.logger.info({ event: 'draft-alert-purged', alert: id, draft: draft_id, deliveries });
    }
    return count;
  }

  private purgeDrafts(before: Date): number {
    let count = 0;
    for (const row of this.openDrafts.all(before.toISOString(), this.batch)) {
      const state = JSON.parse(row.value) as { current?: { id?: unknown } };
      const draftId = state.current?.id;
      // the row is written by DraftStore (bot/draft-store.ts): a referrer's state with the draft in
      // `current`; the rest of it (the remembered profile) has its own, longer, expiry
      const next = JSON.stringify({ ...state, current: null });
      // a referrer acting at this very moment wins: their write changed the eTag, and the draft is
      // no longer abandoned
      if (this.setState.run(next, randomUUID(), row.key, row.etag).changes === 0) continue;
      count += 1;
      this.logger.info({ event: 'draft-purged', draft: typeof draftId === 'string' ? draftId : undefined });
    }
    return count;
  }

  private purgeStates(before: Date): number {
    const cutoff = before.toISOString();
    let count = 0;
    for (const { key } of this.staleStates.all(cutoff, this.batch)) {
      count += this.deleteState.run(key, cutoff).changes;
    }
    if (count > 0) this.logger.info({ event: 'referrer-state-purged', count });
    return count;
  }

  private purgeRecords(now: Date, before: Date): number {
    const at = now.toISOString();
    let count = 0;
    for (const { id } of this.dueRecords.all(before.toISOString(), this.batch)) {
      const counts = this.purgeRecord(id, at);
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
