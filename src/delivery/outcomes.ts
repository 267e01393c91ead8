import type { DeliveryTarget } from '../domain/deliveries';
import type { Logger } from '../logger';
import { appendAudit } from '../records/audit';
import { draftAlertById } from '../records/draft-alerts';
import {
  alertUndeliveredRaised,
  type Delivery,
  enqueueDelivery,
  failDelivery,
  type NewDelivery,
  oldestPendingAlertAt,
  pendingAfter,
  retryDeliveryAt,
  undeliveredAlerts,
} from '../records/outbox';
import type { Durability, Query } from '../storage/sql';
import { whileTargetWaits } from './give-up-policy';
import { contactOfDraftAlert } from './targets';

export interface OutcomeOptions {
  readonly now: () => Date;
  readonly logger: Logger;
  readonly newId: () => string;
  /** How long an admin "delivery failed" notice is tried for. */
  readonly giveUpMinutes: number;
  /**
   * Runs a query as one transaction (a failure, its audit and its notices together). 'soon': a mark whose
   * loss to a power cut only means trying or looking again, committed without waiting for the disk.
   */
  readonly run: <T>(query: Query<T>, durability: Durability) => Promise<T>;
  /** How long to wait before looking again for a channel that has not been set. */
  readonly targetWaitMs: number;
  /** New posts are queued (the notices of an undelivered alert): the worker looks now. */
  readonly wake: () => void;
  /**
   * The worker's name on its claims: the outcome of a post is recorded only while the worker still holds
   * its claim (claimDelivery); one whose lease ran out is another instance's to record.
   */
  readonly claimant: string;
}

const MINUTE = 60_000;

/**
 * What the delivery worker records once a post's fate is known, each in one transaction with its audit:
 * a retry, a wait for a channel not yet set, a delivery given up (with everything waiting on it, the admin
 * channel's notice, and the referrer told when their summary did not reach the duty team), an alert that
 * did not reach the leads in time (the referrer, duty and admin channels told), and posts a crash left in
 * flight. The loop that makes the posts is in worker.ts; when to retry or give up is give-up-policy.ts.
 */
export class DeliveryOutcomes {
  constructor(private readonly o: OutcomeOptions) {}

  /**
   * Alerts past their deadline (or given up) that nobody has been told about: tells them now. Returns
   * the milliseconds until the next pending alert's deadline, for the lane's sleep.
   */
  async checkAlertDeadlines(now: Date, deadlineMs: number): Promise<number> {
    // a failed alert is normally told about as it is given up (giveUp); this catches one given up by a
    // build without this check, if recent: a referrer told to "phone now" about a call days old is not helped
    const failedSince = new Date(now.getTime() - 24 * 60 * MINUTE);
    // reads: a query that writes nothing waits for no disk on either store
    const due = await this.o.run(
      undeliveredAlerts(new Date(now.getTime() - deadlineMs), 50, failedSince),
      'disk',
    );
    for (const alert of due) {
      await this.alertUndelivered(alert, now, alert.status === 'failed' ? 'failed' : 'deadline');
    }
    const oldest = await this.o.run(oldestPendingAlertAt(), 'disk');
    return oldest ? Date.parse(oldest) + deadlineMs - now.getTime() : Number.POSITIVE_INFINITY;
  }

  /**
   * The alert has not reached the leads: the referrer is told to phone the front door and the advice line
   * now; the alert is posted to the duty channel and a notice to the admin channel, each mentioning the
   * on-call lead; audited. At most once per alert. The alert itself stays queued until delivered
   * (keepsTrying).
   */
  async alertUndelivered(alert: Delivery, now: Date, why: 'deadline' | 'failed' | 'refused'): Promise<void> {
    this.told(alert, why, await this.o.run(this.tellUndelivered(alert, now, why), 'disk'));
  }

