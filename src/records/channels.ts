import type { Config } from '../config/config';
import type { ChannelRole } from '../domain/channel-role';
import { type Query, type SqlStore, selectOne, write } from '../storage/sql';

export interface ChannelTarget {
  readonly role: ChannelRole;
  readonly teamId: string;
  readonly channelId: string;
  readonly serviceUrl: string;
  readonly tenantId: string;
  /** Who set it ("configuration" when named in env/). */
  readonly setBy: string;
  readonly setAt: string;
}

interface ChannelRow {
  team_id: string;
  channel_id: string;
  service_url: string;
  tenant_id: string;
  set_by: string;
  set_at: string;
}

/** The channel set in Teams for `role`, if one is. */
export function* channelSetFor(role: ChannelRole): Query<ChannelTarget | undefined> {
  const r = yield* selectOne<ChannelRow>(
    'SELECT team_id, channel_id, service_url, tenant_id, set_by, set_at FROM channels WHERE role = ?',
    [role],
  );
  return (
    r && {
      role,
      teamId: r.team_id,
      channelId: r.channel_id,
      serviceUrl: r.service_url,
      tenantId: r.tenant_id,
      setBy: r.set_by,
      setAt: r.set_at,
    }
  );
}

export function* setChannel(target: Omit<ChannelTarget, 'setAt'>, at: string): Query<void> {
  yield* write(
    `INSERT INTO channels (role, team_id, channel_id, service_url, tenant_id, set_by, set_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (role) DO UPDATE SET team_id = excluded.team_id, channel_id = excluded.channel_id,
       service_url = excluded.service_url, tenant_id = excluded.tenant_id,
       set_by = excluded.set_by, set_at = excluded.set_at`,
    [target.role, target.teamId, target.channelId, target.serviceUrl, target.tenantId, target.setBy, at],
  );
}

type ChannelConfig = Pick<
  Config,
  | 'TEAMS_SERVICE_URL'
  | 'TENANT_ID'
  | 'DUTY_TEAM_ID'
  | 'DUTY_CHANNEL_ID'
  | 'SAFEGUARDING_TEAM_ID'
  | 'SAFEGUARDING_CHANNEL_ID'
  | 'ADMIN_TEAM_ID'
  | 'ADMIN_CHANNEL_ID'
>;

/** The channel named in configuration for `role`, if one is. */
export function configuredChannel(role: ChannelRole, config: ChannelConfig): ChannelTarget | undefined {
  const prefix = role.toUpperCase() as 'DUTY' | 'SAFEGUARDING' | 'ADMIN';
  const teamId = config[`${prefix}_TEAM_ID`];
  const channelId = config[`${prefix}_CHANNEL_ID`];
  if (!teamId || !channelId) return undefined;
  return {
    role,
    teamId,
    channelId,
    serviceUrl: config.TEAMS_SERVICE_URL,
    tenantId: config.TENANT_ID,
    setBy: 'configuration',
    setAt: '',
  };
}

/**
 * Where each kind of post goes. A channel set in Teams ("@bot set duty channel") wins over one named in
 * configuration, so a service can move channels without a redeploy.
 */
export class ChannelRegistry {
  constructor(
    private readonly sql: SqlStore,
    private readonly config: ChannelConfig,
  ) {}

  async get(role: ChannelRole): Promise<ChannelTarget | undefined> {
    return (await this.sql.transact(channelSetFor(role))) ?? configuredChannel(role, this.config);
  }

  async set(target: Omit<ChannelTarget, 'setAt'>, at: string): Promise<void> {
    await this.sql.transact(setChannel(target, at));
  }

  /** The roles a channel holds, for "@bot status" in that channel. */
  async rolesOf(channelId: string): Promise<ChannelRole[]> {
    const roles: ChannelRole[] = [];
    for (const r of ['duty', 'safeguarding', 'admin'] as const) {
      if ((await this.get(r))?.channelId === channelId) roles.push(r);
    }
    return roles;
  }
}
