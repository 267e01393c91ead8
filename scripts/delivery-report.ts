/**
 * Fault-injection run of channel delivery, for the closing note. The bot runs as `npm start`
 * does (production worker timings and DELIVERY_TIMEOUT_SECONDS=15, so an alert's first two tries time out
 * after 3 s) against a stand-in Bot Connector on loopback. Two runs, each a fresh bot: no faults, then
 * 30% faults: 500, 429 (Retry-After: 1), hangs past the timeout, and posts taken but answered only after
 * the timeout, at random with a fixed seed. A burst of calls (a third flagging domestic abuse, an alert
 * rule that alerts at submit) is submitted at once; the script then counts what reached the stand-in, and
 * reports submit -> alert at the connector apart from submit -> duty summary.
 *
 * Usage: npm run delivery-report [-- CALLS [SEED]]   (CALLS at most 200; loopback only)
 */
import { performance } from 'node:perf_hooks';
import { ALERT_CALL, FULL_CALL } from '../test/fixtures/answers';
import { startTestBot } from '../test/harness/bot';
import type { Card } from '../test/harness/cards';
import { chatClient } from '../test/harness/chat';
import { deliveryIdOf } from '../test/harness/connector';
import { faultRule, seeded, thirtyPercentFaults } from '../test/harness/faults';
import { CHANNEL_ENV, type OutboxRow } from '../test/harness/service';

const CALLS = Math.max(1, Math.min(Number(process.argv[2] ?? 40), 200));
const SEED = Number(process.argv[3] ?? 20261123);
const DEADLINE_MS = 300_000;
/** DELIVERY_TIMEOUT_SECONDS as in production. */
const TIMEOUT_S = 15;

// a call whose alert is queued by its submit (domestic abuse), so the burst of submits is a burst of
// alerts too: possible harm to the baby raises its alert earlier, at the risk save, one call at a time

/** 30% of requests in all. */
const FAULTS = thirtyPercentFaults(TIMEOUT_S);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface RunResult {
  readonly lost: number;
  readonly alertsMissing: number;
}

async function run(label: string, faults: boolean): Promise<RunResult> {
  const random = seeded(SEED);
  const bot = await startTestBot({
    env: { ...CHANNEL_ENV, DELIVERY_TIMEOUT_SECONDS: String(TIMEOUT_S), DELIVERY_GIVE_UP_MINUTES: '30' },
  });
  const injected = new Map<string, number>();
  // the walk to the review card is not what is measured: faults start with the burst
  let armed = false;
  bot.connector.faultWhen(faultRule(random, FAULTS, () => armed && faults, injected));
  const chat = chatClient(() => bot.url, bot.connector.url);
  const users = Array.from({ length: CALLS }, (_, i) => `report-${i}`);
  const flagged = new Set(users.filter((_, i) => i % 3 === 0));
  const reviews: Card[] = [];
  for (let i = 0; i < users.length; i += 5) {
    const batch = users.slice(i, i + 5);
    reviews.push(
      ...(await Promise.all(batch.map((u) => chat.walkToReview(u, flagged.has(u) ? ALERT_CALL : FULL_CALL)))),
    );
  }
  // an alert raised while the call was in progress (at the risk save) is not part of the burst: the
  // burst is measured from the submits, on the alerts and summaries the submits queue
  await new Promise((r) => setTimeout(r, 3_000));
  const before = new Set(bot.sql<{ id: string }>('SELECT id FROM outbox').map((r) => r.id));
  const postedBefore = bot.connector.posted.length;

  // the burst: every call submitted at once
  armed = true;
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
  const posted = bot.connector.posted.slice(postedBefore);
  const taken = new Map<string, number[]>();
  for (const p of bot.connector.posted) {
    // an update redraws a message: not another copy of it
    if (!p.accepted || p.method === 'PUT') continue;
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
      .filter((r) => r.kind === kind && taken.has(r.id) && r.record_id && userOf.has(r.record_id))
      .map((r) => {
        const user = userOf.get(r.record_id!)!;
        // an alert raised at the risk save was at the connector before the submit: it waited 0 s
        return Math.max(0, Math.min(...taken.get(r.id)!) - submittedAt.get(user)!);
      })
      .sort((a, b) => a - b);
  // from the row's created_at (the submit's transaction) to the connector: the delivery alone, without
  // the time the burst of submits takes the bot to process
  const queued = (kind: string) =>
    final
      .filter((r) => r.kind === kind && taken.has(r.id))
      .map((r) => Math.max(0, Math.min(...taken.get(r.id)!) - Date.parse(r.created_at)))
      .sort((a, b) => a - b);
  const alerts = latency('safeguarding-alert');
  const summaries = latency('duty-summary');
  const alertsRaisedEarly = final.filter((r) => r.kind === 'safeguarding-alert' && before.has(r.id)).length;
  const fmt = (xs: number[]) =>
    `${(pct(xs, 50) / 1000).toFixed(2)} s / ${(pct(xs, 99) / 1000).toFixed(2)} s / ${((xs.at(-1) ?? Number.NaN) / 1000).toFixed(2)} s`;

  const line = (l: string, value: string | number) => console.log(`  ${l.padEnd(50)}${value}`);
  console.log(`\n${label}`);
  line('calls submitted in one burst:', `${CALLS} (${flagged.size} flagged), seed ${SEED}`);
  line('faults injected:', [...injected].map(([name, n]) => `${name} x${n}`).join(', ') || 'none');
  line('deliveries queued (outbox rows):', final.length);
  line('requests to the connector after the burst:', posted.length);
  line('deliveries delivered (distinct ids taken):', `${taken.size} (${delivered.length} marked delivered)`);
  line('deliveries duplicated (extra copies taken):', duplicated);
  line('deliveries failed (given up, admin told):', failed.length);
  line('deliveries lost:', lost);
  line('alerts reaching the safeguarding channel:', `${alerts.length} of ${flagged.size}`);
  line('  of which raised at the risk save (before submit):', alertsRaisedEarly);
  line('submit -> alert at the connector, p50/p99/max:', fmt(alerts));
  line('queued -> alert at the connector, p50/p99/max:', fmt(queued('safeguarding-alert')));
  line('submit -> duty summary, p50/p99/max:', fmt(summaries));
  line('all settled after the burst:', `${settledS.toFixed(1)} s`);
  await bot.close();
  return { lost, alertsMissing: flagged.size - alerts.length };
}

async function main() {
  const results = [await run('No faults', false), await run('30% faults', true)];
  if (results.some((r) => r.lost > 0 || r.alertsMissing > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
