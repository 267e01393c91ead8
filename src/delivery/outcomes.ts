import type { DeliveryTarget } from '../domain/deliveries';
import type { Logger } from '../logger';
import type { Audit } from '../records/audit';
import type { Delivery, NewDelivery, Outbox } from '../records/outbox';
import { whileTargetWaits } from './give-up-policy';
import { contactOfDraftAlert, type TargetDeps } from './targets';

export interface OutcomeOptions extends TargetDeps {
  readonly outbox: Outbox;
  readonly audit: Pick<Audit, 'append'>;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly newId: () => string;
  /** How long an admin "delivery failed" notice is tried for. */
  readonly giveUpMinutes: number;
  /** Runs a function in one database transaction (the failure, its audit and its notice together). */
  readonly transaction: (fn: () => void) => void;
  /**
   * As transaction, for a mark whose loss to a power cut only means looking again (a delivery waiting
   * for its channel): committed without holding the event loop for the disk (WorkerOptions.bookkeeping).
   */
  readonly bookkeeping: (fn: () => void) => void;
  /** How long to wait before looking again for a channel that has not been set. */
  readonly targetWaitMs: number;
  /** New posts are queued (the notices of an undelivered alert): the worker looks now. */
  readonly wake: () => void;
  /**
   * The worker's name on its claims: the outcome of a post is recorded only while the worker still holds
   * its claim (Outbox.claim); one whose lease ran out is another instance's to record.
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
  checkAlertDeadlines(now: Date, deadlineMs: number): number {
    // a failed alert is normally told about as it is given up (giveUp); this catches one given up by a
    // build without this check, if recent: a referrer told to "phone now" about a call days old is not helped
    const failedSince = new Date(now.getTime() - 24 * 60 * MINUTE);
    for (const alert of this.o.outbox.undeliveredAlerts(
      new Date(now.getTime() - deadlineMs),
      50,
      failedSince,
    )) {
      this.o.transaction(() =>
        this.alertUndelivered(alert, now, alert.status === 'failed' ? 'failed' : 'deadline'),
      );
    }
    const oldest = this.o.outbox.oldestPendingAlertAt();
    return oldest ? Date.parse(oldest) + deadlineMs - now.getTime() : Number.POSITIVE_INFINITY;
  }

  /**
   * Call inside a transaction. The alert has not reached the leads: the referrer is told to phone the
   * front door and the advice line now; the alert is posted to the duty channel and a notice to the
   * admin channel, each mentioning the on-call lead; audited. At most once per alert. The alert itself
   * stays queued until delivered (keepsTrying).
   */
  alertUndelivered(alert: Delivery, now: Date, why: 'deadline' | 'failed' | 'refused'): void {
    if (this.o.outbox.alertUndeliveredRaised(alert.id)) return;
    // an alert raised while the call is in progress has no record: its id goes with the notices (found
    // with the alert's other rows at submit and by retention), and the referrer's chat is the alert's own
    const draftAlertId =
      typeof alert.payload.draftAlertId === 'string' ? alert.payload.draftAlertId : undefined;
    const contact = contactOfDraftAlert(draftAlertId, this.o) ?? alert.payload.contact;
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
    for (const n of notices) this.o.outbox.enqueue(n, now, this.o.giveUpMinutes);
    this.o.audit.append({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'alert-undelivered',
      recordId: alert.recordId,
      outcome: 'told',
      detail: { deliveryId: alert.id, why, attempts: alert.attempts, notices: notices.map((n) => n.id) },
    });
    this.o.logger.error(
      {
        event: 'alert-undelivered',
        deliveryId: alert.id,
        recordId: alert.recordId,
        why,
        notices: notices.map((n) => n.id),
      },
      'alert undelivered',
    );
    this.o.wake();
  }

  /**
   * A post left in flight by a crash or a stop, just taken over (claimed) by this worker: it will be
   * posted again (at most one duplicate per interruption, recognisable by its delivery id).
   */
  noteInterrupted(d: Delivery, now: Date): void {
    this.o.logger.warn({
      event: 'delivery-interrupted',
      deliveryId: d.id,
      kind: d.kind,
      recordId: d.recordId,
    });
    this.o.audit.append({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'delivery-interrupted',
      recordId: d.recordId,
      outcome: 'will-repost',
      detail: { deliveryId: d.id, kind: d.kind, inFlightAt: d.inFlightAt, attempt: d.attempts },
    });
  }

