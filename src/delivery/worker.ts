import type { Activity } from 'botbuilder';
import type { Logger } from '../logger';
import type { Audit } from '../records/audit';
import type { CallContacts } from '../records/call-contacts';
import type { ChannelRegistry } from './channels';
import { ConnectorError, type ConnectorHttp } from './connector-http';
import type { Delivery, NewDelivery, Outbox } from './outbox';
import { type Bucket, conversationBucket, RateLimiter, tenantBucket } from './rate-limit';

export interface DeliveryWorkerOptions {
  readonly outbox: Outbox;
  readonly channels: Pick<ChannelRegistry, 'get'>;
  readonly contacts: Pick<CallContacts, 'get'>;
  readonly audit: Pick<Audit, 'append'>;
  /** The message a delivery posts (renderDelivery with its context). */
  readonly render: (d: Delivery) => Partial<Activity>;
  readonly connector: Pick<ConnectorHttp, 'createThread' | 'send'>;
  /** Every decision about when a delivery is due or given up uses this clock. */
  readonly now: () => Date;
  readonly logger: Logger;
  readonly newId: () => string;
  /** The tenant the bot serves: the bucket for Teams' per-tenant limit. */
  readonly tenantId: string;
  /** How long an admin "delivery failed" notice is tried for. */
  readonly giveUpMinutes: number;
  /** Runs a function in one database transaction (the failure, its audit and its notice together). */
  readonly transaction?: (fn: () => void) => void;
  /** How often to look for due deliveries when nothing wakes the worker (real time). */
  readonly pollMs?: number;
  /** The first retry delay; it doubles per attempt, with jitter, up to retryMaxMs. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** How long to wait before looking again for a channel that has not been set. */
  readonly targetWaitMs?: number;
  readonly batch?: number;
  /** Posts under way at once, each to a different conversation. */
  readonly concurrency?: number;
  readonly limiter?: RateLimiter;
  readonly random?: () => number;
}

type Plan =
  | {
      readonly type: 'thread';
      readonly serviceUrl: string;
      readonly channelId: string;
      readonly tenantId: string;
      readonly buckets: readonly Bucket[];
    }
  | {
      readonly type: 'send';
      readonly serviceUrl: string;
      readonly conversationId: string;
      readonly buckets: readonly Bucket[];
    }
  /** Not possible yet (a channel not set, a thread not started): look again later, until give-up. */
  | { readonly type: 'wait'; readonly reason: string }
  | { readonly type: 'fail'; readonly reason: string };

const MINUTE = 60_000;
/** A Retry-After beyond this is taken as this (a broken header must not park a delivery for days). */
const MAX_RETRY_AFTER_MS = 60 * MINUTE;

/**
 * Makes the outbox's deliveries: one post at a time per conversation (so posts to a conversation keep
 * their order), a few conversations at once (so a channel that hangs does not hold up the others:
 * an alert is not stuck behind a duty channel timing out).
 *
 * Each attempt is marked in flight before the post and delivered after it, so a crash in between
 * leaves evidence: on the next start the row is posted again, once (at most one duplicate per crash,
 * recognisable by the delivery id in the card's footer). Retryable failures back off exponentially;
 * 429 waits for Retry-After; Teams' rate limits are kept by queueing, never by failing. A delivery
 * that cannot be made by its give-up time is marked failed, audited and reported to the admin
 * channel: nothing is dropped silently.
 */
