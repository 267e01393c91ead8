import { TeamsInfo, type TurnContext } from 'botbuilder';
import { formatUkDate } from '../../domain/age';
import type { ChannelRole } from '../../domain/channel-role';
import type { ChannelTarget } from '../../records/channels';
import type { TeamChannel } from '../../records/installed-teams';
import { dueNowFor } from '../../records/outbox';
import { escapeMarkdown } from '../../views/cards';
import type { BotDeps } from '../deps';
import { actingUserId, isChannelAdmin } from '../permissions';

const ROLE_TEXT: Record<ChannelRole, { channel: string; posts: string }> = {
  duty: { channel: 'the IMH duty channel', posts: 'Duty summaries' },
  safeguarding: { channel: 'the safeguarding leads’ channel', posts: 'Safeguarding alerts' },
  admin: { channel: 'the admin channel', posts: 'Delivery problems' },
};

const SET = /^set (duty|safeguarding|admin) channel$/;

export function isChannelConversation(context: TurnContext): boolean {
  return context.activity.conversation?.conversationType === 'channel';
}

/** The commands the bot answers in a channel (where it only hears messages that @mention it). */
export function channelCommand(text: string): 'set' | 'status' | 'open' | 'help' | undefined {
  if (SET.test(text)) return 'set';
  if (text === 'status') return 'status';
  if (text === 'open') return 'open';
  if (text === 'help' || text.startsWith('set ')) return 'help';
  return undefined;
}

export async function onChannelCommand(context: TurnContext, deps: BotDeps, text: string): Promise<void> {
  const kind = channelCommand(text);
  if (kind === 'set') return onSetChannel(context, deps, SET.exec(text)![1] as ChannelRole);
  if (kind === 'status') return onChannelStatus(context, deps);
  if (kind === 'open') return onOpen(context, deps);
  return say(context, [
    'In a channel I answer to (with an @mention):',
    '- **open**: in the duty channel, the calls still waiting for an indication or a formal referral',
    '- **set duty channel**, **set safeguarding channel**, **set admin channel**: post those messages here (channel admins only)',
    '- **status**: what this channel is set up as, and where I post',
    'Referrers start duty calls in a personal chat with me.',
  ]);
}

async function onSetChannel(context: TurnContext, deps: BotDeps, role: ChannelRole): Promise<void> {
  const a = context.activity;
  const now = deps.now().toISOString();
  const teamId: unknown = a.channelData?.team?.id;
  const channelId: unknown = a.channelData?.channel?.id;
  const audit = (outcome: string, detail: Record<string, unknown>): Promise<void> =>
    deps.audit.append({ at: now, actorId: actingUserId(context), action: 'channel-set', outcome, detail });
  if (!isChannelAdmin(context, deps.channelAdmins)) {
    await audit('refused', { role, reason: 'not-channel-admin' });
    deps.logger.info({ event: 'channel-set-refused', role });
    return say(context, [
      'Sorry: only the channel admins named in my configuration (CHANNEL_ADMINS) can choose where I post. Nothing was changed.',
    ]);
  }
  if (typeof teamId !== 'string' || typeof channelId !== 'string' || !teamId || !channelId) {
    await audit('refused', { role, reason: 'no-team-or-channel' });
    return say(context, ['I cannot tell which team and channel this is, so nothing was changed.']);
  }
  const before = await deps.channels.get(role);
  await deps.channels.set(
    {
      role,
      teamId,
      channelId,
      serviceUrl: a.serviceUrl,
      tenantId: a.channelData?.tenant?.id ?? a.conversation?.tenantId ?? '',
      setBy: actingUserId(context),
    },
    now,
  );
  // what waited for this role's channel (an alert refused by the old one, say) goes to the new one now;
  // the worker resolves the role's channel at each try
  const waiting = await deps.sql.transact(dueNowFor(role, deps.now()));
  await audit('done', {
    role,
    teamId,
    channelId,
    ...(before ? { previousChannelId: before.channelId } : {}),
    ...(waiting ? { waiting } : {}),
  });
  deps.logger.info({ event: 'channel-set', role, waiting });
  if (waiting) deps.wakeDelivery();
  const others = (await deps.channels.rolesOf(channelId)).filter((r) => r !== role);
  await say(context, [
    `This channel is now ${ROLE_TEXT[role].channel}. ${ROLE_TEXT[role].posts} will be posted here${
      role === 'admin' ? '.' : ', and members of this team can act on them.'
    }`,
    ...(others.length ? [`It is also ${others.map((r) => ROLE_TEXT[r].channel).join(' and ')}.`] : []),
  ]);
}

async function onChannelStatus(context: TurnContext, deps: BotDeps): Promise<void> {
  const channelId: unknown = context.activity.channelData?.channel?.id;
  const roles = typeof channelId === 'string' ? await deps.channels.rolesOf(channelId) : [];
  const lines = [
    roles.length
      ? `This channel is ${roles.map((r) => ROLE_TEXT[r].channel).join(' and ')}.`
      : 'This channel is not set up for anything.',
    'Where I post:',
  ];
  for (const role of ['duty', 'safeguarding', 'admin'] as const) {
    lines.push(`- ${ROLE_TEXT[role].posts}: ${await describe(deps, await deps.channels.get(role), context)}`);
  }
  const lead = deps.render.oncallLead;
  lines.push(
    lead
      ? 'Unacknowledged alerts are re-posted with an @mention of the configured on-call lead.'
      : 'Unacknowledged alerts are re-posted; no on-call lead is configured to @mention (ONCALL_LEAD_AAD_ID).',
    deps.channelAdmins.length
      ? `${deps.channelAdmins.length} channel admin${deps.channelAdmins.length === 1 ? ' is' : 's are'} configured.`
      : 'No channel admins are configured (CHANNEL_ADMINS), so nobody can change these here.',
  );
  await say(context, lines);
}

