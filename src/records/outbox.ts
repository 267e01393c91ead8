import type Database from 'better-sqlite3';
import type { ChannelRole } from '../domain/channel-role';
import { type DeliveryKind, type DeliveryTarget, isAlertKind, type PressedOn } from '../domain/deliveries';
import {
  type Dialect,
  perStore,
  type Query,
  type SqlStore,
  type SqlText,
  select,
  selectOne,
  write,
} from '../storage/sql';
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

/**
 * Where a page of the queue ended: its last row's place in the order (created_at, then the insert order
 * within a millisecond: SQLite's rowid, PostgreSQL's row_order).
 */
export interface QueuePosition {
  readonly createdAt: string;
  readonly insertOrder: number;
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
  /** The delivery worker (instance) that has claimed it, until claimedUntil: see claimDelivery. */
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
const OF_RECORD = perStore(
  (d) => `SELECT * FROM outbox WHERE record_id = ? ORDER BY created_at, ${d.insertOrder}`,
);

export function* deliveriesOfRecord(recordId: string): Query<Delivery[]> {
  const rows = yield* select<Row>(OF_RECORD, [recordId]);
  return rows.map(toDelivery);
}

const OF_DRAFT_ALERT = perStore(
  (d) => `SELECT * FROM outbox WHERE record_id IS NULL AND ${d.json('payload_json', 'draftAlertId')} = ?
          ORDER BY created_at, ${d.insertOrder}`,
);

/**
 * The deliveries of an alert raised while its call is in progress, while it has no record: each
 * carries the alert's id (draftAlertId), found by the outbox_draft_alert index (each store's own
 * expression: its index is on it).
 */
export function* deliveriesOfDraftAlert(draftAlertId: string): Query<Delivery[]> {
  const rows = yield* select<Row>(OF_DRAFT_ALERT, [draftAlertId]);
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

/*
 * The delivery worker's queue, written once for both stores. Where their SQL differs it is in the
 * order of a millisecond's rows (SQLite's rowid, PostgreSQL's row_order), reading JSON, and SQLite's
 * hints (INDEXED BY, a unary + that keeps a term off an index), each tuned in issue 10.
 */

/** The due queries' common shape, for a table aliased `o`. */
const dueSql = (only: string): SqlText =>
  perStore(
    (d) => `SELECT o.* FROM outbox o ${d.sqliteOnly('INDEXED BY outbox_pending_queue')}
       LEFT JOIN outbox a ON a.id = o.after_id
       WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.after_id IS NULL OR a.status = 'delivered')
       ${only}
       ORDER BY o.created_at, o.${d.insertOrder} LIMIT ?`,
  );
const DUE: Record<Lane | 'any', SqlText> = {
  // INDEXED BY: in queue order, stopping at the batch (migration 9); fails to prepare if it cannot be used
  any: dueSql(''),
  general: dueSql(`AND NOT ${ALERT_SQL}`),
  // by kind and status (SQLite's +: not by next_attempt_at): only the pending alerts are read, whatever
  // waits in the other lane (a burst of summaries held by the rate limits)
  alert: perStore(
    (d) => `SELECT o.* FROM outbox o
       LEFT JOIN outbox a ON a.id = o.after_id
       WHERE o.kind IN (${ALERT_KINDS_SQL}) AND o.status = 'pending' AND ${d.sqliteOnly('+')}o.next_attempt_at <= ?
         AND (o.after_id IS NULL OR a.status = 'delivered')
       ORDER BY o.created_at, o.${d.insertOrder} LIMIT ?`,
  ),
};

/**
 * Pending deliveries that are due and whose predecessor, if any, has been made; oldest first. With a
 * lane, only that lane's kinds (see isAlertKind).
 */
export function* dueDeliveries(now: Date, limit: number, lane?: Lane): Query<Delivery[]> {
  return (yield* select<Row>(DUE[lane ?? 'any'], [now.toISOString(), limit])).map(toDelivery);
}

// outbox_pending_target's condition (migration 10), written as there so that SQLite can use the index
const PENDING_TARGET = `status = 'pending' AND next_attempt_at <> '${WAITING_ON_ANOTHER}'`;
const PENDING_TARGET_O = `o.status = 'pending' AND o.next_attempt_at <> '${WAITING_ON_ANOTHER}'`;

/** The distinct targets with waiting posts, one index seek each (a loose scan of outbox_pending_target). */
const PENDING_TARGETS = perStore((d) => {
  const index = d.sqliteOnly('INDEXED BY outbox_pending_target');
  return `WITH RECURSIVE pending_targets(target) AS (
       SELECT (SELECT MIN(target_json) FROM outbox ${index} WHERE ${PENDING_TARGET})
       UNION ALL
       SELECT (SELECT MIN(target_json) FROM outbox ${index} WHERE ${PENDING_TARGET} AND target_json > p.target)
       FROM pending_targets p WHERE p.target IS NOT NULL
     )
     SELECT target FROM pending_targets WHERE target IS NOT NULL`;
});

const PAGE_COLUMNS = `o.id, o.record_id, o.kind, o.target_json, o.after_id, o.status, o.attempts, o.created_at,
  o.next_attempt_at, o.give_up_at, o.in_flight_at, o.claimed_by, o.claimed_until, o.delivered_at,
  o.conversation_id, o.activity_id, o.last_error`;

/**
 * One target's due posts after a place in the queue: created_at >= ? lets the scan start at the page's
 * place in the index; the OR then skips the rows of that millisecond already read. SQLite's leaves out
 * payload_json (read when used, through the Outbox's payloadOf): most rows a pass reads are held (a
 * channel's backlog), and a summary's payload is kilobytes. PostgreSQL's reads it with the row (one trip).
 */
const DUE_PAGE_OF = perStore(
  (d) => `SELECT ${PAGE_COLUMNS}, ${d.postgresOnly('o.payload_json, ')}o.${d.insertOrder} AS queue_order
     FROM outbox o ${d.sqliteOnly('INDEXED BY outbox_pending_target')}
     LEFT JOIN outbox a ON a.id = o.after_id
     WHERE ${PENDING_TARGET_O} AND o.target_json = ?
       AND o.next_attempt_at <= ? AND (o.after_id IS NULL OR a.status = 'delivered')
       AND NOT ${ALERT_SQL}
       AND o.created_at >= ? AND (o.created_at > ? OR o.${d.insertOrder} > ?)
     ORDER BY o.created_at, o.${d.insertOrder} LIMIT ?`,
);

/** The queue's statements, whose plans on SQLite are tested (test/delivery/outbox-lanes.test.ts). */
export const QUEUE_STATEMENTS = {
  due: DUE,
  duePageOf: DUE_PAGE_OF,
  pendingTargets: PENDING_TARGETS,
} as const;

/**
 * The due posts of the general lane a page at a time: the page after `after` (a previous page's `last`),
 * leaving out posts whose target is one of `skipTargets` (their JSON as stored: a channel already held
 * in this pass, whose later posts would only be read to be held too).
 *
 * Read target by target (outbox_pending_target, migration 10): the few targets with waiting posts, then
 * each one's next posts in queue order, merged here. A backlog that one channel's rate limit holds is
 * then not walked at all once that channel is skipped; read in one queue order, every pass walked all of
 * it past the skipped channel to find the posts for anyone else (0.8 ms a page with 2,000 held).
 * `payloadOf`: how a row read without its payload reads it when it is first used (SQLite's page leaves it
 * out); without one, the page's payloads are read with it.
 */
export function* dueDeliveryPage(
  now: Date,
  limit: number,
  after: QueuePosition | undefined,
  skipTargets: readonly string[],
  payloadOf?: (id: string) => string,
): Query<{ rows: Delivery[]; last: QueuePosition | undefined }> {
  const from = after ?? { createdAt: '', insertOrder: 0 };
  const at = now.toISOString();
  const raw: Row[] = [];
  for (const { target } of yield* select<{ target: string }>(PENDING_TARGETS)) {
    if (skipTargets.includes(target)) continue;
    raw.push(
      ...(yield* select<Row>(DUE_PAGE_OF, [
        target,
        at,
        from.createdAt,
        from.createdAt,
        from.insertOrder,
        limit,
      ])),
    );
  }
  // a few targets' pages of `limit` at most, each already in queue order
  if (raw.length > 1) raw.sort(inQueueOrder);
  raw.length = Math.min(raw.length, limit);
  if (!payloadOf) {
    // nobody to read them when used: read now what SQLite's page left out
    for (const r of raw) {
      if (r.payload_json !== undefined) continue;
      const p = yield* selectOne<{ payload_json: string }>('SELECT payload_json FROM outbox WHERE id = ?', [
        r.id!,
      ]);
      r.payload_json = p?.payload_json ?? '{}';
    }
  }
  const end = raw[raw.length - 1];
  return {
    rows: raw.map((r) => deliveryOf(r, payloadOf)),
    last: end ? { createdAt: String(end.created_at), insertOrder: Number(end.queue_order) } : after,
  };
}

/** When the next pending delivery falls due, so the worker can sleep until then. */
export function* nextDueAt(): Query<string | undefined> {
  const r = yield* selectOne<{ t: string | null }>(
    `SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'`,
  );
  return r?.t ?? undefined;
}

/**
 * The "not delivered" notice of alert `o`, by the outbox_alert_undelivered index (SQLite's + on o.id,
 * no affinity, lets it look the notices up there: migration 6).
 */
const noticeOf = (d: Dialect) =>
  `f.kind = 'alert-undelivered' AND ${d.json('f.payload_json', 'alertId')} = ${d.sqliteOnly('+')}o.id`;

const UNDELIVERED_ALERTS = perStore(
  (d) => `SELECT o.* FROM outbox o
   WHERE o.kind = 'safeguarding-alert'
     AND ((o.status = 'pending' AND o.created_at <= ?) OR (o.status = 'failed' AND o.created_at >= ?))
     AND NOT EXISTS (SELECT 1 FROM outbox f WHERE ${noticeOf(d)})
   ORDER BY o.created_at, o.${d.insertOrder} LIMIT ?`,
);

/**
 * Safeguarding alerts not delivered (pending past `createdBefore`, or failed) for which the referrer,
 * the duty channel and the admin channel have not yet been told: at most once per alert.
 */
export function* undeliveredAlerts(
  createdBefore: Date,
  limit: number,
  failedSince?: Date,
): Query<Delivery[]> {
  const rows = yield* select<Row>(UNDELIVERED_ALERTS, [
    createdBefore.toISOString(),
    failedSince?.toISOString() ?? '',
    limit,
  ]);
  return rows.map(toDelivery);
}

const PENDING_AFTER = perStore(
  (d) =>
    `SELECT * FROM outbox WHERE after_id = ? AND status = 'pending' ORDER BY created_at, ${d.insertOrder}`,
);

/** Pending deliveries waiting on this one (after_id). */
export function* pendingAfter(id: string): Query<Delivery[]> {
  const rows = yield* select<Row>(PENDING_AFTER, [id]);
  return rows.map(toDelivery);
}

const NOTICE_RAISED = perStore(
  (d) =>
    `SELECT 1 AS raised FROM outbox WHERE kind = 'alert-undelivered' AND ${d.json('payload_json', 'alertId')} = ? LIMIT 1`,
);

/** Whether the referrer and the channels have been told that this alert was not delivered. */
export function* alertUndeliveredRaised(alertId: string): Query<boolean> {
  const r = yield* selectOne(NOTICE_RAISED, [alertId]);
  return r !== undefined;
}

const OLDEST_PENDING_ALERT = perStore(
  (
    d,
  ) => `SELECT MIN(o.created_at) AS t FROM outbox o WHERE o.kind = 'safeguarding-alert' AND o.status = 'pending'
     AND NOT EXISTS (SELECT 1 FROM outbox f WHERE ${noticeOf(d)})`,
);

/** When the oldest pending alert was queued, so the alert lane can wake at its deadline. */
export function* oldestPendingAlertAt(): Query<string | undefined> {
  const r = yield* selectOne<{ t: string | null }>(OLDEST_PENDING_ALERT);
  return r?.t ?? undefined;
}

/** Alerts still pending that were queued at or before `createdBefore` (past their deadline). */
export function* overdueAlerts(createdBefore: Date): Query<number> {
  const r = yield* selectOne<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'safeguarding-alert' AND status = 'pending' AND created_at <= ?`,
    [createdBefore.toISOString()],
  );
  return Number(r?.n ?? 0);
}

const DUE_NOW_FOR = perStore(
  (d) => `UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?
     AND next_attempt_at <> '${WAITING_ON_ANOTHER}'
     AND ${d.json('target_json', 'type')} = 'channel' AND ${d.json('target_json', 'role')} = ?`,
);

/**
 * A channel was set: deliveries waiting for a new thread in that role's channel (one not set, or one
 * that refused them) are due now rather than at their next retry, which for an alert may be minutes
 * away. Pending rows only, through the outbox_due index. Returns how many.
 */
export function* dueNowFor(role: ChannelRole, now: Date): Query<number> {
  const at = now.toISOString();
  const { changes } = yield* write(DUE_NOW_FOR, [at, at, role]);
  // alerts among them or not, the alert lane looks
  if (changes > 0) alertLaneChanges++;
  return changes;
}

/** A claim's UPDATE, for a post read as not in flight and as in flight (its in_flight_at compared). */
const CLAIM = (() => {
  const claim = (inFlight: string) => {
    const still = `id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at = ? AND ${inFlight}
       AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)`;
    return perStore(
      (d) => `UPDATE outbox SET claimed_by = ?, claimed_until = ?
        WHERE ${d.sqliteOnly(still)}${d.postgresOnly(`id = (SELECT id FROM outbox WHERE ${still} FOR UPDATE SKIP LOCKED)`)}`,
    );
  };
  return { notInFlight: claim('in_flight_at IS NULL'), inFlight: claim('in_flight_at = ?') };
})();

/**
 * Claims a due delivery for `by` (a delivery worker) until `until`, if it is still as `d` read it (its
 * attempts, its next attempt and its in-flight mark: nothing has happened to it since) and nobody else
 * holds a live claim on it. Only the claimant posts it or records its outcome, so several instances
 * reading the same queue make each post once. One UPDATE, atomic on either store; on PostgreSQL a row
 * another instance is claiming at this moment is passed over (SKIP LOCKED) rather than waited for. A
 * claim that has run out (its holder stopped renewing: it died) may be taken; `d.inFlightAt` then says
 * the post may have been made.
 */
export function* claimDelivery(d: Delivery, by: string, now: Date, until: Date): Query<boolean> {
  const at = now.toISOString();
  const { changes } = yield* write(CLAIM[d.inFlightAt === undefined ? 'notInFlight' : 'inFlight'], [
    by,
    until.toISOString(),
    d.id,
    d.attempts,
    d.nextAttemptAt,
    ...(d.inFlightAt === undefined ? [] : [d.inFlightAt]),
    at,
    at,
    by,
  ]);
  return changes === 1;
}

/** A claim given back without an outcome (the post was held after all): anyone may take it now. */
export function* unclaimDelivery(id: string, by: string): Query<void> {
  yield* write('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?', [
    id,
    by,
  ]);
}

/**
 * Every live claim of `by` runs until `until`: called while its posts are under way. Returns how many. By
 * outbox_claimed (migration 11); a claim that ran out is not revived (another may have taken it).
 */
export function* renewClaims(by: string, now: Date, until: Date): Query<number> {
  return (yield* write(
    `UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending' AND claimed_until > ?`,
    [until.toISOString(), by, now.toISOString()],
  )).changes;
}

