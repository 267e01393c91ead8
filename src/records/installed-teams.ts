import { type Query, type SqlStore, selectOne, write } from '../storage/sql';

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

interface TeamRow {
  team_id: string;
  service_url: string;
  tenant_id: string;
  channels_json: string;
  updated_at: string;
}

/** Keeps a team as it was installed, replacing what was kept of it. */
export function* saveTeam(team: InstalledTeam): Query<void> {
  yield* write(
    `INSERT INTO teams (team_id, service_url, tenant_id, channels_json, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (team_id) DO UPDATE SET service_url = excluded.service_url,
       tenant_id = excluded.tenant_id, channels_json = excluded.channels_json, updated_at = excluded.updated_at`,
    [team.teamId, team.serviceUrl, team.tenantId, JSON.stringify(team.channels), team.updatedAt],
  );
}

export function* teamOf(teamId: string): Query<InstalledTeam | undefined> {
  const r = yield* selectOne<TeamRow>(
    'SELECT team_id, service_url, tenant_id, channels_json, updated_at FROM teams WHERE team_id = ?',
    [teamId],
  );
  if (!r) return undefined;
  return {
    teamId: r.team_id,
    serviceUrl: r.service_url,
    tenantId: r.tenant_id,
    channels: JSON.parse(r.channels_json) as TeamChannel[],
    updatedAt: r.updated_at,
  };
}

/**
 * The teams the bot has been added to, as learned from the install event (the `teams` table). The first
 * repository on the SQL seam (issue 11): written once, the same on SQLite and PostgreSQL.
 */
export class InstalledTeams {
  constructor(private readonly store: SqlStore) {}

  save(team: InstalledTeam): Promise<void> {
    return this.store.transact(saveTeam(team));
  }

  get(teamId: string): Promise<InstalledTeam | undefined> {
    return this.store.transact(teamOf(teamId));
  }

  /** A channel's name, if the bot has learned it. */
  async channelName(teamId: string, channelId: string): Promise<string | undefined> {
    return (await this.get(teamId))?.channels.find((c) => c.id === channelId)?.name;
  }
}
