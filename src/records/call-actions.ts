import type Database from 'better-sqlite3';
import type { Outbox } from '../delivery/outbox';
import { BOT_ACTOR } from '../delivery/scheduler';
import { type Actor, alreadyDone, type CallEvent, type CallEventBody } from '../domain/call-state';
import type { Audit } from './audit';
import type { CallView, CallViews } from './call-view';
import { type RecordEvents, VersionConflictError } from './record-events';

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
 * that changes nothing, is refused and audited as such.
 */
export class CallActions {
  constructor(
    private readonly db: Database.Database,
    private readonly views: CallViews,
    private readonly events: RecordEvents,
    private readonly outbox: Outbox,
    private readonly audit: Audit,
    private readonly options: CallActionOptions,
  ) {}

  apply(r: ActionRequest): ActionResult {
    try {
      // IMMEDIATE: the write lock is taken before the read, so another process cannot slip an event in
      // between; the (record, seq) key still catches one if it does
      return this.db.transaction(() => this.applyNow(r)).immediate();
    } catch (err) {
      // another process appended first: the record is as that action left it
      if (!(err instanceof VersionConflictError)) throw err;
      const view = this.views.load(r.recordId);
      if (!view) return { outcome: 'not-found' };
      this.record(r, 'stale', { version: view.state.version, conflict: true });
      return { outcome: 'stale', view };
    }
  }

  private applyNow(r: ActionRequest): ActionResult {
    const view = this.views.load(r.recordId);
    if (!view) {
      this.record(r, 'refused', { reason: 'not-found' });
      return { outcome: 'not-found' };
    }
    const { state } = view;
    if (alreadyDone(state, r.body)) {
      this.record(r, 'already', { version: state.version });
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
      this.record(r, 'stale', { version: state.version });
      return { outcome: 'stale', view };
    }
    const at = r.now.toISOString();
    const event = this.events.append(r.recordId, state.version, r.body, r.actor, at);
    let deliveryId: string | undefined;
    if (r.body.type === 'indication-given') {
      deliveryId = this.options.newId();
      this.outbox.enqueue(
        {
          id: deliveryId,
          recordId: r.recordId,
          kind: 'indication-notice',
          target: { type: 'referrer' },
          payload: { seq: event.seq },
        },
        r.now,
        this.options.giveUpMinutes,
      );
    }
    this.record(r, 'done', { version: event.seq, ...(deliveryId ? { deliveryId } : {}) });
    return { outcome: 'done', view: this.views.load(r.recordId)!, event };
  }

  private record(r: ActionRequest, outcome: string, detail: Record<string, unknown>): void {
    this.audit.append({
      at: r.now.toISOString(),
      actorId: r.actor.id,
      action: r.action,
      recordId: r.recordId,
      outcome,
      // ids, states and counts only: the indication's value, never its free-text reason
      detail: {
        cardVersion: r.cardVersion,
        ...(r.body.type === 'indication-given' ? { indication: r.body.indication } : {}),
        ...detail,
      },
    });
  }
}
