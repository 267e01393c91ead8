import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ChannelRole } from '../domain/channel-role';
import type { Logger } from '../logger';
import { contactOf } from '../records/call-contacts';
import type { ChannelRegistry, ChannelTarget } from '../records/channels';
import { draftAlertById } from '../records/draft-alerts';
import { alertLaneVersion, type Delivery, deliveryById, type Lane, lazyPayloads } from '../records/outbox';
import type { Durability, Query, SqlStore } from '../storage/sql';
import { DeliveryAttempts } from './attempt';
import { Claims } from './claims';
import type { ConnectorHttp } from './connector-http';
import { dueQueue, orderKey } from './due-queue';
import { type LaneState, newLane, sleepLane, wakeLane } from './lane';
import { DeliveryOutcomes } from './outcomes';
import { type PostLimiter, RateLimiter } from './rate-limit';
import { planDelivery, type TargetDeps } from './targets';

export interface DeliveryWorkerOptions {
  readonly channels: Pick<ChannelRegistry, 'get'>;
  /** The message a delivery posts (renderDelivery with its context): a query, read as one transaction. */
  readonly render: (d: Delivery) => Query<Partial<Activity>>;
  readonly connector: Pick<ConnectorHttp, 'createThread' | 'send'> & Partial<Pick<ConnectorHttp, 'update'>>;
  /** Every decision about when a delivery is due or given up uses this clock. */
  readonly now: () => Date;
  readonly logger: Logger;
  readonly newId: () => string;
  /** The tenant the bot serves: the bucket for Teams' per-tenant limit. */
  readonly tenantId: string;
  /** How long an admin "delivery failed" notice is tried for. */
  readonly giveUpMinutes: number;
  /**
   * The SQL seam the worker records each post's fate on, each in one transaction (a failure, its audit
   * and its notices together); an attempt's own record (made, or to be tried again, with its audit) is
   * committed without waiting for the disk, since losing it to a power cut only makes the post once more.
   */
  readonly sql: SqlStore;
  /** How often to look for due deliveries when nothing wakes the worker (real time). */
  readonly pollMs?: number;
  /** The first retry delay; it doubles per attempt, with jitter, up to retryMaxMs. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** How long to wait before looking again for a channel that has not been set. */
  readonly targetWaitMs?: number;
  readonly batch?: number;
  /** Posts under way at once, each to a different conversation (everything but alerts). */
  readonly concurrency?: number;
  /** Alert-lane posts under way at once (new alert threads go in parallel, within Teams' limits). */
  readonly alertConcurrency?: number;
  /** The alert lane's first retry delay (doubling as retryBaseMs does). */
  readonly alertRetryBaseMs?: number;
  /** The timeout of an alert's first two tries (later ones use the client's own): a hung post is left sooner. */
  readonly alertFirstTimeoutMs?: number;
  /**
   * ALERT_DELIVERY_DEADLINE_SECONDS: an alert not delivered by then (or refused by the channel sooner) tells the
   * referrer, the duty channel and the admin channel. Undefined: never (the worker alone in unit tests).
   */
  readonly alertDeadlineMs?: number;
  /** Teams' rate limits: in memory by default; SharedRateLimiter for several instances on one database. */
  readonly limiter?: PostLimiter;
  readonly random?: () => number;
  /** This worker's name on its claims (default: a new random id, so a restarted process is another claimant). */
  readonly claimant?: string;
  /**
   * DELIVERY_LEASE_SECONDS: how long a claim on a post lasts unless renewed (it is renewed every third of
   * it while the post is under way). After a crash, the posts it had under way wait this long before
   * another instance, or the restarted one, takes them over.
   */
  readonly leaseMs?: number;
}

/**
 * How long a new post's wake waits after a general-lane pass that had to leave a due post for later (the
 * rate limits, or its conversation's previous post still under way). Without it each Submit in a burst
 * read the same backlog again (up to `batch` rows, each planned) for the little that could start. A post
 * finishing ends the wait at once, so a conversation's posts follow each other as fast as before; alerts,
 * in their own lane, never wait.
 */
