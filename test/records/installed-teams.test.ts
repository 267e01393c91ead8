import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstalledTeams } from '../../src/records/installed-teams';
import { openDatabase } from '../../src/storage/database';
import { PostgresSql } from '../../src/storage/postgres-sql';
import type { SqlStore } from '../../src/storage/sql';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { adminPool, describePostgres, TEST_DATABASE_URL, tableNames } from '../harness/postgres';

type MakeStore = () => Promise<{ store: SqlStore; close: () => Promise<void> }>;

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

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-teams-'));
let files = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('InstalledTeams on SQLite', () => {
  installedTeamsContract(async () => {
    const db = openDatabase(path.join(dir, `t${files++}.sqlite`));
    const store = new SqliteSql(db);
    return {
      store,
      close: async () => {
        await store.close();
        db.close();
      },
    };
  });
});

const nextSchema = tableNames('teams_test');
let admin: Pool;

describePostgres('InstalledTeams on PostgreSQL', () => {
  beforeAll(() => {
    admin = adminPool();
  });
  afterAll(async () => {
    await admin?.end();
  });
  installedTeamsContract(async () => {
    const schema = nextSchema();
    const store = new PostgresSql({ connectionString: TEST_DATABASE_URL, schema });
    await store.init();
    return {
      store,
      close: async () => {
        await store.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
    };
  });
});
