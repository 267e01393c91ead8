import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ChannelRole } from '../domain/channel-role';
import type { Logger } from '../logger';
import type { Audit } from '../records/audit';
import type { CallContacts } from '../records/call-contacts';
import type { ChannelRegistry, ChannelTarget } from '../records/channels';
import type { DraftAlerts } from '../records/draft-alerts';
import {
  alertLaneVersion,
  type Delivery,
  type Lane,
  type Outbox,
  type QueuePosition,
} from '../records/outbox';
import { ConnectorError, type ConnectorHttp } from './connector-http';
import { afterFailure, backoffMs, keepsTrying } from './give-up-policy';
import { DeliveryOutcomes } from './outcomes';
import { type Bucket, type PostLimiter, RateLimiter } from './rate-limit';
import { type Plan, planDelivery } from './targets';

export interface DeliveryWorkerOptions {
  readonly outbox: Outbox;
  readonly channels: Pick<ChannelRegistry, 'get'>;
  readonly contacts: Pick<CallContacts, 'get'>;
  /** Alerts raised while calls were in progress: the referrer's chat for a delivery with no record yet. */
  readonly draftAlerts?: Pick<DraftAlerts, 'get'>;
  readonly audit: Pick<Audit, 'append'>;
  /** The message a delivery posts (renderDelivery with its context). */
  readonly render: (d: Delivery) => Partial<Activity>;
  readonly connector: Pick<ConnectorHttp, 'createThread' | 'send'> & Partial<Pick<ConnectorHttp, 'update'>>;
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
  /**
   * As transaction, for an attempt's own record (made, or to be tried again, with its audit): it may be
   * committed without waiting for the disk (withoutWaitingForDisk), since losing it to a power cut only
   * makes the post once more. Default: transaction.
   */
  readonly bookkeeping?: (fn: () => void) => void;
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

/** One loop over the outbox, for some kinds: alerts have their own, so nothing else delays them. */
interface LaneState {
  readonly name: Lane;
  readonly concurrency: number;
  readonly retryBaseMs: number;
  /** Retries this lane has scheduled and not yet reached (injected-clock ms), to wake for them. */
  readonly scheduled: Map<string, number>;
  /** Attempts under way, by delivery id. */
  readonly inFlight: Map<string, Promise<void>>;
  woken: boolean;
  wakeSleeper: (() => void) | undefined;
  loopDone: Promise<void> | undefined;
  /** After a pass that left a due post for later: how long new posts' wakes wait before the next pass. */
  quietMs: number;
  /** A post of the lane finished since the last pass: the next pass is not kept waiting. */
  finishedSince: boolean;
  /** alertLaneVersion() when the alert lane last looked (its wake() is skipped while unchanged). */
  seenVersion: number;
}

/**
 * How long a new post's wake waits after a general-lane pass that had to leave a due post for later (the
 * rate limits, or its conversation's previous post still under way). Without it each Submit in a burst
 * read the same backlog again (up to `batch` rows, each planned) for the little that could start. A post
 * finishing ends the wait at once, so a conversation's posts follow each other as fast as before; alerts,
 * in their own lane, never wait.
 */
const HELD_QUIET_MS = 100;
/** Rows of the general lane's queue read at once: a pass usually starts a few posts, not a batch. */
const QUEUE_PAGE = 16;

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
 * its outcome (Outbox.claim), for a lease renewed while the post is under way, and passes over rows
 * another instance holds, keeping their conversation's later posts behind them. Each attempt is marked in
 * flight before the post and delivered after it, so a crash in between leaves evidence: once the dead
 * instance's claim runs out, a worker (this restarted, or another) takes the row over, notes it
 * interrupted and posts it again, once (at most one duplicate per crash, recognisable by the delivery id
 * in the card's footer). Retryable failures back off exponentially;
 * 429 waits for Retry-After; Teams' rate limits are kept by queueing, never by failing. A delivery
 * that cannot be made by its give-up time is marked failed, audited and reported to the admin
 * channel: nothing is dropped silently (outcomes.ts records each of these fates). An alert not delivered by its deadline (or refused) also tells
 * the referrer to phone, and is copied to the duty and admin channels; it is tried until delivered (keepsTrying).
 */
export class DeliveryWorker {
  private readonly pollMs: number;
  private readonly retryMaxMs: number;
  private readonly batch: number;
  private readonly limiter: PostLimiter;
  private readonly random: () => number;
  private readonly transaction: (fn: () => void) => void;
  private readonly bookkeeping: (fn: () => void) => void;
  private readonly outcomes: DeliveryOutcomes;
  private running = false;
  private stopping = new AbortController();
  private readonly lanes: Record<Lane, LaneState>;
  /** Conversations (or threads) with a post under way, where posts must keep their order. */
  private readonly busy = new Set<string>();
  private readonly claimant: string;
  private readonly leaseMs: number;
  private renewal: NodeJS.Timeout | undefined;

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.pollMs = o.pollMs ?? 1_000;
    this.retryMaxMs = o.retryMaxMs ?? 5 * MINUTE;
    this.batch = o.batch ?? 500;
    this.limiter = o.limiter ?? new RateLimiter();
    this.random = o.random ?? Math.random;
    this.transaction = o.transaction ?? ((fn) => fn());
    this.bookkeeping = o.bookkeeping ?? this.transaction;
    this.claimant = o.claimant ?? `worker-${randomUUID()}`;
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
    this.outcomes = new DeliveryOutcomes({
      ...o,
      claimant: this.claimant,
      transaction: this.transaction,
      bookkeeping: this.bookkeeping,
      targetWaitMs: o.targetWaitMs ?? 30_000,
      wake: () => this.wake(),
    });
    const retryBaseMs = o.retryBaseMs ?? 1_000;
    const lane = (name: Lane, concurrency: number, base: number): LaneState => ({
      name,
      concurrency,
      retryBaseMs: base,
      scheduled: new Map(),
      inFlight: new Map(),
      woken: false,
      wakeSleeper: undefined,
      loopDone: undefined,
      quietMs: 0,
      finishedSince: false,
      seenVersion: -1,
    });
    this.lanes = {
      alert: lane('alert', o.alertConcurrency ?? 8, Math.min(retryBaseMs, o.alertRetryBaseMs ?? 250)),
      general: lane('general', o.concurrency ?? 4, retryBaseMs),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    // real time, as the post it keeps alive; the lease itself is on the injected clock, as due times are
    this.renewal = setInterval(() => this.renewClaims(), Math.max(10, Math.floor(this.leaseMs / 3)));
    this.renewal.unref();
    for (const lane of Object.values(this.lanes)) lane.loopDone = this.loop(lane);
  }

  private renewClaims(): void {
    const now = this.o.now();
    try {
      this.o.outbox.renewClaims(this.claimant, now, new Date(now.getTime() + this.leaseMs));
    } catch (err) {
      // e.g. the database busy: the next renewal is a third of a lease away, well before it runs out
      this.o.logger.error({ event: 'delivery-lease-renewal-failed', err }, 'lease renewal failed');
    }
  }

  /**
   * Something new is in the outbox (call it after queueing): look now rather than at the next poll. The
   * alert lane looks only if an alert was queued, or posts made due, since it last looked
   * (alertLaneVersion); its own finished posts, retries and deadlines wake it as before, and its poll is
   * the safety net.
   */
  wake(): void {
    this.wakeLane(this.lanes.general);
    if (alertLaneVersion() !== this.lanes.alert.seenVersion) this.wakeLane(this.lanes.alert);
  }

  /** `finished`: a post of this lane finished, so its conversation may take the next now (ends a quiet). */
  private wakeLane(lane: LaneState, finished = false): void {
    lane.woken = true;
    if (finished) lane.finishedSince = true;
    lane.wakeSleeper?.();
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
    try {
      // posts abandoned under way are another instance's (or the next start's) to take over now, as
      // interrupted, rather than when their lease runs out
      this.o.outbox.releaseClaims(this.claimant);
    } catch (err) {
      this.o.logger.error({ event: 'delivery-release-failed', err }, 'releasing claims failed');
    }
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
      nextDeadline = this.outcomes.checkAlertDeadlines(now, this.o.alertDeadlineMs);
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
    let heldFor = Number.POSITIVE_INFINITY;
    let started = 0;
    const until = new Date(now.getTime() + this.leaseMs);
    for (const row of this.queue(lane, now, heldTargets, read)) {
      if (!this.running || lane.inFlight.size >= lane.concurrency) break;
      if (lane.inFlight.has(row.id)) continue;
      const plan = planDelivery(row, this.o, channels);
      if (plan.type === 'wait' || plan.type === 'fail') {
        // another instance's to record, if it holds the post
        if (!this.claim(row, now, until)) continue;
        if (plan.type === 'wait') this.outcomes.waitForTarget(row, plan.reason);
        else this.outcomes.giveUp(row, plan.reason, undefined);
        continue;
      }
      const order = this.orderKey(lane, plan);
      const hold = () => {
        if (order) heldOrder.add(order);
        holdTarget(row);
      };
      // one post at a time per conversation, in order: a later row waits behind an earlier one, here or
      // under way in another instance (its claim is live)
      if (
        (order && (this.busy.has(order) || heldOrder.has(order))) ||
        plan.buckets.some((b) => held.has(b.key)) ||
        this.claimedElsewhere(row, now)
      ) {
        hold();
        continue;
      }
      // each bucket asked once: with the shared limiter every answer is a few queries
      const waits = plan.buckets.map((b) => [b.key, this.limiter.wait(b)] as const);
      const waitMs = Math.max(0, ...waits.map(([, ms]) => ms));
      if (waitMs > 0) {
        for (const [key, ms] of waits) if (ms > 0) held.add(key);
        hold();
        heldFor = Math.min(heldFor, waitMs);
        continue;
      }
      // claimed before it counts against the limits: a row another instance took in the meantime is held
      if (!this.claim(row, now, until)) {
        hold();
        continue;
      }
      const permit = this.limiter.acquire(plan.buckets);
      if (permit.waitMs > 0) {
        this.o.outbox.unclaim(row.id, this.claimant);
        for (const b of plan.buckets) if (this.limiter.wait(b) > 0) held.add(b.key);
        hold();
        heldFor = Math.min(heldFor, permit.waitMs);
        continue;
      }
      started++;
      if (order) this.busy.add(order);
      const attempt = this.attempt(lane, row, plan)
        .catch((err: unknown) => {
          // e.g. the database busy while recording: the row stays in flight and is posted again
          this.o.logger.error({ event: 'delivery-attempt-error', deliveryId: row.id, err }, 'attempt error');
        })
        .finally(() => {
          permit.release();
          lane.inFlight.delete(row.id);
          if (order) this.busy.delete(order);
          this.wakeLane(lane, true);
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

  /** Someone else's live claim: that instance is making the post now. */
  private claimedElsewhere(row: Delivery, now: Date): boolean {
    return (
      row.claimedBy !== undefined &&
      row.claimedBy !== this.claimant &&
      row.claimedUntil !== undefined &&
      row.claimedUntil > now.toISOString()
    );
  }

  /**
   * Claims the row for this worker (Outbox.claim). Taking over a post another worker left in flight (it
   * stopped or died mid-post) is noted here: the post may have been made, and is made again once.
   */
  private claim(row: Delivery, now: Date, until: Date): boolean {
    if (!this.o.outbox.claim(row, this.claimant, now, until)) return false;
    if (row.inFlightAt) this.outcomes.noteInterrupted(row, now);
    return true;
  }

  /**
   * The lane's due rows in queue order, up to a batch. The general lane reads a page at a time, each page
   * without the channels this pass has found held so far (`heldTargets`): all of a channel's posts share
   * its order and its rate limits, so once one is held every later one would be too. A burst of summaries
   * into the duty channel is then read once a pass, not row by row up to the batch on every pass.
   */
  private *queue(
    lane: LaneState,
    now: Date,
    heldTargets: ReadonlySet<string>,
    read: { rows: number },
  ): Generator<Delivery> {
    if (lane.name === 'alert') {
      const rows = this.o.outbox.due(now, this.batch, 'alert');
      read.rows = rows.length;
      yield* rows;
      return;
    }
    let after: QueuePosition | undefined;
    while (read.rows < this.batch) {
      const limit = Math.min(QUEUE_PAGE, this.batch - read.rows);
      const page = this.o.outbox.duePage(now, limit, after, [...heldTargets]);
      read.rows += page.rows.length;
      yield* page.rows;
      if (page.rows.length < limit) return;
      after = page.last;
    }
  }

  /**
   * What keeps posts in order: outside the alert lane, the conversation (a channel's threads count as
   * the channel, as before); in the alert lane a new thread needs no order, a reply or update its thread.
   */
  private orderKey(lane: LaneState, plan: Extract<Plan, { buckets: readonly Bucket[] }>): string | undefined {
    if (lane.name === 'general') return plan.buckets[0]!.key;
    return plan.type === 'thread' ? undefined : `thread:${plan.conversationId}`;
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
      await this.sleep(lane, delay);
    }
  }

  private async sleep(lane: LaneState, ms: number): Promise<void> {
    const quiet = lane.finishedSince ? 0 : Math.min(lane.quietMs, ms);
    lane.quietMs = 0;
    if (quiet > 0) {
      // new posts' wakes are kept (lane.woken) for when the quiet ends; a finished post, whose
      // conversation may now take its next, and stop() end it at once
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          lane.wakeSleeper = undefined;
          resolve();
        };
        const timer = setTimeout(done, quiet);
        lane.wakeSleeper = () => {
          if (!this.running || lane.finishedSince) done();
        };
      });
      if (!this.running) return;
      ms -= quiet;
    }
    return this.sleepOrWake(lane, ms);
  }

  private sleepOrWake(lane: LaneState, ms: number): Promise<void> {
    if (lane.woken || ms <= 0) {
      lane.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        lane.wakeSleeper = undefined;
        lane.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      lane.wakeSleeper = done;
    });
  }

  private async attempt(
    lane: LaneState,
    d: Delivery,
    plan: Extract<Plan, { type: 'thread' | 'send' | 'update' }>,
  ): Promise<void> {
    let activity: Partial<Activity>;
    try {
      activity = this.o.render(d);
    } catch (err) {
      // a bug, not a passing fault: trying again renders the same way
      this.o.logger.error({ event: 'delivery-render-failed', deliveryId: d.id, kind: d.kind, err }, 'render');
      if (keepsTrying(d.kind)) {
        // never given up: at the cap, so a fixed build (or the record it waits for) gets it through
        this.outcomes.keepTrying(
          lane.scheduled,
          d,
          'render failed',
          'render failed',
          d.attempts,
          this.retryMaxMs,
        );
        return;
      }
      this.outcomes.giveUp(d, 'render failed', undefined);
      return;
    }
    const attempt = d.attempts + 1;
    // an alert's first two tries give up on a hung post sooner (a post taken but answered late is a
    // recognisable duplicate: better than a late alert); later tries wait the full timeout, so a slow but
    // working connector still gets them through
    const timeoutMs = lane.name === 'alert' && attempt <= 2 ? this.o.alertFirstTimeoutMs : undefined;
    const signal = this.stopping.signal;
    if (!this.o.outbox.markInFlight(d.id, this.o.now(), this.claimant)) {
      // the claim ran out before the post (this process stalled longer than the lease) and another
      // instance took it: that one makes the post
      this.outcomes.leaseLost(d, 'before-post');
      return;
    }
    let made: { conversationId: string; activityId: string | undefined };
    try {
      switch (plan.type) {
        case 'thread':
          made = await this.o.connector.createThread(
            plan.serviceUrl,
            plan.channelId,
            plan.tenantId,
            activity,
            signal,
            timeoutMs,
          );
          break;
        case 'send':
          made = {
            conversationId: plan.conversationId,
            ...(await this.o.connector.send(
              plan.serviceUrl,
              plan.conversationId,
              activity,
              signal,
              timeoutMs,
            )),
          };
          break;
        case 'update': {
          if (!this.o.connector.update) throw new ConnectorError('permanent', undefined, 'no update support');
          await this.o.connector.update(
            plan.serviceUrl,
            plan.conversationId,
            plan.activityId,
            activity,
            signal,
            timeoutMs,
          );
          made = { conversationId: plan.conversationId, activityId: plan.activityId };
          break;
        }
      }
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
      this.afterFailure(lane, d, e, attempt, plan);
      return;
    }
    // outside the try: if recording fails, the row stays in flight and is posted again once, rather
    // than being treated as a failed post
    const now = this.o.now();
    let first = true;
    this.bookkeeping(() => {
      first = this.o.outbox.markDelivered(d.id, now, made.conversationId, made.activityId);
      this.outcomes.auditAttempt(d, now, 'delivered', first ? 'ok' : 'already-delivered', attempt);
    });
    this.o.logger.info({ event: 'delivered', deliveryId: d.id, kind: d.kind, attempt });
    // another instance took the post over while this one was making it, and made it first
    if (!first) this.outcomes.leaseLost(d, 'after-post');
  }

  private afterFailure(
    lane: LaneState,
    d: Delivery,
    e: ConnectorError,
    attempt: number,
    plan: Extract<Plan, { type: 'thread' | 'send' | 'update' }>,
  ) {
    const now = this.o.now();
    const decision = afterFailure({
      kind: d.kind,
      error: e,
      now: now.getTime(),
      giveUpAt: Date.parse(d.giveUpAt),
      backoffMs: () => this.backoff(lane, attempt),
      retryMaxMs: this.retryMaxMs,
      channelMovedOn: () =>
        plan.type === 'thread' &&
        d.target.type === 'channel' &&
        this.o.channels.get(d.target.role)?.channelId !== plan.channelId,
    });
    if (decision.action === 'keep-trying') {
      this.outcomes.keepTrying(
        lane.scheduled,
        d,
        e.reason,
        e.status ?? e.reason,
        attempt,
        decision.waitMs,
        () => {
          // refused: the referrer, duty and admin channels are told now
          if (decision.refused && d.kind === 'safeguarding-alert')
            this.outcomes.alertUndelivered(d, now, 'refused');
        },
      );
      return;
    }
    if (decision.action === 'give-up') {
      this.outcomes.giveUp(d, e.reason, { status: e.status, attempt });
      return;
    }
    const next = decision.at;
    const outcome = decision.throttled ? 'throttled' : 'retry';
    // other posts to the same conversation hold back too
    if (decision.throttled) {
      for (const b of plan.buckets) {
        if (b.key.startsWith('conversation:')) this.limiter.block(b.key, decision.waitMs);
      }
    }
    let kept = true;
    this.bookkeeping(() => {
      kept = this.o.outbox.retryAt(d.id, new Date(next), e.reason, this.claimant);
      if (!kept) return;
      lane.scheduled.set(d.id, next);
      this.outcomes.auditAttempt(d, now, outcome, e.status ?? e.reason, attempt);
    });
    if (!kept) {
      this.outcomes.leaseLost(d, 'at-outcome');
      return;
    }
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

  private backoff(lane: LaneState, attempt: number): number {
    return backoffMs(lane.retryBaseMs, this.retryMaxMs, attempt, this.random());
  }
}
