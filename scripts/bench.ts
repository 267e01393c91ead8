/**
 * Measures a whole duty call through the real HTTP endpoint: latency per card action, calls per
 * second, memory and database size. Loopback only; bounded by CALLS. Usage: npm run bench [-- CALLS]
 */
import { performance } from 'node:perf_hooks';
import { FULL_CALL } from '../test/fixtures/answers';
import { cardAnswers, lastCard, press, startTestBot } from '../test/harness/bot';

const CALLS = Math.min(Number(process.argv[2] ?? 50), 500);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  const bot = await startTestBot();
  const latencies: number[] = [];
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    latencies.push(performance.now() - t);
    return out;
  };
  // warm up module caches and the SQLite statements before measuring
  await bot.say('help', 'warmup');
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (let c = 0; c < CALLS; c++) {
    const user = `bench-${c}`;
    let card = lastCard(await timed(() => bot.say('start', user)));
    for (let i = 0; i < 20 && !card.actions?.some((a) => a.title === 'Submit the duty call'); i++) {
      const next = card.actions?.find((a) => a.title === 'Next' || a.title === 'Save and review');
      const answers = cardAnswers(card, FULL_CALL);
      card = lastCard(await timed(() => bot.submit(press(card, next?.title ?? 'Next', answers), user)));
    }
    await timed(() => bot.submit(press(card, 'Submit the duty call'), user));
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const mem = process.memoryUsage();
  const fs = await import('node:fs');
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  const dbBytes = size(bot.config.DATABASE_FILE) + size(`${bot.config.DATABASE_FILE}-wal`);
  await bot.close();
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `duty calls completed:        ${CALLS} (${latencies.length / CALLS} requests each, ${latencies.length} requests)`,
  );
  console.log(`wall time:                   ${elapsed.toFixed(2)} s`);
  console.log(`duty calls per second:       ${(CALLS / elapsed).toFixed(1)}`);
  console.log(
    `request latency p50/p95/max: ${pct(sorted, 50).toFixed(1)} / ${pct(sorted, 95).toFixed(1)} / ${sorted.at(-1)?.toFixed(1)} ms`,
  );
  console.log(
    `rss before/after:            ${mb(rssBefore)} / ${mb(mem.rss)} MB (heap used ${mb(mem.heapUsed)} MB)`,
  );
  console.log(
    `sqlite file + WAL:           ${(dbBytes / 1024).toFixed(0)} KB (${(dbBytes / 1024 / CALLS).toFixed(1)} KB per call)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
