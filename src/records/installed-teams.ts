import type Database from 'better-sqlite3';

export interface TeamChannel {
  readonly id: string;
  /** Teams sends no name for a team's General channel. */
  readonly name?: string | undefined;
}

export interface InstalledTeam {
  readonly teamId: string;
  readonly serviceUrl: string;
  readonly tenantId: string;
  readonly channels: readonly TeamChannel[];
  readonly updatedAt: string;
}

/** The teams the bot has been added to, as learned from the install event (the `teams` table). */
export class InstalledTeams {
  private readonly upsertStmt: Database.Statement<[Record<string, string>]>;
  private readonly getStmt: Database.Statement<[string], Record<string, string>>;

  constructor(db: Database.Database) {
    this.upsertStmt = db.prepare(
      `INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at)
       VALUES (@team_id, @service_url, @tenant_id, @channels_json, @updated_at)
       ON CONFLICT (team_id) DO UPDATE SET service_url = excluded.service_url,
         tenant_id = excluded.tenant_id, channels_json = excluded.channels_json, updated_at = excluded.updated_at`,
    );
    this.getStmt = db.prepare('SELECT * FROM teams WHERE team_id = ?');
  }

  save(team: InstalledTeam): void {
    this.upsertStmt.run({
      team_id: team.teamId,
      service_url: team.serviceUrl,
      tenant_id: team.tenantId,
      channels_json: JSON.stringify(team.channels),
      updated_at: team.updatedAt,
    });
  }

  get(teamId: string): InstalledTeam | undefined {
    const r = this.getStmt.get(teamId);
    if (!r) return undefined;
    return {
      teamId: r.team_id!,
      serviceUrl: r.service_url!,
      tenantId: r.tenant_id!,
      channels: JSON.parse(r.channels_json!) as TeamChannel[],
      updatedAt: r.updated_at!,
    };
  }

  /** A channel's name, if the bot has learned it. */
  channelName(teamId: string, channelId: string): string | undefined {
    return this.get(teamId)?.channels.find((c) => c.id === channelId)?.name;
  }
}