/** At a stop: `by`'s posts still under way are anyone's to take over now (as interrupted). */
export function* releaseClaims(by: string): Query<number> {
  return (yield* write('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?', [
    by,
  ])).changes;
}

/** The post is about to be made: false if `by` no longer holds the claim (its lease ran out). */
export function* markInFlight(id: string, now: Date, by: string): Query<boolean> {
  const { changes } = yield* write(
    `UPDATE outbox SET in_flight_at = ?, attempts = attempts + 1
     WHERE id = ? AND status = 'pending' AND claimed_by = ?`,
    [now.toISOString(), id, by],
  );
  return changes === 1;
}

/**
 * Also makes due, in the same transaction, the posts that waited on this one (WAITING_ON_ANOTHER, by
 * outbox_after). Not fenced by the claim: a post that was made is recorded as made, whoever made it. False
 * if it already was (another instance took it over and made it too: a duplicate, recognisable by the
 * delivery id).
 */
export function* markDelivered(
  id: string,
  now: Date,
  conversationId: string,
  activityId: string | undefined,
): Query<boolean> {
  const at = now.toISOString();
  const { changes } = yield* write(
    `UPDATE outbox SET status = 'delivered', delivered_at = ?, in_flight_at = NULL, conversation_id = ?,
       activity_id = ?, last_error = NULL, claimed_by = NULL, claimed_until = NULL
     WHERE id = ? AND status <> 'delivered'`,
    [at, conversationId, activityId ?? null, id],
  );
  if (changes === 0) return false;
  yield* write(
    `UPDATE outbox SET next_attempt_at = ? WHERE after_id = ? AND status = 'pending'
       AND next_attempt_at = '${WAITING_ON_ANOTHER}'`,
    [at, id],
  );
  return true;
}

