import { performance } from 'node:perf_hooks';
import {
  BOT_ACTOR,
  type CallEventBody,
  foldEvents,
  nextEscalationAt,
  nextReminderOn,
} from '../domain/call-state';
import { escalationDeliveries } from '../domain/deliveries';
import type { Logger } from '../logger';
import { appendAudit } from '../records/audit';
import type { DraftAlerts } from '../records/draft-alerts';
import { headOf } from '../records/duty-calls';
import { deliveryById, enqueueDelivery, type NewDelivery } from '../records/outbox';
import { appendEvent, eventsOf } from '../records/record-events';
import { dueRows, removeRow, type ScheduleKind, type ScheduleRow, setDue } from '../records/record-schedule';
import type { Purged, Retention } from '../records/retention';
import { attempt, isDuplicateKey, type Query, type SqlStore } from '../storage/sql';

/** What a step of the scheduler logs once its batch has committed: ids only. */
interface LogLine {
  readonly event: string;
  readonly record: string;
}

const MINUTE = 60_000;
/** Due records read per query; a tick takes more batches while there are more, within its budget. */
const BATCH = 50;
const MAX_BATCHES = 20;
/**
 * Past this, a tick leaves what is still due for the next one. On SQLite a batch's transaction runs on
 * the event loop, which must never be held long. On PostgreSQL each statement is awaited, and the
 * budget only keeps one tick from running into the next.
 */
const BUDGET_MS = { sqlite: 10, postgres: 1_000 } as const;

/** A next time that is never this tick's: what is due again already is looked at on the next tick. */
function later(at: Date, now: Date): Date {
  return at.getTime() > now.getTime() ? at : new Date(now.getTime() + 1);
}

export interface SchedulerOptions {
  readonly sql: SqlStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly wake: () => void;
  readonly escalationMinutes: number;
  readonly reminderDays: number;
  readonly giveUpMinutes: number;
  /** Today's date in the service's time zone, for "days since the call". */
  readonly today: (now: Date) => string;
  /** Deletes abandoned drafts, expired profiles and records past their retention, on the same clock. */
  readonly retention?: Retention;
  /** Alerts raised while calls were in progress; RISK_DRAFT_ALERT_MINUTES (default 60). */
  readonly draftAlerts?: Pick<DraftAlerts, 'noteUnsubmitted' | 'escalateDue'>;
  readonly riskDraftAlertMinutes?: number;
}

/**
 * Time-driven work, decided on the injected clock so tests need no sleeps: an alert nobody has
 * acknowledged, delivered or not, is posted again (with the on-call lead mentioned) at each interval from
 * when it was raised, and a referrer whose
 * formal referral has not arrived is reminded. Each is an event plus an outbox row in one transaction,
 * so a restart neither repeats nor loses one. Retention runs here too, after them: a record due for
 * purging has long stopped needing either.
 *
 * Nothing here grows with the history (issue 10): a tick reads only the records whose time has come
 * (record_schedule, by index, oldest first, in batches of BATCH within BUDGET_MS), folds just those, and
 * sets each one's next time (nextEscalationAt, nextReminderOn) with the event it records.
 */
