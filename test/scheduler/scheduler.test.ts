import { Writable } from 'node:stream';
import { beforeEach, describe, expect, test } from 'vitest';
import { Scheduler } from '../../src/delivery/scheduler';
import { todayInTimeZone } from '../../src/domain/age';
import { BOT_ACTOR, foldEvents } from '../../src/domain/call-state';
import { startDraft } from '../../src/domain/draft';
import type { SubmittedCall } from '../../src/domain/submitted-call';
import { createLogger } from '../../src/logger';
import { Audit } from '../../src/records/audit';
import { DraftAlerts } from '../../src/records/draft-alerts';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';
import { PROFILE, submitted } from '../fixtures/calls';
import { alertDelivered as delivered, storeCall as storeSubmitted } from './support';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SUBMITTED = new Date('2026-11-20T11:00:00Z');

let clock: Date;
let db: ReturnType<typeof openDatabase>;
let outbox: Outbox;
let events: RecordEvents;
let scheduler: Scheduler;
let woken: number;
let ids: number;

beforeEach(() => {
  db = openDatabase(':memory:');
  outbox = new Outbox(db);
  events = new RecordEvents(new SqliteSql(db));
  clock = SUBMITTED;
  woken = 0;
  ids = 0;
  scheduler = new Scheduler({
    sql: new SqliteSql(db),
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    now: () => clock,
    newId: () => `d${++ids}`,
    wake: () => {
      woken += 1;
    },
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d) => todayInTimeZone(d),
  });
});

function storeCall(id: string, call: SubmittedCall): void {
  storeSubmitted(new DutyCallRecords(new SqliteSql(db)), id, call, SUBMITTED);
}

/** A call whose safeguarding alert reached the channel at `deliveredAt`. */
function alertDelivered(recordId: string, deliveredAt: Date): void {
  delivered(new DutyCallRecords(new SqliteSql(db)), outbox, recordId, SUBMITTED, deliveredAt);
}

const escalations = (recordId: string) =>
  outbox.forRecord(recordId).filter((d) => d.kind === 'alert-escalation');
const reminders = (recordId: string) =>
  outbox.forRecord(recordId).filter((d) => d.kind === 'referral-reminder');

