import type Database from 'better-sqlite3';
import type { ChannelRole } from '../domain/channel-role';
import { type DeliveryKind, type DeliveryTarget, isAlertKind, type PressedOn } from '../domain/deliveries';
import { withoutWaitingForDisk } from '../storage/database';
import { type Query, select, selectOne, write } from '../storage/sql';
import { SqliteSql } from '../storage/sqlite-sql';

/** isAlertKind (src/domain/deliveries.ts) in SQL, for a table aliased `o`. */
const ALERT_SQL = `(o.kind = 'safeguarding-alert' OR o.kind LIKE 'alert-%')`;

/**
 * Every alert kind by name, for the alert lane's look-up by index (outbox_kind_status): by its pattern
 * SQLite would read every pending post to find the alerts. A kind added to DeliveryKind that the rule
 * above puts in the lane does not compile until it is listed here.
 */
const ALERT_KINDS: Record<Extract<DeliveryKind, 'safeguarding-alert' | `alert-${string}`>, true> = {
  'safeguarding-alert': true,
  'alert-escalation': true,
  'alert-undelivered': true,
  'alert-update': true,
  'alert-note': true,
};
const ALERT_KINDS_SQL = Object.keys(ALERT_KINDS)
  .map((k) => `'${k}'`)
  .join(', ');

export type Lane = 'alert' | 'general';

/**
 * Moves whenever an alert-lane post is queued, or posts are made due at once (a channel set up), by any
 * Outbox in this process. The worker's wake() takes the alert lane round its queries only when it has
 * moved since the lane last looked: most wakes (a Submit's summary) bring the alert lane nothing, and in a
 * burst they came a hundred times a second. Module-wide so that no Outbox can queue an alert unseen.
 */
let alertLaneChanges = 0;
export function alertLaneVersion(): number {
  return alertLaneChanges;
}

/**
 * next_attempt_at of a post queued behind another not yet made (after_id): it is not due until that one
 * is made, and markDelivered makes it due then. The queue then passes over it inside its index, where a
 * burst of referrer confirmations waiting on their summaries was otherwise read row by row, each joined to
 * its summary, on every pass. The due queries still check the other post (the join), so a row left with
 * this would wait, never go early.
 */
export const WAITING_ON_ANOTHER = '9999-12-31T23:59:59.999Z';

/** Where a page of the queue ended: its last row's place in the order (created_at, then rowid). */
export interface QueuePosition {
  readonly createdAt: string;
  readonly rowid: number;
}

/**
 * What an acknowledgement redraws: every message the alert posted (its first post, each escalation in
 * its thread or in the duty and admin channels, each copy of it as undelivered) and the message pressed
 * if the outbox does not know it (a duplicate whose answer was lost). A message still to be posted is
 * redrawn after its post: one being posted at this moment may have been drawn before the acknowledgement.
 */
export function alertMessageUpdates(
  deliveries: readonly Delivery[],
  pressed: PressedOn | undefined,
): { target: Extract<DeliveryTarget, { type: 'update' }>; afterId: string | undefined }[] {
  const messages = deliveries.filter(
    (d) =>
      d.status !== 'failed' &&
      (d.kind === 'safeguarding-alert' ||
        d.kind === 'alert-escalation' ||
        (d.kind === 'alert-undelivered' && d.target.type === 'channel')),
  );
  const updates = messages.map((m) => ({
    target: { type: 'update' as const, of: m.id },
    afterId: m.status === 'pending' ? m.id : undefined,
  }));
  const alert = deliveries.find((d) => d.kind === 'safeguarding-alert');
  const known = deliveries.some(
    (d) => d.activityId === pressed?.activityId && d.conversationId === pressed?.conversationId,
  );
  if (pressed && alert && !known)
    updates.push({ target: { type: 'update', of: alert.id, ...pressed }, afterId: undefined });
  return updates;
}

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
  /** The delivery worker (instance) that has claimed it, until claimedUntil: see Outbox.claim. */
  readonly claimedBy: string | undefined;
  readonly claimedUntil: string | undefined;
  readonly deliveredAt: string | undefined;
  readonly conversationId: string | undefined;
  readonly activityId: string | undefined;
  readonly lastError: string | undefined;
}