const HELD_QUIET_MS = 100;

const MINUTE = 60_000;
/** DELIVERY_LEASE_SECONDS' default. */
export const DEFAULT_LEASE_MS = 15_000;

/**
 * Makes the outbox's deliveries in two lanes, each its own loop with its own concurrency, polling and
 * wake: the alert lane (isAlertKind: alerts, their escalations, undelivered-alert notices and card
 * updates) and the rest. An alert never waits behind a burst of summaries or a hung duty channel.
 *
 * Outside the alert lane, one post at a time per conversation (so posts to a conversation keep their
 * order), a few conversations at once. In the alert lane each alert is a new thread, so alerts to one
 * channel go in parallel, as many as Teams' per-channel limits allow; replies and updates keep one at a
 * time per thread. An alert's first try has a shorter timeout and its retries start sooner.
 *
 * Several instances may share the outbox (issue 11): a worker claims a row before it posts it or records
 * its outcome (claimDelivery), for a lease renewed while the post is under way, and passes over rows
 * another instance holds, keeping their conversation's later posts behind them. Each attempt is marked in
 * flight before the post and delivered after it, so a crash in between leaves evidence: once the dead
 * instance's claim runs out, a worker (this restarted, or another) takes the row over, notes it
 * interrupted and posts it again, once (at most one duplicate per crash, recognisable by the delivery id
 * in the card's footer). Retryable failures back off exponentially;
 * 429 waits for Retry-After; Teams' rate limits are kept by queueing, never by failing. A delivery
 * that cannot be made by its give-up time is marked failed, audited and reported to the admin
 * channel: nothing is dropped silently (outcomes.ts records each of these fates). Here: the lanes' loops
 * and which due posts a pass starts; elsewhere: the queue read (due-queue.ts), the claims (claims.ts), one
 * attempt at a post (attempt.ts), when to retry or give up (give-up-policy.ts), where a post goes (targets.ts). An alert not delivered by its deadline (or refused) also tells
 * the referrer to phone, and is copied to the duty and admin channels; it is tried until delivered (keepsTrying).
 */
