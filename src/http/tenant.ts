import type { InboundActivity } from './activity-shape';

export type TenantVerdict = 'ours' | 'none' | 'disagree' | 'other';

/**
 * Teams states the tenant twice (channelData.tenant.id and conversation.tenantId). The bot only
 * serves its own: both, where present, must name it, or a caller could name ours in one place for
 * one check and another tenant in the other for the code that reads it.
 */
export function tenantVerdict(activity: InboundActivity, ours: string): TenantVerdict {
  const named = [activity.channelData?.tenant?.id, activity.conversation.tenantId]
    .filter((id): id is string => typeof id === 'string')
    .map((id) => id.toLowerCase());
  if (named.length === 0) return 'none';
  if (named.some((id) => id !== named[0])) return 'disagree';
  return named[0] === ours.toLowerCase() ? 'ours' : 'other';
}
