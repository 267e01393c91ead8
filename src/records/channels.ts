import type Database from 'better-sqlite3';
import type { Config } from '../config/config';
import type { ChannelRole } from '../domain/channel-role';

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

/**
 * Where each kind of post goes. A channel set in Teams ("@bot set duty channel") wins over one named in
 * configuration, so a service can move channels without a redeploy.
 */
export class ChannelRegistry {
  private readonly getStmt: Database.Statement<[string], Record<string, string>>;
  private readonly setStmt: Database.Statement<[Record<string, string>]>;

  constructor(
    db: Database.Database,
    private readonly config: Pick<
      Config,
      | 'TEAMS_SERVICE_URL'
      | 'TENANT_ID'
      | 'DUTY_TEAM_ID'
      | 'DUTY_CHANNEL_ID'
      | 'SAFEGUARDING_TEAM_ID'
      | 'SAFEGUARDING_CHANNEL_ID'
      | 'ADMIN_TEAM_ID'
      | 'ADMIN_CHANNEL_ID'
    >,
  ) {
    this.getStmt = db.prepare('SELECT * FROM channels WHERE role = ?');
    this.setStmt = db.prepare(
      `INSERT INTO channels (role, team_id, channel_id, service_url, tenant_id, set_by, set_at)
       VALUES (@role, @team_id, @channel_id, @service_url, @tenant_id, @set_by, @set_at)
       ON CONFLICT (role) DO UPDATE SET team_id = excluded.team_id, channel_id = excluded.channel_id,
         service_url = excluded.service_url, tenant_id = excluded.tenant_id,
         set_by = excluded.set_by, set_at = excluded.set_at`,
    );
  }

  get(role: ChannelRole): ChannelTarget | undefined {
    const r = this.getStmt.get(role);
    if (r) {
      return {
        role,
        teamId: r.team_id!,
        channelId: r.channel_id!,
        serviceUrl: r.service_url!,
        tenantId: r.tenant_id!,
        setBy: r.set_by!,
        setAt: r.set_at!,
      };
    }
    const prefix = role.toUpperCase() as 'DUTY' | 'SAFEGUARDING' | 'ADMIN';
    const teamId = this.config[`${prefix}_TEAM_ID`];
    const channelId = this.config[`${prefix}_CHANNEL_ID`];
    if (!teamId || !channelId) return undefined;
    return {
      role,
      teamId,
      channelId,
      serviceUrl: this.config.TEAMS_SERVICE_URL,
      tenantId: this.config.TENANT_ID,
      setBy: 'configuration',
      setAt: '',
    };
  }

  set(target: Omit<ChannelTarget, 'setAt'>, at: string): void {
    this.setStmt.run({
      role: target.role,
      team_id: target.teamId,
      channel_id: target.channelId,
      service_url: target.serviceUrl,
      tenant_id: target.tenantId,
      set_by: target.setBy,
      set_at: at,
    });
  }

  /** The roles a channel holds, for "@bot status" in that channel. */
  rolesOf(channelId: string): ChannelRole[] {
    return (['duty', 'safeguarding', 'admin'] as const).filter((r) => this.get(r)?.channelId === channelId);
  }
}
