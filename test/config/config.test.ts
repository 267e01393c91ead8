import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ConfigError, listenHost, loadConfig } from '../../src/config/config';

const ROOT = path.resolve(__dirname, '../..');

/** A temporary root with an env file of our own, so tests do not depend on the committed defaults. */
function rootWith(file: string, contents: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-config-'));
  fs.mkdirSync(path.join(dir, 'env'));
  fs.writeFileSync(path.join(dir, 'env', file), contents);
  return dir;
}

const SERVICE = [
  'SERVICE_NAME=IMH',
  'SERVICE_AREA_NAME=Somewhere',
  'SERVICE_AREA_POSTCODE_DISTRICTS=LE1, le2 ,LE11'.replace('le2', 'LE2'),
  'ADVICE_LINE_NUMBER=0116 000 0000',
  'TENANT_ID=11111111-2222-3333-4444-555555555555',
].join('\n');

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('the committed local defaults start in local mode on loopback', () => {
  const config = loadConfig({}, ROOT);
  expect(config.APP_ENV).toBe('local');
  expect(config.BOT_MODE).toBe('local');
  expect(listenHost(config)).toBe('127.0.0.1');
  expect(config.SERVICE_AREA_POSTCODE_DISTRICTS.length).toBeGreaterThan(0);
});

test('lists are split and trimmed, and the environment overrides the file', () => {
  const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}\nPORT=4000`);
  const config = loadConfig({ PORT: '5000' }, root);
  expect(config.SERVICE_AREA_POSTCODE_DISTRICTS).toEqual(['LE1', 'LE2', 'LE11']);
  expect(config.PORT).toBe(5000);
});

test('local mode never listens beyond loopback, whatever HOST says', () => {
  const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}\nHOST=0.0.0.0`);
  expect(listenHost(loadConfig({}, root))).toBe('127.0.0.1');
  expect(
    listenHost(
      loadConfig(
        {
          BOT_MODE: 'production',
          BOT_ID: '11111111-2222-3333-4444-666666666666',
          BOT_PASSWORD: 's',
          // production also needs the numbers a referrer is told to ring (safety-settings.test.ts)
          SOCIAL_CARE_FRONT_DOOR_NUMBER: '0116 000 0001',
          OUT_OF_HOURS_NUMBER: '0116 000 0002',
        },
        root,
      ),
    ),
  ).toBe('0.0.0.0');
});

test('production mode refuses to start without the bot id and secret, naming each', () => {
  const root = rootWith('.env.production', `BOT_MODE=production\n${SERVICE}`);
  const message = errorOf(() => loadConfig({ APP_ENV: 'production' }, root));
  expect(message).toContain('BOT_ID: is required in production mode');
  expect(message).toContain('BOT_PASSWORD: is required in production mode');
  expect(message).toContain('APP_ENV=production');
});

test.each([
  ['TENANT_ID', 'TENANT_ID=not-a-guid', 'TENANT_ID: must be the Microsoft Entra tenant id'],
  ['BOT_MODE', 'BOT_MODE=debug', 'BOT_MODE: must be "local"'],
  [
    'postcode district',
    'SERVICE_AREA_POSTCODE_DISTRICTS=LE1,Leicester',
    'SERVICE_AREA_POSTCODE_DISTRICTS.1: each must be a postcode district',
  ],
  ['advice line', 'ADVICE_LINE_NUMBER=call us', 'ADVICE_LINE_NUMBER: must be a telephone number'],
  ['time zone', 'TIME_ZONE=Mars/Olympus', 'TIME_ZONE: is not a time zone'],
  ['port', 'PORT=99999', 'PORT:'],
])('a bad %s is named in the error', (_name, line, expected) => {
  const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}\n${line}`);
  expect(errorOf(() => loadConfig({}, root))).toContain(expected);
});

test('missing service settings are named as not set', () => {
  const root = rootWith(
    '.env.local',
    'BOT_MODE=local\nTENANT_ID=11111111-2222-3333-4444-555555555555\nADVICE_LINE_NUMBER=0116 000 0000',
  );
  const message = errorOf(() => loadConfig({}, root));
  expect(message).toContain('SERVICE_NAME: is required but not set');
  expect(message).toContain('SERVICE_AREA_NAME: is required but not set');
});

test('a service with no area (no postcode districts, no local authorities) is refused', () => {
  const root = rootWith('.env.local', `BOT_MODE=local\n${SERVICE}\nSERVICE_AREA_POSTCODE_DISTRICTS=`);
  expect(errorOf(() => loadConfig({}, root))).toContain('the service area needs postcode districts');
});

test('DATABASE_URL selects PostgreSQL (issue 11); a bad one is refused by name without being quoted', () => {
  const url = 'postgres://bot:s3cret@db.example:5432/imh';
  expect(loadConfig({ DATABASE_URL: url, DATABASE_SCHEMA: 'imh_duty' }, ROOT)).toMatchObject({
    DATABASE_URL: url,
    DATABASE_SCHEMA: 'imh_duty',
  });
  // it can hold a password: the message names the setting, never its value
  const message = errorOf(() => loadConfig({ DATABASE_URL: 'mysql://bot:s3cret@db.example/imh' }, ROOT));
  expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ connection URL/);
  expect(message).not.toContain('s3cret');
  expect(errorOf(() => loadConfig({ DATABASE_URL: url, DATABASE_SCHEMA: 'pg_catalog' }, ROOT))).toContain(
    'DATABASE_SCHEMA',
  );
  expect(errorOf(() => loadConfig({ DATABASE_URL: url, DATABASE_SCHEMA: 'a"; drop' }, ROOT))).toContain(
    'DATABASE_SCHEMA',
  );
  // empty is unset: the SQLite file, as on a fresh machine
  expect(loadConfig({ DATABASE_URL: ' ' }, ROOT)).toMatchObject({
    DATABASE_URL: undefined,
    DATABASE_FILE: 'data/imh-duty-bot.sqlite',
  });
});

test('without any env file nothing is assumed: BOT_MODE must be chosen explicitly', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-config-'));
  expect(errorOf(() => loadConfig({ APP_ENV: 'staging' }, root))).toContain('BOT_MODE');
});

test('the server process exits with the configuration error instead of starting', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, APP_ENV: 'production', BOT_MODE: 'production' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('Invalid configuration');
  expect(result.stderr).toContain('BOT_ID: is required in production mode');
});
