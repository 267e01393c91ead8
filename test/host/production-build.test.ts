/**
 * The production bundle (issue 10, start-up): dist/bot.cjs as `npm run build` writes it and `npm run
 * start:prod` runs it, started as its own process away from the repository (so the card templates must
 * be found from the bundle, not the working directory), answers /healthz and takes a real turn, in local
 * mode and in production mode (Bot Framework tokens checked against a stand-in key server). Also: its
 * stubs fail loudly when reached, and its stack traces name the TypeScript sources.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildBundle, stubPlugin } from '../../scripts/build-bundle';
import { BOT_APP_ID, startOpenIdServer } from '../harness/bot-framework-tokens';
import { cardText, lastCard, personalChatActivity } from '../harness/cards';
import { activityClient } from '../harness/chat';
import { startConnector } from '../harness/connector';

const ROOT = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'bot.cjs');

let dir: string;
const children: ChildProcess[] = [];
let connector: Awaited<ReturnType<typeof startConnector>> | undefined;
let idp: Awaited<ReturnType<typeof startOpenIdServer>> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node dist/bot.cjs` as npm run start:prod does, with the test settings passed in: it runs in an
 * empty directory, with no env/ or cards/ beside it. Resolves once /healthz answers 200.
 */
async function startBundle(env: Record<string, string>): Promise<{ url: string; health: unknown }> {
  const port = await freePort();
  const settings = dotenv.parse(fs.readFileSync(path.join(ROOT, 'env', '.env.test')));
  const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
  const child = spawn(process.execPath, [BUNDLE], {
    cwd,
    env: {
      ...process.env,
      ...settings,
      APP_ENV: 'test',
      PORT: String(port),
      DATABASE_FILE: path.join(cwd, 'bot.sqlite'),
      TEAMS_SERVICE_URL: connector!.url,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    if (stderr.length < 10_000) stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the bundle exited (${child.exitCode}): ${stderr.slice(0, 2000)}`);
    if (Date.now() > until) throw new Error(`no 200 from /healthz in 20 s: ${stderr.slice(0, 2000)}`);
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return { url, health: await res.json() };
    await res?.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
}

const client = activityClient(2);

async function sayHelp(url: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify(personalChatActivity({ text: 'help' }, 'bundle-user', connector!.url, 'act-1'));
  return client.post(`${url}/api/messages`, body, headers);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-bundle-'));
  await buildBundle({ outfile: BUNDLE });
  connector = await startConnector();
  idp = await startOpenIdServer();
});

afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }),
  );
  client.close();
  await connector?.close();
  await idp?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the production bundle (dist/bot.cjs)', () => {
  test('starts in local mode, answers /healthz, and answers "help" with the help card', async () => {
    const { url, health } = await startBundle({ BOT_MODE: 'local' });
    expect(health).toMatchObject({ status: 'ok', mode: 'local' });
    // the checkpointer's worker thread runs from the bundle, not only from the sources
    expect(health).toMatchObject({ storage: { records: 'sqlite', drafts: 'sqlite', checkpoints: 'worker' } });
    const { status, replies } = await sayHelp(url);
    expect(status).toBe(200);
    const text = cardText(lastCard(replies));
    expect(text).toContain('What you can type');
    expect(text).toContain('call the advice line on 0116 111 2222');
  });

  test('in production mode it refuses a request without a token and takes a turn with a valid one', async () => {
    const { url, health } = await startBundle({
      BOT_MODE: 'production',
      BOT_ID: BOT_APP_ID,
      BOT_PASSWORD: 'x',
      HOST: '127.0.0.1',
      TEST_BOT_OPENID_METADATA_URL: idp!.metadataUrl,
      SAFEGUARDING_TEAM_ID: '19:team-safe@thread.tacv2',
      SAFEGUARDING_CHANNEL_ID: '19:safeguarding@thread.tacv2',
    });
    expect(health).toMatchObject({ status: 'ok', mode: 'production' });
    const refused = await sayHelp(url);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.raw)).toEqual({ error: 'Unauthorized' });
    const token = await idp!.token({ serviceUrl: connector!.url });
    const { status, replies } = await sayHelp(url, { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(cardText(lastCard(replies))).toContain('What you can type');
  });

  test('a stubbed module fails loudly, naming itself, if the bot ever reaches it', async () => {
    // what the bot would do if it were given a planner (Application reads the stubbed lib/AI.js), or if
    // it used a restify plugin
    const outfile = path.join(dir, 'ai.cjs');
    await build({
      stdin: {
        contents: `const { Application } = require('@microsoft/teams-ai/lib/Application');
try { new Application({ ai: { planner: {} } }); console.log('constructed'); } catch (err) { console.log(err.message); }
try { require('restify').plugins.bodyParser(); console.log('parser'); } catch (err) { console.log(err.message); }`,
        resolveDir: ROOT,
        loader: 'js',
      },
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['better-sqlite3', 'pg-native', 'bufferutil', 'utf-8-validate', 'dtrace-provider'],
      plugins: [stubPlugin()],
      logLevel: 'silent',
    });
    const out = execFileSync(process.execPath, [outfile], { encoding: 'utf8' });
    expect(out).toContain(
      './AI (required by @microsoft/teams-ai/lib/Application.js) is not in the production bundle',
    );
    expect(out).toContain('"ai" option');
    expect(out).toContain('./plugins (required by restify/lib/index.js) is not in the production bundle');
    expect(out).not.toContain('constructed');
    expect(out).not.toContain('parser');
  });

  test('stack traces from the bundle name the TypeScript file and line', async () => {
    const source = path.join(dir, 'thrower.ts');
    fs.writeFileSync(
      source,
      `import { lazySourceMaps } from ${JSON.stringify(path.join(ROOT, 'src', 'stack-traces'))};

lazySourceMaps(__filename);

function deep(): never {
  throw new TypeError('boom');
}

try {
  deep();
} catch (err) {
  console.log((err as Error).stack);
}
`,
    );
    const outfile = path.join(dir, 'thrower.cjs');
    await build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const stack = execFileSync(process.execPath, [outfile], { encoding: 'utf8' });
    expect(stack).toContain('TypeError: boom');
    expect(stack).toContain(`at deep (${source}:6:9)`);
    expect(stack).not.toContain('thrower.cjs');
  });
});