/** With `by`, only if `by` still holds the claim. */
const heldBy = (by: string | undefined) => (by === undefined ? '' : ' AND claimed_by = ?');

/** With `by`, only if `by` still holds the claim (false if not: its lease ran out and another took it). */
export function* retryDeliveryAt(id: string, at: Date, error: string, by?: string): Query<boolean> {
  const { changes } = yield* write(
    `UPDATE outbox SET next_attempt_at = ?, in_flight_at = NULL, last_error = ?, claimed_by = NULL,
       claimed_until = NULL
     WHERE id = ?${heldBy(by)}`,
    [at.toISOString(), error, id, ...(by === undefined ? [] : [by])],
  );
  return changes === 1;
}

/** With `by`, only if `by` still holds the claim (as retryDeliveryAt). */
export function* failDelivery(id: string, error: string, by?: string): Query<boolean> {
  const { changes } = yield* write(
    `UPDATE outbox SET status = 'failed', in_flight_at = NULL, last_error = ?, claimed_by = NULL,
       claimed_until = NULL
     WHERE id = ?${heldBy(by)}`,
    [error, id, ...(by === undefined ? [] : [by])],
  );
  return changes === 1;
}

export function* outboxStats(): Query<OutboxStats> {
  const r = yield* selectOne<{
    pending: number | string | null;
    failed: number | string | null;
    delivered: number | string | null;
    oldest: string | null;
  }>(
    `SELECT
       SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
       SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) AS delivered,
       MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest
     FROM outbox`,
  );
  return {
    pending: Number(r?.pending ?? 0),
    failed: Number(r?.failed ?? 0),
    delivered: Number(r?.delivered ?? 0),
    oldestPendingAt: r?.oldest ?? undefined,
  };
}