type Row = Record<string, string | number | null>;

function toDelivery(r: Row): Delivery {
  return deliveryOf(r, undefined);
}

/** `payloadOf`: for a row read without its payload_json, how to read it when it is first used. */
function deliveryOf(r: Row, payloadOf: ((id: string) => string) | undefined): Delivery {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? undefined : String(r[k]));
  let payload: Record<string, unknown> | undefined;
  return {
    id: String(r.id),
    recordId: s('record_id'),
    kind: r.kind as DeliveryKind,
    target: JSON.parse(String(r.target_json)) as DeliveryTarget,
    // read when used: a worker pass reads up to a batch of waiting rows and posts a few of them
    get payload() {
      payload ??= JSON.parse(
        r.payload_json === undefined && payloadOf ? payloadOf(String(r.id)) : String(r.payload_json),
      ) as Record<string, unknown>;
      return payload;
    },
    afterId: s('after_id'),
    status: r.status as Delivery['status'],
    attempts: Number(r.attempts),
    createdAt: String(r.created_at),
    nextAttemptAt: String(r.next_attempt_at),
    giveUpAt: String(r.give_up_at),
    inFlightAt: s('in_flight_at'),
    claimedBy: s('claimed_by'),
    claimedUntil: s('claimed_until'),
    deliveredAt: s('delivered_at'),
    conversationId: s('conversation_id'),
    activityId: s('activity_id'),
    lastError: s('last_error'),
  };
}

/*
 * What is queued and read about a record or an in-progress alert, written once for both stores (the SQL
 * seam, issue 11). The delivery worker's queue (due, claims, marks) is still SQLite's own, below.
 */

