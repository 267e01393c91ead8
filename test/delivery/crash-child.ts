/**
 * The bot as its own process, for the crash test: configured from the environment (APP_ENV=test),
 * it prints `{"url": ...}` once listening. The test kills it with SIGKILL and starts it again.
 */
import { startBot } from '../../src/app-host';
import { loadConfig } from '../../src/config/config';

async function main() {
  const bot = await startBot(loadConfig(process.env), { delivery: { pollMs: 20 } });
  process.stdout.write(`${JSON.stringify({ url: bot.url })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-child failed: ${err instanceof Error ? err.name : typeof err}\n`);
  process.exit(1);
});