export class Scheduler {
  private readonly sql: SqlStore;
  private tickStarted = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.sql = o.sql;
  }

  async tick(): Promise<{ escalated: number; reminded: number; unsubmitted: number; purged: Purged }> {
    this.tickStarted = performance.now();
    // alerts with no record yet (raised while the call was in progress) are escalated the same way, by
    // their own index; at submit the record takes the rounds over (DraftAlerts.takeOver)
    const escalated =
      (await this.escalate()) +
      ((await this.o.draftAlerts?.escalateDue(this.o.now(), this.o.escalationMinutes)) ?? 0);
    const reminded = await this.remind();
    // a draft whose risk save alerted the leads, still not submitted: the leads are told, once (HAZ-14)
    const unsubmitted =
      (await this.o.draftAlerts?.noteUnsubmitted(this.o.now(), this.o.riskDraftAlertMinutes ?? 60)) ?? 0;
    if (escalated + reminded + unsubmitted > 0) this.o.wake();
    const purged = (await this.o.retention?.run(this.o.now())) ?? {
      drafts: 0,
      profiles: 0,
      records: 0,
      alerts: 0,
    };
    return { escalated, reminded, unsubmitted, purged };
  }

  /**
   * Due rows of one kind, a bounded batch at a time, until none are left or the tick's budget is spent.
   * `step` is one row's work, a query: what it logs once done, or nothing.
   */
  private async drain(
    kind: ScheduleKind,
    now: Date,
    step: (row: ScheduleRow) => Query<LogLine | undefined>,
  ): Promise<number> {
    // one budget for the whole tick, escalations first; each kind makes progress every tick
    const started = this.tickStarted;
    const budgetMs = BUDGET_MS[this.sql.dialect];
    const seen = new Set<string>();
    const spent = () => seen.size > 0 && performance.now() - started > budgetMs;
    const logger = this.o.logger;
    let count = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const rows = await this.due(kind, now, BATCH);
      // a row looked at already this tick (its event lost a race with a card action) waits for the next
      const fresh = rows.filter((r) => !seen.has(`${r.recordId}\u0000${r.alertId}`));
      if (fresh.length > 0) {
        // one commit per batch, not one per record: each record's event and deliveries are still all or
        // nothing (attempted: a savepoint each), and the file is synced once, so a batch costs milliseconds
        const logs = await this.sql.transact(
          (function* (): Query<LogLine[]> {
            const done: LogLine[] = [];
            for (const row of fresh) {
              // what is left stays due, oldest first, for the next tick
              if (spent()) break;
              seen.add(`${row.recordId}\u0000${row.alertId}`);
              // one record that cannot be handled holds up none of the others
              const r = yield* attempt(step(row));
              if (r.ok && r.value) done.push(r.value);
              // a duplicate key: a card action landed first, at the version this step wrote; the next
              // tick looks again
              else if (!r.ok && !isDuplicateKey(r.error)) {
                logger.error({ event: 'scheduler-failed', record: row.recordId, kind, err: r.error });
              }
            }
            return done;
          })(),
        );
        count += logs.length;
        // logged once the batch's transaction has committed
        for (const l of logs) logger.info(l);
      }
      if (rows.length < BATCH || fresh.length === 0 || spent()) break;
    }
    return count;
  }

  /** Rows of `kind` due at `now`, oldest first. */
  private due(kind: ScheduleKind, now: Date, limit: number): Promise<ScheduleRow[]> {
    return this.sql.transact(dueRows(kind, now, limit));
  }

  /**
   * Every alert nobody has acknowledged, delivered or not, is escalated at each interval from when it
   * was raised: a delivered one in its own thread; one that never reached the leads' channel (still
   * trying, or given up) to the duty and admin channels instead, where it can be seen, each mentioning
   * the on-call lead. Only alerts whose time has come are read (record_schedule), not every alert.
   */
  private escalate(): Promise<number> {
    const now = this.o.now();
    return this.drain('escalation', now, (row) => this.escalation(row, now));
  }

  private *escalation(row: ScheduleRow, now: Date): Query<LogLine | undefined> {
    const alert = yield* deliveryById(row.alertId);
    if (alert?.kind !== 'safeguarding-alert' || alert.recordId !== row.recordId) {
      yield* removeRow(row);
      return undefined;
    }
    const state = foldEvents(yield* eventsOf(row.recordId));
    const next = nextEscalationAt(alert.createdAt, state, this.o.escalationMinutes);
    if (next === undefined) {
      // acknowledged: done for good
      yield* removeRow(row);
      return undefined;
    }
    if (next.getTime() > now.getTime()) {
      yield* setDue(row, next);
      return undefined;
    }
    // one round per tick: a bot that was down for hours posts once, not once per missed interval
    const round = state.escalations + 1;
    const after = nextEscalationAt(
      alert.createdAt,
      { escalations: round, lastEscalatedAt: now.toISOString() },
      this.o.escalationMinutes,
    )!;
    const deliveries = escalationDeliveries(
      { id: alert.id, delivered: alert.status === 'delivered' },
      { round, alertDeliveryId: alert.id },
    ).map((d) => ({ id: this.o.newId(), recordId: row.recordId, ...d }));
    return yield* this.record(
      row,
      state.version,
      { type: 'alert-escalated', round },
      now,
      deliveries,
      later(after, now),
    );
  }

  private remind(): Promise<number> {
    const now = this.o.now();
    const today = this.o.today(now);
    return this.drain('reminder', now, (row) => this.reminder(row, now, today));
  }

  private *reminder(row: ScheduleRow, now: Date, today: string): Query<LogLine | undefined> {
    const call = yield* headOf(row.recordId);
    if (!call) {
      yield* removeRow(row);
      return undefined;
    }
    const state = foldEvents(yield* eventsOf(row.recordId));
    const submittedOn = this.o.today(new Date(call.submittedAt));
    const lastOn = state.lastReminderAt ? this.o.today(new Date(state.lastReminderAt)) : undefined;
    // a reminder each full period the referral is late (after N days, 2N days, ...), none sooner than
    // half a period after the last
    const dueOn = nextReminderOn(call.kind, state, submittedOn, this.o.reminderDays, lastOn);
    if (dueOn === undefined) {
      // received, an advice call, or found not eligible: a later indication puts it back (migration 6)
      yield* removeRow(row);
      return undefined;
    }
    if (today < dueOn) {
      yield* setDue(row, later(this.startOf(dueOn), now));
      return undefined;
    }
    const sent = { ...state, remindersSent: state.remindersSent + 1 };
    const nextOn = nextReminderOn(call.kind, sent, submittedOn, this.o.reminderDays, today)!;
    return yield* this.record(
      row,
      state.version,
      { type: 'reminder-sent' },
      now,
      [
        {
          id: this.o.newId(),
          recordId: row.recordId,
          kind: 'referral-reminder',
          target: { type: 'referrer' },
          payload: { reminder: state.remindersSent + 1 },
        },
      ],
      later(this.startOf(nextOn), now),
    );
  }

  /**
   * The first moment the service's calendar (options.today) shows `date`: local midnight, found to the
   * minute between the widest time zone offsets either side of UTC midnight.
   */
  private startOf(date: string): Date {
    const utc = Date.parse(`${date}T00:00:00Z`);
    let lo = utc - 15 * 60 * MINUTE;
    let hi = utc + 15 * 60 * MINUTE;
    if (this.o.today(new Date(lo)) >= date) return new Date(lo);
    // invariant: today(lo) < date <= today(hi)
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (this.o.today(new Date(mid)) >= date) hi = mid;
      else lo = mid;
    }
    return new Date(hi);
  }

  /**
   * The bot's event at the record's next version, the row's next time to look (moved with the event),
   * its deliveries and its audit entry. Another event at that version first (a card action, another
   * instance) fails it with a duplicate key: the next tick looks again with the new state.
   */
  private *record(
    row: ScheduleRow,
    version: number,
    body: CallEventBody,
    now: Date,
    deliveries: readonly NewDelivery[],
    nextLook: Date,
  ): Query<LogLine> {
    yield* appendEvent(row.recordId, version, body, BOT_ACTOR, now.toISOString());
    yield* setDue(row, nextLook);
    for (const d of deliveries) yield* enqueueDelivery(d, now, this.o.giveUpMinutes);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: BOT_ACTOR.id,
      action: body.type,
      recordId: row.recordId,
      outcome: 'done',
      // one delivery id as before; all of them when an undelivered alert goes to several channels
      detail: {
        deliveryId: deliveries[0]?.id,
        ...(deliveries.length > 1 ? { deliveryIds: deliveries.map((d) => d.id) } : {}),
        version: version + 1,
      },
    });
    return { event: body.type, record: row.recordId };
  }
}

/**
 * Runs the scheduler every `everyMs` on real timers; decisions use the scheduler's own clock. A tick
 * still running when the next is due is let finish (the next is skipped), so ticks never overlap. The
 * returned stop waits for a tick under way, so the store can be closed after it.
 */
export function startScheduler(scheduler: Scheduler, everyMs: number, logger: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = scheduler
      .tick()
      .then(
        () => {},
        (err: unknown) => logger.error({ event: 'scheduler-failed', err }),
      )
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
