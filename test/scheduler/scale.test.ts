import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { Scheduler } from '../../src/delivery/scheduler';
import { todayInTimeZone } from '../../src/domain/age';
import { type Actor, foldEvents } from '../../src/domain/call-state';
import type { SubmittedCall } from '../../src/domain/submitted-call';
import { createLogger } from '../../src/logger';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { openCalls } from '../../src/records/open-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { migrations } from '../../src/storage/migrations';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';
import { countingRecordReads } from '../harness/watch-statements';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = new Date('2026-11-20T11:00:00Z');
const DUTY: Actor = { id: 'duty', name: 'Duty' };
const CALL: SubmittedCall = submitted('full', FULL_CALL);

type Db = ReturnType<typeof openDatabase>;

/** The project's own classes writing what a submit, a delivery and the duty team's actions write. */
function store(db: Db) {
  // one seam for what the store writes and reads, the scheduler's too: the reads are counted on it
  const sql = new SqliteSql(db);
  const records = new DutyCallRecords(sql);
  const outbox = new Outbox(db);
  const events = new RecordEvents(sql);
  // a post made, in SQL every schema has: the oldest this file writes (migration 5) has no claim columns
  // for Outbox.markDelivered to clear
  const markDelivered = (id: string, at: Date, conversationId: string, activityId: string) =>
    db
      .prepare(
        `UPDATE outbox SET status = 'delivered', delivered_at = ?, conversation_id = ?, activity_id = ? WHERE id = ?`,
      )
      .run(at.toISOString(), conversationId, activityId, id);
  return {
    sql,
    records,
    outbox,
    events,
    call(
      id: string,
      at: Date,
      o: { received?: boolean; alert?: 'open' | 'acknowledged'; notEligible?: boolean } = {},
    ) {
      records.insert({
        id,
        kind: 'full',
        tenantId: 't',
        referrerAadId: 'referrer',
        conversationId: 'c',
        startedAt: CALL.startedAt,
        submittedAt: at.toISOString(),
        record: CALL,
      });
      outbox.enqueue(
        {
          id: `summary-${id}`,
          recordId: id,
          kind: 'duty-summary',
          target: { type: 'channel', role: 'duty' },
        },
        at,
        60,
      );
      markDelivered(`summary-${id}`, at, 'duty-thread', `a-${id}`);
      let version = 0;
      events.append(
        id,
        version++,
        o.notEligible
          ? { type: 'indication-given', indication: 'not-eligible', reason: 'out of area' }
          : { type: 'indication-given', indication: 'eligible', reason: 'in area' },
        DUTY,
        at.toISOString(),
      );
      if (o.alert) {
        outbox.enqueue(
          {
            id: `alert-${id}`,
            recordId: id,
            kind: 'safeguarding-alert',
            target: { type: 'channel', role: 'safeguarding' },
          },
          at,
          60,
        );
        markDelivered(`alert-${id}`, at, 'alert-thread', `b-${id}`);
        if (o.alert === 'acknowledged') {
          events.append(id, version++, { type: 'alert-acknowledged' }, DUTY, at.toISOString());
        }
      }
      if (o.received) events.append(id, version++, { type: 'referral-received' }, DUTY, at.toISOString());
    },
  };
}

function scheduler(_db: Db, sql: SqliteSql, clock: () => Date) {
  let ids = 0;
  return new Scheduler({
    sql,
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    now: clock,
    newId: () => `d${++ids}`,
    wake: () => {},
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d) => todayInTimeZone(d),
  });
}