  /** A delivery never given up (keepsTrying): tried again in `waitMs`, audited, with anything else to do. */
  keepTrying(
    scheduled: Map<string, number>,
    d: Delivery,
    reason: string,
    status: number | string,
    attempt: number,
    waitMs: number,
    also?: () => void,
  ): void {
    const now = this.o.now();
    this.retry(scheduled, d, {
      now,
      next: now.getTime() + waitMs,
      reason,
      status,
      attempt,
      outcome: 'retry',
      keepsTrying: true,
      ...(also ? { also } : {}),
    });
  }

  /**
   * Tried again at `next` (injected-clock ms) and audited, recorded only under this worker's claim. A
   * delivery kept trying is committed waiting for the disk, with what goes with it (`also`: the notices
   * of a refused alert); a plain retry is bookkeeping (lost to a power cut, the post is tried again).
   */
  retry(
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
      readonly also?: () => void;
    },
  ): void {
    const commit = t.keepsTrying ? this.o.transaction : this.o.bookkeeping;
    let kept = true;
    commit(() => {
      kept = this.o.outbox.retryAt(d.id, new Date(t.next), t.reason, this.o.claimant);
      if (!kept) return;
      scheduled.set(d.id, t.next);
      this.auditAttempt(d, t.now, t.outcome, t.status, t.attempt);
      t.also?.();
    });
    if (!kept) {
      this.leaseLost(d);
      return;
    }
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
  }

  waitForTarget(d: Delivery, reason: string): void {
    const now = this.o.now();
    const decision = whileTargetWaits(d.kind, now.getTime(), Date.parse(d.giveUpAt), this.o.targetWaitMs);
    if (decision.action === 'give-up') {
      this.giveUp(d, reason, undefined);
      return;
    }
    const next = new Date(decision.at);
    let kept = true;
    this.o.bookkeeping(() => {
      kept = this.o.outbox.retryAt(d.id, next, reason, this.o.claimant);
      if (!kept) return;
      if (d.lastError !== reason) {
        // once per reason, not every look
        this.o.audit.append({
          at: now.toISOString(),
          actorId: 'bot',
          action: 'delivery-waiting',
          recordId: d.recordId,
          outcome: 'waiting',
          detail: { deliveryId: d.id, kind: d.kind, reason },
        });
      }
    });
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
  giveUp(d: Delivery, reason: string, post: { status: number | undefined; attempt: number } | undefined) {
    const now = this.o.now();
    const dependents = this.dependentsOf(d);
    const noticeId = d.kind === 'delivery-failed' ? undefined : this.o.newId();
    let kept = true;
    this.o.transaction(() => {
      kept = this.o.outbox.markFailed(d.id, reason, this.o.claimant);
      if (!kept) return;
      if (post) this.auditAttempt(d, now, 'failed', post.status ?? reason, post.attempt);
      this.o.audit.append({
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
        this.o.outbox.markFailed(x.id, `after ${d.id} failed`);
        this.o.audit.append({
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
        this.o.outbox.enqueue(notice, now, this.o.giveUpMinutes);
      }
      // an alert given up has not reached the leads: the referrer, the duty and admin channels are told
      // now, whether or not its deadline has come
      if (d.kind === 'safeguarding-alert') this.alertUndelivered(d, now, 'failed');
      // the referrer believes the duty team has the call: tell them it has not, so they phone instead
      if (d.kind === 'duty-summary' && d.recordId) {
        this.o.outbox.enqueue(
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
    });
    if (!kept) {
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
        dependents: dependents.map((x) => x.id),
        noticeId,
      },
      'delivery failed',
    );
  }

  /**
   * Pending deliveries that wait, directly or through another, on this one: found by their after_id,
   * not by record (an alert raised from a call in progress has no record yet, but its followers wait on it).
   */
  private dependentsOf(d: Delivery): Delivery[] {
    const out: Delivery[] = [];
    const seen = new Set([d.id]);
    for (let queue = [d.id]; queue.length > 0; ) {
      const next: string[] = [];
      for (const id of queue) {
        for (const x of this.o.outbox.pendingAfter(id)) {
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

  auditAttempt(
    d: Delivery,
    now: Date,
    outcome: 'delivered' | 'retry' | 'throttled' | 'failed',
    status: number | string,
    attempt: number,
  ): void {
    this.o.audit.append({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'delivery-attempt',
      recordId: d.recordId,
      outcome,
      detail: { deliveryId: d.id, kind: d.kind, status, attempt },
    });
  }
}
