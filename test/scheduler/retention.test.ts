import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { Scheduler } from '../../src/delivery/scheduler';
import { todayInTimeZone } from '../../src/domain/age';
import { startDraft } from '../../src/domain/draft';
import { createLogger } from '../../src/logger';
import { Audit } from '../../src/records/audit';
import { DraftAlerts } from '../../src/records/draft-alerts';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { RecordEvents } from '../../src/records/record-events';
import { Retention, yearsBefore } from '../../src/records/retention';
import { Submissions } from '../../src/records/submissions';
import { openDatabase, scrubWal } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { SqliteStorage } from '../../src/storage/sqlite-storage';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, submitted } from '../fixtures/calls';
import { secretsAfterScrub, secretsAtRest } from '../harness/at-rest';
import { lastCard, press, startTestBot, storedState, walkTo } from '../harness/bot';

const DAY = 24 * 60 * 60_000;
const START = new Date('2026-11-20T11:00:00Z');
const INFANT = FULL_CALL.family!.infantName!;
const NHS_DIGITS = FULL_CALL.family!.nhsNumber!.replace(/\s/g, '');

let dir: string;
let file: string;
let db: Database.Database;
let clock: Date;
let storage: SqliteStorage;
let audit: Audit;
let scheduler: Scheduler;
let ids: number;

function makeScheduler(batch?: number): Scheduler {
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const _events = new RecordEvents(new SqliteSql(db));
  return new Scheduler({
    sql: new SqliteSql(db),
    logger,
    now: () => clock,
    newId: () => `d${++ids}`,
    wake: () => {},
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d) => todayInTimeZone(d),
    retention: new Retention(
      new SqliteSql(db),
      logger,
      { draftDays: 30, profileDays: 180, recordYears: 26, ...(batch ? { batch } : {}) },
      // as the host does (through scrubWalSoon, which tries again while something holds the WAL)
      () => expect(scrubWal(db)).toBe(true),
    ),
  });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-retention-'));
  file = path.join(dir, 'bot.sqlite');
  db = openDatabase(file);
  clock = START;
  ids = 0;
  storage = new SqliteStorage(db, () => clock);
  audit = new Audit(new SqliteSql(db));
  scheduler = makeScheduler();
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const referrer = { name: 'Hannah Visitor', organisation: 'North team' };
const draft = (id: string) => ({ id, answers: { family: { infantName: INFANT, nhsNumber: NHS_DIGITS } } });