const plan = (db: Db, sql: string, ...args: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ');

describe('a tick reads what is due, not the history', () => {
  test('[HAZ-10] 10,000 stored calls: only the due ones are read, each escalated or reminded exactly once', async () => {
    const db = openDatabase(':memory:');
    const s = store(db);
    const OLD = 9_700;
    const OPEN = 200;
    const ALERTS = 100;
    db.transaction(() => {
      // old calls, done with: referral received, or found not eligible (which awaits no referral, but
      // has none received: the build before migration 6 read every one of these on every tick); some
      // had an alert, acknowledged
      for (let i = 0; i < OLD; i++) {
        const at = new Date(NOW.getTime() - (400 + (i % 300)) * DAY);
        const alert = i % 10 === 0 ? 'acknowledged' : undefined;
        s.call(`old-${i}`, at, i % 3 === 0 ? { notEligible: true, alert } : { received: true, alert });
      }
      // recent calls awaiting their referral: the first reminder is due at 7 days
      for (let i = 0; i < OPEN; i++) s.call(`open-${i}`, new Date(NOW.getTime() - 2 * DAY));
      // calls whose alert nobody has acknowledged yet, raised 10 minutes ago (referral already in)
      for (let i = 0; i < ALERTS; i++) {
        s.call(`alert-${i}`, new Date(NOW.getTime() - 10 * MIN), { received: true, alert: 'open' });
      }
    })();
    expect(db.prepare('SELECT count(*) FROM duty_calls').pluck().get()).toBe(10_000);

    let clock = NOW;
    const sched = scheduler(db, s.sql, () => clock);
    const { read, reset } = countingRecordReads(s.sql);

    // The first ticks after they are written look once at each call awaiting a referral, each alert, and
    // each call given an indication, to set (or end) its next time; a bounded number per tick.
    let ticks = 0;
    const looked = new Map<string, number>();
    do {
      reset();
      const r = await sched.tick();
      expect(r.escalated + r.reminded).toBe(0);
      expect(read.size).toBeLessThanOrEqual(1_000);
      for (const id of read) looked.set(id, (looked.get(id) ?? 0) + 1);
      ticks += 1;
      // (a tick stops after its time budget: how many ticks this takes depends on the machine)
    } while (read.size > 0 && ticks < 5_000);
    expect(read.size).toBe(0);
    const notEligible = Math.ceil(OLD / 3);
    expect(looked.size).toBe(OPEN + ALERTS + notEligible);
    // once each, never again
    expect(Math.max(...looked.values())).toBe(1);

    // the duty channel's "open" lists the open calls, reading those and no others
    reset();
    const open = await s.sql.transact(openCalls(clock, (d) => todayInTimeZone(d), 7, 1_000));
    expect(open).toHaveLength(OPEN);
    expect(open.every((c) => c.awaitingReferral && c.recordId.startsWith('open-'))).toBe(true);
    expect(read.size).toBe(OPEN);

    // nothing due: a tick reads no record at all
    clock = new Date(NOW.getTime() + 15 * MIN);
    reset();
    expect(await sched.tick()).toMatchObject({ escalated: 0, reminded: 0 });
    expect(read.size).toBe(0);

    // the alerts fall due: each is escalated once, and only their records are read
    clock = new Date(NOW.getTime() + 21 * MIN);
    reset();
    let escalated = 0;
    for (let i = 0; i < 5_000 && escalated < ALERTS; i++) escalated += (await sched.tick()).escalated;
    for (let i = 0; i < 3; i++) escalated += (await sched.tick()).escalated;
    expect(escalated).toBe(ALERTS);
    expect([...read].every((id) => id.startsWith('alert-'))).toBe(true);
    expect(read.size).toBe(ALERTS);
    for (let i = 0; i < ALERTS; i++) {
      expect(foldEvents(s.events.list(`alert-${i}`)).escalations).toBe(1);
    }

    // a week after submission: each open call reminded once, and nothing else read
    clock = new Date(NOW.getTime() + 5 * DAY + 60 * MIN);
    reset();
    let reminded = 0;
    for (let i = 0; i < 5_000 && reminded < OPEN; i++) {
      const r = await sched.tick();
      reminded += r.reminded;
      // the alerts carry on escalating at their own times, once per interval
      expect(r.escalated).toBeLessThanOrEqual(ALERTS);
    }
    expect(reminded).toBe(OPEN);
    expect([...read].some((id) => id.startsWith('old-'))).toBe(false);
    for (let i = 0; i < OPEN; i++) {
      expect(foldEvents(s.events.list(`open-${i}`)).remindersSent).toBe(1);
    }
    reset();
    expect((await sched.tick()).reminded).toBe(0);

    // the due query goes through its index; the outbox's alertId lookups too
    expect(
      plan(
        db,
        `SELECT record_id, kind, alert_id, due_at FROM record_schedule
         WHERE kind = ? AND due_at <= ? ORDER BY due_at LIMIT ?`,
        'reminder',
        NOW.toISOString(),
        50,
      ),
    ).toContain('USING INDEX record_schedule_due');
    expect(
      plan(
        db,
        `SELECT 1 FROM outbox WHERE kind = 'alert-undelivered' AND json_extract(payload_json, '$.alertId') = ? LIMIT 1`,
        'x',
      ),
    ).toContain('USING COVERING INDEX outbox_alert_undelivered (kind=? AND <expr>=?)');
    // the alert lane's question, about once a second: each pending alert's notices by index
    expect(
      plan(
        db,
        `SELECT MIN(o.created_at) AS t FROM outbox o WHERE o.kind = 'safeguarding-alert' AND o.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.kind = 'alert-undelivered'
             AND json_extract(f.payload_json, '$.alertId') = +o.id)`,
      ),
    ).toMatch(
      /outbox_kind_status \(kind=\? AND status=\?\).*outbox_alert_undelivered \(kind=\? AND <expr>=\?\)/,
    );
    db.close();
  });
});

describe('upgrading a database written before migration 6', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schedule-backfill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('[HAZ-10] upgrading to migration 6: open calls keep their reminders and unacknowledged alerts their escalations', async () => {
    const file = path.join(dir, 'v5.sqlite');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((m) => m.version < 6)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.version, 'then');
    }
    const s = store(old as Db);
    const submittedAt = new Date(NOW.getTime() - 8 * DAY);
    old.transaction(() => {
      s.call('overdue', submittedAt);
      s.call('received', submittedAt, { received: true });
      s.call('alerted', submittedAt, { received: true, alert: 'open' });
      s.call('acknowledged', submittedAt, { received: true, alert: 'acknowledged' });
      // escalated once by the earlier build
      s.events.append('alerted', 2, { type: 'alert-escalated', round: 1 }, DUTY, submittedAt.toISOString());
    })();
    expect(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'record_schedule'").get()).toBeUndefined();
    old.close();

    const db = openDatabase(file);
    try {
      const rows = db
        .prepare('SELECT record_id, kind FROM record_schedule ORDER BY record_id, kind')
        .all() as { record_id: string; kind: string }[];
      expect(rows).toEqual([
        { record_id: 'alerted', kind: 'escalation' },
        { record_id: 'overdue', kind: 'reminder' },
      ]);
      const events = new RecordEvents(new SqliteSql(db));
      const sched = scheduler(db, new SqliteSql(db), () => NOW);
      const r = await sched.tick();
      expect(r).toMatchObject({ escalated: 1, reminded: 1 });
      expect(foldEvents(events.list('overdue')).remindersSent).toBe(1);
      // round 2 follows round 1: the rounds the earlier build made count
      expect(foldEvents(events.list('alerted')).escalations).toBe(2);
      expect(foldEvents(events.list('received')).remindersSent).toBe(0);
      expect(foldEvents(events.list('acknowledged')).escalations).toBe(0);
      expect(await sched.tick()).toMatchObject({ escalated: 0, reminded: 0 });
    } finally {
      db.close();
    }
  });
});
