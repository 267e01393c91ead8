import type { ChannelRole } from '../domain/channel-role';
import { isAlertKind } from '../domain/deliveries';
import type { ChannelRegistry, ChannelTarget } from '../records/channels';
import type { DraftAlert } from '../records/draft-alerts';
import type { Delivery } from '../records/outbox';
import { type Bucket, conversationBucket, notAlertsBucket, tenantBucket } from './rate-limit';

/**
 * Target choice: where a delivery goes now and which of Teams' rate limits it counts against, or why it
 * cannot go yet (a channel not set, a thread not started) or ever. Reads the channels, the outbox (a
 * thread's first post) and the referrer's contact; posts nothing.
 */

/** What target choice reads (the worker's: each a transaction on the SQL seam). */
export interface TargetDeps {
  readonly outbox: { get(id: string): Promise<Delivery | undefined> };
  readonly channels: Pick<ChannelRegistry, 'get'>;
  readonly contacts: { get(recordId: string): Promise<Contact | undefined> };
  readonly draftAlerts?: { get(id: string): Promise<DraftAlert | undefined> } | undefined;
  /** The tenant the bot serves: the bucket for Teams' per-tenant limit. */
  readonly tenantId: string;
}

/** A referrer's personal chat with the bot. */
export interface Contact {
  readonly serviceUrl: string;
  readonly conversationId: string;
}

export type Plan =
  | {
      readonly type: 'thread';
      readonly serviceUrl: string;
      readonly channelId: string;
      readonly tenantId: string;
      readonly buckets: readonly Bucket[];
    }
  | {
      readonly type: 'send';
      readonly serviceUrl: string;
      readonly conversationId: string;
      readonly buckets: readonly Bucket[];
    }
  | {
      readonly type: 'update';
      readonly serviceUrl: string;
      readonly conversationId: string;
      readonly activityId: string;
      readonly buckets: readonly Bucket[];
    }
  /** Not possible yet (a channel not set, a thread not started): look again later, until give-up. */
  | { readonly type: 'wait'; readonly reason: string }
  | { readonly type: 'fail'; readonly reason: string };

/**
 * `channels` memoises the channel look-ups of one pass: a pass over a backlog plans up to `batch`
 * rows, and the channels do not change within it.
 */
export async function planDelivery(
  d: Delivery,
  deps: TargetDeps,
  channels?: Map<ChannelRole, ChannelTarget | undefined>,
): Promise<Plan> {
  const channel = async (role: ChannelRole): Promise<ChannelTarget | undefined> => {
    if (!channels) return deps.channels.get(role);
    if (!channels.has(role)) channels.set(role, await deps.channels.get(role));
    return channels.get(role);
  };
  const t = d.target;
  // everything but alerts also counts against a share of the tenant's budget, leaving room for alerts
  const tenant = isAlertKind(d.kind)
    ? [tenantBucket(deps.tenantId)]
    : [tenantBucket(deps.tenantId), notAlertsBucket(deps.tenantId)];
  switch (t.type) {
    case 'channel': {
      const ch = await channel(t.role);
      if (!ch) return { type: 'wait', reason: `no ${t.role} channel` };
      return {
        type: 'thread',
        serviceUrl: ch.serviceUrl,
        channelId: ch.channelId,
        tenantId: ch.tenantId,
        buckets: [conversationBucket(ch.channelId), ...tenant],
      };
    }
    case 'thread': {
      const parent = await deps.outbox.get(t.of);
      if (!parent) return { type: 'fail', reason: 'thread unknown' };
      if (parent.status === 'failed') return { type: 'fail', reason: 'thread not started' };
      if (parent.status !== 'delivered' || !parent.conversationId) {
        return { type: 'wait', reason: 'thread pending' };
      }
      if (parent.target.type !== 'channel') return { type: 'fail', reason: 'thread not in a channel' };
      const ch = await channel(parent.target.role);
      if (!ch) return { type: 'wait', reason: `no ${parent.target.role} channel` };
      return {
        type: 'send',
        serviceUrl: ch.serviceUrl,
        conversationId: parent.conversationId,
        buckets: [conversationBucket(parent.conversationId), ...tenant],
      };
    }
    case 'referrer': {
      const contact = await referrerContact(d, deps);
      if (!contact) return { type: 'fail', reason: 'no referrer contact' };
      return {
        type: 'send',
        serviceUrl: contact.serviceUrl,
        conversationId: contact.conversationId,
        buckets: [conversationBucket(contact.conversationId), ...tenant],
      };
    }
    case 'update': {
      const of = await deps.outbox.get(t.of);
      if (!of) return { type: 'fail', reason: 'message unknown' };
      let conversationId = t.conversationId;
      let activityId = t.activityId;
      if (!conversationId || !activityId) {
        if (of.status === 'failed') return { type: 'fail', reason: 'message not posted' };
        if (of.status !== 'delivered') return { type: 'wait', reason: 'message pending' };
        if (!of.conversationId || !of.activityId) return { type: 'fail', reason: 'message id unknown' };
        conversationId = of.conversationId;
        activityId = of.activityId;
      }
      const role = await channelRoleOf(of, deps);
      if (!role) return { type: 'fail', reason: 'message not in a channel' };
      const ch = await channel(role);
      if (!ch) return { type: 'wait', reason: `no ${role} channel` };
      return {
        type: 'update',
        serviceUrl: ch.serviceUrl,
        conversationId,
        activityId,
        buckets: [conversationBucket(conversationId), ...tenant],
      };
    }
  }
}

/** The channel a delivery's message is in: its own target, or its thread's. */
async function channelRoleOf(d: Delivery, deps: TargetDeps): Promise<ChannelRole | undefined> {
  if (d.target.type === 'channel') return d.target.role;
  if (d.target.type === 'thread') {
    const parent = await deps.outbox.get(d.target.of);
    return parent?.target.type === 'channel' ? parent.target.role : undefined;
  }
  return undefined;
}

/**
 * The record's contact; failing that, one the delivery carries (an alert queued from a draft in
 * progress, before any record exists, carries the referrer's chat in `payload.contact`).
 */
async function referrerContact(d: Delivery, deps: TargetDeps): Promise<Contact | undefined> {
  const stored = d.recordId ? await deps.contacts.get(d.recordId) : undefined;
  if (stored) return stored;
  // the in-progress alert's own record of the referrer's chat, whatever the payload carries
  const alert =
    typeof d.payload.draftAlertId === 'string'
      ? await deps.draftAlerts?.get(d.payload.draftAlertId)
      : undefined;
  const own = alert && contactOfDraftAlert(alert);
  if (own) return own;
  const c = d.payload.contact as { serviceUrl?: unknown; conversationId?: unknown } | undefined;
  return c && typeof c.serviceUrl === 'string' && typeof c.conversationId === 'string'
    ? { serviceUrl: c.serviceUrl, conversationId: c.conversationId }
    : undefined;
}

/** The referrer's chat as the in-progress alert recorded it. */
export function contactOfDraftAlert(alert: DraftAlert): Contact {
  return { serviceUrl: alert.contact.serviceUrl, conversationId: alert.contact.conversationId };
}
