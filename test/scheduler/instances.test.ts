import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Scheduler } from '../../src/delivery/scheduler';
import { todayInTimeZone } from '../../src/domain/age';
import { BOT_ACTOR, foldEvents } from '../../src/domain/call-state';
import { createLogger } from '../../src/logger';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents, VersionConflictError } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';
import { alertDelivered, storeCall as storeSubmitted } from './support';

// Issue 11: with several instances on one store, each escalation and each reminder happens once, whichever
// instance's scheduler ticks. Two schedulers here, each on its own connection to one database file, as two
// instances would be. What makes it hold: each tick's batch runs in an IMMEDIATE transaction (one writer at
// a time, reading the latest state), and every event is appended at the version it was decided on, so a
// decision taken on a state another instance has since moved fails (VersionConflictError) instead of
// being made twice.

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SUBMITTED = new Date('2026-11-20T11:00:00Z');
const quiet = () => createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

let dir: string;
let clock: Date;
let instances: ReturnType<typeof instance>[];

function instance(name: string, file: string) {
  const db = openDatabase(file);
  const outbox = new Outbox(db);
  const events = new RecordEvents(new SqliteSql(db));
  let ids = 0;
  const scheduler = new Scheduler({
    sql: new SqliteSql(db),
    logger: quiet(),
    now: () => clock,
    newId: () => `${name}-${++ids}`,
    wake: () => {},
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d) => todayInTimeZone(d),
  });
  return { db, outbox, events, scheduler, records: new DutyCallRecords(new SqliteSql(db)) };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'instances-'));
  const file = path.join(dir, 'bot.sqlite');
  clock = SUBMITTED;
  instances = [instance('a', file), instance('b', file)];
});

afterEach(() => {
  for (const i of instances) i.db.close();
  rmSync(dir, { recursive: true, force: true });
});

function storeCall(id: string): void {
  storeSubmitted(instances[0]!.records, id, submitted('full', FULL_CALL), SUBMITTED);
}

const kinds = (recordId: string, kind: string) =>
  instances[0]!.outbox.forRecord(recordId).filter((d) => d.kind === kind);

describe('two instances, one database', () => {
  test('each escalation round of an alert nobody acknowledges is posted once, whichever instance ticks first', async () => {
    const [a, b] = instances as [ReturnType<typeof instance>, ReturnType<typeof instance>];
    alertDelivered(a.records, a.outbox, 'r1', SUBMITTED, SUBMITTED);

    clock = new Date(SUBMITTED.getTime() + 31 * MIN);
    expect((await a.scheduler.tick()).escalated + (await b.scheduler.tick()).escalated).toBe(1);
    clock = new Date(SUBMITTED.getTime() + 61 * MIN);
    expect((await b.scheduler.tick()).escalated + (await a.scheduler.tick()).escalated).toBe(1);
    expect(kinds('r1', 'alert-escalation').map((d) => d.payload.round)).toEqual([1, 2]);
    const state = foldEvents(b.events.list('r1'));
    expect(state.escalations).toBe(2);
  });

  test('the referral reminder is posted once, whichever instance ticks first', async () => {
    const [a, b] = instances as [ReturnType<typeof instance>, ReturnType<typeof instance>];
    storeCall('r2');
    clock = new Date(SUBMITTED.getTime() + 7 * DAY + 60 * MIN);
    expect((await b.scheduler.tick()).reminded + (await a.scheduler.tick()).reminded).toBe(1);
    expect(kinds('r2', 'referral-reminder')).toHaveLength(1);
  });

  test('an event decided on a state the other instance has since moved is refused, not recorded twice', () => {
    const [a, b] = instances as [ReturnType<typeof instance>, ReturnType<typeof instance>];
    storeCall('r3');
    // both read the record at the same version
    const version = foldEvents(a.events.list('r3')).version;
    expect(foldEvents(b.events.list('r3')).version).toBe(version);
    a.events.append('r3', version, { type: 'alert-escalated', round: 1 }, BOT_ACTOR, clock.toISOString());
    expect(() =>
      b.events.append('r3', version, { type: 'alert-escalated', round: 1 }, BOT_ACTOR, clock.toISOString()),
    ).toThrow(VersionConflictError);
    expect(foldEvents(b.events.list('r3')).escalations).toBe(1);
  });
});
