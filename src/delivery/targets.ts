import type { ChannelRole } from '../domain/channel-role';
import { isAlertKind } from '../domain/deliveries';
import type { CallContacts } from '../records/call-contacts';
import type { ChannelRegistry, ChannelTarget } from '../records/channels';
import type { DraftAlerts } from '../records/draft-alerts';
import type { Delivery, Outbox } from '../records/outbox';
import { type Bucket, conversationBucket, notAlertsBucket, tenantBucket } from './rate-limit';

/**
 * Target choice: where a delivery goes now and which of Teams' rate limits it counts against, or why it
 * cannot go yet (a channel not set, a thread not started) or ever. Reads the channels, the outbox (a
 * thread's first post) and the referrer's contact; posts nothing.
 */

/** What target choice reads. */
export interface TargetDeps {
  readonly outbox: Pick<Outbox, 'get'>;
  readonly channels: Pick<ChannelRegistry, 'get'>;
  readonly contacts: Pick<CallContacts, 'get'>;
  readonly draftAlerts?: Pick<DraftAlerts, 'get'> | undefined;
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
export function planDelivery(
  d: Delivery,
  deps: TargetDeps,
  channels?: Map<ChannelRole, ChannelTarget | undefined>,
): Plan {
  const channel = (role: ChannelRole): ChannelTarget | undefined => {
    if (!channels) return deps.channels.get(role);
    if (!channels.has(role)) channels.set(role, deps.channels.get(role));
    return channels.get(role);
  };
  const t = d.target;
  // everything but alerts also counts against a share of the tenant's budget, leaving room for alerts
  const tenant = isAlertKind(d.kind)
    ? [tenantBucket(deps.tenantId)]
    : [tenantBucket(deps.tenantId), notAlertsBucket(deps.tenantId)];
  switch (t.type) {
    case 'channel': {
      const ch = channel(t.role);
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
      const parent = deps.outbox.get(t.of);
      if (!parent) return { type: 'fail', reason: 'thread unknown' };
      if (parent.status === 'failed') return { type: 'fail', reason: 'thread not started' };
      if (parent.status !== 'delivered' || !parent.conversationId) {
        return { type: 'wait', reason: 'thread pending' };
      }
      if (parent.target.type !== 'channel') return { type: 'fail', reason: 'thread not in a channel' };
      const ch = channel(parent.target.role);
      if (!ch) return { type: 'wait', reason: `no ${parent.target.role} channel` };
      return {
        type: 'send',
        serviceUrl: ch.serviceUrl,
        conversationId: parent.conversationId,
        buckets: [conversationBucket(parent.conversationId), ...tenant],
      };
    }
    case 'referrer': {
      const contact = referrerContact(d, deps);
      if (!contact) return { type: 'fail', reason: 'no referrer contact' };
      return {
        type: 'send',
        serviceUrl: contact.serviceUrl,
        conversationId: contact.conversationId,
        buckets: [conversationBucket(contact.conversationId), ...tenant],
      };
    }
    case 'update': {
      const of = deps.outbox.get(t.of);
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
      const role = channelRoleOf(of, deps);
      if (!role) return { type: 'fail', reason: 'message not in a channel' };
      const ch = channel(role);
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
function channelRoleOf(d: Delivery, deps: TargetDeps): ChannelRole | undefined {
  if (d.target.type === 'channel') return d.target.role;
  if (d.target.type === 'thread') {
    const parent = deps.outbox.get(d.target.of);
    return parent?.target.type === 'channel' ? parent.target.role : undefined;
  }
  return undefined;
}

/**
 * The record's contact; failing that, one the delivery carries (an alert queued from a draft in
 * progress, before any record exists, carries the referrer's chat in `payload.contact`).
 */
export function referrerContact(d: Delivery, deps: TargetDeps): Contact | undefined {
  const stored = d.recordId ? deps.contacts.get(d.recordId) : undefined;
  if (stored) return stored;
  // the in-progress alert's own record of the referrer's chat, whatever the payload carries
  const own = contactOfDraftAlert(d.payload.draftAlertId, deps);
  if (own) return own;
  const c = d.payload.contact as { serviceUrl?: unknown; conversationId?: unknown } | undefined;
  return c && typeof c.serviceUrl === 'string' && typeof c.conversationId === 'string'
    ? { serviceUrl: c.serviceUrl, conversationId: c.conversationId }
    : undefined;
}

export function contactOfDraftAlert(id: unknown, deps: TargetDeps): Contact | undefined {
  const alert = typeof id === 'string' ? deps.draftAlerts?.get(id) : undefined;
  return alert
    ? { serviceUrl: alert.contact.serviceUrl, conversationId: alert.contact.conversationId }
    : undefined;
}
