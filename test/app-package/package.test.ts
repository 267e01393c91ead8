import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ManifestUtil, type TeamsAppManifest } from '@microsoft/app-manifest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  bundledManifestVersions,
  fillManifest,
  PACKAGE_FILES,
  placeholderValues,
  readSettings,
  schemaFor,
  schemaUrl,
} from '../../scripts/lib/app-package';
import { crc32 as ourCrc32, zip } from '../../scripts/lib/zip';
import { serviceProfile } from '../../src/app-host';
import { loadConfig } from '../../src/config/config';
import { helpCard } from '../../src/views/notice-view';
import { cardText, lastCard, startTestBot } from '../harness/bot';
import { decodePng } from './png';
import { unzip } from './unzip';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'appPackage');
/** Node's own CRC-32 (20.15+) where there is one, so the zip writer's is checked against another. */
const crc32 = typeof zlib.crc32 === 'function' ? (b: Buffer) => zlib.crc32(b) : ourCrc32;

const template = JSON.parse(fs.readFileSync(path.join(APP, 'manifest.json'), 'utf8')) as Record<
  string,
  unknown
>;

function filled(env: NodeJS.ProcessEnv = { APP_ENV: 'test' }) {
  return fillManifest(template, placeholderValues(readSettings(env, ROOT)))
    .manifest as unknown as TeamsAppManifest & {
    $schema: string;
  };
}

let out: string;
beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-package-'));
});
afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

function packageScript(env: Record<string, string>, outDir = out) {
  const { APP_ENV: _, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/package-app.ts', '--out-dir', outDir], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('the manifest uses the newest schema @microsoft/app-manifest bundles', () => {
  const newest = bundledManifestVersions().at(-1);
  expect(template.manifestVersion).toBe(newest);
  expect(template.$schema).toBe(schemaUrl(String(newest)));
});

test.each(['test', 'local'])(
  'the manifest filled from env/.env.%s validates against its schema with zero errors',
  async (appEnv) => {
    const manifest = filled({ APP_ENV: appEnv });
    expect(JSON.stringify(manifest)).not.toContain('${{');
    const errors = await ManifestUtil.validateManifestAgainstSchema(
      manifest,
      schemaFor(manifest.manifestVersion) as never,
    );
    expect(errors).toEqual([]);
  },
);

test('the filled manifest carries the settings of env/.env.test', () => {
  const m = filled();
  const config = loadConfig({ APP_ENV: 'test' }, ROOT);
  expect(m.id).toBe('9b6c3707-ffa8-4593-b98b-9d3f15af0fb1');
  expect(m.version).toBe('1.2.3');
  expect(m.bots?.[0]?.botId).toBe('22222222-3333-4444-5555-666666666666');
  expect(m.developer).toEqual({
    name: 'Test NHS Trust',
    websiteUrl: 'https://imh.test.example.org/',
    privacyUrl: 'https://imh.test.example.org/privacy',
    termsOfUseUrl: 'https://imh.test.example.org/terms',
  });
  expect(m.name.full).toBe(`${config.SERVICE_NAME} duty call`);
  expect(m.validDomains).toEqual(['imh-duty-bot.test.example.org']);
});

test('the bot id is TEAMS_BOT_ID, else BOT_ID (production); the two must agree when both are set', () => {
  const production = '33333333-4444-5555-6666-777777777777';
  expect(filled({ APP_ENV: 'test', TEAMS_BOT_ID: '', BOT_ID: production }).bots?.[0]?.botId).toBe(production);
  expect(filled({ APP_ENV: 'test', TEAMS_BOT_ID: production, BOT_ID: production }).bots?.[0]?.botId).toBe(
    production,
  );
  expect(() => filled({ APP_ENV: 'test', BOT_ID: production })).toThrow(/TEAMS_BOT_ID and BOT_ID/);
  // locally the app talks to the Agents Playground's bot, while the server's BOT_ID stays unset
  expect(filled({ APP_ENV: 'local' }).bots?.[0]?.botId).toBe('00000000-0000-0000-0000-000000000011');
  expect(loadConfig({ APP_ENV: 'local' }, ROOT).BOT_ID).toBeUndefined();
});

test('the local package and the Agents Playground name the same bot and tenant', () => {
  const yml = fs.readFileSync(path.join(ROOT, '.m365agentsplayground.yml'), 'utf8');
  const botId = /^bot:\s*\n\s+id:\s*(\S+)/m.exec(yml)?.[1];
  const tenantId = /^tenantId:\s*(\S+)/m.exec(yml)?.[1];
  expect(filled({ APP_ENV: 'local' }).bots?.[0]?.botId).toBe(botId);
  expect(loadConfig({ APP_ENV: 'local' }, ROOT).TENANT_ID).toBe(tenantId);
});

