import type { CallEventBody } from './call-state';
import type { ChannelRole } from './channel-role';

/**
 * What the bot posts, as the domain sees it: the kinds of delivery, where each goes, and which deliveries
 * an event on a call creates. The outbox (src/records/outbox.ts) stores them; the worker makes them.
 */

export type DeliveryKind =
  | 'duty-summary'
  | 'safeguarding-alert'
  | 'referrer-confirmation'
  | 'indication-notice'
  /** To the referrer: the allocations meeting's outcome for their referral (seed 001). */
  | 'allocation-notice'
  | 'referral-reminder'
  | 'alert-escalation'
  | 'delivery-failed'
  /** To the referrer when the duty summary could not be delivered: they must phone instead. */
  | 'summary-undelivered'
  /**
   * A safeguarding alert not delivered by ALERT_DELIVERY_DEADLINE_SECONDS (or given up): to the referrer
   * (phone the front door and the advice line now), and as a copy of the alert to the duty and admin
   * channels (target role), mentioning the on-call lead.
   */
  | 'alert-undelivered'
  /** Redraws a message an alert delivery posted (PUT), e.g. "Acknowledged by X at T" on every one. */
  | 'alert-update'
  /**
   * A post in an alert's thread about a call whose alert was raised while in progress: the call was
   * submitted (the alert as submitted), the risk answers changed, or the draft was discarded or left.
   */
  | 'alert-note'
  /** To the referrer about their alert: the leads were alerted, or a lead acknowledged it. */
  | 'referrer-notice';

/**
 * The alert lane: deliveries of these kinds are made by their own loop in the worker, never waiting
 * behind duty summaries, reminders or confirmations. Any kind named 'safeguarding-alert' or starting
 * with 'alert-' is in it, so a new alert kind joins the lane by its name alone.
 */
export function isAlertKind(kind: string): boolean {
  return kind === 'safeguarding-alert' || kind.startsWith('alert-');
}

/** Where a delivery goes: a new thread in a channel (by role, resolved when sent) or the referrer's chat. */
export type DeliveryTarget =
  | { readonly type: 'channel'; readonly role: ChannelRole }
  /** A reply in the thread another delivery started (an escalation under its alert). */
  | { readonly type: 'thread'; readonly of: string }
  | { readonly type: 'referrer' }
  /**
   * Redraw a message already posted (PUT): the message delivery `of` made, or, when given, the message at
   * conversationId/activityId (one pressed that the outbox has no id for: a duplicate whose answer was
   * lost), drawn as delivery `of`.
   */
  | {
      readonly type: 'update';
      readonly of: string;
      readonly conversationId?: string | undefined;
      readonly activityId?: string | undefined;
    };

/** The message an acknowledgement was pressed on (the invoke's conversation and replyToId). */
export interface PressedOn {
  readonly conversationId: string;
  readonly activityId: string;
}

/** A delivery to queue, before it has an id or a record. */
export interface DeliverySpec {
  readonly kind: DeliveryKind;
  readonly target: DeliveryTarget;
  readonly payload?: Record<string, unknown>;
  /** Made only after this delivery has been (the outbox id of a delivery queued earlier). */
  readonly afterId?: string | undefined;
}

/**
 * One escalation round's posts for an alert nobody has acknowledged: in the alert's thread once its
 * first post is made; until then to the duty and admin channels instead, where it can be seen.
 */
export function escalationDeliveries(
  alert: { readonly id: string; readonly delivered: boolean },
  payload: Record<string, unknown>,
): DeliverySpec[] {
  if (alert.delivered) {
    return [{ kind: 'alert-escalation', target: { type: 'thread', of: alert.id }, payload }];
  }
  return (['duty', 'admin'] as const).map((role) => ({
    kind: 'alert-escalation',
    target: { type: 'channel', role },
    payload: { ...payload, undelivered: true },
  }));
}

/**
 * Which deliveries a person's action on a call creates, queued in the same transaction as its event: the
 * referrer is told the indication and the allocations meeting's outcome, and who acknowledged their alert
 * and when (HAZ-03), after the "leads were alerted" notice if there is one (`alertedNoticeId`), so the two
 * arrive in the order they happened. The alert's own messages are redrawn apart (alertMessageUpdates).
 */
export function eventDeliveries(
  body: CallEventBody,
  event: { readonly seq: number; readonly actorName: string; readonly at: string },
  alertedNoticeId: string | undefined,
): DeliverySpec[] {
  switch (body.type) {
    case 'indication-given':
      return [{ kind: 'indication-notice', target: { type: 'referrer' }, payload: { seq: event.seq } }];
    case 'allocation-decided':
      return [{ kind: 'allocation-notice', target: { type: 'referrer' }, payload: { seq: event.seq } }];
    case 'alert-acknowledged':
      return [
        {
          kind: 'referrer-notice',
          target: { type: 'referrer' },
          payload: { notice: 'acknowledged', by: event.actorName, at: event.at, seq: event.seq },
          afterId: alertedNoticeId,
        },
      ];
    default:
      return [];
  }
}