/** Call inside the transaction that writes what the delivery is about. */
export function* enqueueDelivery(d: NewDelivery, now: Date, giveUpMinutes: number): Query<void> {
  if (isAlertKind(d.kind)) alertLaneChanges++;
  const after =
    d.afterId === undefined
      ? undefined
      : yield* selectOne<{ status: string }>('SELECT status FROM outbox WHERE id = ?', [d.afterId]);
  yield* write(
    `INSERT INTO outbox (id, record_id, kind, target_json, payload_json, after_id, created_at, next_attempt_at, give_up_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      d.id,
      d.recordId ?? null,
      d.kind,
      JSON.stringify(d.target),
      JSON.stringify(d.payload ?? {}),
      d.afterId ?? null,
      now.toISOString(),
      after?.status === 'pending' ? WAITING_ON_ANOTHER : now.toISOString(),
      new Date(now.getTime() + giveUpMinutes * 60_000).toISOString(),
    ],
  );
}

export function* deliveryById(id: string): Query<Delivery | undefined> {
  const r = yield* selectOne<Row>('SELECT * FROM outbox WHERE id = ?', [id]);
  return r && toDelivery(r);
}

/** A record's deliveries in the order they were queued (within a millisecond, as inserted). */
export function* deliveriesOfRecord(recordId: string): Query<Delivery[]> {
  const rows = yield* select<Row>(
    {
      sqlite: 'SELECT * FROM outbox WHERE record_id = ? ORDER BY created_at, rowid',
      // row_order: PostgreSQL's stand-in for the rowid (its migration 4)
      postgres: 'SELECT * FROM outbox WHERE record_id = ? ORDER BY created_at, row_order',
    },
    [recordId],
  );
  return rows.map(toDelivery);
}

/**
 * The deliveries of an alert raised while its call is in progress, while it has no record: each
 * carries the alert's id (draftAlertId), found by the outbox_draft_alert index (each store's own
 * expression: its index is on it).
 */
export function* deliveriesOfDraftAlert(draftAlertId: string): Query<Delivery[]> {
  const rows = yield* select<Row>(
    {
      sqlite: `SELECT * FROM outbox WHERE record_id IS NULL AND json_extract(payload_json, '$.draftAlertId') = ?
               ORDER BY created_at, rowid`,
      postgres: `SELECT * FROM outbox WHERE record_id IS NULL AND (payload_json::jsonb ->> 'draftAlertId') = ?
                 ORDER BY created_at, row_order`,
    },
    [draftAlertId],
  );
  return rows.map(toDelivery);
}

/** Makes rows queued before their record existed (an in-progress alert's) the record's own. */
export function* linkDeliveries(ids: readonly string[], recordId: string): Query<void> {
  for (const id of ids) {
    yield* write('UPDATE outbox SET record_id = ? WHERE id = ? AND record_id IS NULL', [recordId, id]);
  }
}

/** Changes what a delivery will post (its payload); what it has already posted is unchanged. */
export function* setDeliveryPayload(id: string, payload: Record<string, unknown>): Query<void> {
  yield* write('UPDATE outbox SET payload_json = ? WHERE id = ?', [JSON.stringify(payload), id]);
}

export interface OutboxStats {
  readonly pending: number;
  readonly failed: number;
  readonly delivered: number;
  readonly oldestPendingAt: string | undefined;
}

/** Deliveries waiting to be made. Rows change status as they go; the audit log keeps the history. */
export class Outbox {
  /** Every statement prepared once: several run on each pass of the worker's two lanes. */
  private readonly sql: ReturnType<typeof prepare>;

  private readonly delivered: (
    id: string,
    at: string,
    conversationId: string,
    activityId: string | null,
  ) => boolean;

  /** The queries written for both stores (above), on this connection. */
  private readonly seam: SqliteSql;

  constructor(private readonly db: Database.Database) {
    this.seam = new SqliteSql(db);
    const sql = prepare(db);
    this.sql = sql;
    this.delivered = db.transaction(
      (id: string, at: string, conversationId: string, activityId: string | null) => {
        if (sql.markDelivered().run(at, conversationId, activityId, id).changes === 0) return false;
        sql.followersDue.run(at, id);
        return true;
      },
    );
  }

  /** Call inside the transaction that writes what the deliveries are about. */
  enqueue(d: NewDelivery, now: Date, giveUpMinutes: number): void {
    this.seam.transactNow(enqueueDelivery(d, now, giveUpMinutes));
  }

  linkToRecord(ids: readonly string[], recordId: string): void {
    this.seam.transactNow(linkDeliveries(ids, recordId));
  }

  setPayload(id: string, payload: Record<string, unknown>): void {
    this.seam.transactNow(setDeliveryPayload(id, payload));
  }

  get(id: string): Delivery | undefined {
    return this.seam.transactNow(deliveryById(id), { readOnly: true });
  }

  forRecord(recordId: string): Delivery[] {
    return this.seam.transactNow(deliveriesOfRecord(recordId), { readOnly: true });
  }

  forDraftAlert(draftAlertId: string): Delivery[] {
    return this.seam.transactNow(deliveriesOfDraftAlert(draftAlertId), { readOnly: true });
  }

  /**
   * Pending deliveries that are due and whose predecessor, if any, has been made; oldest first. With a
   * lane, only that lane's kinds (see isAlertKind).
   */
  due(now: Date, limit: number, lane?: Lane): Delivery[] {
    return (this.sql.due[lane ?? 'any'].all(now.toISOString(), limit) as Row[]).map(toDelivery);
  }

  /**
   * due() for the general lane a page at a time: the page after `after` (a previous page's `last`), leaving
   * out posts whose target is one of `skipTargets` (their JSON as stored: a channel already held in this
   * pass, whose later posts would only be read to be held too).
   *
   * Read target by target (outbox_pending_target, migration 10): the few targets with waiting posts, then
   * each one's next posts in queue order, merged here. A backlog that one channel's rate limit holds is
   * then not walked at all once that channel is skipped; read in one queue order, every pass walked all of
   * it past the skipped channel to find the posts for anyone else (0.8 ms a page with 2,000 held).
   */
  duePage(
    now: Date,
    limit: number,
    after: QueuePosition | undefined,
    skipTargets: readonly string[],
  ): { rows: Delivery[]; last: QueuePosition | undefined } {
    const from = after ?? { createdAt: '', rowid: 0 };
    const at = now.toISOString();
    const raw: Row[] = [];
    for (const target of this.sql.pendingTargets.all() as string[]) {
      if (skipTargets.includes(target)) continue;
      const rows = this.sql.duePageOf.all(target, at, from.createdAt, from.createdAt, from.rowid, limit);
      raw.push(...(rows as Row[]));
    }
    // a few targets' pages of `limit` at most, each already in queue order
    if (raw.length > 1) raw.sort(inQueueOrder);
    raw.length = Math.min(raw.length, limit);
    const end = raw[raw.length - 1];
    const payloadOf = (id: string) => {
      const json = this.sql.payloadOf.get(id) as string | undefined;
      if (json === undefined) throw new Error(`delivery ${id} is no longer in the outbox`);
      return json;
    };
    return {
      rows: raw.map((r) => deliveryOf(r, payloadOf)),
      last: end ? { createdAt: String(end.created_at), rowid: Number(end.queue_rowid) } : after,
    };
  }

  /** When the next pending delivery falls due, so the worker can sleep until then. */
  nextDueAt(): string | undefined {
    const r = this.sql.nextDueAt.get() as { t: string | null } | undefined;
    return r?.t ?? undefined;
  }

  /**
   * Safeguarding alerts not delivered (pending past `createdBefore`, or failed) for which the referrer,
   * the duty channel and the admin channel have not yet been told: at most once per alert.
   */
  undeliveredAlerts(createdBefore: Date, limit: number, failedSince?: Date): Delivery[] {
    return (
      this.sql.undeliveredAlerts.all(
        createdBefore.toISOString(),
        failedSince?.toISOString() ?? '',
        limit,
      ) as Row[]
    ).map(toDelivery);
  }

  /** Pending deliveries waiting on this one (after_id). */
  pendingAfter(id: string): Delivery[] {
    return (this.sql.pendingAfter.all(id) as Row[]).map(toDelivery);
  }

  /** Whether the referrer and the channels have been told that this alert was not delivered. */
  alertUndeliveredRaised(alertId: string): boolean {
    return this.sql.alertUndeliveredRaised.get(alertId) !== undefined;
  }

  /** When the oldest pending alert was queued, so the alert lane can wake at its deadline. */
  oldestPendingAlertAt(): string | undefined {
    const r = this.sql.oldestPendingAlertAt.get() as { t: string | null } | undefined;
    return r?.t ?? undefined;
  }

  /** Alerts still pending that were queued at or before `createdBefore` (past their deadline). */
  overdueAlerts(createdBefore: Date): number {
    const r = this.sql.overdueAlerts.get(createdBefore.toISOString()) as { n: number };
    return r.n;
  }

  /**
   * A channel was set: deliveries waiting for a new thread in that role's channel (one not set, or one
   * that refused them) are due now rather than at their next retry, which for an alert may be minutes
   * away. Pending rows only, through the outbox_due index. Returns how many.
   */
  dueNowFor(role: ChannelRole, now: Date): number {
    const changes = this.sql.dueNowFor.run(now.toISOString(), now.toISOString(), role).changes;
    // alerts among them or not, the alert lane looks
    if (changes > 0) alertLaneChanges++;
    return changes;
  }

  /**
   * Claims a due delivery for `by` (a delivery worker) until `until`, if it is still as `d` read it (its
   * attempts, its next attempt and its in-flight mark: nothing has happened to it since) and nobody else
   * holds a live claim on it. Only the claimant posts it or records its outcome, so several instances
   * reading the same queue make each post once. One UPDATE, atomic on either store. A claim that has run
   * out (its holder stopped renewing: it died) may be taken; `d.inFlightAt` then says the post may have
   * been made.
   */
  claim(d: Delivery, by: string, now: Date, until: Date): boolean {
    const at = now.toISOString();
    return (
      this.soon(() =>
        this.sql
          .claim()
          .run(by, until.toISOString(), d.id, d.attempts, d.nextAttemptAt, d.inFlightAt ?? null, at, at, by),
      ).changes === 1
    );
  }

  /** A claim given back without an outcome (the post was held after all): anyone may take it now. */
  unclaim(id: string, by: string): void {
    this.soon(() => this.sql.unclaim().run(id, by));
  }

  /** Every live claim of `by` runs until `until`: called while its posts are under way. Returns how many. */
  renewClaims(by: string, now: Date, until: Date): number {
    return this.soon(() => this.sql.renewClaims().run(until.toISOString(), by, now.toISOString())).changes;
  }

  /** At a stop: `by`'s posts still under way are anyone's to take over now (as interrupted). */
  releaseClaims(by: string): number {
    return this.soon(() => this.sql.releaseClaims().run(by)).changes;
  }

  /** The post is about to be made: false if `by` no longer holds the claim (its lease ran out). */
  markInFlight(id: string, now: Date, by: string): boolean {
    return this.soon(() => this.sql.markInFlight().run(now.toISOString(), id, by)).changes === 1;
  }

  /**
   * Also makes due, in the same transaction, the posts that waited on this one (WAITING_ON_ANOTHER). Not
   * fenced by the claim: a post that was made is recorded as made, whoever made it. False if it already was
   * (another instance took it over and made it too: a duplicate, recognisable by the delivery id).
   */
  markDelivered(id: string, now: Date, conversationId: string, activityId: string | undefined): boolean {
    return this.soon(() => this.delivered(id, now.toISOString(), conversationId, activityId ?? null));
  }

  /**
   * The delivery worker's bookkeeping (claims, a post under way or made) is committed without waiting for
   * the disk (withoutWaitingForDisk): a power cut can only make a post once more, recognisably. What
   * creates a post (enqueue) is committed with what it is about, and waits.
   */
  private soon<T>(fn: () => T): T {
    return withoutWaitingForDisk(this.db, fn);
  }

  /** With `by`, only if `by` still holds the claim (false if not: its lease ran out and another took it). */
  retryAt(id: string, at: Date, error: string, by?: string): boolean {
    return this.sql.retryAt().run(at.toISOString(), error, id, by ?? null, by ?? null).changes === 1;
  }

  /** With `by`, only if `by` still holds the claim (as retryAt). */
  markFailed(id: string, error: string, by?: string): boolean {
    return this.sql.markFailed().run(error, id, by ?? null, by ?? null).changes === 1;
  }

  stats(): OutboxStats {
    const r = this.sql.stats.get() as {
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

/** Queue order: created_at, then rowid within a millisecond. */
function inQueueOrder(a: Row, b: Row): number {
  const x = String(a.created_at);
  const y = String(b.created_at);
  return x < y ? -1 : x > y ? 1 : Number(a.queue_rowid) - Number(b.queue_rowid);
}

/** Prepared on first use: a statement naming an index or a column an older schema lacks (a test writing that schema's rows). */
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

// outbox_pending_target's condition (migration 10), written as there so that SQLite can use the index
const PENDING_TARGET = `status = 'pending' AND next_attempt_at <> '${WAITING_ON_ANOTHER}'`;
const PENDING_TARGET_O = `o.status = 'pending' AND o.next_attempt_at <> '${WAITING_ON_ANOTHER}'`;

function prepare(db: Database.Database) {
  // INDEXED BY: in queue order, stopping at the batch (migration 9); fails to prepare if it cannot be used
  const due = (only: string) =>
    once(() =>
      db.prepare(
        `SELECT o.* FROM outbox o INDEXED BY outbox_pending_queue
         LEFT JOIN outbox a ON a.id = o.after_id
         WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.after_id IS NULL OR a.status = 'delivered')
         ${only}
         ORDER BY o.created_at, o.rowid LIMIT ?`,
      ),
    );
  const dueAny = due('');
  const dueGeneral = due(`AND NOT ${ALERT_SQL}`);
  // the distinct targets with waiting posts, one index seek each (a loose scan of outbox_pending_target)
  const pendingTargets = once(() =>
    db
      .prepare(
        `WITH RECURSIVE pending_targets(target) AS (
         SELECT (SELECT MIN(target_json) FROM outbox INDEXED BY outbox_pending_target WHERE ${PENDING_TARGET})
         UNION ALL
         SELECT (SELECT MIN(target_json) FROM outbox INDEXED BY outbox_pending_target
                 WHERE ${PENDING_TARGET} AND target_json > p.target)
         FROM pending_targets p WHERE p.target IS NOT NULL
       )
       SELECT target FROM pending_targets WHERE target IS NOT NULL`,
      )
      .pluck(),
  );
  // one target's due posts after a place in the queue: created_at >= ? lets the scan start at the page's
  // place in the index; the OR then skips the rows of that millisecond already read. Without payload_json:
  // most rows a pass reads are held (a channel's backlog), and a summary's payload is kilobytes.
  const duePageOf = once(() =>
    db.prepare<[string, string, string, string, number, number]>(
      `SELECT o.id, o.record_id, o.kind, o.target_json, o.after_id, o.status, o.attempts, o.created_at,
         o.next_attempt_at, o.give_up_at, o.in_flight_at, o.claimed_by, o.claimed_until, o.delivered_at,
         o.conversation_id, o.activity_id,
         o.last_error, o.rowid AS queue_rowid FROM outbox o INDEXED BY outbox_pending_target
       LEFT JOIN outbox a ON a.id = o.after_id
       WHERE ${PENDING_TARGET_O} AND o.target_json = ?
         AND o.next_attempt_at <= ? AND (o.after_id IS NULL OR a.status = 'delivered')
         AND NOT ${ALERT_SQL}
         AND o.created_at >= ? AND (o.created_at > ? OR o.rowid > ?)
       ORDER BY o.created_at, o.rowid LIMIT ?`,
    ),
  );
  return {
    payloadOf: db.prepare('SELECT payload_json FROM outbox WHERE id = ?').pluck(),
    due: {
      get any() {
        return dueAny();
      },
      // by kind and status (+: not by next_attempt_at): only the pending alerts are read, whatever waits
      // in the other lane (a burst of summaries held by the rate limits)
      alert: db.prepare<[string, number]>(
        `SELECT o.* FROM outbox o
         LEFT JOIN outbox a ON a.id = o.after_id
         WHERE o.kind IN (${ALERT_KINDS_SQL}) AND o.status = 'pending' AND +o.next_attempt_at <= ?
           AND (o.after_id IS NULL OR a.status = 'delivered')
         ORDER BY o.created_at, o.rowid LIMIT ?`,
      ),
      get general() {
        return dueGeneral();
      },
    } satisfies Record<Lane | 'any', Database.Statement>,
    get pendingTargets() {
      return pendingTargets();
    },
    get duePageOf() {
      return duePageOf();
    },
    nextDueAt: db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'`),
    // +o.id (no affinity): lets SQLite look the notices up in outbox_alert_undelivered (migration 6)
    undeliveredAlerts: db.prepare(
      `SELECT o.* FROM outbox o
       WHERE o.kind = 'safeguarding-alert'
         AND ((o.status = 'pending' AND o.created_at <= ?) OR (o.status = 'failed' AND o.created_at >= ?))
         AND NOT EXISTS (
           SELECT 1 FROM outbox f WHERE f.kind = 'alert-undelivered'
             AND json_extract(f.payload_json, '$.alertId') = +o.id)
       ORDER BY o.created_at, o.rowid LIMIT ?`,
    ),
    pendingAfter: db.prepare(
      `SELECT * FROM outbox WHERE after_id = ? AND status = 'pending' ORDER BY created_at, rowid`,
    ),
    alertUndeliveredRaised: db.prepare(
      `SELECT 1 FROM outbox WHERE kind = 'alert-undelivered' AND json_extract(payload_json, '$.alertId') = ? LIMIT 1`,
    ),
    oldestPendingAlertAt: db.prepare(
      `SELECT MIN(o.created_at) AS t FROM outbox o WHERE o.kind = 'safeguarding-alert' AND o.status = 'pending'
         AND NOT EXISTS (
           SELECT 1 FROM outbox f WHERE f.kind = 'alert-undelivered'
             AND json_extract(f.payload_json, '$.alertId') = +o.id)`,
    ),
    overdueAlerts: db.prepare(
      `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'safeguarding-alert' AND status = 'pending' AND created_at <= ?`,
    ),
    dueNowFor: db.prepare(
      `UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?
         AND next_attempt_at <> '${WAITING_ON_ANOTHER}'
         AND json_extract(target_json, '$.type') = 'channel' AND json_extract(target_json, '$.role') = ?`,
    ),
    // by outbox_after (migration 7)
    followersDue: db.prepare(
      `UPDATE outbox SET next_attempt_at = ? WHERE after_id = ? AND status = 'pending'
         AND next_attempt_at = '${WAITING_ON_ANOTHER}'`,
    ),
    // IS: in_flight_at may be NULL on both sides
    claim: once(() =>
      db.prepare(
        `UPDATE outbox SET claimed_by = ?, claimed_until = ?
       WHERE id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at = ? AND in_flight_at IS ?
         AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)`,
      ),
    ),
    unclaim: once(() =>
      db.prepare('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?'),
    ),
    // by outbox_claimed (migration 11); a claim that ran out is not revived (another may have taken it)
    renewClaims: once(() =>
      db.prepare(
        `UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending' AND claimed_until > ?`,
      ),
    ),
    releaseClaims: once(() =>
      db.prepare('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?'),
    ),
    markInFlight: once(() =>
      db.prepare(
        `UPDATE outbox SET in_flight_at = ?, attempts = attempts + 1
       WHERE id = ? AND status = 'pending' AND claimed_by = ?`,
      ),
    ),
    markDelivered: once(() =>
      db.prepare(
        `UPDATE outbox SET status = 'delivered', delivered_at = ?, in_flight_at = NULL, conversation_id = ?,
         activity_id = ?, last_error = NULL, claimed_by = NULL, claimed_until = NULL
       WHERE id = ? AND status <> 'delivered'`,
      ),
    ),
    retryAt: once(() =>
      db.prepare(
        `UPDATE outbox SET next_attempt_at = ?, in_flight_at = NULL, last_error = ?, claimed_by = NULL,
         claimed_until = NULL
       WHERE id = ? AND (? IS NULL OR claimed_by = ?)`,
      ),
    ),
    markFailed: once(() =>
      db.prepare(
        `UPDATE outbox SET status = 'failed', in_flight_at = NULL, last_error = ?, claimed_by = NULL,
         claimed_until = NULL
       WHERE id = ? AND (? IS NULL OR claimed_by = ?)`,
      ),
    ),
    stats: db.prepare(
      `SELECT
         SUM(status = 'pending') AS pending, SUM(status = 'failed') AS failed, SUM(status = 'delivered') AS delivered,
         MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest
       FROM outbox`,
    ),
  };
}
