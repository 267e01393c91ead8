import { type Actor, alreadyDone, BOT_ACTOR, type CallEvent, type CallEventBody } from '../domain/call-state';
import { eventDeliveries } from '../domain/deliveries';
import { isDuplicateKey, type Query, type SqlStore } from '../storage/sql';
import { appendAudit } from './audit';
import { type CallView, viewOf } from './call-view';
import {
  alertMessageUpdates,
  type Delivery,
  deliveriesOfRecord,
  enqueueDelivery,
  type NewDelivery,
} from './outbox';
import { appendEvent } from './record-events';

export interface CallActionOptions {
  readonly giveUpMinutes: number;
  readonly newId: () => string;
}

export interface ActionRequest {
  readonly recordId: string;
  /** The version the card was drawn from: the action applies only to the record as the person saw it. */
  readonly cardVersion: number;
  readonly body: CallEventBody;
  readonly actor: Actor;
  /** What was pressed (the card verb), for the audit log. */
  readonly action: string;
  readonly now: Date;
  /**
   * The message the button was on (the invoke's conversation and replyToId). An acknowledgement updates
   * every message of the alert; this one too, even if the outbox never learned its id (a duplicate
   * whose answer was lost).
   */
  readonly on?: { readonly conversationId: string; readonly activityId: string } | undefined;
}

export type ActionResult =
  | { readonly outcome: 'done'; readonly view: CallView; readonly event: CallEvent }
  | { readonly outcome: 'already' | 'stale'; readonly view: CallView }
  | { readonly outcome: 'not-found' };

/** What the safeguarding alert shows; every other event is the duty summary's. */
const ALERT_EVENTS: ReadonlySet<CallEventBody['type']> = new Set(['alert-acknowledged', 'alert-escalated']);

function sameCard(a: CallEventBody['type'], b: CallEventBody['type']): boolean {
  return ALERT_EVENTS.has(a) === ALERT_EVENTS.has(b);
}

/**
 * Applies a person's action to a submitted call: the event, any message it sends and its audit row go in
 * one transaction, or nothing does. An action on a record that moved on since the card was drawn, or one
 * that changes nothing, is refused and audited as such. Written once for both stores (the SQL seam).
 */
export class CallActions {
  constructor(
    private readonly sql: SqlStore,
    private readonly options: CallActionOptions,
    /** How a record is read: a test gives a reader one event behind, as a second instance would be. */
    private readonly view: (recordId: string) => Query<CallView | undefined> = viewOf,
  ) {}

  /** Resolves once the action, or its refusal, is durable. */
  async apply(r: ActionRequest): Promise<ActionResult> {
    try {
      return await this.sql.transact(this.applying(r));
    } catch (err) {
      // another instance appended first, between this one's read and its write: the (record, seq) key
      // refused the event and the transaction wrote nothing. The record is as that action left it.
      if (!isDuplicateKey(err)) throw err;
      return this.sql.transact(this.refusedAsStale(r));
    }
  }

  private *refusedAsStale(r: ActionRequest): Query<ActionResult> {
    const view = yield* viewOf(r.recordId);
    if (!view) return { outcome: 'not-found' };
    yield* this.record(r, 'stale', { version: view.state.version, conflict: true });
    return { outcome: 'stale', view };
  }

  private *applying(r: ActionRequest): Query<ActionResult> {
    const view = yield* this.view(r.recordId);
    if (!view) {
      yield* this.record(r, 'refused', { reason: 'not-found' });
      return { outcome: 'not-found' };
    }
    const { state } = view;
    if (alreadyDone(state, r.body)) {
      yield* this.record(r, 'already', { version: state.version });
      return { outcome: 'already', view };
    }
    // Stale means someone acted since the card was drawn, on what that card shows. The bot's own events
    // (an escalation, a reminder) change nothing a person decided, so they must not turn a lead's
    // Acknowledge away; nor must the duty team's actions on the summary, or a lead's on the alert, turn
    // away a press on the other card.
    const actedSince = view.events.some(
      (e) => e.seq > r.cardVersion && e.actor.id !== BOT_ACTOR.id && sameCard(e.type, r.body.type),
    );
    if (r.cardVersion > state.version || r.cardVersion < 0 || actedSince) {
      yield* this.record(r, 'stale', { version: state.version });
      return { outcome: 'stale', view };
    }
    const at = r.now.toISOString();
    const event = yield* appendEvent(r.recordId, state.version, r.body, r.actor, at);
    const deliveries = r.body.type === 'alert-acknowledged' ? yield* deliveriesOfRecord(r.recordId) : [];
    // an acknowledgement's notice to the referrer comes after their "leads were alerted" notice, if any
    const alerted = deliveries.find(
      (d) => d.kind === 'referrer-notice' && d.payload.notice === 'alerted' && d.status !== 'failed',
    );
    let deliveryId: string | undefined;
    for (const d of eventDeliveries(r.body, { seq: event.seq, actorName: r.actor.name, at }, alerted?.id)) {
      deliveryId = this.options.newId();
      yield* this.enqueue({ id: deliveryId, recordId: r.recordId, ...d }, r.now);
    }
    const updates =
      r.body.type === 'alert-acknowledged' ? yield* this.updateAlertMessages(r, deliveries) : [];
    yield* this.record(r, 'done', {
      version: event.seq,
      ...(deliveryId ? { deliveryId } : {}),
      ...(updates.length ? { updates } : {}),
    });
    return { outcome: 'done', view: (yield* viewOf(r.recordId))!, event };
  }

  /**
   * Inside the acknowledgement's transaction: one update (PUT, through the outbox so it is retried) for
   * every message the alert posted: the alert, each escalation (in its thread, or in the duty and admin
   * channels while undelivered), each copy of an undelivered alert, and the message pressed if the outbox
   * does not know it. A message still to be posted waits for its post (after), then is redrawn: one being
   * posted at this moment may have been drawn before the acknowledgement. Returns the update ids.
   * `deliveries`: the record's, as read before the acknowledgement's own notice was queued.
   */
  private *updateAlertMessages(r: ActionRequest, deliveries: readonly Delivery[]): Query<string[]> {
    const ids: string[] = [];
    for (const { target, afterId } of alertMessageUpdates(deliveries, r.on)) {
      const id = this.options.newId();
      yield* this.enqueue({ id, recordId: r.recordId, kind: 'alert-update', target, afterId }, r.now);
      ids.push(id);
    }
    return ids;
  }

  private enqueue(d: NewDelivery, now: Date): Query<void> {
    return enqueueDelivery(d, now, this.options.giveUpMinutes);
  }

  private record(r: ActionRequest, outcome: string, detail: Record<string, unknown>): Query<void> {
    return appendAudit({
      at: r.now.toISOString(),
      actorId: r.actor.id,
      action: r.action,
      recordId: r.recordId,
      outcome,
      // ids, states and counts only: the indication's or outcome's value, never its free-text reason
      detail: {
        cardVersion: r.cardVersion,
        ...(r.body.type === 'indication-given' ? { indication: r.body.indication } : {}),
        ...(r.body.type === 'allocation-decided' ? { allocation: r.body.outcome } : {}),
        ...detail,
      },
    });
  }
}
