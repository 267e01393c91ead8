/**
 * Fault-injection run of channel delivery, for the closing note. The bot runs as `npm start`
 * does (production worker timings: 1 s first retry, 1 s poll; DELIVERY_TIMEOUT_SECONDS=1) against a
 * stand-in Bot Connector on loopback that answers 500, 429 (Retry-After: 1), hangs past the timeout,
 * or takes a post but answers only after the timeout, at random with a fixed seed. A burst of calls
 * (a third flagging possible harm to the baby) is submitted at once; the script then counts what
 * reached the stand-in.
 *
 * Usage: npm run delivery-report [-- CALLS [SEED]]   (CALLS at most 200; loopback only)
 */
import { performance } from 'node:perf_hooks';
import { CHANNEL_ENV, chatClient, FLAGGED_CALL, type OutboxRow } from '../test/delivery/support';
import { FULL_CALL } from '../test/fixtures/answers';
import type { Card } from '../test/helpers/bot';
import { startTestBot } from '../test/helpers/bot';
import { deliveryIdOf, type Fault } from '../test/helpers/connector';

const CALLS = Math.max(1, Math.min(Number(process.argv[2] ?? 30), 200));
const SEED = Number(process.argv[3] ?? 20261123);
const DEADLINE_MS = 180_000;

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: readonly [share: number, name: string, fault: Fault][] = [
  [0.15, '500', { status: 500 }],
  [0.1, '429 Retry-After: 1', { status: 429, retryAfter: '1' }],
  [0.05, 'hang past the timeout (not taken)', { hang: true }],
  [0.03, 'taken, answered after the timeout', { delayMs: 1_500 }],
];

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const random = seeded(SEED);
  const bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_TIMEOUT_SECONDS: '1', DELIVERY_GIVE_UP_MINUTES: '30' },
  });
  const injected = new Map<string, number>();
  bot.connector.faultWhen(() => {
    let r = random();
    for (const [share, name, fault] of FAULTS) {
      if (r < share) {
        injected.set(name, (injected.get(name) ?? 0) + 1);
        return fault;
      }
      r -= share;
    }
    return undefined;
  });
  const chat = chatClient(() => bot.url, bot.connector.url);
  const users = Array.from({ length: CALLS }, (_, i) => `report-${i}`);
  const flagged = new Set(users.filter((_, i) => i % 3 === 0));
  const reviews: Card[] = [];
  for (let i = 0; i < users.length; i += 5) {
    const batch = users.slice(i, i + 5);
    reviews.push(
      ...(await Promise.all(
        batch.map((u) => chat.walkToReview(u, flagged.has(u) ? FLAGGED_CALL : FULL_CALL)),
      )),
    );
  }

  // the burst: every call submitted at once
  const submittedAt = new Map<string, number>();
  const t0 = performance.now();
  await Promise.all(
    users.map(async (u, i) => {
      submittedAt.set(u, Date.now());
      await chat.submit(u, reviews[i]!);
    }),
  );

  const rows = () => bot.sql<OutboxRow>('SELECT * FROM outbox');
  const deadline = Date.now() + DEADLINE_MS;
  while (rows().some((r) => r.status === 'pending') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const settledS = (performance.now() - t0) / 1000;
  const final = rows();
  const posted = bot.connector.posted;
  const taken = new Map<string, number[]>();
  for (const p of posted) {
    if (!p.accepted) continue;
    const id = deliveryIdOf(p);
    if (id) taken.set(id, [...(taken.get(id) ?? []), p.at]);
  }
  const delivered = final.filter((r) => r.status === 'delivered');
  const failed = final.filter((r) => r.status === 'failed');
  const pending = final.filter((r) => r.status === 'pending');
  // lost: neither made nor reported as failed, or marked delivered without ever reaching Teams
  const lost = pending.length + delivered.filter((r) => !taken.has(r.id)).length;
  const duplicated = [...taken.values()].reduce((n, ats) => n + ats.length - 1, 0);

  const calls = bot.sql<{ id: string; conversation_id: string }>(
    'SELECT id, conversation_id FROM duty_calls',
  );
  const userOf = new Map(calls.map((c) => [c.id, c.conversation_id.replace('a:personal-', '')]));
  const latency = (kind: string) =>
    final
      .filter((r) => r.kind === kind && taken.has(r.id))
      .map((r) => Math.min(...taken.get(r.id)!) - submittedAt.get(userOf.get(r.record_id!)!)!)
      .sort((a, b) => a - b);
  const alerts = latency('safeguarding-alert');
  const summaries = latency('duty-summary');
  const expectedAlerts = flagged.size;

  const line = (label: string, value: string | number) => console.log(`${label.padEnd(44)}${value}`);
  line('calls submitted in one burst:', `${CALLS} (${flagged.size} flagged), seed ${SEED}`);
  line('faults injected:', [...injected].map(([name, n]) => `${name} x${n}`).join(', ') || 'none');
  line('deliveries queued (outbox rows):', final.length);
  line('posts attempted (requests to the connector):', posted.length);
  line('deliveries delivered (distinct ids taken):', `${taken.size} (${delivered.length} marked delivered)`);
  line('deliveries duplicated (extra copies taken):', duplicated);
  line('deliveries failed (given up, admin told):', failed.length);
  line('deliveries lost:', lost);
  line('alerts reaching the safeguarding channel:', `${alerts.length} of ${expectedAlerts}`);
  line(
    'submit -> alert at the connector, median/worst:',
    `${(pct(alerts, 50) / 1000).toFixed(2)} s / ${((alerts.at(-1) ?? Number.NaN) / 1000).toFixed(2)} s`,
  );
  line(
    'submit -> duty summary, median/worst:',
    `${(pct(summaries, 50) / 1000).toFixed(2)} s / ${((summaries.at(-1) ?? Number.NaN) / 1000).toFixed(2)} s`,
  );
  line('all settled after the burst:', `${settledS.toFixed(1)} s`);
  await bot.close();
  if (lost > 0 || alerts.length !== expectedAlerts) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