export class DeliveryWorker {
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly targetWaitMs: number;
  private readonly batch: number;
  private readonly concurrency: number;
  private readonly limiter: RateLimiter;
  private readonly random: () => number;
  private readonly transaction: (fn: () => void) => void;
  private running = false;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private stopping = new AbortController();
  /** Retries this worker has scheduled and not yet reached (injected-clock ms), to wake for them. */
  private readonly scheduled = new Map<string, number>();
  /** Attempts under way, by delivery id, and the conversations they post to. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly busy = new Set<string>();

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.pollMs = o.pollMs ?? 1_000;
    this.retryBaseMs = o.retryBaseMs ?? 1_000;
    this.retryMaxMs = o.retryMaxMs ?? 5 * MINUTE;
    this.targetWaitMs = o.targetWaitMs ?? 30_000;
    this.batch = o.batch ?? 500;
    this.concurrency = o.concurrency ?? 4;
    this.limiter = o.limiter ?? new RateLimiter();
    this.random = o.random ?? Math.random;
    this.transaction = o.transaction ?? ((fn) => fn());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.noteInterrupted();
    this.loopDone = this.loop();
  }

  /** Something new is in the outbox: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Stops at once: a post under way is abandoned and left in flight (posted again on the next start). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    this.wakeSleeper?.();
    await this.loopDone;
    await Promise.all(this.inFlight.values());
  }

  /**
   * One pass over the due deliveries: starts the posts that may be made now and resolves with how
   * long to sleep before the next pass (a finished post wakes it sooner).
   */
  private async pass(): Promise<number> {
    const now = this.o.now();
    for (const [id, at] of this.scheduled) if (at <= now.getTime()) this.scheduled.delete(id);
    const rows = this.o.outbox.due(now, this.batch);
    // conversations (or the tenant) held by a rate limit in this pass: later rows for them wait too
    const held = new Set<string>();
    let heldFor = Number.POSITIVE_INFINITY;
    let started = 0;
    for (const row of rows) {
      if (!this.running || this.inFlight.size >= this.concurrency) break;
      if (this.inFlight.has(row.id)) continue;
      const plan = this.plan(row);
      if (plan.type === 'wait') {
        this.waitForTarget(row, plan.reason);
        continue;
      }
      if (plan.type === 'fail') {
        this.giveUp(row, plan.reason, undefined);
        continue;
      }
      const conversation = plan.buckets[0]!.key;
      // one post at a time per conversation, in order: a later row waits behind an earlier one
      if (this.busy.has(conversation) || plan.buckets.some((b) => held.has(b.key))) {
        held.add(conversation);
        continue;
      }
      const permit = this.limiter.acquire(plan.buckets);
      if (permit.waitMs > 0) {
        for (const b of plan.buckets) if (this.limiter.wait(b) > 0) held.add(b.key);
        held.add(conversation);
        heldFor = Math.min(heldFor, permit.waitMs);
        continue;
      }
      started++;
      this.busy.add(conversation);
      const attempt = this.attempt(row, plan)
        .catch((err: unknown) => {
          // e.g. the database busy while recording: the row stays in flight and is posted again
          this.o.logger.error({ event: 'delivery-attempt-error', deliveryId: row.id, err }, 'attempt error');
        })
        .finally(() => {
          permit.release();
          this.inFlight.delete(row.id);
          this.busy.delete(conversation);
          this.wake();
        });
      this.inFlight.set(row.id, attempt);
    }
    if (rows.length === this.batch && started > 0) return 0;
    // the poll is the safety net; a retry this worker scheduled wakes it on time
    const nextRetry = Math.min(...this.scheduled.values()) - this.o.now().getTime();
    return Math.max(0, Math.min(this.pollMs, heldFor, nextRetry));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay = this.pollMs;
      try {
        delay = await this.pass();
      } catch (err) {
        // e.g. the database busy: the rows are untouched or in flight, and the next pass takes them
        this.o.logger.error({ event: 'delivery-pass-failed', err }, 'delivery pass failed');
      }
      if (!this.running) break;
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || ms <= 0) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  /** Rows left in flight by a crash or a stop: they will be posted again (at most one duplicate). */
  private noteInterrupted(): void {
    const now = this.o.now();
    for (const d of this.o.outbox.due(now, 10_000)) {
      if (!d.inFlightAt) continue;
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
  }

  private plan(d: Delivery): Plan {
    const t = d.target;
    const tenant = tenantBucket(this.o.tenantId);
    switch (t.type) {
      case 'channel': {
        const ch = this.o.channels.get(t.role);
        if (!ch) return { type: 'wait', reason: `no ${t.role} channel` };
        return {
          type: 'thread',
          serviceUrl: ch.serviceUrl,
          channelId: ch.channelId,
          tenantId: ch.tenantId,
          buckets: [conversationBucket(ch.channelId), tenant],
        };
      }
      case 'thread': {
        const parent = this.o.outbox.get(t.of);
        if (!parent) return { type: 'fail', reason: 'thread unknown' };
        if (parent.status === 'failed') return { type: 'fail', reason: 'thread not started' };
        if (parent.status !== 'delivered' || !parent.conversationId) {
          return { type: 'wait', reason: 'thread pending' };
        }
        if (parent.target.type !== 'channel') return { type: 'fail', reason: 'thread not in a channel' };
        const ch = this.o.channels.get(parent.target.role);
        if (!ch) return { type: 'wait', reason: `no ${parent.target.role} channel` };
        return {
          type: 'send',
          serviceUrl: ch.serviceUrl,
          conversationId: parent.conversationId,
          buckets: [conversationBucket(parent.conversationId), tenant],
        };
      }
      case 'referrer': {
        const contact = d.recordId ? this.o.contacts.get(d.recordId) : undefined;
        if (!contact) return { type: 'fail', reason: 'no referrer contact' };
        return {
          type: 'send',
          serviceUrl: contact.serviceUrl,
          conversationId: contact.conversationId,
          buckets: [conversationBucket(contact.conversationId), tenant],
        };
      }
    }
  }

  private async attempt(d: Delivery, plan: Extract<Plan, { type: 'thread' | 'send' }>): Promise<void> {
    let activity: Partial<Activity>;
    try {
      activity = this.o.render(d);
    } catch (err) {
      // a bug, not a passing fault: trying again renders the same way
      this.o.logger.error({ event: 'delivery-render-failed', deliveryId: d.id, kind: d.kind, err }, 'render');
      this.giveUp(d, 'render failed', undefined);
      return;
    }
    const attempt = d.attempts + 1;
    this.o.outbox.markInFlight(d.id, this.o.now());
    let made: { conversationId: string; activityId: string | undefined };
    try {
      made =
        plan.type === 'thread'
          ? await this.o.connector.createThread(
              plan.serviceUrl,
              plan.channelId,
              plan.tenantId,
              activity,
              this.stopping.signal,
            )
          : {
              conversationId: plan.conversationId,
              ...(await this.o.connector.send(
                plan.serviceUrl,
                plan.conversationId,
                activity,
                this.stopping.signal,
              )),
            };
    } catch (err) {
      if (!(err instanceof ConnectorError)) {
        this.o.logger.error({ event: 'delivery-post-error', deliveryId: d.id, err }, 'post error');
      }
      const e =
        err instanceof ConnectorError ? err : new ConnectorError('retryable', undefined, 'client error');
      if (e.reason === 'stopped') {
        // shutting down mid-post: the post may have been made; leave it in flight for the next start
        this.o.logger.warn({ event: 'delivery-abandoned', deliveryId: d.id, kind: d.kind, attempt });
        return;
      }
      this.afterFailure(d, e, attempt, plan);
      return;
    }
    // outside the try: if recording fails, the row stays in flight and is posted again once, rather
    // than being treated as a failed post
    const now = this.o.now();
    this.transaction(() => {
      this.o.outbox.markDelivered(d.id, now, made.conversationId, made.activityId);
      this.auditAttempt(d, now, 'delivered', 'ok', attempt);
    });
    this.o.logger.info({ event: 'delivered', deliveryId: d.id, kind: d.kind, attempt });
  }

  private afterFailure(
    d: Delivery,
    e: ConnectorError,
    attempt: number,
    plan: { buckets: readonly Bucket[] },
  ) {
    const now = this.o.now();
    const giveUpAt = Date.parse(d.giveUpAt);
    if (e.kind === 'permanent' || now.getTime() >= giveUpAt) {
      this.giveUp(d, e.reason, { status: e.status, attempt });
      return;
    }
    let next: number;
    let outcome: 'retry' | 'throttled';
    if (e.kind === 'throttled') {
      // never sooner than Teams asked; without a Retry-After, back off as for any other failure
      const wait = Math.min(e.retryAfterMs ?? this.backoff(attempt), MAX_RETRY_AFTER_MS);
      next = now.getTime() + wait;
      // other posts to the same conversation hold back too
      for (const b of plan.buckets) if (b.key.startsWith('conversation:')) this.limiter.block(b.key, wait);
      outcome = 'throttled';
    } else {
      // the last try is made at the give-up time itself
      next = Math.min(now.getTime() + this.backoff(attempt), giveUpAt);
      outcome = 'retry';
    }
    this.transaction(() => {
      this.o.outbox.retryAt(d.id, new Date(next), e.reason);
      this.scheduled.set(d.id, next);
      this.auditAttempt(d, now, outcome, e.status ?? e.reason, attempt);
    });
    this.o.logger.warn({
      event: 'delivery-retry',
      deliveryId: d.id,
      kind: d.kind,
      attempt,
      outcome,
      reason: e.reason,
      nextAttemptAt: new Date(next).toISOString(),
    });
  }

  private backoff(attempt: number): number {
    const full = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.max(0, attempt - 1));
    // equal jitter: at least half the delay, so retries spread out but never bunch up at zero
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  private waitForTarget(d: Delivery, reason: string): void {
    const now = this.o.now();
    const giveUpAt = Date.parse(d.giveUpAt);
    if (now.getTime() >= giveUpAt) {
      this.giveUp(d, reason, undefined);
      return;
    }
    const next = new Date(Math.min(now.getTime() + this.targetWaitMs, giveUpAt));
    this.transaction(() => {
      this.o.outbox.retryAt(d.id, next, reason);
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
    if (d.lastError !== reason) {
      this.o.logger.warn({ event: 'delivery-waiting', deliveryId: d.id, kind: d.kind, reason });
    }
  }

  /**
   * Marks the delivery failed, with every delivery waiting on it (the referrer's confirmation waits
   * for the duty summary), audits it and queues one notice to the admin channel, all in one
   * transaction. A failed admin notice raises no notice of its own.
   */
  private giveUp(
    d: Delivery,
    reason: string,
    post: { status: number | undefined; attempt: number } | undefined,
  ) {
    const now = this.o.now();
    const dependents = this.dependentsOf(d);
    const noticeId = d.kind === 'delivery-failed' ? undefined : this.o.newId();
    this.transaction(() => {
      this.o.outbox.markFailed(d.id, reason);
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

  /** Pending deliveries that wait, directly or through another, on this one. */
  private dependentsOf(d: Delivery): Delivery[] {
    if (!d.recordId) return [];
    const all = this.o.outbox.forRecord(d.recordId).filter((x) => x.status === 'pending');
    const out: Delivery[] = [];
    const waitingOn = new Set([d.id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const x of all) {
        if (x.afterId && waitingOn.has(x.afterId) && !waitingOn.has(x.id)) {
          waitingOn.add(x.id);
          out.push(x);
          grew = true;
        }
      }
    }
    return out;
  }

  private auditAttempt(
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