async function describe(
  deps: BotDeps,
  target: ChannelTarget | undefined,
  context: TurnContext,
): Promise<string> {
  if (!target) return 'not set up';
  const here = target.channelId === context.activity.channelData?.channel?.id;
  const name =
    target.channelId === target.teamId
      ? 'General'
      : await deps.installedTeams.channelName(target.teamId, target.channelId);
  const where = here
    ? 'this channel'
    : name
      ? `the channel “${escapeMarkdown(name)}”${target.teamId === context.activity.channelData?.team?.id ? '' : ' in another team'}`
      : target.teamId === context.activity.channelData?.team?.id
        ? 'another channel in this team'
        : 'a channel in another team';
  const how =
    target.setBy === 'configuration' ? ' (from configuration)' : ` (set ${target.setAt.slice(0, 10)})`;
  return `${where}${how}`;
}

/**
 * The bot was added to a team (conversationUpdate with the bot among membersAdded, or installationUpdate),
 * or the team's channels changed: remember the team and its channels. The channel list is a nicety for
 * "status": if Teams cannot give it, the team is stored with what is known.
 */
export async function onTeamInstalled(
  context: TurnContext,
  deps: BotDeps,
  opts: { introduce: boolean },
): Promise<void> {
  const a = context.activity;
  const teamId: unknown = a.channelData?.team?.id;
  if (typeof teamId !== 'string' || !teamId) return;
  const known = await deps.installedTeams.get(teamId);
  let channels: readonly TeamChannel[] = known?.channels ?? [{ id: teamId }];
  let timer: NodeJS.Timeout | undefined;
  try {
    const list = await Promise.race([
      TeamsInfo.getTeamChannels(context, teamId),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 4_000);
      }),
    ]);
    if (Array.isArray(list) && list.length > 0) {
      channels = list
        .filter((c) => typeof c?.id === 'string')
        .map((c) => ({ id: c.id!, ...(typeof c.name === 'string' ? { name: c.name.slice(0, 200) } : {}) }));
    }
  } catch {
    deps.logger.warn({ event: 'team-channels-unavailable' });
  } finally {
    clearTimeout(timer);
  }
  const now = deps.now().toISOString();
  await deps.installedTeams.save({
    teamId,
    serviceUrl: a.serviceUrl,
    tenantId: a.channelData?.tenant?.id ?? a.conversation?.tenantId ?? '',
    channels,
    updatedAt: now,
  });
  await deps.audit.append({
    at: now,
    actorId: actingUserId(context),
    action: 'team-installed',
    outcome: 'done',
    detail: { teamId, channels: channels.length, event: a.channelData?.eventType ?? a.type },
  });
  deps.logger.info({ event: 'team-stored', channels: channels.length });
  if (opts.introduce) {
    await say(context, [
      'Thank you for adding me. I post IMH duty call summaries and safeguarding alerts to the channels chosen for them.',
      'A channel admin can @mention me in a channel with **set duty channel**, **set safeguarding channel** or **set admin channel**; **status** shows what is set up.',
    ]);
  }
}

/** The two-step process at a glance: what the duty team still has to do, oldest first. */
async function onOpen(context: TurnContext, deps: BotDeps): Promise<void> {
  const channelId: unknown = context.activity.channelData?.channel?.id;
  if (typeof channelId !== 'string' || !(await deps.channels.rolesOf(channelId)).includes('duty')) {
    return say(context, [
      '**open** lists the duty team’s open calls, so it works in the IMH duty channel only.',
    ]);
  }
  const calls = await deps.openCalls(deps.now());
  await deps.audit.append({
    at: deps.now().toISOString(),
    actorId: actingUserId(context),
    action: 'open-calls-listed',
    outcome: 'done',
    detail: { count: calls.length },
  });
  if (calls.length === 0)
    return say(context, [
      'No open calls: every call has an indication and, where one is due, its formal referral.',
    ]);
  return say(context, [
    `**Open calls (${calls.length})**, oldest first:`,
    ...calls.map((c) => {
      const waiting = [
        c.awaitingIndication && 'awaiting the eligibility indication',
        c.awaitingReferral && (c.overdue ? '**formal referral overdue**' : 'awaiting the formal referral'),
      ].filter(Boolean);
      const kind = c.kind === 'advice' ? 'advice call' : 'duty call';
      return `- ${c.reference} · ${kind} on ${formatUkDate(c.submittedOn)} · ${waiting.join('; ')}`;
    }),
  ]);
}

async function say(context: TurnContext, lines: string[]): Promise<void> {
  await context.sendActivity({ type: 'message', textFormat: 'markdown', text: lines.join('\n\n') });
}
