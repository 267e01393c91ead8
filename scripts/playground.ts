/**
 * npm run playground: the bot (as `npm start` runs it, from env/.env.<APP_ENV>, local by default) and
 * the Microsoft 365 Agents Playground pointing at it, together. Prints the address to open once both
 * answer; Ctrl+C stops both. `npm run playground:client` starts the playground alone, for a bot that
 * is already running on port 3978.
 *
 * Environment: PLAYGROUND_PORT (default 56150); the bot's own settings as for `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ConfigError, loadConfig } from '../src/config/config';

const ROOT = path.resolve(path.dirname(__filename), '..');
const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);

function playgroundCli(): string {
  const pkg = require.resolve('@microsoft/m365agentsplayground/package.json');
  const { bin } = require(pkg) as { bin: Record<string, string> };
  return path.join(path.dirname(pkg), bin.agentsplayground ?? 'cli.js');
}

/**
 * A child in its own process group (Ctrl+C reaches only this script, which stops each child once),
 * its output prefixed with its name. `onLine` sees every line.
 */
function start(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void = () => undefined,
): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      console.log(`[${name}] ${line}`);
      onLine(line);
    });
  }
  return child;
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited (code ${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within a minute`);
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    const kill = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // already gone
      }
    };
    kill(signal);
    setTimeout(() => kill('SIGKILL'), 5_000).unref();
  });
}

async function main(): Promise<void> {
  let port: number;
  try {
    port = loadConfig().PORT;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (port === 0) port = 3978;
  const endpoint = `http://127.0.0.1:${port}/api/messages`;

  const bot = start('bot', ['--import', 'tsx', 'src/index.ts'], { ...process.env, PORT: String(port) });
  // the playground takes a random port when the one asked for is busy: it says which
  let listening: (port: number) => void = () => undefined;
  const playgroundPort = new Promise<number>((resolve) => {
    listening = resolve;
  });
  const playground = start(
    'playground',
    [playgroundCli(), '-e', endpoint, '-c', 'msteams', '--disable-telemetry', '-p', String(PLAYGROUND_PORT)],
    // without this the playground tries to open a desktop browser, and exits where there is none
    { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
    (line) => {
      const m = /Listening on (\d+)/.exec(line);
      if (m) listening(Number(m[1]));
    },
  );
  const children = [bot, playground];

  let stopping = false;
  const shutdown = async (code: number, signal: NodeJS.Signals = 'SIGINT') => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((c) => stop(c, signal)));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  // if this script dies some other way, the children go with it
  process.on('exit', () => {
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null || !c.pid) continue;
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  for (const [name, child] of [
    ['the bot', bot],
    ['the playground', playground],
  ] as const) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${name} stopped (${signal ?? `code ${code}`}); stopping the other`);
      void shutdown(1);
    });
  }

  let url: string;
  try {
    const [, actual] = await Promise.all([
      waitFor(`http://127.0.0.1:${port}/healthz`, bot, 'The bot'),
      Promise.race([
        playgroundPort,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('The playground did not say where it listens')), 60_000).unref(),
        ),
      ]),
    ]);
    url = `http://localhost:${actual}`;
    await waitFor(`${url}/_debug/ping`, playground, 'The playground');
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    await shutdown(1);
    return;
  }
  console.log('');
  console.log(`Open ${url}`);
  console.log(`(bot: ${endpoint}; choose Personal Chat and type "start"; Ctrl+C stops both)`);
  console.log('');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
