import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ChannelRole } from '../domain/channel-role';
import type { ChannelRegistry } from '../records/channels';

/**
 * Who may do what, from what a bot can see without Microsoft Graph permissions:
 * - setting the bot's channels: the Entra object ids listed in CHANNEL_ADMINS. A bot cannot tell a team's
 *   owners from its members (the Bot Connector's member look-up has no role; ownership needs Graph
 *   application permissions this bot is not granted), so the list is configuration.
 * - duty actions: members of the team that holds the duty channel; acknowledging an alert: members of the
 *   safeguarding channel's team. The action must come from that team (channelData.team.id) and Teams must
 *   confirm the person is a member. Team membership, not channel membership: a private or shared channel's
 *   own member list is not checked.
 */
export type Refusal = 'no-channel' | 'wrong-team' | 'not-member' | 'lookup-failed';

export type Permission = { readonly ok: true } | { readonly ok: false; readonly reason: Refusal };

/** true: a member; false: Teams says not; throws when Teams could not say. */
export type MemberLookup = (context: TurnContext, teamId: string, userId: string) => Promise<boolean>;

export const teamsMemberLookup: MemberLookup = async (context, teamId, userId) => {
  try {
    await TeamsInfo.getTeamMember(context, teamId, userId);
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
};

export interface MembershipOptions {
  /** How long a "member" answer is trusted. */
  readonly memberMs: number;
  /** How long a "not a member" answer is trusted: shorter, so someone just added is not kept out long. */
  readonly notMemberMs: number;
  /** Teams expects an answer to a card action within seconds. */
  readonly timeoutMs: number;
}

const DEFAULTS: MembershipOptions = { memberMs: 5 * 60_000, notMemberMs: 30_000, timeoutMs: 3_000 };
const MAX_CACHED = 2_000;

/** Team membership look-ups, cached briefly: a busy duty morning does not ask Teams on every press. */
export class TeamMembership {
  private readonly cache = new Map<string, { member: boolean; until: number }>();
  private readonly options: MembershipOptions;

  constructor(
    private readonly lookup: MemberLookup,
    private readonly now: () => Date,
    options: Partial<MembershipOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Whether the person is in the team; undefined when Teams could not say in time. */
  async isMember(context: TurnContext, teamId: string, userId: string): Promise<boolean | undefined> {
    const key = `${teamId}\n${userId}`;
    const at = this.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > at) return hit.member;
    let timer: NodeJS.Timeout | undefined;
    try {
      const member = await Promise.race([
        this.lookup(context, teamId, userId),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.options.timeoutMs);
        }),
      ]);
      if (member === undefined) return undefined;
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, {
        member,
        until: at + (member ? this.options.memberMs : this.options.notMemberMs),
      });
      return member;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The acting person's Entra object id (stable across chats), else their Teams id. */
export function actingUserId(context: TurnContext): string {
  const from = context.activity.from;
  return from?.aadObjectId ?? from?.id ?? 'unknown';
}

/** Whether this person may act for `role`: from that channel's team, and a member of it. */
export async function mayActFor(
  context: TurnContext,
  role: Extract<ChannelRole, 'duty' | 'safeguarding'>,
  channels: ChannelRegistry,
  membership: TeamMembership,
): Promise<Permission> {
  const target = await channels.get(role);
  if (!target) return { ok: false, reason: 'no-channel' };
  const teamId = context.activity.channelData?.team?.id;
  if (typeof teamId !== 'string' || teamId !== target.teamId) return { ok: false, reason: 'wrong-team' };
  const member = await membership.isMember(context, target.teamId, actingUserId(context));
  if (member === undefined) return { ok: false, reason: 'lookup-failed' };
  return member ? { ok: true } : { ok: false, reason: 'not-member' };
}

/** Setting channels: only the Entra object ids in CHANNEL_ADMINS (see above for why not team owners). */
export function isChannelAdmin(context: TurnContext, admins: readonly string[]): boolean {
  const aad = context.activity.from?.aadObjectId;
  return typeof aad === 'string' && aad !== '' && admins.includes(aad);
}
