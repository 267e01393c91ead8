import { describe, expect, it } from 'vitest';
import { planDelivery, type TargetDeps } from '../../src/delivery/targets';
import type { ChannelRole } from '../../src/domain/channel-role';
import type { DeliveryTarget } from '../../src/domain/deliveries';
import type { ChannelTarget } from '../../src/records/channels';
import type { Delivery } from '../../src/records/outbox';

// Target choice on its own (src/delivery/targets.ts): where a delivery goes, against which limits, or why
// not yet. The worker's tests drive the same through whole passes.

const DUTY: ChannelTarget = {
  role: 'duty',
  teamId: '19:team@thread.tacv2',
  channelId: '19:duty@thread.tacv2',
  serviceUrl: 'https://smba.example/uk/',
  tenantId: 'tenant-1',
  setBy: 'configuration',
  setAt: '2026-11-30T09:00:00.000Z',
};

function delivery(kind: Delivery['kind'], target: DeliveryTarget, more: Partial<Delivery> = {}): Delivery {
  return {
    id: `d-${kind}`,
    recordId: 'r1',
    kind,
    target,
    payload: {},
    afterId: undefined,
    status: 'pending',
    attempts: 0,
    createdAt: '2026-11-30T09:00:00.000Z',
    nextAttemptAt: '2026-11-30T09:00:00.000Z',
    giveUpAt: '2026-11-30T10:00:00.000Z',
    inFlightAt: undefined,
    claimedBy: undefined,
    claimedUntil: undefined,
    deliveredAt: undefined,
    conversationId: undefined,
    activityId: undefined,
    lastError: undefined,
    ...more,
  };
}

function deps(
  over: { channels?: Partial<Record<ChannelRole, ChannelTarget>>; rows?: Delivery[] } = {},
): TargetDeps {
  const channels = over.channels ?? { duty: DUTY };
  return {
    tenantId: 'tenant-1',
    channels: { get: async (role) => channels[role] },
    outbox: { get: async (id) => over.rows?.find((r) => r.id === id) },
    contacts: {
      get: async (id) =>
        id === 'r1'
          ? {
              recordId: 'r1',
              userId: 'aad-1',
              serviceUrl: 'https://smba.example/uk/',
              conversationId: 'a:chat',
            }
          : undefined,
    },
  };
}

describe('target choice', () => {
  it('posts a new thread in a channel set, counting against the channel, the tenant and the share left for alerts', async () => {
    const plan = await planDelivery(delivery('duty-summary', { type: 'channel', role: 'duty' }), deps());
    expect(plan).toMatchObject({ type: 'thread', channelId: DUTY.channelId, tenantId: 'tenant-1' });
    expect('buckets' in plan && plan.buckets.map((b) => b.key)).toEqual([
      `conversation:${DUTY.channelId}`,
      'tenant:tenant-1',
      'tenant-not-alerts:tenant-1',
    ]);
  });

  it('lets an alert use the whole tenant budget, not the share kept from alerts', async () => {
    const plan = await planDelivery(
      delivery('safeguarding-alert', { type: 'channel', role: 'duty' }),
      deps(),
    );
    expect('buckets' in plan && plan.buckets.map((b) => b.key)).toEqual([
      `conversation:${DUTY.channelId}`,
      'tenant:tenant-1',
    ]);
  });

  it('waits for a channel not set, and for a thread whose first post is not made; gives up on one that failed', async () => {
    expect(await planDelivery(delivery('duty-summary', { type: 'channel', role: 'admin' }), deps())).toEqual({
      type: 'wait',
      reason: 'no admin channel',
    });
    const parent = delivery('safeguarding-alert', { type: 'channel', role: 'duty' }, { id: 'alert' });
    const note = delivery('alert-note', { type: 'thread', of: 'alert' });
    expect(await planDelivery(note, deps({ rows: [parent] }))).toEqual({
      type: 'wait',
      reason: 'thread pending',
    });
    expect(await planDelivery(note, deps({ rows: [{ ...parent, status: 'failed' }] }))).toEqual({
      type: 'fail',
      reason: 'thread not started',
    });
    const made = { ...parent, status: 'delivered' as const, conversationId: `${DUTY.channelId};messageid=7` };
    expect(await planDelivery(note, deps({ rows: [made] }))).toMatchObject({
      type: 'send',
      conversationId: made.conversationId,
    });
  });

  it("sends to the referrer's chat from the record's contact, and fails without one", async () => {
    const d = delivery('referrer-confirmation', { type: 'referrer' });
    expect(await planDelivery(d, deps())).toMatchObject({ type: 'send', conversationId: 'a:chat' });
    expect(await planDelivery({ ...d, recordId: 'unknown' }, deps())).toEqual({
      type: 'fail',
      reason: 'no referrer contact',
    });
  });
});
