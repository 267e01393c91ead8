import type { Activity } from 'botbuilder';
import type { Logger } from '../logger';
import type { ChannelRegistry } from '../records/channels';
import { type Delivery, markDelivered, markInFlight } from '../records/outbox';
import type { Durability, Query } from '../storage/sql';
import { ConnectorError, type ConnectorHttp } from './connector-http';
import { afterFailure, backoffMs, keepsTrying } from './give-up-policy';
import type { LaneState } from './lane';
import type { DeliveryOutcomes } from './outcomes';
import type { PostLimiter } from './rate-limit';
import type { Plan } from './targets';

/** A post the worker has claimed and may make now (its plan names where). */
export type PostPlan = Extract<Plan, { type: 'thread' | 'send' | 'update' }>;

export interface AttemptOptions {
  readonly channels: Pick<ChannelRegistry, 'get'>;
  /** The message a delivery posts, read as one transaction. */
  readonly render: (d: Delivery) => Query<Partial<Activity>>;
  readonly connector: Pick<ConnectorHttp, 'createThread' | 'send'> & Partial<Pick<ConnectorHttp, 'update'>>;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly outcomes: DeliveryOutcomes;
  readonly limiter: PostLimiter;
  /** The worker's name on its claims. */
  readonly claimant: string;
  /** Runs a query as one transaction; an attempt's own record is 'soon' (lost to a power cut: posted again). */
  readonly run: <T>(query: Query<T>, durability: Durability) => Promise<T>;
  readonly retryMaxMs: number;
  readonly random: () => number;
  /** The timeout of an alert's first two tries (later ones use the client's own). */
  readonly alertFirstTimeoutMs: number | undefined;
  /** Aborted when the worker stops: a post under way is abandoned, left in flight. */
  readonly stopping: () => AbortSignal;
}

/**
 * One attempt at a post the worker has claimed: render it, mark it in flight, make it, and record what
 * happened: made (delivered), or failed, then tried again, held for Retry-After, kept trying or given up
 * as the give-up policy says (give-up-policy.ts), each recorded only under this worker's claim.
 */
export class DeliveryAttempts {
  constructor(private readonly o: AttemptOptions) {}

  async attempt(lane: LaneState, d: Delivery, plan: PostPlan): Promise<void> {
    let activity: Partial<Activity>;
    try {
      // a read: waits for no disk
      activity = await this.o.run(this.o.render(d), 'disk');
    } catch (err) {
      // a bug, not a passing fault: trying again renders the same way
      this.o.logger.error({ event: 'delivery-render-failed', deliveryId: d.id, kind: d.kind, err }, 'render');
      if (keepsTrying(d.kind)) {
        // never given up: at the cap, so a fixed build (or the record it waits for) gets it through
        await this.o.outcomes.keepTrying(
          lane.scheduled,
          d,
          'render failed',
          'render failed',
          d.attempts,
          this.o.retryMaxMs,
        );
        return;
      }
      await this.o.outcomes.giveUp(d, 'render failed', undefined);
      return;
    }
    const attempt = d.attempts + 1;
    // an alert's first two tries give up on a hung post sooner (a post taken but answered late is a
    // recognisable duplicate: better than a late alert); later tries wait the full timeout, so a slow but
    // working connector still gets them through
    const timeoutMs = lane.name === 'alert' && attempt <= 2 ? this.o.alertFirstTimeoutMs : undefined;
    const signal = this.o.stopping();
    if (!(await this.o.run(markInFlight(d.id, this.o.now(), this.o.claimant), 'soon'))) {
      // the claim ran out before the post (this process stalled longer than the lease) and another
      // instance took it: that one makes the post
      this.o.outcomes.leaseLost(d, 'before-post');
      return;
    }
    let made: { conversationId: string; activityId: string | undefined };
    try {
      made = await this.post(plan, activity, signal, timeoutMs);
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
      await this.afterFailure(lane, d, e, attempt, plan);
      return;
    }
    // outside the try: if recording fails, the row stays in flight and is posted again once, rather
    // than being treated as a failed post
    const now = this.o.now();
    const outcomes = this.o.outcomes;
    const first = await this.o.run(
      (function* (): Query<boolean> {
        const first = yield* markDelivered(d.id, now, made.conversationId, made.activityId);
        yield* outcomes.auditAttempt(d, now, 'delivered', first ? 'ok' : 'already-delivered', attempt);
        return first;
      })(),
      'soon',
    );
    this.o.logger.info({ event: 'delivered', deliveryId: d.id, kind: d.kind, attempt });
    // another instance took the post over while this one was making it, and made it first
    if (!first) this.o.outcomes.leaseLost(d, 'after-post');
  }

  private async post(
    plan: PostPlan,
    activity: Partial<Activity>,
    signal: AbortSignal,
    timeoutMs: number | undefined,
  ): Promise<{ conversationId: string; activityId: string | undefined }> {
    const connector = this.o.connector;
    switch (plan.type) {
      case 'thread':
        return connector.createThread(
          plan.serviceUrl,
          plan.channelId,
          plan.tenantId,
          activity,
          signal,
          timeoutMs,
        );
      case 'send':
        return {
          conversationId: plan.conversationId,
          ...(await connector.send(plan.serviceUrl, plan.conversationId, activity, signal, timeoutMs)),
        };
      case 'update': {
        if (!connector.update) throw new ConnectorError('permanent', undefined, 'no update support');
        await connector.update(
          plan.serviceUrl,
          plan.conversationId,
          plan.activityId,
          activity,
          signal,
          timeoutMs,
        );
        return { conversationId: plan.conversationId, activityId: plan.activityId };
      }
    }
  }

  private async afterFailure(
    lane: LaneState,
    d: Delivery,
    e: ConnectorError,
    attempt: number,
    plan: PostPlan,
  ): Promise<void> {
    const now = this.o.now();
    // a new thread refused by a channel that has since been set again: the new one is tried now (read
    // only for a refusal, the one case the policy asks)
    const moved =
      e.kind === 'permanent' &&
      plan.type === 'thread' &&
      d.target.type === 'channel' &&
      (await this.o.channels.get(d.target.role))?.channelId !== plan.channelId;
    const decision = afterFailure({
      kind: d.kind,
      error: e,
      now: now.getTime(),
      giveUpAt: Date.parse(d.giveUpAt),
      backoffMs: () => backoffMs(lane.retryBaseMs, this.o.retryMaxMs, attempt, this.o.random()),
      retryMaxMs: this.o.retryMaxMs,
      channelMovedOn: () => moved,
    });
    if (decision.action === 'keep-trying') {
      await this.o.outcomes.keepTrying(
        lane.scheduled,
        d,
        e.reason,
        e.status ?? e.reason,
        attempt,
        decision.waitMs,
        // refused: the referrer, duty and admin channels are told now
        decision.refused,
      );
      return;
    }
    if (decision.action === 'give-up') {
      await this.o.outcomes.giveUp(d, e.reason, { status: e.status, attempt });
      return;
    }
    // other posts to the same conversation hold back too
    if (decision.throttled) {
      for (const b of plan.buckets) {
        if (b.key.startsWith('conversation:')) await this.o.limiter.block(b.key, decision.waitMs);
      }
    }
    await this.o.outcomes.retry(lane.scheduled, d, {
      now,
      next: decision.at,
      reason: e.reason,
      status: e.status ?? e.reason,
      attempt,
      outcome: decision.throttled ? 'throttled' : 'retry',
    });
  }
}
