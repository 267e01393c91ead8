import { startBot } from './app-host';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (config.BOT_MODE === 'local') {
    logger.warn(
      { event: 'local-mode' },
      'LOCAL MODE: Bot Framework authentication is OFF; listening on 127.0.0.1 only',
    );
  }
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot(config, { logger });
  } catch (err) {
    // settings that can only be checked against the database (the safeguarding channel)
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.stdout.write(`imh-duty-bot listening on ${bot.url}/api/messages (${config.BOT_MODE} mode)\n`);
  const stop = async () => {
    await bot.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`imh-duty-bot failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && 'code' in err) process.stderr.write(`code: ${String(err.code)}\n`);
  process.exit(1);
});