function stateOf(key: string): Record<string, unknown> | undefined {
  const row = db.prepare('SELECT value FROM bot_state WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row && JSON.parse(row.value);
}

describe('abandoned drafts and remembered profiles', () => {
  test('a draft untouched for DRAFT_RETENTION_DAYS is purged; the profile with it stays; a recent draft stays', async () => {
    await storage.write({ old: { current: draft('d-old'), closed: [], lastReferrer: referrer } });
    clock = new Date(START.getTime() + 2 * DAY);
    await storage.write({ recent: { current: draft('d-recent'), closed: [] } });

    clock = new Date(START.getTime() + 30 * DAY - 1);
    expect((await scheduler.tick()).purged).toEqual({ drafts: 0, profiles: 0, records: 0, alerts: 0 });
    clock = new Date(START.getTime() + 30 * DAY + 1);
    expect((await scheduler.tick()).purged).toEqual({ drafts: 1, profiles: 0, records: 0, alerts: 0 });

    expect(stateOf('old')).toEqual({ current: null, closed: [], lastReferrer: referrer });
    expect(stateOf('recent')).toMatchObject({ current: { id: 'd-recent' } });
    // not looked at again, and the profile's own expiry still counts from the last use
    expect((await scheduler.tick()).purged.drafts).toBe(0);
    expect(db.prepare("SELECT updated_at FROM bot_state WHERE key = 'old'").pluck().get()).toBe(
      START.toISOString(),
    );
    // gone from the bytes too, though the other draft (same infant) is still there: drop it first
    await storage.delete(['recent']);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(secretsAtRest(file)).toEqual([]);
  });

  test('a draft purged while its referrer is saving it loses to the save (eTag)', async () => {
    await storage.write({ k: { current: draft('d1'), closed: [] } });
    const etag = db.prepare("SELECT etag FROM bot_state WHERE key = 'k'").pluck().get();
    clock = new Date(START.getTime() + 31 * DAY);
    await scheduler.tick();
    // the referrer's write carrying the eTag it read before the purge is refused
    await expect(storage.write({ k: { current: draft('d1'), closed: [], eTag: etag } })).rejects.toThrow(
      /eTag/,
    );
  });

  test('a referrer’s state (the remembered profile) unused for REFERRER_PROFILE_RETENTION_DAYS is deleted', async () => {
    await storage.write({
      old: { current: null, closed: [{ id: 'x', status: 'submitted' }], lastReferrer: referrer },
    });
    clock = new Date(START.getTime() + 10 * DAY);
    await storage.write({ newer: { current: null, closed: [], lastReferrer: referrer } });
    clock = new Date(START.getTime() + 180 * DAY - 1);
    expect((await scheduler.tick()).purged.profiles).toBe(0);
    clock = new Date(START.getTime() + 180 * DAY + 1);
    expect((await scheduler.tick()).purged.profiles).toBe(1);
    expect(stateOf('old')).toBeUndefined();
    expect(stateOf('newer')).toBeDefined();
  });

  test('through the bot: an abandoned draft disappears from the file and its WAL, and a new call starts afresh', async () => {
    let now = new Date('2026-11-23T10:00:00Z');
    const bot = await startTestBot({ now: () => now, host: { schedulerEveryMs: 20 } });
    try {
      // past the family card, so the infant's name and NHS number are in the draft
      await walkTo(bot, 'relationship', FULL_CALL);
      expect(JSON.stringify(storedState(bot)?.current?.answers)).toContain(INFANT);
      const cancel = lastCard(await bot.say('cancel'));
      now = new Date(now.getTime() + 31 * DAY);
      for (let i = 0; i < 100 && storedState(bot)?.current; i++) await new Promise((r) => setTimeout(r, 20));
      expect(storedState(bot)?.current).toBeNull();
      // scrubbed as the purge commits, or a moment later if the checkpointer's pass held the WAL then
      expect(await secretsAfterScrub(bot.config.DATABASE_FILE)).toEqual([]);
      // a card of the purged draft changes nothing
      const answer = lastCard(await bot.submit(press(cancel, 'Discard the draft')));
      expect(JSON.stringify(answer)).toContain('Nothing changed');
    } finally {
      await bot.close();
    }
  });
});

describe('submitted records', () => {
  async function submit(id: string, at: Date): Promise<void> {
    await new Submissions(new SqliteSql(db), {
      alertRules: ['possible-harm-baby'],
      giveUpMinutes: 60,
      newId: () => `d${++ids}`,
    }).record(
      {
        id,
        kind: 'full',
        tenantId: 't',
        referrerAadId: 'aad-1',
        conversationId: 'c',
        startedAt: at.toISOString(),
        submittedAt: at.toISOString(),
        record: submitted('full', FULL_CALL),
      },
      { recordId: id, serviceUrl: 'https://x', conversationId: 'c', userId: '29:u' },
      at,
    );
    new RecordEvents(new SqliteSql(db)).append(
      id,
      0,
      { type: 'referral-received' },
      { id: 'lead', name: 'Lead' },
      at.toISOString(),
    );
  }
  const count = (table: string, id: string) =>
    db.prepare(`SELECT count(*) FROM ${table} WHERE record_id = ?`).pluck().get(id);

  test('kept RECORD_RETENTION_YEARS from submission, then purged with its events, contact and deliveries; the audit keeps a purge event with ids only', async () => {
    await submit('r1', START);
    await submit('r2', new Date(START.getTime() + DAY));
    const due = yearsBefore(START, -26);
    expect(due.toISOString()).toBe('2052-11-20T11:00:00.000Z');

    clock = new Date(due.getTime() - 1);
    expect((await scheduler.tick()).purged.records).toBe(0);
    clock = new Date(due.getTime() + 1);
    expect((await scheduler.tick()).purged.records).toBe(1);

    expect(new DutyCallRecords(new SqliteSql(db)).get('r1')).toBeUndefined();
    for (const t of ['record_events', 'call_contacts', 'outbox']) expect(count(t, 'r1'), t).toBe(0);
    expect(new DutyCallRecords(new SqliteSql(db)).get('r2')).toBeDefined();
    expect(count('record_events', 'r2')).toBe(1);
    expect(db.prepare('SELECT count(*) FROM purge_permits').pluck().get()).toBe(0);

    const trail = await audit.forRecord('r1');
    expect(trail.map((a) => a.action)).toEqual(['call-submitted', 'record-purged']);
    expect(trail[1]).toMatchObject({
      actorId: 'bot',
      outcome: 'purged',
      detail: { retentionYears: 26, events: 1, deliveries: 2 },
    });
    // no patient or referrer data anywhere in the audit, the purge event included
    const allAudit = JSON.stringify(db.prepare('SELECT * FROM audit').all());
    for (const v of [INFANT, NHS_DIGITS, FULL_CALL.family!.caregiverName!, 'Hannah Visitor']) {
      expect(allAudit).not.toContain(v);
    }
  });

  test('the purge leaves nothing of the record in the file or the WAL', async () => {
    await submit('r1', START);
    clock = yearsBefore(START, -27);
    await scheduler.tick();
    expect(secretsAtRest(file)).toEqual([]);
  });

  test('an ordinary DELETE is still refused, and a permit for one record does not open another', async () => {
    await submit('r1', START);
    await submit('r2', START);
    expect(() => db.prepare("DELETE FROM duty_calls WHERE id = 'r1'").run()).toThrow(/append-only/);
    db.prepare("INSERT INTO purge_permits VALUES ('r2')").run();
    expect(() => db.prepare("DELETE FROM record_events WHERE record_id = 'r1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM duty_calls WHERE id = 'r1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE duty_calls SET record_json = '{}' WHERE id = 'r2'").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
  });

  test('two instances: a record the other purged after this one read its due list is neither purged nor audited again (issue 11)', async () => {
    await submit('r1', START);
    clock = yearsBefore(START, -27);
    const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
    const other = openDatabase(file);
    try {
      // the second instance read the due list before the first purged: its list still names r1
      const staleList = new Proxy(other, {
        get(target, prop) {
          if (prop === 'prepare') {
            return (sql: string) =>
              sql.includes('FROM duty_calls WHERE submitted_at')
                ? { all: () => [{ id: 'r1' }] }
                : target.prepare(sql);
          }
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const second = new Retention(new SqliteSql(staleList), logger, {
        draftDays: 30,
        profileDays: 180,
        recordYears: 26,
      });
      expect((await scheduler.tick()).purged.records).toBe(1);
      expect((await second.run(clock)).records).toBe(0);
      expect((await audit.forRecord('r1')).map((a) => a.action)).toEqual(['call-submitted', 'record-purged']);
      expect(db.prepare('SELECT count(*) FROM purge_permits').pluck().get()).toBe(0);
    } finally {
      other.close();
    }
  });

  test('works in bounded batches', async () => {
    for (let i = 0; i < 5; i++) await submit(`r${i}`, new Date(START.getTime() + i * 1000));
    scheduler = makeScheduler(2);
    clock = yearsBefore(START, -27);
    expect((await scheduler.tick()).purged.records).toBe(2);
    expect((await scheduler.tick()).purged.records).toBe(2);
    expect((await scheduler.tick()).purged.records).toBe(1);
    expect((await scheduler.tick()).purged.records).toBe(0);
  });

  test('finds what is due through indexes, never by scanning a table', () => {
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(new Date().toISOString(), 10) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
    const selects = [
      `SELECT key, etag, value FROM bot_state
       WHERE CASE WHEN json_valid(value) THEN json_type(value, '$.current') END = 'object'
         AND updated_at < ? ORDER BY updated_at LIMIT ?`,
      'SELECT key FROM bot_state WHERE updated_at < ? ORDER BY updated_at LIMIT ?',
      'SELECT id FROM duty_calls WHERE submitted_at < ? ORDER BY submitted_at LIMIT ?',
    ];
    expect(plan(selects[0]!)).toContain('USING INDEX bot_state_open_drafts');
    expect(plan(selects[1]!)).toContain('USING INDEX bot_state_updated');
    expect(plan(selects[2]!)).toContain('INDEX duty_calls_submitted');
    for (const s of selects) expect(plan(s)).not.toMatch(/SCAN (bot_state|duty_calls)$/);
  });
});

describe('alerts raised while a call was in progress', () => {
  function alerts(): DraftAlerts {
    return new DraftAlerts(new SqliteSql(db), {
      alertRules: ['possible-harm-baby'],
      profile: PROFILE,
      giveUpMinutes: 60,
      newId: () => `d${++ids}`,
      newReference: () => `IMH-${ids}`,
    });
  }
  const who = { tenantId: 't', userId: 'aad-1' };
  const contact = { serviceUrl: 'https://x', conversationId: 'c', userId: '29:u' };
  const flagged = (draftId: string, at: Date) => ({
    ...startDraft(draftId, 'full', at, '2026-11-20'),
    answers: {
      referrer: FULL_CALL.referrer!,
      family: FULL_CALL.family!,
      risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' },
    },
  });
  /** The risk section saved with possible harm: the alert, its deliveries, a lead's acknowledgement. */
  async function raise(draftId: string, at: Date): Promise<string> {
    const a = alerts();
    const alert = (await a.onRiskSaved(flagged(draftId, at), who, contact, at)).alert!;
    await a.acknowledge(alert.id, { id: 'lead', name: 'Lee Lead' }, at, {
      conversationId: 'x',
      activityId: '9',
    });
    return alert.id;
  }
  const rowsOf = (alertId: string) =>
    db
      .prepare(`SELECT count(*) FROM outbox WHERE json_extract(payload_json, '$.draftAlertId') = ?`)
      .pluck()
      .get(alertId);
  const alertRow = (id: string) => db.prepare('SELECT id FROM draft_alerts WHERE id = ?').get(id);

  test('an alert whose call was discarded or never submitted is kept RECORD_RETENTION_YEARS from when it was raised, then purged with its deliveries; the audit keeps ids only', async () => {
    const discarded = await raise('draft-a', START);
    await alerts().onDiscarded(flagged('draft-a', START), who, contact, START);
    const open = await raise('draft-b', new Date(START.getTime() + DAY));
    expect(rowsOf(discarded)).toBeGreaterThan(3);
    const due = yearsBefore(START, -26);

    clock = new Date(due.getTime() - 1);
    expect((await scheduler.tick()).purged.alerts).toBe(0);
    expect(alertRow(discarded)).toBeDefined();
    clock = new Date(due.getTime() + 1);
    expect((await scheduler.tick()).purged).toEqual({ drafts: 0, profiles: 0, records: 0, alerts: 1 });
    expect(alertRow(discarded)).toBeUndefined();
    expect(rowsOf(discarded)).toBe(0);
    // every row the alert queued went with it (nothing left that names no record)
    expect(alertRow(open)).toBeDefined();
    expect(rowsOf(open)).toBeGreaterThan(0);

    const purged = (await audit.forRecord('draft-a')).find((a) => a.action === 'draft-alert-purged');
    expect(purged).toMatchObject({
      actorId: 'bot',
      outcome: 'purged',
      detail: { alertId: discarded, retentionYears: 26, deliveries: expect.any(Number) },
    });
    // the never-submitted one, a day later
    clock = new Date(due.getTime() + DAY + 1);
    expect((await scheduler.tick()).purged.alerts).toBe(1);
    expect(db.prepare('SELECT count(*) FROM draft_alerts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    // nothing of the infant left in the file or the WAL, nor in the audit
    expect(secretsAtRest(file)).toEqual([]);
    const allAudit = JSON.stringify(db.prepare('SELECT * FROM audit').all());
    for (const v of [INFANT, NHS_DIGITS, 'Hannah Visitor']) expect(allAudit).not.toContain(v);
  });

  test('a submitted call’s alert goes with its record, not before', async () => {
    const alertId = await raise('r1', START);
    await new Submissions(
      new SqliteSql(db),
      { alertRules: ['possible-harm-baby'], giveUpMinutes: 60, newId: () => `d${++ids}` },
      alerts().queries,
    ).record(
      {
        id: 'r1',
        kind: 'full',
        tenantId: 't',
        referrerAadId: 'aad-1',
        conversationId: 'c',
        startedAt: START.toISOString(),
        submittedAt: new Date(START.getTime() + DAY).toISOString(),
        // a record takes its draft's id: that is how the submit finds the draft's alert
        record: { ...submitted('full', FULL_CALL), id: 'r1' },
      },
      { recordId: 'r1', serviceUrl: 'https://x', conversationId: 'c', userId: '29:u' },
      new Date(START.getTime() + DAY),
    );
    // raised a day before the submit: at the alert's own date nothing goes, the record keeps it
    clock = new Date(yearsBefore(START, -26).getTime() + 1);
    expect((await scheduler.tick()).purged).toMatchObject({ records: 0, alerts: 0 });
    expect(alertRow(alertId)).toBeDefined();
    clock = new Date(yearsBefore(START, -26).getTime() + DAY + 1);
    expect((await scheduler.tick()).purged).toMatchObject({ records: 1, alerts: 0 });
    expect(alertRow(alertId)).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(secretsAtRest(file)).toEqual([]);
  });

  test('purges in bounded batches, found by index', async () => {
    for (let i = 0; i < 5; i++) await raise(`draft-${i}`, new Date(START.getTime() + i * 1000));
    scheduler = makeScheduler(2);
    clock = yearsBefore(START, -27);
    expect((await scheduler.tick()).purged.alerts).toBe(2);
    expect((await scheduler.tick()).purged.alerts).toBe(2);
    expect((await scheduler.tick()).purged.alerts).toBe(1);
    expect((await scheduler.tick()).purged.alerts).toBe(0);
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
    expect(
      plan(
        'SELECT id, draft_id FROM draft_alerts WHERE record_id IS NULL AND raised_at < ? ORDER BY raised_at LIMIT ?',
        'x',
        10,
      ),
    ).toContain('INDEX draft_alerts_unrecorded');
    expect(
      plan(
        `DELETE FROM outbox WHERE record_id IS NULL AND json_extract(payload_json, '$.draftAlertId') = ?`,
        'x',
      ),
    ).toContain('INDEX outbox_draft_alert');
  });
});

describe('retention settings', () => {
  const load = (env: Record<string, string>) => loadConfig({ APP_ENV: 'test', ...env });

  test('defaults: drafts 30 days, profile 180 days, records 26 years', () => {
    const c = load({});
    expect([c.DRAFT_RETENTION_DAYS, c.REFERRER_PROFILE_RETENTION_DAYS, c.RECORD_RETENTION_YEARS]).toEqual([
      30, 180, 26,
    ]);
  });

  test('records cannot be kept for less than the children’s records rule allows', () => {
    expect(() => load({ RECORD_RETENTION_YEARS: '25' })).toThrow(
      /RECORD_RETENTION_YEARS: must be at least 26/,
    );
    expect(() => load({ RECORD_RETENTION_YEARS: '0' })).toThrow(/25th birthday/);
    expect(load({ RECORD_RETENTION_YEARS: '30' }).RECORD_RETENTION_YEARS).toBe(30);
  });

  test('bad values are named', () => {
    expect(() => load({ DRAFT_RETENTION_DAYS: 'soon' })).toThrow(
      /DRAFT_RETENTION_DAYS: must be a whole number of days/,
    );
    expect(() => load({ DRAFT_RETENTION_DAYS: '0' })).toThrow(/DRAFT_RETENTION_DAYS: must be at least 1 day/);
    expect(() => load({ REFERRER_PROFILE_RETENTION_DAYS: '10' })).toThrow(
      /REFERRER_PROFILE_RETENTION_DAYS: must be at least DRAFT_RETENTION_DAYS \(30\)/,
    );
  });
});
