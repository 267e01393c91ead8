import type Database from 'better-sqlite3';
import type { ChannelRole } from './channels';

export type DeliveryKind =
  | 'duty-summary'
  | 'safeguarding-alert'
  | 'referrer-confirmation'
  | 'indication-notice'
  | 'referral-reminder'
  | 'alert-escalation'
  | 'delivery-failed'
  /** To the referrer when the duty summary could not be delivered: they must phone instead. */
  | 'summary-undelivered';

/** Where a delivery goes: a new thread in a channel (by role, resolved when sent) or the referrer's chat. */
export type DeliveryTarget =
  | { readonly type: 'channel'; readonly role: ChannelRole }
  /** A reply in the thread another delivery started (an escalation under its alert). */
  | { readonly type: 'thread'; readonly of: string }
  | { readonly type: 'referrer' };

export interface NewDelivery {
  readonly id: string;
  readonly recordId?: string | undefined;
  readonly kind: DeliveryKind;
  readonly target: DeliveryTarget;
  readonly payload?: Record<string, unknown>;
  /** Wait until this delivery has been made (the referrer hears only once the duty team has it). */
  readonly afterId?: string | undefined;
}

export interface Delivery extends Required<Omit<NewDelivery, 'afterId' | 'recordId'>> {
  readonly recordId: string | undefined;
  readonly afterId: string | undefined;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly createdAt: string;
  readonly nextAttemptAt: string;
  readonly giveUpAt: string;
  /** Set while a post is under way: found set after a crash, the post may have been made. */
  readonly inFlightAt: string | undefined;
  readonly deliveredAt: string | undefined;
  readonly conversationId: string | undefined;
  readonly activityId: string | undefined;
  readonly lastError: string | undefined;
}

type Row = Record<string, string | number | null>;

function toDelivery(r: Row): Delivery {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? undefined : String(r[k]));
  return {
    id: String(r.id),
    recordId: s('record_id'),
    kind: r.kind as DeliveryKind,
    target: JSON.parse(String(r.target_json)) as DeliveryTarget,
    payload: JSON.parse(String(r.payload_json)) as Record<string, unknown>,
    afterId: s('after_id'),
    status: r.status as Delivery['status'],
    attempts: Number(r.attempts),
    createdAt: String(r.created_at),
    nextAttemptAt: String(r.next_attempt_at),
    giveUpAt: String(r.give_up_at),
    inFlightAt: s('in_flight_at'),
    deliveredAt: s('delivered_at'),
    conversationId: s('conversation_id'),
    activityId: s('activity_id'),
    lastError: s('last_error'),
  };
}

export interface OutboxStats {
  readonly pending: number;
  readonly failed: number;
  readonly delivered: number;
  readonly oldestPendingAt: string | undefined;
}

/** Deliveries waiting to be made. Rows change status as they go; the audit log keeps the history. */
export class Outbox {
  constructor(private readonly db: Database.Database) {}

  /** Call inside the transaction that writes what the deliveries are about. */
  enqueue(d: NewDelivery, now: Date, giveUpMinutes: number): void {
    this.db
      .prepare(
        `INSERT INTO outbox (id, record_id, kind, target_json, payload_json, after_id, created_at, next_attempt_at, give_up_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.id,
        d.recordId ?? null,
        d.kind,
        JSON.stringify(d.target),
        JSON.stringify(d.payload ?? {}),
        d.afterId ?? null,
        now.toISOString(),
        now.toISOString(),
        new Date(now.getTime() + giveUpMinutes * 60_000).toISOString(),
      );
  }

  get(id: string): Delivery | undefined {
    const r = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return r && toDelivery(r);
  }

  forRecord(recordId: string): Delivery[] {
    return (
      this.db
        .prepare('SELECT * FROM outbox WHERE record_id = ? ORDER BY created_at, rowid')
        .all(recordId) as Row[]
    ).map(toDelivery);
  }

  /** Pending deliveries that are due and whose predecessor, if any, has been made; oldest first. */
  due(now: Date, limit: number): Delivery[] {
    return (
      this.db
        .prepare(
          `SELECT o.* FROM outbox o
           LEFT JOIN outbox a ON a.id = o.after_id
           WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.after_id IS NULL OR a.status = 'delivered')
           ORDER BY o.created_at, o.rowid LIMIT ?`,
        )
        .all(now.toISOString(), limit) as Row[]
    ).map(toDelivery);
  }

  /** When the next pending delivery falls due, so the worker can sleep until then. */
  nextDueAt(): string | undefined {
    const r = this.db
      .prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'`)
      .get() as { t: string | null } | undefined;
    return r?.t ?? undefined;
  }

  markInFlight(id: string, now: Date): void {
    this.db
      .prepare('UPDATE outbox SET in_flight_at = ?, attempts = attempts + 1 WHERE id = ?')
      .run(now.toISOString(), id);
  }

  markDelivered(id: string, now: Date, conversationId: string, activityId: string | undefined): void {
    this.db
      .prepare(
        `UPDATE outbox SET status = 'delivered', delivered_at = ?, in_flight_at = NULL, conversation_id = ?, activity_id = ?, last_error = NULL
         WHERE id = ?`,
      )
      .run(now.toISOString(), conversationId, activityId ?? null, id);
  }

  retryAt(id: string, at: Date, error: string): void {
    this.db
      .prepare('UPDATE outbox SET next_attempt_at = ?, in_flight_at = NULL, last_error = ? WHERE id = ?')
      .run(at.toISOString(), error, id);
  }

  markFailed(id: string, error: string): void {
    this.db
      .prepare(`UPDATE outbox SET status = 'failed', in_flight_at = NULL, last_error = ? WHERE id = ?`)
      .run(error, id);
  }

  stats(): OutboxStats {
    const r = this.db
      .prepare(
        `SELECT
           SUM(status = 'pending') AS pending, SUM(status = 'failed') AS failed, SUM(status = 'delivered') AS delivered,
           MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest
         FROM outbox`,
      )
      .get() as {
      pending: number | null;
      failed: number | null;
      delivered: number | null;
      oldest: string | null;
    };
    return {
      pending: r.pending ?? 0,
      failed: r.failed ?? 0,
      delivered: r.delivered ?? 0,
      oldestPendingAt: r.oldest ?? undefined,
    };
  }
}
