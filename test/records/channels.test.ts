import { expect, it } from 'vitest';
import { channelSetFor, configuredChannel, setChannel } from '../../src/records/channels';
import type { SqlStore } from '../../src/storage/sql';
import { describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const config = {
  TEAMS_SERVICE_URL: 'https://smba.example/uk/',
  TENANT_ID: 'tenant',
  DUTY_TEAM_ID: 'team-config',
  DUTY_CHANNEL_ID: '19:duty-config',
  SAFEGUARDING_TEAM_ID: undefined,
  SAFEGUARDING_CHANNEL_ID: undefined,
  ADMIN_TEAM_ID: 'team-config',
  ADMIN_CHANNEL_ID: undefined,
};

/** Where posts go, the same on both stores (issue 11, item 2): a channel set in Teams, moved again. */
function channelsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('a channel set in Teams is kept per role, and setting it again moves it', () =>
    withStore(async (store) => {
      expect(await store.transact(channelSetFor('duty'))).toBeUndefined();
      const duty = {
        role: 'duty' as const,
        teamId: 'team-1',
        channelId: '19:duty-1',
        serviceUrl: 'https://smba.example/uk/',
        tenantId: 'tenant',
        setBy: 'aad-admin',
      };
      await store.transact(setChannel(duty, '2026-12-01T09:00:00.000Z'));
      await store.transact(
        setChannel({ ...duty, role: 'safeguarding', channelId: '19:sg-1' }, '2026-12-01T09:01:00.000Z'),
      );
      await store.transact(
        setChannel({ ...duty, channelId: '19:duty-2', setBy: 'aad-other' }, '2026-12-01T10:00:00.000Z'),
      );
      expect(await store.transact(channelSetFor('duty'))).toEqual({
        ...duty,
        channelId: '19:duty-2',
        setBy: 'aad-other',
        setAt: '2026-12-01T10:00:00.000Z',
      });
      expect((await store.transact(channelSetFor('safeguarding')))?.channelId).toBe('19:sg-1');
      expect(await store.transact(channelSetFor('admin'))).toBeUndefined();
    }));
}

describeOnBothStores('Channels', channelsContract);

it('a channel named in configuration needs both its team and its channel', () => {
  expect(configuredChannel('duty', config)).toMatchObject({
    teamId: 'team-config',
    channelId: '19:duty-config',
    setBy: 'configuration',
  });
  expect(configuredChannel('safeguarding', config)).toBeUndefined();
  expect(configuredChannel('admin', config)).toBeUndefined();
});