describe('alert escalation', () => {
  test('nothing before the interval; then one escalation per interval, replying in the alert’s thread', async () => {
    alertDelivered('r1', SUBMITTED);
    clock = new Date(SUBMITTED.getTime() + 29 * MIN);
    expect((await scheduler.tick()).escalated).toBe(0);

    clock = new Date(SUBMITTED.getTime() + 30 * MIN);
    expect((await scheduler.tick()).escalated).toBe(1);
    expect(woken).toBe(1);
    const [first] = escalations('r1');
    expect(first?.target).toEqual({ type: 'thread', of: 'alert-r1' });
    expect(first?.payload).toMatchObject({ round: 1 });
    // the same moment again changes nothing
    expect((await scheduler.tick()).escalated).toBe(0);

    clock = new Date(SUBMITTED.getTime() + 61 * MIN);
    await scheduler.tick();
    expect(escalations('r1').map((d) => d.payload.round)).toEqual([1, 2]);
    const state = foldEvents(events.list('r1'));
    expect(state.escalations).toBe(2);
    expect(events.list('r1').every((e) => e.actor.id === BOT_ACTOR.id)).toBe(true);
  });

  test('after a long outage it posts once, not once per missed interval', async () => {
    alertDelivered('r1', SUBMITTED);
    clock = new Date(SUBMITTED.getTime() + 5 * 60 * MIN);
    await scheduler.tick();
    expect(escalations('r1')).toHaveLength(1);
  });

  test('[HAZ-23] after a long outage the missed rounds are not made up one per tick: the next round is the schedule’s next slot', async () => {
    alertDelivered('r1', SUBMITTED);
    // back after 5 h 10 min: one round now
    const back = SUBMITTED.getTime() + 310 * MIN;
    clock = new Date(back);
    expect((await scheduler.tick()).escalated).toBe(1);
    // the ticks that follow (every 30 s) post nothing more, though ten slots were missed
    for (let s = 30; s <= 19 * 60; s += 30) {
      clock = new Date(back + s * 1000);
      expect((await scheduler.tick()).escalated).toBe(0);
    }
    // the schedule's next slot, 5 h 30 min, is more than half an interval on: the next round is then
    clock = new Date(SUBMITTED.getTime() + 330 * MIN);
    expect((await scheduler.tick()).escalated).toBe(1);
    expect(escalations('r1').map((d) => d.payload.round)).toEqual([1, 2]);
    // and the next at 6 h, as the usual schedule
    clock = new Date(SUBMITTED.getTime() + 359 * MIN);
    expect((await scheduler.tick()).escalated).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 360 * MIN);
    expect((await scheduler.tick()).escalated).toBe(1);
  });

  test('an acknowledgement stops escalation', async () => {
    alertDelivered('r1', SUBMITTED);
    clock = new Date(SUBMITTED.getTime() + 31 * MIN);
    await scheduler.tick();
    events.append(
      'r1',
      foldEvents(events.list('r1')).version,
      { type: 'alert-acknowledged' },
      { id: 'lead', name: 'Lead' },
      clock.toISOString(),
    );
    clock = new Date(SUBMITTED.getTime() + 5 * 60 * MIN);
    expect((await scheduler.tick()).escalated).toBe(0);
    expect(escalations('r1')).toHaveLength(1);
  });

  test('[HAZ-10] an alert never delivered is escalated from when it was raised, to the duty and admin channels', async () => {
    storeCall('r1', submitted('full', FULL_CALL));
    outbox.enqueue(
      {
        id: 'alert-r1',
        recordId: 'r1',
        kind: 'safeguarding-alert',
        target: { type: 'channel', role: 'safeguarding' },
      },
      SUBMITTED,
      60,
    );
    clock = new Date(SUBMITTED.getTime() + 29 * MIN);
    expect((await scheduler.tick()).escalated).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 30 * MIN);
    expect((await scheduler.tick()).escalated).toBe(1);
    // no thread to reply in: where it can be seen instead, both in one round
    expect(escalations('r1').map((d) => [d.target, d.payload])).toEqual([
      [
        { type: 'channel', role: 'duty' },
        { round: 1, alertDeliveryId: 'alert-r1', undelivered: true },
      ],
      [
        { type: 'channel', role: 'admin' },
        { round: 1, alertDeliveryId: 'alert-r1', undelivered: true },
      ],
    ]);
    expect(foldEvents(events.list('r1')).escalations).toBe(1);
    // given up is not delivered either: still escalated at the next interval
    outbox.markFailed('alert-r1', 'http 404');
    clock = new Date(SUBMITTED.getTime() + 60 * MIN);
    expect((await scheduler.tick()).escalated).toBe(1);
    // delivered at last: the next round goes in its thread
    outbox.markDelivered('alert-r1', clock, 'thread-1', 'activity-1');
    clock = new Date(SUBMITTED.getTime() + 90 * MIN);
    await scheduler.tick();
    expect(escalations('r1').at(-1)?.target).toEqual({ type: 'thread', of: 'alert-r1' });
  });

  test('each escalation is audited with the bot as actor', async () => {
    alertDelivered('r1', SUBMITTED);
    clock = new Date(SUBMITTED.getTime() + 30 * MIN);
    await scheduler.tick();
    const audit = await new Audit(new SqliteSql(db)).forRecord('r1');
    expect(audit).toEqual([
      expect.objectContaining({ actorId: 'bot', action: 'alert-escalated', outcome: 'done' }),
    ]);
  });
});

describe('formal referral reminders', () => {
  test('a full call is reminded once the configured days have passed, and again each period after', async () => {
    storeCall('r1', submitted('full', FULL_CALL));
    clock = new Date(SUBMITTED.getTime() + 6 * DAY);
    expect((await scheduler.tick()).reminded).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 7 * DAY);
    expect((await scheduler.tick()).reminded).toBe(1);
    expect(reminders('r1')[0]?.target).toEqual({ type: 'referrer' });
    expect((await scheduler.tick()).reminded).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 14 * DAY);
    expect((await scheduler.tick()).reminded).toBe(1);
    expect(foldEvents(events.list('r1')).remindersSent).toBe(2);
  });

  test('no reminder once the formal referral is received, for advice calls, or when found not eligible', async () => {
    storeCall('received', submitted('full', FULL_CALL));
    events.append(
      'received',
      0,
      { type: 'referral-received' },
      { id: 'duty', name: 'Duty' },
      SUBMITTED.toISOString(),
    );
    storeCall('advice', submitted('advice', ADVICE_CALL));
    storeCall('not-eligible', submitted('full', FULL_CALL));
    events.append(
      'not-eligible',
      0,
      { type: 'indication-given', indication: 'not-eligible', reason: 'out of area' },
      { id: 'duty', name: 'Duty' },
      SUBMITTED.toISOString(),
    );
    clock = new Date(SUBMITTED.getTime() + 30 * DAY);
    expect((await scheduler.tick()).reminded).toBe(0);
  });

  test('[HAZ-23] after a long outage the missed periods are not made up one per tick: one reminder, then the next period at least half a period on', async () => {
    storeCall('r1', submitted('full', FULL_CALL));
    // back after 30 days (four periods missed): one reminder now
    const back = SUBMITTED.getTime() + 30 * DAY;
    clock = new Date(back);
    expect((await scheduler.tick()).reminded).toBe(1);
    for (let m = 1; m <= 10; m++) {
      clock = new Date(back + m * MIN);
      expect((await scheduler.tick()).reminded).toBe(0);
    }
    // the period ending on day 35 is only 5 days on (at least half of 7 days: due then)
    clock = new Date(SUBMITTED.getTime() + 34 * DAY);
    expect((await scheduler.tick()).reminded).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 35 * DAY);
    expect((await scheduler.tick()).reminded).toBe(1);
    expect(reminders('r1').map((d) => d.payload.reminder)).toEqual([1, 2]);
  });
});

