/**
 * Setting up where the bot posts, through the real HTTP endpoint as Teams would: the install event stores
 * the team and its channels; "@bot set duty channel" (and safeguarding, admin) from a channel admin stores
 * the channel; "@bot status" says what a channel is; everyone else is refused, and all of it is audited.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cardText, lastCard, TENANT, type TestBot } from '../harness/bot';
import {
  ADMIN_CHANNEL,
  ALERT_CALL,
  auditRows,
  channelPosts,
  DUTY_CHANNEL,
  DUTY_TEAM,
  from,
  inChannel,
  mentioning,
  postedCard,
  SG_CHANNEL,
  SG_TEAM,
  setChannel,
  startChannelBot,
  submitCall,
  USERS,
} from './channel-support';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

function channels() {
  return bot.sql<Record<string, string>>(
    'SELECT role, team_id, channel_id, service_url, tenant_id, set_by, set_at FROM channels ORDER BY role',
  );
}

async function say(text: string, user: string, team = DUTY_TEAM, channel = DUTY_CHANNEL) {
  const { status, replies } = await bot.post(
    { ...inChannel(team, channel), ...mentioning(text), ...from(user) },
    user,
  );
  expect(status).toBe(200);
  return replies.map((r) => r.text ?? '').join('\n');
}

describe('set duty / safeguarding / admin channel', () => {
  test('a channel admin sets each channel; the registry and the audit log record who, where and when', async () => {
    bot = await startChannelBot({ setChannels: false });
    expect(await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL)).toBe(
      'This channel is now the IMH duty channel. Duty summaries will be posted here, and members of this team can act on them.',
    );
    expect(await setChannel(bot, 'safeguarding', SG_TEAM, SG_CHANNEL)).toContain(
      'This channel is now the safeguarding leads’ channel. Safeguarding alerts will be posted here',
    );
    expect(await setChannel(bot, 'admin', DUTY_TEAM, ADMIN_CHANNEL)).toBe(
      'This channel is now the admin channel. Delivery problems will be posted here.',
    );
    const common = {
      service_url: bot.connector.url,
      tenant_id: TENANT,
      set_by: `aad-${USERS.admin}`,
      set_at: '2026-11-23T10:00:00.000Z',
    };
    expect(channels()).toEqual([
      { role: 'admin', team_id: DUTY_TEAM, channel_id: ADMIN_CHANNEL, ...common },
      { role: 'duty', team_id: DUTY_TEAM, channel_id: DUTY_CHANNEL, ...common },
      { role: 'safeguarding', team_id: SG_TEAM, channel_id: SG_CHANNEL, ...common },
    ]);
    const audit = auditRows(bot).filter((r) => r.action === 'channel-set');
    expect(audit.map((r) => [r.actor_id, r.outcome, r.detail.role, r.detail.channelId])).toEqual([
      [`aad-${USERS.admin}`, 'done', 'duty', DUTY_CHANNEL],
      [`aad-${USERS.admin}`, 'done', 'safeguarding', SG_CHANNEL],
      [`aad-${USERS.admin}`, 'done', 'admin', ADMIN_CHANNEL],
    ]);
    expect(audit.every((r) => r.at === '2026-11-23T10:00:00.000Z')).toBe(true);
  });

  test('anyone not named in CHANNEL_ADMINS gets a plain refusal, and nothing changes', async () => {
    bot = await startChannelBot();
    const before = channels();
    for (const user of [USERS.duty, USERS.outsider, USERS.lead]) {
      expect(await say('set duty channel', user, SG_TEAM, SG_CHANNEL)).toBe(
        'Sorry: only the channel admins named in my configuration (CHANNEL_ADMINS) can choose where I post. Nothing was changed.',
      );
    }
    expect(channels()).toEqual(before);
    const refused = auditRows(bot).filter((r) => r.action === 'channel-set' && r.outcome === 'refused');
    expect(refused.map((r) => [r.actor_id, r.detail.role, r.detail.reason])).toEqual([
      [`aad-${USERS.duty}`, 'duty', 'not-channel-admin'],
      [`aad-${USERS.outsider}`, 'duty', 'not-channel-admin'],
      [`aad-${USERS.lead}`, 'duty', 'not-channel-admin'],
    ]);
  });

  test('the admin list is of Entra object ids: a Teams id or a display name that matches is not enough', async () => {
    bot = await startChannelBot({ setChannels: false, env: { CHANNEL_ADMINS: '29:admin-1,Alex Admin' } });
    expect(await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL)).toContain('Nothing was changed.');
    expect(channels()).toEqual([]);
  });

  test('with no CHANNEL_ADMINS configured, nobody can set a channel', async () => {
    bot = await startChannelBot({ setChannels: false, env: { CHANNEL_ADMINS: '' } });
    expect(await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL)).toContain('Nothing was changed.');
    expect(channels()).toEqual([]);
    expect(await say('status', USERS.admin)).toContain('No channel admins are configured (CHANNEL_ADMINS)');
  });

  test('setting a role again moves it; the audit keeps where it was', async () => {
    bot = await startChannelBot();
    expect(await setChannel(bot, 'duty', SG_TEAM, SG_CHANNEL)).toContain(
      'It is also the safeguarding leads’ channel.',
    );
    expect(channels().find((c) => c.role === 'duty')).toMatchObject({
      team_id: SG_TEAM,
      channel_id: SG_CHANNEL,
    });
    const last = auditRows(bot)
      .filter((r) => r.action === 'channel-set')
      .at(-1)!;
    expect(last.detail).toMatchObject({
      role: 'duty',
      channelId: SG_CHANNEL,
      previousChannelId: DUTY_CHANNEL,
    });
  });
});

describe('status and help in a channel', () => {
  test('status says what this channel is and where each kind of post goes', async () => {
    bot = await startChannelBot();
    const duty = await say('status', USERS.duty);
    expect(duty).toContain('This channel is the IMH duty channel.');
    expect(duty).toContain('- Duty summaries: this channel (set 2026-11-23)');
    expect(duty).toContain('- Safeguarding alerts: a channel in another team (set 2026-11-23)');
    expect(duty).toContain('- Delivery problems: another channel in this team (set 2026-11-23)');
    expect(duty).toContain('1 channel admin is configured.');

    const other = await say('status', USERS.outsider, DUTY_TEAM, DUTY_TEAM);
    expect(other).toContain('This channel is not set up for anything.');
    expect(other).toContain('- Duty summaries: another channel in this team');
  });

  test('once the team is known, status names the channels; configuration-set channels say so', async () => {
    bot = await startChannelBot({
      setChannels: false,
      env: {
        SAFEGUARDING_TEAM_ID: SG_TEAM,
        SAFEGUARDING_CHANNEL_ID: SG_CHANNEL,
        ONCALL_LEAD_AAD_ID: 'aad-x',
        ONCALL_LEAD_NAME: 'Sam',
      },
    });
    await bot.post({ ...installedInTeam(DUTY_TEAM), ...from(USERS.admin) }, USERS.admin);
    await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL);
    const text = await say('status', USERS.duty, DUTY_TEAM, DUTY_TEAM);
    expect(text).toContain('- Duty summaries: the channel “IMH duty” (set 2026-11-23)');
    expect(text).toContain('- Safeguarding alerts: a channel in another team (from configuration)');
    expect(text).toContain('- Delivery problems: not set up');
    expect(text).toContain('re-posted with an @mention of the configured on-call lead');
  });

  test('help, and a mistyped set command, list the channel commands', async () => {
    bot = await startChannelBot();
    for (const text of ['help', 'set dutty channel', 'Set the duty channel please']) {
      const reply = await say(text, USERS.duty);
      expect(reply, text).toContain(
        '**set duty channel**, **set safeguarding channel**, **set admin channel**',
      );
      expect(reply, text).toContain('Referrers start duty calls in a personal chat with me.');
    }
    expect(channels().map((c) => c.channel_id)).toEqual([ADMIN_CHANNEL, DUTY_CHANNEL, SG_CHANNEL]);
  });

  test('a referrer’s command in a channel is still pointed to the personal chat', async () => {
    bot = await startChannelBot();
    expect(await say('start', USERS.duty)).toBe(
      'Duty calls hold details about a family, so I only take them in a personal chat: open a chat with me to start one.',
    );
    expect(bot.sql('SELECT id FROM duty_calls')).toEqual([]);
  });

  test('in a personal chat, channel commands are not commands and status is the referrer’s', async () => {
    bot = await startChannelBot();
    expect(cardText(lastCard(await bot.say('set duty channel', USERS.admin)))).toContain(
      'I did not understand that',
    );
    expect(cardText(lastCard(await bot.say('status', USERS.admin)))).toContain(
      'You have no duty call in progress.',
    );
    expect(channels().find((c) => c.role === 'duty')?.channel_id).toBe(DUTY_CHANNEL);
  });
});

function installedInTeam(team: string, opts: { eventType?: string; added?: string } = {}) {
  return {
    type: 'conversationUpdate',
    text: undefined,
    membersAdded: [{ id: opts.added ?? '28:bot' }],
    conversation: { id: team, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: {
      tenant: { id: TENANT },
      team: { id: team, name: 'Duty team' },
      eventType: opts.eventType ?? 'teamMemberAdded',
    },
  };
}

describe('installing the bot in a team', () => {
  function teams() {
    return bot.sql<{ team_id: string; service_url: string; tenant_id: string; channels_json: string }>(
      'SELECT team_id, service_url, tenant_id, channels_json FROM teams',
    );
  }

  test('the install event stores the team, its service URL, tenant and channels, and says how to set up', async () => {
    bot = await startChannelBot({ setChannels: false });
    const { status, replies } = await bot.post(
      { ...installedInTeam(DUTY_TEAM), ...from(USERS.admin) },
      USERS.admin,
    );
    expect(status).toBe(200);
    expect(teams()).toEqual([
      {
        team_id: DUTY_TEAM,
        service_url: bot.connector.url,
        tenant_id: TENANT,
        channels_json: JSON.stringify([
          { id: DUTY_TEAM },
          { id: DUTY_CHANNEL, name: 'IMH duty' },
          { id: ADMIN_CHANNEL, name: 'Bot admin' },
        ]),
      },
    ]);
    expect(replies.map((r) => r.text).join('\n')).toContain('**set duty channel**');
    expect(auditRows(bot).filter((r) => r.action === 'team-installed')).toMatchObject([
      { actor_id: `aad-${USERS.admin}`, outcome: 'done', detail: { teamId: DUTY_TEAM, channels: 3 } },
    ]);
  });

  test('installationUpdate stores it too, and a renamed channel refreshes the list', async () => {
    bot = await startChannelBot({ setChannels: false });
    await bot.post(
      {
        type: 'installationUpdate',
        action: 'add',
        conversation: { id: SG_TEAM, conversationType: 'channel', tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, team: { id: SG_TEAM } },
      },
      USERS.admin,
    );
    expect(JSON.parse(teams()[0]!.channels_json)).toEqual([
      { id: SG_TEAM },
      { id: SG_CHANNEL, name: 'Safeguarding leads' },
    ]);
    bot.connector.setTeam(SG_TEAM, [], [{ id: SG_TEAM }, { id: SG_CHANNEL, name: 'SG leads (urgent)' }]);
    await bot.post(
      {
        type: 'conversationUpdate',
        conversation: { id: SG_TEAM, conversationType: 'channel', tenantId: TENANT },
        channelData: {
          tenant: { id: TENANT },
          team: { id: SG_TEAM },
          channel: { id: SG_CHANNEL, name: 'SG leads (urgent)' },
          eventType: 'channelRenamed',
        },
      },
      USERS.admin,
    );
    expect(JSON.parse(teams()[0]!.channels_json)[1]).toEqual({ id: SG_CHANNEL, name: 'SG leads (urgent)' });
  });

  test('if Teams cannot list the channels, the team is still stored', async () => {
    bot = await startChannelBot({ setChannels: false });
    bot.connector.failChannelList(403);
    const { status } = await bot.post({ ...installedInTeam(DUTY_TEAM), ...from(USERS.admin) }, USERS.admin);
    expect(status).toBe(200);
    expect(teams()).toMatchObject([
      { team_id: DUTY_TEAM, channels_json: JSON.stringify([{ id: DUTY_TEAM }]) },
    ]);
  });

  test('someone else joining the team stores nothing', async () => {
    bot = await startChannelBot({ setChannels: false });
    const { replies } = await bot.post(
      { ...installedInTeam(DUTY_TEAM, { added: '29:new-person' }) },
      USERS.admin,
    );
    expect(replies).toEqual([]);
    expect(teams()).toEqual([]);
  });
});

describe('delivery to the channels set in Teams', () => {
  test('the duty summary goes to the duty channel and the alert to the safeguarding channel', async () => {
    bot = await startChannelBot();
    const call = await submitCall(bot, ALERT_CALL);
    const summary = await postedCard(bot, call.id, 'duty-summary');
    const alert = await postedCard(bot, call.id, 'safeguarding-alert');
    expect(channelPosts(bot, DUTY_CHANNEL)).toContain(summary.post);
    expect(channelPosts(bot, SG_CHANNEL)).toContain(alert.post);
    expect(cardText(summary.card)).toContain(`Record ${call.reference} · delivery`);
    expect(cardText(alert.card)).toContain(`Safeguarding alert: ${call.reference}`);
  });
});