export class DeliveryWorker {
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly limiter: PostLimiter;
  private readonly outcomes: DeliveryOutcomes;
  private readonly claims: Claims;
  private readonly attempts: DeliveryAttempts;
  /** Where posts go: read on the seam, each a transaction of its own. */
  private readonly targets: TargetDeps;
  private readonly read: <T>(query: Query<T>) => Promise<T>;
  private readonly payloadOf: ((id: string) => string) | undefined;
  private running = false;
  private stopping = new AbortController();
  private readonly lanes: Record<Lane, LaneState>;
  /** Conversations (or threads) with a post under way, where posts must keep their order. */
  private readonly busy = new Set<string>();
  private readonly leaseMs: number;
  private renewal: NodeJS.Timeout | undefined;

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.pollMs = o.pollMs ?? 1_000;
    this.batch = o.batch ?? 500;
    this.limiter = o.limiter ?? new RateLimiter();
    const run = <T>(query: Query<T>, durability: Durability): Promise<T> =>
      o.sql.transact(query, { durability });
    // a query that writes nothing waits for no disk on either store
    this.read = (query) => o.sql.transact(query);
    this.payloadOf = lazyPayloads(o.sql);
    this.targets = {
      tenantId: o.tenantId,
      channels: o.channels,
      outbox: { get: (id) => this.read(deliveryById(id)) },
      contacts: { get: (recordId) => this.read(contactOf(recordId)) },
      draftAlerts: { get: (id) => this.read(draftAlertById(id)) },
    };
    const claimant = o.claimant ?? `worker-${randomUUID()}`;
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
    this.outcomes = new DeliveryOutcomes({
      ...o,
      claimant,
      run,
      targetWaitMs: o.targetWaitMs ?? 30_000,
      wake: () => this.wake(),
    });
    this.claims = new Claims({ ...o, outcomes: this.outcomes, claimant, leaseMs: this.leaseMs, run });
    this.attempts = new DeliveryAttempts({
      ...o,
      outcomes: this.outcomes,
      limiter: this.limiter,
      claimant,
      run,
      retryMaxMs: o.retryMaxMs ?? 5 * MINUTE,
      random: o.random ?? Math.random,
      alertFirstTimeoutMs: o.alertFirstTimeoutMs,
      stopping: () => this.stopping.signal,
    });
    const retryBaseMs = o.retryBaseMs ?? 1_000;
    this.lanes = {
      alert: newLane('alert', o.alertConcurrency ?? 8, Math.min(retryBaseMs, o.alertRetryBaseMs ?? 250)),
      general: newLane('general', o.concurrency ?? 4, retryBaseMs),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    // real time, as the post it keeps alive; the lease itself is on the injected clock, as due times are
    this.renewal = setInterval(
      () => void this.claims.renew(this.o.now()),
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    this.renewal.unref();
    for (const lane of Object.values(this.lanes)) lane.loopDone = this.loop(lane);
  }

  /**
   * Something new is in the outbox (call it after queueing): look now rather than at the next poll. The
   * alert lane looks only if an alert was queued, or posts made due, since it last looked
   * (alertLaneVersion); its own finished posts, retries and deadlines wake it as before, and its poll is
   * the safety net.
   */
  wake(): void {
    wakeLane(this.lanes.general);
    if (alertLaneVersion() !== this.lanes.alert.seenVersion) wakeLane(this.lanes.alert);
  }

  /**
   * Stops at once: a post under way is abandoned and left in flight, its claim given back, so it is taken
   * over (and posted again) by the next worker to look, here or in another instance.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    for (const lane of Object.values(this.lanes)) lane.wakeSleeper?.();
    for (const lane of Object.values(this.lanes)) {
      await lane.loopDone;
      await Promise.all(lane.inFlight.values());
    }
    clearInterval(this.renewal);
    // taken over now, as interrupted, rather than when their lease runs out
    await this.claims.release();
  }

  /**
   * One pass over the lane's due deliveries: starts the posts that may be made now and resolves with
   * how long to sleep before the next pass (a finished post wakes it sooner).
   */
  private async pass(lane: LaneState): Promise<number> {
    lane.finishedSince = false;
    // before reading: an alert queued from here on moves the version again, so its wake is not lost
    if (lane.name === 'alert') lane.seenVersion = alertLaneVersion();
    const now = this.o.now();
    for (const [id, at] of lane.scheduled) if (at <= now.getTime()) lane.scheduled.delete(id);
    let nextDeadline = Number.POSITIVE_INFINITY;
    if (lane.name === 'alert' && this.o.alertDeadlineMs !== undefined) {
      nextDeadline = await this.outcomes.checkAlertDeadlines(now, this.o.alertDeadlineMs);
    }
    // rate-limit buckets held in this pass, and conversations whose order holds later rows
    const held = new Set<string>();
    const channels = new Map<ChannelRole, ChannelTarget | undefined>();
    const heldOrder = new Set<string>();
    // channel targets (as stored) found held in this pass: the queue's next pages leave their posts out
    const heldTargets = new Set<string>();
    const holdTarget = (row: Delivery) => {
      if (row.target.type === 'channel') heldTargets.add(JSON.stringify(row.target));
    };
    const read = { rows: 0 };
    const queue = dueQueue(this.read, lane, now, this.batch, heldTargets, read, this.payloadOf);
    let heldFor = Number.POSITIVE_INFINITY;
    let started = 0;
    const until = this.claims.until(now);
    for await (const row of queue) {
      if (!this.running || lane.inFlight.size >= lane.concurrency) break;
      if (lane.inFlight.has(row.id)) continue;
      const plan = await planDelivery(row, this.targets, channels);
      if (plan.type === 'wait' || plan.type === 'fail') {
        // another instance's to record, if it holds the post
        if (!(await this.claims.claim(row, now, until))) continue;
        if (plan.type === 'wait') await this.outcomes.waitForTarget(row, plan.reason);
        else await this.outcomes.giveUp(row, plan.reason, undefined);
        continue;
      }
      const order = orderKey(lane, plan);
      const hold = () => {
        if (order) heldOrder.add(order);
        holdTarget(row);
      };
      // one post at a time per conversation, in order: a later row waits behind an earlier one, here or
      // under way in another instance (its claim is live)
      if (
        (order && (this.busy.has(order) || heldOrder.has(order))) ||
        plan.buckets.some((b) => held.has(b.key)) ||
        this.claims.heldElsewhere(row, now)
      ) {
        hold();
        continue;
      }
      // each bucket asked once: with the shared limiter every answer is a few queries
      const waits: (readonly [string, number])[] = [];
      for (const b of plan.buckets) waits.push([b.key, await this.limiter.wait(b)]);
      const waitMs = Math.max(0, ...waits.map(([, ms]) => ms));
      if (waitMs > 0) {
        for (const [key, ms] of waits) if (ms > 0) held.add(key);
        hold();
        heldFor = Math.min(heldFor, waitMs);
        continue;
      }
      // claimed before it counts against the limits: a row another instance took in the meantime is held
      if (!(await this.claims.claim(row, now, until))) {
        hold();
        continue;
      }
      const permit = await this.limiter.acquire(plan.buckets);
      if (permit.waitMs > 0) {
        await this.claims.unclaim(row.id);
        for (const b of plan.buckets) if ((await this.limiter.wait(b)) > 0) held.add(b.key);
        hold();
        heldFor = Math.min(heldFor, permit.waitMs);
        continue;
      }
      started++;
      if (order) this.busy.add(order);
      const attempt = this.attempts
        .attempt(lane, row, plan)
        .catch((err: unknown) => {
          // e.g. the database busy while recording: the row stays in flight and is posted again
          this.o.logger.error({ event: 'delivery-attempt-error', deliveryId: row.id, err }, 'attempt error');
        })
        .then(() => permit.release())
        .catch((err: unknown) => {
          // the limits' stamps: a post that counts from when it was sent instead of when it was answered
          this.o.logger.error(
            { event: 'delivery-release-failed', deliveryId: row.id, err },
            'release failed',
          );
        })
        .finally(() => {
          lane.inFlight.delete(row.id);
          if (order) this.busy.delete(order);
          wakeLane(lane, true);
        });
      lane.inFlight.set(row.id, attempt);
    }
    lane.quietMs =
      lane.name === 'general' && (Number.isFinite(heldFor) || heldOrder.size > 0) ? HELD_QUIET_MS : 0;
    // a full batch may have more behind it, unless what was left was held (then the quiet applies)
    if (read.rows >= this.batch && started > 0 && lane.quietMs === 0) return 0;
    // the poll is the safety net; a retry this lane scheduled, or an alert's deadline, wakes it on time
    const nextRetry = Math.min(...lane.scheduled.values()) - this.o.now().getTime();
    return Math.max(0, Math.min(this.pollMs, heldFor, nextRetry, nextDeadline));
  }

  private async loop(lane: LaneState): Promise<void> {
    while (this.running) {
      let delay = this.pollMs;
      try {
        delay = await this.pass(lane);
      } catch (err) {
        // e.g. the database busy: the rows are untouched or in flight, and the next pass takes them
        this.o.logger.error({ event: 'delivery-pass-failed', lane: lane.name, err }, 'delivery pass failed');
      }
      if (!this.running) break;
      await sleepLane(lane, delay, () => this.running);
    }
  }
}