/**
 * The outbox's queries run synchronously on SQLite, for the callers still synchronous (the delivery
 * worker's pass, the scheduler's tick), until they move to the seam's transact (issue 11). Rows change
 * status as they go; the audit log keeps the history.
 */
/**
 * How a page row's payload is read when it is first used (dueDeliveryPage), on SQLite, whose queries can
 * run synchronously: most rows a pass reads are held, and a summary's payload is kilobytes. PostgreSQL's
 * page reads the payloads with the rows (undefined: nothing to read later).
 */
export function lazyPayloads(sql: SqlStore): ((id: string) => string) | undefined {
  if (!(sql instanceof SqliteSql)) return undefined;
  return (id) => {
    const r = sql.transactNow(
      selectOne<{ payload_json: string }>('SELECT payload_json FROM outbox WHERE id = ?', [id]),
      { readOnly: true },
    );
    if (r === undefined) throw new Error(`delivery ${id} is no longer in the outbox`);
    return r.payload_json;
  };
}

export class Outbox {
  private readonly seam: SqliteSql;
  private readonly payloadOf: (id: string) => string;

  constructor(db: Database.Database) {
    this.seam = new SqliteSql(db);
    this.payloadOf = lazyPayloads(this.seam)!;
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
    return this.read(deliveryById(id));
  }

