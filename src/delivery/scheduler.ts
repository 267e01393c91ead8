import type Database from 'better-sqlite3';
import { type Actor, foldEvents, referralOverdue } from '../domain/call-state';
import type { Logger } from '../logger';
import type { Audit } from '../records/audit';
import type { DraftAlerts } from '../records/draft-alerts';
import { type RecordEvents, VersionConflictError } from '../records/record-events';
import type { Purged, Retention } from '../records/retention';
import type { NewDelivery, Outbox } from './outbox';

export const BOT_ACTOR: Actor = { id: 'bot', name: 'IMH duty bot' };

export interface SchedulerOptions {
  readonly db: Database.Database;
  readonly events: RecordEvents;
  readonly outbox: Outbox;
  readonly audit: Audit;
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
 * One escalation round's posts for an alert nobody has acknowledged: in the alert's thread once its
 * first post is made; until then to the duty and admin channels instead, where it can be seen.
 */
export function escalationDeliveries(
  alert: { readonly id: string; readonly recordId?: string | undefined; readonly delivered: boolean },
  payload: Record<string, unknown>,
  newId: () => string,
): NewDelivery[] {
  if (alert.delivered) {
    return [
      {
        id: newId(),
        recordId: alert.recordId,
        kind: 'alert-escalation',
        target: { type: 'thread', of: alert.id },
        payload,
      },
    ];
  }
  return (['duty', 'admin'] as const).map((role) => ({
    id: newId(),
    recordId: alert.recordId,
    kind: 'alert-escalation',
    target: { type: 'channel', role },
    payload: { ...payload, undelivered: true },
  }));
}

/**
 * Time-driven work, decided on the injected clock so tests need no sleeps: an alert nobody has
 * acknowledged, delivered or not, is posted again (with the on-call lead mentioned) at each interval from
 * when it was raised, and a referrer whose
 * formal referral has not arrived is reminded. Each is an event plus an outbox row in one transaction,
 * so a restart neither repeats nor loses one. Retention runs here too, after them: a record due for
 * purging has long stopped needing either.
 */
export class Scheduler {
  constructor(private readonly o: SchedulerOptions) {}

  tick(): { escalated: number; reminded: number; unsubmitted: number; purged: Purged } {
    // alerts with no record yet (raised while the call was in progress) are escalated the same way, by
    // their own index; at submit the record takes the rounds over (DraftAlerts.takeOver)
    const escalated =
      this.escalate() + (this.o.draftAlerts?.escalateDue(this.o.now(), this.o.escalationMinutes) ?? 0);
    const reminded = this.remind();
    // a draft whose risk save alerted the leads, still not submitted: the leads are told, once (HAZ-14)
    const unsubmitted =
      this.o.draftAlerts?.noteUnsubmitted(this.o.now(), this.o.riskDraftAlertMinutes ?? 60) ?? 0;
    if (escalated + reminded + unsubmitted > 0) this.o.wake();
    const purged = this.o.retention?.run(this.o.now()) ?? { drafts: 0, profiles: 0, records: 0, alerts: 0 };
    return { escalated, reminded, unsubmitted, purged };
  }

  /**
   * Every alert nobody has acknowledged, delivered or not, is escalated at each interval from when it
   * was raised: a delivered one in its own thread; one that never reached the leads' channel (still
   * trying, or given up) to the duty and admin channels instead, where it can be seen, each mentioning
   * the on-call lead.
   */
  private escalate(): number {
    const now = this.o.now();
    const alerts = this.o.db
      .prepare(
        // acknowledged alerts are done for good: leave them out here rather than fold their events each tick
        `SELECT id, record_id, status, created_at FROM outbox o
         WHERE kind = 'safeguarding-alert' AND record_id IS NOT NULL
           AND NOT EXISTS (
             SELECT 1 FROM record_events e WHERE e.record_id = o.record_id AND e.type = 'alert-acknowledged')`,
      )
      .all() as { id: string; record_id: string; status: string; created_at: string }[];
    let count = 0;
    for (const alert of alerts) {
      const state = foldEvents(this.o.events.list(alert.record_id));
      if (state.acknowledged) continue;
      const due = Math.floor(
        (now.getTime() - Date.parse(alert.created_at)) / (this.o.escalationMinutes * 60_000),
      );
      if (due <= state.escalations) continue;
      // one round per tick: a bot that was down for hours posts once, not once per missed interval
      const round = state.escalations + 1;
      const deliveries = () =>
        escalationDeliveries(
          { id: alert.id, recordId: alert.record_id, delivered: alert.status === 'delivered' },
          { round, alertDeliveryId: alert.id },
          () => this.o.newId(),
        );
      if (this.record(alert.record_id, state.version, { type: 'alert-escalated', round }, now, deliveries)) {
        count += 1;
      }
    }
    return count;
  }

  private remind(): number {
    const now = this.o.now();
    const today = this.o.today(now);
    const calls = this.o.db
      .prepare(
        `SELECT id, submitted_at FROM duty_calls d
         WHERE kind = 'full' AND NOT EXISTS (
           SELECT 1 FROM record_events e WHERE e.record_id = d.id AND e.type = 'referral-received')`,
      )
      .all() as { id: string; submitted_at: string }[];
    let count = 0;
    for (const call of calls) {
      const state = foldEvents(this.o.events.list(call.id));
      const submittedOn = this.o.today(new Date(call.submitted_at));
      // a reminder each full period the referral is late: after N days, 2N days, ...
      const days = this.o.reminderDays * (state.remindersSent + 1);
      if (!referralOverdue('full', state, submittedOn, today, days)) continue;
      if (
        this.record(call.id, state.version, { type: 'reminder-sent' }, now, () => [
          {
            id: this.o.newId(),
            recordId: call.id,
            kind: 'referral-reminder',
            target: { type: 'referrer' },
            payload: { reminder: state.remindersSent + 1 },
          },
        ])
      ) {
        count += 1;
      }
    }
    return count;
  }

  private record(
    recordId: string,
    version: number,
    body: Parameters<RecordEvents['append']>[2],
    now: Date,
    deliveries: () => NewDelivery[],
  ): boolean {
    try {
      this.o.db.transaction(() => {
        this.o.events.append(recordId, version, body, BOT_ACTOR, now.toISOString());
        const ds = deliveries();
        for (const d of ds) this.o.outbox.enqueue(d, now, this.o.giveUpMinutes);
        this.o.audit.append({
          at: now.toISOString(),
          actorId: BOT_ACTOR.id,
          action: body.type,
          recordId,
          outcome: 'done',
          // one delivery id as before; all of them when an undelivered alert goes to several channels
          detail: {
            deliveryId: ds[0]?.id,
            ...(ds.length > 1 ? { deliveryIds: ds.map((d) => d.id) } : {}),
            version: version + 1,
          },
        });
      })();
      this.o.logger.info({ event: body.type, record: recordId });
      return true;
    } catch (err) {
      // a card action landed first: the next tick looks again with the new state
      if (err instanceof VersionConflictError) return false;
      throw err;
    }
  }
}

/** Runs the scheduler every `everyMs` on real timers; decisions use the scheduler's own clock. */
export function startScheduler(scheduler: Scheduler, everyMs: number, logger: Logger): () => void {
  const timer = setInterval(() => {
    try {
      scheduler.tick();
    } catch (err) {
      logger.error({ event: 'scheduler-failed', err });
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