  /** alertUndelivered's writes, as part of a transaction: the notices' ids, or none if told already. */
  private *tellUndelivered(
    alert: Delivery,
    now: Date,
    why: 'deadline' | 'failed' | 'refused',
  ): Query<string[] | undefined> {
    if (yield* alertUndeliveredRaised(alert.id)) return undefined;
    // an alert raised while the call is in progress has no record: its id goes with the notices (found
    // with the alert's other rows at submit and by retention), and the referrer's chat is the alert's own
    const draftAlertId =
      typeof alert.payload.draftAlertId === 'string' ? alert.payload.draftAlertId : undefined;
    const own = draftAlertId ? yield* draftAlertById(draftAlertId) : undefined;
    const contact = own ? contactOfDraftAlert(own) : alert.payload.contact;
    const payload = {
      alertId: alert.id,
      why,
      ...(draftAlertId ? { draftAlertId } : {}),
      ...(contact ? { contact } : {}),
    };
    const targets: DeliveryTarget[] = [
      { type: 'referrer' },
      { type: 'channel', role: 'duty' },
      { type: 'channel', role: 'admin' },
    ];
    const notices = targets.map(
      (target): NewDelivery => ({
        id: this.o.newId(),
        recordId: alert.recordId,
        kind: 'alert-undelivered',
        target,
        payload,
      }),
    );
    for (const n of notices) yield* enqueueDelivery(n, now, this.o.giveUpMinutes);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'alert-undelivered',
      recordId: alert.recordId,
      outcome: 'told',
      detail: { deliveryId: alert.id, why, attempts: alert.attempts, notices: notices.map((n) => n.id) },
    });
    return notices.map((n) => n.id);
  }

  /** Once the notices of an undelivered alert are committed: logged, and the worker looks now. */
  private told(alert: Delivery, why: string, notices: readonly string[] | undefined): void {
    if (!notices) return;
    this.o.logger.error(
      { event: 'alert-undelivered', deliveryId: alert.id, recordId: alert.recordId, why, notices },
      'alert undelivered',
    );
    this.o.wake();
  }

  /**
   * A post left in flight by a crash or a stop, just taken over (claimed) by this worker: it will be
   * posted again (at most one duplicate per interruption, recognisable by its delivery id).
   */
  noteInterrupted(d: Delivery, now: Date): Query<void> {
    return appendAudit({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'delivery-interrupted',
      recordId: d.recordId,
      outcome: 'will-repost',
      detail: { deliveryId: d.id, kind: d.kind, inFlightAt: d.inFlightAt, attempt: d.attempts },
    });
  }

  /** Once the claim that took over an interrupted post has committed (noteInterrupted with it). */
  interrupted(d: Delivery): void {
    this.o.logger.warn({
      event: 'delivery-interrupted',
      deliveryId: d.id,
      kind: d.kind,
      recordId: d.recordId,
    });
  }

  /**
   * A delivery never given up (keepsTrying): tried again in `waitMs`, audited. `refused`: an alert Teams
   * refused, whose referrer, duty and admin channels are told now, with the retry.
   */
  keepTrying(
    scheduled: Map<string, number>,
    d: Delivery,
    reason: string,
    status: number | string,
    attempt: number,
    waitMs: number,
    refused = false,
  ): Promise<void> {
    const now = this.o.now();
    return this.retry(scheduled, d, {
      now,
      next: now.getTime() + waitMs,
      reason,
      status,
      attempt,
      outcome: 'retry',
      keepsTrying: true,
      refused,
    });
  }

  /**
   * Tried again at `next` (injected-clock ms) and audited, recorded only under this worker's claim. A
   * delivery kept trying is committed waiting for the disk, with what goes with it (the notices of a
   * refused alert); a plain retry is bookkeeping (lost to a power cut, the post is tried again).
   */
  async retry(
    scheduled: Map<string, number>,
    d: Delivery,
    t: {
      readonly now: Date;
      readonly next: number;
      readonly reason: string;
      readonly status: number | string;
      readonly attempt: number;
      readonly outcome: 'retry' | 'throttled';
      readonly keepsTrying?: boolean;
      readonly refused?: boolean;
    },
  ): Promise<void> {
    const self = this;
    const r = await this.o.run(
      (function* (): Query<{ kept: boolean; notices?: string[] | undefined }> {
        if (!(yield* retryDeliveryAt(d.id, new Date(t.next), t.reason, self.o.claimant)))
          return { kept: false };
        yield* self.auditAttempt(d, t.now, t.outcome, t.status, t.attempt);
        const refused = t.refused && d.kind === 'safeguarding-alert';
        return {
          kept: true,
          notices: refused ? yield* self.tellUndelivered(d, t.now, 'refused') : undefined,
        };
      })(),
      t.keepsTrying ? 'disk' : 'soon',
    );
    if (!r.kept) {
      this.leaseLost(d);
      return;
    }
    scheduled.set(d.id, t.next);
    this.o.logger.warn({
      event: 'delivery-retry',
      deliveryId: d.id,
      kind: d.kind,
      attempt: t.attempt,
      outcome: t.outcome,
      reason: t.reason,
      ...(t.keepsTrying ? { keepsTrying: true } : {}),
      nextAttemptAt: new Date(t.next).toISOString(),
    });
    this.told(d, 'refused', r.notices);
  }

  async waitForTarget(d: Delivery, reason: string): Promise<void> {
    const now = this.o.now();
    const claimant = this.o.claimant;
    const decision = whileTargetWaits(d.kind, now.getTime(), Date.parse(d.giveUpAt), this.o.targetWaitMs);
    if (decision.action === 'give-up') {
      await this.giveUp(d, reason, undefined);
      return;
    }
    const next = new Date(decision.at);
    const kept = await this.o.run(
      (function* (): Query<boolean> {
        if (!(yield* retryDeliveryAt(d.id, next, reason, claimant))) return false;
        if (d.lastError !== reason) {
          // once per reason, not every look
          yield* appendAudit({
            at: now.toISOString(),
            actorId: 'bot',
            action: 'delivery-waiting',
            recordId: d.recordId,
            outcome: 'waiting',
            detail: { deliveryId: d.id, kind: d.kind, reason },
          });
        }
        return true;
      })(),
      'soon',
    );
    if (!kept) this.leaseLost(d);
    else if (d.lastError !== reason) {
      this.o.logger.warn({ event: 'delivery-waiting', deliveryId: d.id, kind: d.kind, reason });
    }
  }

  /**
   * The worker's claim ran out and another instance took the post over: its outcome is that one's. `when`:
   * found before the post was made, after it (the other made it first), or recording its outcome.
   */
  leaseLost(d: Delivery, when: 'before-post' | 'after-post' | 'at-outcome' = 'at-outcome'): void {
    this.o.logger.warn({ event: 'delivery-lease-lost', deliveryId: d.id, kind: d.kind, when });
  }

  /**
   * Marks the delivery failed, with every delivery waiting on it (the referrer's confirmation waits
   * for the duty summary), audits it and queues one notice to the admin channel, all in one
   * transaction. A failed admin notice raises no notice of its own.
   */
  async giveUp(
    d: Delivery,
    reason: string,
    post: { status: number | undefined; attempt: number } | undefined,
  ): Promise<void> {
    const now = this.o.now();
    const noticeId = d.kind === 'delivery-failed' ? undefined : this.o.newId();
    const r = await this.o.run(this.givingUp(d, reason, post, now, noticeId), 'disk');
    if (!r) {
      this.leaseLost(d);
      return;
    }
    this.o.logger.error(
      {
        event: 'delivery-failed',
        deliveryId: d.id,
        kind: d.kind,
        recordId: d.recordId,
        reason,
        dependents: r.dependents,
        noticeId,
      },
      'delivery failed',
    );
    this.told(d, 'failed', r.notices);
  }

  /** giveUp's writes, one transaction; undefined if this worker no longer holds the claim. */
  private *givingUp(
    d: Delivery,
    reason: string,
    post: { status: number | undefined; attempt: number } | undefined,
    now: Date,
    noticeId: string | undefined,
  ): Query<{ dependents: string[]; notices: string[] | undefined } | undefined> {
    const dependents = yield* this.dependentsOf(d);
    if (!(yield* failDelivery(d.id, reason, this.o.claimant))) return undefined;
    if (post) yield* this.auditAttempt(d, now, 'failed', post.status ?? reason, post.attempt);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'delivery-failed',
      recordId: d.recordId,
      outcome: 'failed',
      detail: {
        deliveryId: d.id,
        kind: d.kind,
        reason,
        attempts: post?.attempt ?? d.attempts,
        dependents: dependents.map((x) => x.id),
        ...(noticeId ? { noticeId } : {}),
      },
    });
    for (const x of dependents) {
      yield* failDelivery(x.id, `after ${d.id} failed`);
      yield* appendAudit({
        at: now.toISOString(),
        actorId: 'bot',
        action: 'delivery-failed',
        recordId: x.recordId,
        outcome: 'failed',
        detail: { deliveryId: x.id, kind: x.kind, reason: 'waited on a failed delivery', after: d.id },
      });
    }
    if (noticeId) {
      const notice: NewDelivery = {
        id: noticeId,
        recordId: d.recordId,
        kind: 'delivery-failed',
        target: { type: 'channel', role: 'admin' },
        payload: {
          ...(typeof d.payload.draftAlertId === 'string' ? { draftAlertId: d.payload.draftAlertId } : {}),
          failedId: d.id,
          failedKind: d.kind,
          reason,
          attempts: post?.attempt ?? d.attempts,
          createdAt: d.createdAt,
          dependents: dependents.map((x) => ({ id: x.id, kind: x.kind })),
        },
      };
      yield* enqueueDelivery(notice, now, this.o.giveUpMinutes);
    }
    // an alert given up has not reached the leads: the referrer, the duty and admin channels are told
    // now, whether or not its deadline has come
    const notices =
      d.kind === 'safeguarding-alert' ? yield* this.tellUndelivered(d, now, 'failed') : undefined;
    // the referrer believes the duty team has the call: tell them it has not, so they phone instead
    if (d.kind === 'duty-summary' && d.recordId) {
      yield* enqueueDelivery(
        {
          id: this.o.newId(),
          recordId: d.recordId,
          kind: 'summary-undelivered',
          target: { type: 'referrer' },
          payload: { failedId: d.id },
        },
        now,
        this.o.giveUpMinutes,
      );
    }
    return { dependents: dependents.map((x) => x.id), notices };
  }

  /**
   * Pending deliveries that wait, directly or through another, on this one: found by their after_id,
   * not by record (an alert raised from a call in progress has no record yet, but its followers wait on it).
   */
  private *dependentsOf(d: Delivery): Query<Delivery[]> {
    const out: Delivery[] = [];
    const seen = new Set([d.id]);
    for (let queue = [d.id]; queue.length > 0; ) {
      const next: string[] = [];
      for (const id of queue) {
        for (const x of yield* pendingAfter(id)) {
          if (seen.has(x.id)) continue;
          seen.add(x.id);
          out.push(x);
          next.push(x.id);
        }
      }
      queue = next;
    }
    return out;
  }

  /** An attempt at a post, audited: as part of the transaction that records its outcome. */
  auditAttempt(
    d: Delivery,
    now: Date,
    outcome: 'delivered' | 'retry' | 'throttled' | 'failed',
    status: number | string,
    attempt: number,
  ): Query<void> {
    return appendAudit({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'delivery-attempt',
      recordId: d.recordId,
      outcome,
      detail: { deliveryId: d.id, kind: d.kind, status, attempt },
    });
  }
}
