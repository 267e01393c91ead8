import { type Delivery, dueDeliveries, dueDeliveryPage, type QueuePosition } from '../records/outbox';
import type { Query } from '../storage/sql';
import type { LaneState } from './lane';
import type { Bucket } from './rate-limit';
import type { Plan } from './targets';

/** Rows of the general lane's queue read at once: a pass usually starts a few posts, not a batch. */
const QUEUE_PAGE = 16;

/**
 * The lane's due rows in queue order, up to a batch. The general lane reads a page at a time, each page
 * without the channels this pass has found held so far (`heldTargets`): all of a channel's posts share
 * its order and its rate limits, so once one is held every later one would be too. A burst of summaries
 * into the duty channel is then read once a pass, not row by row up to the batch on every pass.
 * `payloadOf`: how a page row read without its payload reads it when used (SQLite's; see dueDeliveryPage).
 */
export async function* dueQueue(
  read: <T>(query: Query<T>) => Promise<T>,
  lane: LaneState,
  now: Date,
  batch: number,
  heldTargets: ReadonlySet<string>,
  count: { rows: number },
  payloadOf?: (id: string) => string,
): AsyncGenerator<Delivery> {
  if (lane.name === 'alert') {
    const rows = await read(dueDeliveries(now, batch, 'alert'));
    count.rows = rows.length;
    yield* rows;
    return;
  }
  let after: QueuePosition | undefined;
  while (count.rows < batch) {
    const limit = Math.min(QUEUE_PAGE, batch - count.rows);
    const page = await read(dueDeliveryPage(now, limit, after, [...heldTargets], payloadOf));
    count.rows += page.rows.length;
    yield* page.rows;
    if (page.rows.length < limit) return;
    after = page.last;
  }
}

/**
 * What keeps posts in order: outside the alert lane, the conversation (a channel's threads count as
 * the channel); in the alert lane a new thread needs no order, a reply or update its thread.
 */
export function orderKey(
  lane: LaneState,
  plan: Extract<Plan, { buckets: readonly Bucket[] }>,
): string | undefined {
  if (lane.name === 'general') return plan.buckets[0]!.key;
  return plan.type === 'thread' ? undefined : `thread:${plan.conversationId}`;
}