describe('alerts raised while a call is in progress (no record)', () => {
  function setUp(batch: number) {
    const alerts = new DraftAlerts(new SqliteSql(db), {
      alertRules: ['possible-harm-baby'],
      profile: PROFILE,
      giveUpMinutes: 60,
      newId: () => `d${++ids}`,
      newReference: () => `IMH-${ids}`,
      escalationMinutes: 30,
    });
    const raise = async (draftId: string) =>
      (
        await alerts.onRiskSaved(
          {
            ...startDraft(draftId, 'full', SUBMITTED, '2026-11-20'),
            answers: { risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' } },
          },
          { tenantId: 't', userId: 'aad-1' },
          { serviceUrl: 'https://x', conversationId: 'c', userId: '29:u' },
          SUBMITTED,
        )
      ).alert!;
    const limited = { escalateDue: (now: Date, m: number) => alerts.escalateDue(now, m, batch) };
    return { alerts, raise, limited };
  }

  test('[HAZ-10] in-progress alerts are escalated from when they were raised, found by index, a bounded batch per tick; acknowledged ones drop out', async () => {
    const { alerts, raise, limited } = setUp(2);
    scheduler = new Scheduler({
      sql: new SqliteSql(db),
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
      now: () => clock,
      newId: () => `d${++ids}`,
      wake: () => {},
      escalationMinutes: 30,
      reminderDays: 7,
      giveUpMinutes: 60,
      today: (d) => todayInTimeZone(d),
      draftAlerts: { noteUnsubmitted: async () => 0, ...limited },
    });
    const raised = [await raise('a'), await raise('b'), await raise('c')];
    clock = new Date(SUBMITTED.getTime() + 29 * MIN);
    expect((await scheduler.tick()).escalated).toBe(0);
    clock = new Date(SUBMITTED.getTime() + 30 * MIN);
    // two per tick, the third on the next
    expect((await scheduler.tick()).escalated).toBe(2);
    expect((await scheduler.tick()).escalated).toBe(1);
    expect((await scheduler.tick()).escalated).toBe(0);
    // never delivered: to the duty and admin channels, each carrying the alert's id
    const rows = db
      .prepare(`SELECT target_json, payload_json FROM outbox WHERE kind = 'alert-escalation' ORDER BY rowid`)
      .all() as { target_json: string; payload_json: string }[];
    expect(rows).toHaveLength(6);
    expect(JSON.parse(rows[0]!.payload_json)).toMatchObject({
      round: 1,
      draftAlertId: raised[0]!.id,
      undelivered: true,
    });
    await alerts.acknowledge(raised[0]!.id, { id: 'lead', name: 'Lead' }, clock);
    clock = new Date(SUBMITTED.getTime() + 60 * MIN);
    expect((await scheduler.tick()).escalated + (await scheduler.tick()).escalated).toBe(2);
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT * FROM draft_alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ?
           ORDER BY next_escalation_at LIMIT ?`,
        )
        .all('x', 10) as { detail: string }[]
    )
      .map((r) => r.detail)
      .join('; ');
    expect(plan).toContain('INDEX draft_alerts_escalation');
  });

  test('[HAZ-23] an in-progress alert after a long outage: one round on coming back, then the schedule’s next slot, not one per run', async () => {
    const { alerts, raise } = setUp(50);
    const raised = await raise('a');
    const back = SUBMITTED.getTime() + 310 * MIN;
    const rounds = () =>
      (
        db
          .prepare(`SELECT payload_json FROM outbox WHERE kind = 'alert-escalation' ORDER BY rowid`)
          .pluck()
          .all() as string[]
      ).map((j) => (JSON.parse(j) as { round: number; draftAlertId: string }).round);
    expect(await alerts.escalateDue(new Date(back), 30)).toBe(1);
    for (let s = 30; s <= 19 * 60; s += 30)
      expect(await alerts.escalateDue(new Date(back + s * 1000), 30)).toBe(0);
    expect(await alerts.escalateDue(new Date(SUBMITTED.getTime() + 330 * MIN), 30)).toBe(1);
    // never delivered: each round goes to the duty and admin channels
    expect(rounds()).toEqual([1, 1, 2, 2]);
    expect(await alerts.get(raised.id)).toMatchObject({ escalations: 2 });
  });
});