  forRecord(recordId: string): Delivery[] {
    return this.read(deliveriesOfRecord(recordId));
  }

  forDraftAlert(draftAlertId: string): Delivery[] {
    return this.read(deliveriesOfDraftAlert(draftAlertId));
  }

  due(now: Date, limit: number, lane?: Lane): Delivery[] {
    return this.read(dueDeliveries(now, limit, lane));
  }

  duePage(
    now: Date,
    limit: number,
    after: QueuePosition | undefined,
    skipTargets: readonly string[],
  ): { rows: Delivery[]; last: QueuePosition | undefined } {
    return this.read(dueDeliveryPage(now, limit, after, skipTargets, this.payloadOf));
  }

  nextDueAt(): string | undefined {
    return this.read(nextDueAt());
  }

  undeliveredAlerts(createdBefore: Date, limit: number, failedSince?: Date): Delivery[] {
    return this.read(undeliveredAlerts(createdBefore, limit, failedSince));
  }

  pendingAfter(id: string): Delivery[] {
    return this.read(pendingAfter(id));
  }

  alertUndeliveredRaised(alertId: string): boolean {
    return this.read(alertUndeliveredRaised(alertId));
  }

  oldestPendingAlertAt(): string | undefined {
    return this.read(oldestPendingAlertAt());
  }

