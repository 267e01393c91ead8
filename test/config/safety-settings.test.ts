/**
 * Issue 8, "Unknown is not safe": a service cannot configure the bot so that possible harm alerts
 * nobody, and production refuses to start without the numbers the referrer is told to ring and a
 * safeguarding channel for the alerts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startBot } from '../../src/app-host';
import { ConfigError, frontDoorNumber, loadConfig } from '../../src/config/config';
import { ChannelRegistry } from '../../src/records/channels';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';

const SERVICE = [
  'SERVICE_NAME=IMH',
  'SERVICE_AREA_NAME=Somewhere',
  'SERVICE_AREA_POSTCODE_DISTRICTS=LE1',
  'ADVICE_LINE_NUMBER=0116 000 0000',
  'TENANT_ID=11111111-2222-3333-4444-555555555555',
].join('\n');

const PRODUCTION = {
  APP_ENV: 'production',
  BOT_MODE: 'production',
  BOT_ID: '11111111-2222-3333-4444-666666666666',
  BOT_PASSWORD: 's',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
};

const NUMBERS = { SOCIAL_CARE_FRONT_DOOR_NUMBER: '0116 454 1004', OUT_OF_HOURS_NUMBER: '0116 255 1606' };
const CHANNEL = {
  SAFEGUARDING_TEAM_ID: '19:team@thread.tacv2',
  SAFEGUARDING_CHANNEL_ID: '19:safe@thread.tacv2',
};

const dirs: string[] = [];
function rootWith(file: string, contents: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-safety-config-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'env'));
  fs.writeFileSync(path.join(dir, 'env', file), contents);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('alert rules', () => {
  test.each(['possible-harm-baby', 'harm-not-known'])(
    '[HAZ-06] SAFEGUARDING_ALERT_RULES without %s is refused, saying why',
    (missing) => {
      const rules = ['possible-harm-baby', 'possible-harm-parent', 'harm-not-known'].filter(
        (r) => r !== missing,
      );
      const root = rootWith(
        '.env.local',
        `BOT_MODE=local\n${SERVICE}\nSAFEGUARDING_ALERT_RULES=${rules.join(',')}`,
      );
      const message = errorOf(() => loadConfig({}, root));
      expect(message).toContain('SAFEGUARDING_ALERT_RULES:');
      expect(message).toContain(missing);
      expect(message).toMatch(/would alert nobody/);
    },
  );

  test('[HAZ-06] the default rules alert on possible harm to the baby and on harm not known', () => {
    const config = loadConfig({}, rootWith('.env.local', `BOT_MODE=local\n${SERVICE}`));
    expect(config.SAFEGUARDING_ALERT_RULES).toEqual(
      expect.arrayContaining(['possible-harm-baby', 'harm-not-known']),
    );
  });
});

describe('the front door and out-of-hours numbers', () => {
  test('[HAZ-06] production refuses to start without the front door’s number and the out-of-hours number, naming each', () => {
    const root = rootWith('.env.production', `BOT_MODE=production\n${SERVICE}`);
    const message = errorOf(() => loadConfig(PRODUCTION, root));
    expect(message).toContain('SOCIAL_CARE_FRONT_DOOR_NUMBER: is required in production mode');
    expect(message).toContain('OUT_OF_HOURS_NUMBER: is required in production mode');
  });

  test('[HAZ-06] MASH_NUMBER still works as the front door’s number (deprecated alias)', () => {
    const root = rootWith('.env.production', `BOT_MODE=production\n${SERVICE}`);
    const config = loadConfig(
      { ...PRODUCTION, MASH_NUMBER: '0116 454 1004', OUT_OF_HOURS_NUMBER: '0116 255 1606' },
      root,
    );
    expect(frontDoorNumber(config)).toBe('0116 454 1004');
    expect(config.SOCIAL_CARE_FRONT_DOOR_NAME).toBe('Children’s social care front door');
  });

  test('[HAZ-06] MASH_NUMBER and SOCIAL_CARE_FRONT_DOOR_NUMBER that disagree are refused', () => {
    const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}`);
    const message = errorOf(() =>
      loadConfig({ MASH_NUMBER: '0116 000 0001', SOCIAL_CARE_FRONT_DOOR_NUMBER: '0116 000 0002' }, root),
    );
    expect(message).toContain('MASH_NUMBER:');
  });

  test('[HAZ-06] a front door or out-of-hours number that is not a telephone number is named', () => {
    const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}`);
    const message = errorOf(() =>
      loadConfig({ SOCIAL_CARE_FRONT_DOOR_NUMBER: 'ring MASH', OUT_OF_HOURS_NUMBER: 'EDT' }, root),
    );
    expect(message).toContain('SOCIAL_CARE_FRONT_DOOR_NUMBER: must be a telephone number');
    expect(message).toContain('OUT_OF_HOURS_NUMBER: must be a telephone number');
  });

  test('local mode starts without them (npm start with no channels and no numbers)', () => {
    const config = loadConfig({}, rootWith('.env.local', `BOT_MODE=local\n${SERVICE}`));
    expect(frontDoorNumber(config)).toBeUndefined();
    expect(config.OUT_OF_HOURS_NUMBER).toBeUndefined();
  });
});

describe('the safeguarding channel', () => {
  const prodConfig = (dir: string, extra: Record<string, string> = {}) =>
    loadConfig(
      { ...PRODUCTION, ...NUMBERS, ...extra, DATABASE_FILE: path.join(dir, 'bot.sqlite') },
      rootWith('.env.production', `BOT_MODE=production\n${SERVICE}`),
    );

  test('[HAZ-06] production refuses to start with no safeguarding channel configured or set in Teams', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-safety-db-'));
    dirs.push(dir);
    const error = await startBot(prodConfig(dir)).then(
      async (bot) => {
        await bot.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('SAFEGUARDING_TEAM_ID');
    expect((error as Error).message).toMatch(/set safeguarding channel/);
  });

  test('[HAZ-06] production starts with the safeguarding channel configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-safety-db-'));
    dirs.push(dir);
    const bot = await startBot(prodConfig(dir, CHANNEL));
    await bot.close();
  });

  test('[HAZ-06] production starts with the safeguarding channel set in Teams (found in the database)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-safety-db-'));
    dirs.push(dir);
    const config = prodConfig(dir);
    const db = openDatabase(config.DATABASE_FILE);
    await new ChannelRegistry(new SqliteSql(db), config).set(
      {
        role: 'safeguarding',
        teamId: '19:team@thread.tacv2',
        channelId: '19:safe@thread.tacv2',
        serviceUrl: 'https://smba.trafficmanager.net/uk/',
        tenantId: config.TENANT_ID,
        setBy: 'aad-admin',
      },
      new Date().toISOString(),
    );
    db.close();
    const bot = await startBot(config);
    await bot.close();
  });
});
