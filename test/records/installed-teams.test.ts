import { expect, it } from 'vitest';
import { InstalledTeams } from '../../src/records/installed-teams';
import { describeOnBothStores, type MakeStore } from '../harness/stores';

/** The teams repository's contract, the same on both stores (issue 11, item 2). */
function installedTeamsContract(make: MakeStore): void {
  const withTeams = async (fn: (teams: InstalledTeams) => Promise<void>) => {
    const { store, close } = await make();
    try {
      await fn(new InstalledTeams(store));
    } finally {
      await close();
    }
  };
  const team = {
    teamId: '19:team@thread.tacv2',
    serviceUrl: 'https://smba.trafficmanager.net/uk/',
    tenantId: 'tenant-1',
    channels: [{ id: '19:team@thread.tacv2' }, { id: '19:duty@thread.tacv2', name: 'IMH duty' }],
    updatedAt: '2026-12-01T09:00:00.000Z',
  };

  it('keeps a team as it was installed, its channels in order, General without a name', () =>
    withTeams(async (teams) => {
      expect(await teams.get(team.teamId)).toBeUndefined();
      await teams.save(team);
      expect(await teams.get(team.teamId)).toEqual(team);
      expect(await teams.channelName(team.teamId, '19:duty@thread.tacv2')).toBe('IMH duty');
      expect(await teams.channelName(team.teamId, team.teamId)).toBeUndefined();
      expect(await teams.channelName('19:other@thread.tacv2', '19:duty@thread.tacv2')).toBeUndefined();
    }));

  it('installed again: the team as it is now replaces what was kept, nothing else touched', () =>
    withTeams(async (teams) => {
      await teams.save(team);
      const other = { ...team, teamId: '19:other@thread.tacv2', channels: [] };
      await teams.save(other);
      const renamed = {
        ...team,
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        channels: [{ id: '19:duty@thread.tacv2', name: 'IMH duty (new)' }],
        updatedAt: '2026-12-02T09:00:00.000Z',
      };
      await teams.save(renamed);
      expect(await teams.get(team.teamId)).toEqual(renamed);
      expect(await teams.get(other.teamId)).toEqual(other);
    }));

  it('a channel name is data: quotes, markdown and non-Latin text come back exactly', () =>
    withTeams(async (teams) => {
      const name = `Duty's "[channel](https://x)" ? $1 — Gwasanaeth 🍼`;
      await teams.save({ ...team, channels: [{ id: '19:c@thread.tacv2', name }] });
      expect(await teams.channelName(team.teamId, '19:c@thread.tacv2')).toBe(name);
    }));
}

describeOnBothStores('InstalledTeams', installedTeamsContract);