test('the bot is installable in personal chats, teams and group chats, with the commands it answers to', async () => {
  const bot = filled().bots?.[0];
  expect(bot?.scopes).toEqual(['personal', 'team', 'groupChat']);
  const commands = bot?.commandLists?.[0];
  expect(commands?.scopes).toEqual(['personal']);
  const titles = commands?.commands.map((c) => c.title);
  // the typed commands, as the help card lists them, and a glossary question
  const help = helpCard(serviceProfile(loadConfig({ APP_ENV: 'test' }, ROOT)), false);
  const listed = [...cardText(help).matchAll(/\*\*([^*]+)\*\*:/g)].map((m) => m[1]);
  expect(titles).toEqual(listed);
  expect(titles?.slice(0, 6)).toEqual(['start', 'advice', 'resume', 'status', 'cancel', 'help']);
  for (const c of commands?.commands ?? []) expect(c.description.length).toBeLessThanOrEqual(128);

  // and the bot answers each of them (none gets "I did not understand that")
  const testBot = await startTestBot();
  try {
    for (const title of titles ?? []) {
      const text = cardText(lastCard(await testBot.say(title)));
      expect(text, title).not.toContain('I did not understand that');
    }
  } finally {
    await testBot.close();
  }
});

test('the icons are PNGs: colour 192x192, outline 32x32 white on transparent', () => {
  const color = decodePng(fs.readFileSync(path.join(APP, 'color.png')), crc32);
  expect([color.width, color.height, color.bitDepth, color.colorType, color.interlace]).toEqual([
    192, 192, 8, 6, 0,
  ]);
  expect(color.rgba.length).toBe(192 * 192 * 4);

  const outline = decodePng(fs.readFileSync(path.join(APP, 'outline.png')), crc32);
  expect([outline.width, outline.height, outline.bitDepth, outline.colorType, outline.interlace]).toEqual([
    32, 32, 8, 6, 0,
  ]);
  const bad: string[] = [];
  let white = 0;
  for (let i = 0; i < outline.rgba.length; i += 4) {
    const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
    if (a === 0) continue;
    if (r! < 240 || g! < 240 || b! < 240)
      bad.push(`(${(i / 4) % 32},${Math.floor(i / 128)}): ${r},${g},${b},${a}`);
    else white++;
  }
  expect(bad).toEqual([]);
  // something is drawn, and not everything
  expect(white).toBeGreaterThan(50);
  expect(white).toBeLessThan(32 * 32);
});

test('npm run package writes a zip of exactly manifest.json, color.png and outline.png', () => {
  const run = packageScript({ APP_ENV: 'test' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const file = path.join(out, 'appPackage.test.zip');
  expect(run.stdout).toContain('appPackage.test.zip');

  const entries = unzip(fs.readFileSync(file), crc32);
  expect(entries.map((e) => e.name)).toEqual([...PACKAGE_FILES]);
  const byName = new Map(entries.map((e) => [e.name, e.data]));
  expect(JSON.parse(byName.get('manifest.json')!.toString('utf8'))).toEqual(filled());
  expect(byName.get('color.png')!.equals(fs.readFileSync(path.join(APP, 'color.png')))).toBe(true);
  expect(byName.get('outline.png')!.equals(fs.readFileSync(path.join(APP, 'outline.png')))).toBe(true);

  // the same settings make the same bytes
  const again = fs.mkdtempSync(path.join(out, 'again-'));
  expect(packageScript({ APP_ENV: 'test' }, again).status).toBe(0);
  expect(fs.readFileSync(path.join(again, 'appPackage.test.zip')).equals(fs.readFileSync(file))).toBe(true);

  // Info-ZIP agrees, where it is installed
  const unzipT = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  if (!unzipT.error) expect(unzipT.stdout).toContain('No errors detected');
});

test('a missing setting stops the package script, naming it, and writes nothing', () => {
  const dir = fs.mkdtempSync(path.join(out, 'missing-'));
  const run = packageScript({ APP_ENV: 'test', TEAMS_APP_ID: '', DEVELOPER_NAME: '' }, dir);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Missing settings for the Teams app manifest');
  expect(run.stderr).toContain('TEAMS_APP_ID');
  expect(run.stderr).toContain('DEVELOPER_NAME');
  expect(run.stderr).toContain('env/.env.test');
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('a bad setting is reported with the setting it came from', () => {
  const dir = fs.mkdtempSync(path.join(out, 'bad-'));
  const run = packageScript(
    { APP_ENV: 'test', TEAMS_APP_ID: 'not-a-guid', PRIVACY_URL: 'imh.example.org', APP_VERSION: '1.0' },
    dir,
  );
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('/id (from TEAMS_APP_ID)');
  expect(run.stderr).toContain('/developer/privacyUrl (from PRIVACY_URL)');
  expect(run.stderr).toContain('/version (from APP_VERSION): must be major.minor.patch');
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('the zip writer: CRC-32 check value, stored when deflate does not help, empty files', () => {
  expect(ourCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  const random = randomBytes(4096);
  const entries = unzip(
    zip([
      { name: 'empty.txt', data: Buffer.alloc(0) },
      { name: 'text/a.txt', data: Buffer.from('a'.repeat(10_000)) },
      { name: 'random.bin', data: random },
    ]),
    crc32,
  );
  expect(entries.map((e) => [e.name, e.method, e.data.length])).toEqual([
    ['empty.txt', 0, 0],
    ['text/a.txt', 8, 10_000],
    ['random.bin', 0, 4096],
  ]);
  expect(entries[2]!.data.equals(random)).toBe(true);
  expect(() => zip([{ name: '../evil', data: Buffer.alloc(1) }])).toThrow(/relative ASCII path/);
  expect(() =>
    zip([
      { name: 'a', data: Buffer.alloc(1) },
      { name: 'a', data: Buffer.alloc(1) },
    ]),
  ).toThrow(/twice/);
});