  overdueAlerts(createdBefore: Date): number {
    return this.read(overdueAlerts(createdBefore));
  }

  dueNowFor(role: ChannelRole, now: Date): number {
    return this.seam.transactNow(dueNowFor(role, now));
  }

  /*
   * The delivery worker's bookkeeping (claims, a post under way or made) is committed without waiting for
   * the disk ('soon'): a power cut can only make a post once more, recognisably. What creates a post
   * (enqueue) is committed with what it is about, and waits.
   */

  claim(d: Delivery, by: string, now: Date, until: Date): boolean {
    return this.soon(claimDelivery(d, by, now, until));
  }

  unclaim(id: string, by: string): void {
    this.soon(unclaimDelivery(id, by));
  }

  renewClaims(by: string, now: Date, until: Date): number {
    return this.soon(renewClaims(by, now, until));
  }

  releaseClaims(by: string): number {
    return this.soon(releaseClaims(by));
  }

  markInFlight(id: string, now: Date, by: string): boolean {
    return this.soon(markInFlight(id, now, by));
  }

  markDelivered(id: string, now: Date, conversationId: string, activityId: string | undefined): boolean {
    return this.soon(markDelivered(id, now, conversationId, activityId));
  }

  retryAt(id: string, at: Date, error: string, by?: string): boolean {
    return this.seam.transactNow(retryDeliveryAt(id, at, error, by));
  }

  markFailed(id: string, error: string, by?: string): boolean {
    return this.seam.transactNow(failDelivery(id, error, by));
  }

  stats(): OutboxStats {
    return this.read(outboxStats());
  }

  private read<T>(query: Query<T>): T {
    return this.seam.transactNow(query, { readOnly: true });
  }

  private soon<T>(query: Query<T>): T {
    return this.seam.transactNow(query, { durability: 'soon' });
  }
}

/** Queue order: created_at, then the insert order within a millisecond. */
function inQueueOrder(a: Row, b: Row): number {
  const x = String(a.created_at);
  const y = String(b.created_at);
  return x < y ? -1 : x > y ? 1 : Number(a.queue_order) - Number(b.queue_order);
}
