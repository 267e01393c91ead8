import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { cardText, lastCard, startTestBot, TENANT, type TestBot } from '../harness/bot';
import { BOT_APP_ID, type ChannelTokenOptions, startOpenIdServer } from '../harness/bot-framework-tokens';

/**
 * Production-mode Bot Framework authentication, end to end: botbuilder's own token validation against
 * a stand-in for login.botframework.com (OpenID configuration and JWKS on loopback) with tokens minted
 * as Bot Framework mints them, so the refusals here are refusals by the code that runs in production.
 */

const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

let idp: Awaited<ReturnType<typeof startOpenIdServer>>;
let bot: TestBot;
const printed: string[] = [];

beforeAll(async () => {
  // botbuilder prints token failures (and the signing key) to the console itself; keep them, to check
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  idp = await startOpenIdServer();
  bot = await startTestBot({
    captureLogs: true,
    env: {
      BOT_MODE: 'production',
      BOT_ID: BOT_APP_ID,
      BOT_PASSWORD: 'x',
      HOST: '127.0.0.1',
      TEST_BOT_OPENID_METADATA_URL: idp.metadataUrl,
      // production refuses to start without a safeguarding channel (issue 8, HAZ-06)
      SAFEGUARDING_TEAM_ID: '19:team-safe@thread.tacv2',
      SAFEGUARDING_CHANNEL_ID: '19:safeguarding@thread.tacv2',
    },
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  await idp?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const valid = (o: Partial<ChannelTokenOptions> = {}) => idp.token({ serviceUrl: bot.connector.url, ...o });

describe('a request that is not from Bot Framework', () => {
  test.each<[string, () => Promise<Record<string, string>>]>([
    ['no Authorization header', async () => ({})],
    ['a token that is not a JWT', async () => ({ authorization: 'Bearer not-a-jwt' })],
    ['Basic credentials', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['a bare token without a scheme', async () => ({ authorization: await valid() })],
    [
      'a key id nobody published',
      async () => bearer(await valid({ kid: 'unknown-key', signWith: 'stranger' })),
    ],
    ['a forgery under the published key id', async () => bearer(await valid({ signWith: 'stranger' }))],
    [
      'another audience',
      async () => bearer(await valid({ audience: '00000000-0000-0000-0000-000000000000' })),
    ],
    ['another issuer', async () => bearer(await valid({ issuer: 'https://sts.windows.net/evil/' }))],
    ['an expired token', async () => bearer(await valid({ notBefore: -7200, expiresIn: -3600 }))],
    ['a token not valid yet', async () => bearer(await valid({ notBefore: 3600, expiresIn: 7200 }))],
    ['alg: none', async () => bearer(idp.unsigned({ serviceUrl: bot.connector.url }))],
    [
      'HS256 signed with the public key',
      async () => bearer(idp.hs256WithPublicKey({ serviceUrl: bot.connector.url })),
    ],
    [
      'a serviceurl claim for another service URL',
      async () => bearer(await valid({ serviceUrl: 'https://smba.trafficmanager.net/uk/' })),
    ],
  ])('%s gets 401, a generic body, and changes nothing', async (_, headers) => {
    const { status, raw } = await bot.post({ text: 'start' }, 'user-1', await headers());
    expect(status).toBe(401);
    expect(JSON.parse(raw)).toEqual({ error: 'Unauthorized' });
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
    expect(bot.connector.posted).toEqual([]);
  });

  test('a valid token for a channel its key is not endorsed for gets 401', async () => {
    const { status } = await bot.post(
      { text: 'start', channelId: 'webchat' },
      'user-1',
      bearer(await valid()),
    );
    expect(status).toBe(401);
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('[HAZ-19] without a valid token, naming another tenant still gets 401: the tenant is not checked yet', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }] as Record<string, string>[]) {
      for (const where of [
        {
          conversation: { id: 'a:x', tenantId: OTHER_TENANT },
          channelData: { tenant: { id: OTHER_TENANT } },
        },
        { conversation: { id: 'a:x', tenantId: TENANT }, channelData: { tenant: { id: OTHER_TENANT } } },
        { conversation: { id: 'a:x' }, channelData: {} },
      ]) {
        const { status, raw } = await bot.post({ text: 'start', ...where }, 'user-1', headers);
        expect(status).toBe(401);
        expect(JSON.parse(raw)).toEqual({ error: 'Unauthorized' });
      }
    }
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('the refusals are logged by event, with nothing from the token or the activity', () => {
    const logged = bot.logs.join('\n');
    expect(logged).toContain('"event":"auth-refused"');
    expect(logged).not.toMatch(/personal-user-1|aad-user-1|Hannah|eyJ/);
    expect(printed.join('\n')).not.toMatch(/personal-user-1|aad-user-1|Hannah/);
  });
});

describe('a request from Bot Framework', () => {
  test('[HAZ-19] a valid token for another tenant gets 403 and changes nothing', async () => {
    for (const where of [
      { conversation: { id: 'a:x', tenantId: OTHER_TENANT }, channelData: { tenant: { id: OTHER_TENANT } } },
      { conversation: { id: 'a:x', tenantId: TENANT }, channelData: { tenant: { id: OTHER_TENANT } } },
      { conversation: { id: 'a:x' }, channelData: {} },
    ]) {
      const { status, raw } = await bot.post({ text: 'start', ...where }, 'user-1', bearer(await valid()));
      expect(status).toBe(403);
      expect(JSON.parse(raw)).toEqual({ error: 'Forbidden' });
    }
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
    expect(bot.connector.posted).toEqual([]);
  });

  test('a valid channel token gets 200 and a real turn', async () => {
    const { status, replies } = await bot.post({ text: 'start' }, 'user-1', bearer(await valid()));
    expect(status).toBe(200);
    expect(cardText(lastCard(replies))).toMatch(/referrer|your details/i);
    expect(bot.sql('SELECT key FROM bot_state').length).toBeGreaterThan(0);
    // the keys came from the stand-in, not from the internet
    expect(idp.requests).toBeGreaterThan(0);
  });
});

describe('the test-only key server setting', () => {
  const base = {
    BOT_MODE: 'production',
    BOT_ID: BOT_APP_ID,
    BOT_PASSWORD: 'x',
    TENANT_ID: TENANT,
    SERVICE_NAME: 'S',
    SERVICE_AREA_NAME: 'A',
    SERVICE_AREA_POSTCODE_DISTRICTS: 'LE1',
    ADVICE_LINE_NUMBER: '0116 111 2222',
    SOCIAL_CARE_FRONT_DOOR_NUMBER: '0116 111 3333',
    OUT_OF_HOURS_NUMBER: '0116 111 4444',
    TEST_BOT_OPENID_METADATA_URL: 'http://127.0.0.1:1/v1/.well-known/openidconfiguration',
  };

  test.each(['production', 'local', 'staging'])('is refused with APP_ENV=%s, naming it', (appEnv) => {
    expect(() => loadConfig({ ...base, APP_ENV: appEnv }, '/nonexistent')).toThrow(
      /TEST_BOT_OPENID_METADATA_URL: is for the test suite only \(APP_ENV=test\)/,
    );
  });

  test('is refused even under APP_ENV=test when it is not on this machine', () => {
    for (const url of ['https://login.evil.example/keys', 'not a url', 'http://10.0.0.1/keys']) {
      expect(() =>
        loadConfig({ ...base, APP_ENV: 'test', TEST_BOT_OPENID_METADATA_URL: url }, '/nonexistent'),
      ).toThrow(/TEST_BOT_OPENID_METADATA_URL: must be an http:\/\/127\.0\.0\.1/);
    }
    expect(loadConfig({ ...base, APP_ENV: 'test' }, '/nonexistent').TEST_BOT_OPENID_METADATA_URL).toBe(
      base.TEST_BOT_OPENID_METADATA_URL,
    );
  });
});
