/**
 * A long history of stored calls, written through the project's own classes as a submit, the delivery
 * worker and the duty team's actions write them (issue 10, item 3): for scripts/history-turn-bench.ts
 * (100,000 calls) and test/records/history-scale.test.ts (10,000).
 */
import { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import { Scheduler } from '../../src/delivery/scheduler';
import { todayInTimeZone } from '../../src/domain/age';
import { createLogger } from '../../src/logger';
import { appendAudit } from '../../src/records/audit';
import { CallContacts } from '../../src/records/call-contacts';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents } from '../../src/records/record-events';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export interface SeedOptions {
  /** "Now" for the seed: old calls are 30 to 1,030 days before it. */
  readonly now: Date;
  /** Who referred call i (the Entra id a referrer's turns carry). */
  readonly referrer: (i: number) => string;
  /** Whether call i is recent and awaiting its referral (default: 2% of them). */
  readonly recent?: (i: number) => boolean;
  /** Whether call i has an alert nobody has acknowledged (default: 0.1% of them). */
  readonly openAlert?: (i: number) => boolean;
  /** Calls per transaction. */
  readonly batch?: number;
}

/** Seeds calls `from` .. `to - 1` (ids call-<i>); returns how long it took in ms. */
export function seedHistory(db: Database.Database, from: number, to: number, o: SeedOptions): number {
  const records = new DutyCallRecords(new SqliteSql(db));
  const outbox = new Outbox(db);
  const events = new RecordEvents(new SqliteSql(db));
  const contacts = new CallContacts(new SqliteSql(db));
  const sql = new SqliteSql(db);
  const call = submitted('full', FULL_CALL);
  const duty = { id: 'duty', name: 'Duty' };
  const NOW = o.now;
  const isRecent = o.recent ?? ((i: number) => i % 50 === 0);
  const isOpenAlert = o.openAlert ?? ((i: number) => i % 1000 === 1);

  const seedOne = (i: number) => {
    const id = `call-${i}`;
    // recent ones awaiting their referral, a few with an alert still open; the rest old and done with
    const openAlert = isOpenAlert(i);
    const recent = !openAlert && isRecent(i);
    const at = openAlert
      ? new Date(NOW.getTime() - 10 * MIN)
      : recent
        ? new Date(NOW.getTime() - (i % 6) * DAY - 10 * MIN)
        : new Date(NOW.getTime() - (30 + (i % 1000)) * DAY);
    const kind = i % 4 === 3 && !recent && !openAlert ? 'advice' : 'full';
    const referrer = o.referrer(i);
    records.insert({
      id,
      kind,
      tenantId: 't',
      referrerAadId: referrer,
      conversationId: `a:personal-${referrer}`,
      startedAt: call.startedAt,
      submittedAt: at.toISOString(),
      record: { ...call, id, kind, reference: `IMH-${String(i).padStart(8, '0')}` },
    });
    contacts.insert({
      recordId: id,
      serviceUrl: 'https://smba.example/',
      conversationId: `a:personal-${referrer}`,
      userId: `29:${referrer}`,
    });
    const hasAlert = openAlert || i % 10 === 0;
    sql.transactNow(
      appendAudit({
        at: at.toISOString(),
        actorId: referrer,
        action: 'call-submitted',
        recordId: id,
        outcome: 'recorded',
        detail: { kind, alert: hasAlert, deliveries: hasAlert ? 4 : 2 },
      }),
    );
    for (const k of ['duty-summary', 'referrer-confirmation'] as const) {
      const d = `${k}-${id}`;
      outbox.enqueue(
        {
          id: d,
          recordId: id,
          kind: k,
          target: k === 'duty-summary' ? { type: 'channel', role: 'duty' } : { type: 'referrer' },
          ...(k === 'referrer-confirmation' ? { afterId: `duty-summary-${id}` } : {}),
        },
        at,
        60,
      );
      outbox.markDelivered(d, at, 'conv', `act-${d}`);
    }
    let v = 0;
    if (hasAlert) {
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
      outbox.markDelivered(`alert-${id}`, at, 'conv', `act-alert-${id}`);
      if (!openAlert) events.append(id, v++, { type: 'alert-acknowledged' }, duty, at.toISOString());
    }
    if (recent) return;
    const indication = kind === 'advice' ? 'advice-only' : i % 3 === 0 ? 'not-eligible' : 'eligible';
    events.append(id, v++, { type: 'indication-given', indication, reason: 'r' }, duty, at.toISOString());
    if (indication === 'eligible' && !openAlert) {
      events.append(id, v++, { type: 'referral-received' }, duty, at.toISOString());
      events.append(id, v++, { type: 'recorded-on-record' }, duty, at.toISOString());
    }
  };

  const started = performance.now();
  const step = o.batch ?? 5_000;
  const batch = db.transaction((a: number, b: number) => {
    for (let i = a; i < b; i++) seedOne(i);
  });
  for (let i = from; i < to; i += step) batch(i, Math.min(to, i + step));
  return performance.now() - started;
}

/**
 * Runs the scheduler until nothing is due: long after the calls were made, what it had to look at once
 * (e.g. the reminder of a call found not eligible) it has looked at. Returns the ticks it took.
 */
export async function settleSchedule(db: Database.Database, now: Date): Promise<number> {
  const scheduler = new Scheduler({
    sql: new SqliteSql(db),
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    now: () => now,
    newId: (() => {
      let n = 0;
      return () => `settle-${++n}`;
    })(),
    wake: () => {},
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d: Date) => todayInTimeZone(d, 'Europe/London'),
  });
  const due = db
    .prepare("SELECT count(*) FROM record_schedule WHERE kind IN ('reminder', 'escalation') AND due_at <= ?")
    .pluck();
  let ticks = 0;
  while (Number(due.get(now.toISOString())) > 0 && ticks < 100_000) {
    await scheduler.tick();
    ticks += 1;
  }
  return ticks;
}
