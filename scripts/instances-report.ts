/**
 * Several instances on one database, under faults and kills (issue 11, items 3 and 4). Starts INSTANCES
 * bots as their own processes (test/delivery/crash-child.ts: startBot from the environment) on one
 * database (STORE: one SQLite file, or a new schema on the PostgreSQL at TEST_DATABASE_URL, as
 * DATABASE_URL and DATABASE_SCHEMA put them there), behind a round-robin proxy on loopback, so that
 * every turn of a call lands on another instance than the last. A stand-in Bot Connector takes the posts
 * with 30% faults (500, 429 with Retry-After, hangs past the timeout, posts taken but answered late).
 * A burst of CALLS duty calls is submitted (a third of them raising an alert at submit), and one instance
 * is killed (SIGKILL) and started again twice during it. A turn that an instance dies in is pressed again,
 * as the referrer would, and lands on another.
 *
 * Prints: calls recorded (each once), deliveries lost (must be 0), duplicates (each should be a post taken
 * over from an instance that died, or one taken but answered after the timeout), the most posts into one
 * conversation in any 1 s and 30 s across all instances (Teams allows 7 and 60), and submit -> alert.
 *
 * Exits 1 if any of those fails (test/delivery/instances-report.test.ts runs it small in npm test).
 *
 * Usage: npx tsx scripts/instances-report.ts [CALLS, default 60] [INSTANCES, default 3] [SEED] [STORE: sqlite
 * (default) or postgres]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ALERT_CALL, FULL_CALL } from '../test/fixtures/answers';
import { startBotProcess } from '../test/harness/bot-process';
import type { Card } from '../test/harness/cards';
import { chatClient } from '../test/harness/chat';
import {
  channelOf,
  conversationOf,
  deliveryIdOf,
  type Posted,
  startConnector,
} from '../test/harness/connector';
import { faultRule, mostIn, seeded, thirtyPercentFaults } from '../test/harness/faults';
import { TEST_DATABASE_URL } from '../test/harness/postgres-env';
import { CHANNEL_ENV, DUTY, type OutboxRow } from '../test/harness/service';

const CALLS = Math.max(1, Math.min(Number(process.argv[2] ?? 60), 200));
const INSTANCES = Math.max(2, Math.min(Number(process.argv[3] ?? 3), 5));
const SEED = Number(process.argv[4] ?? 20261201);
const STORE = process.argv[5] === 'postgres' ? 'postgres' : 'sqlite';
const TIMEOUT_S = 5;
const LEASE_S = 5;
const DEADLINE_MS = 300_000;

const FAULTS = thirtyPercentFaults(TIMEOUT_S);

type Instance = Awaited<ReturnType<typeof startBotProcess>>;

const start = (env: Record<string, string>) => startBotProcess(env);

/** Round-robin over the live instances; a request an instance cannot take goes to the next. */
function roundRobin(targets: () => string[]) {
  let next = 0;
  let retried = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      // as a load balancer would: another instance, and after a moment another again (one may be starting)
      for (let tries = 0; tries < 40; tries++) {
        if (tries >= targets().length) await new Promise((r) => setTimeout(r, 250));
        const list = targets();
        const url = list[next++ % list.length]!;
        try {
          const r = await fetch(`${url}${req.url}`, {
            method: req.method,
            headers: { 'content-type': 'application/json' },
            body,
          });
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(await r.text());
          return;
        } catch {
          // the instance died under this turn, or is not listening: the referrer presses again
          retried++;
        }
      }
      res.writeHead(502);
      res.end();
    });
  });
  return new Promise<{ url: string; retried: () => number; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        retried: () => retried,
        close: () => server.close(),
      }),
    ),
  );
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-instances-'));
  const file = path.join(dir, 'bot.sqlite');
  // on PostgreSQL: a schema of this run's own, read by the report through a pool of its own
  const schema = `instances_${process.pid}_${Date.now()}`;
  const admin =
    STORE === 'postgres'
      ? new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, options: `-c search_path=${schema}` })
      : undefined;
  admin?.on('error', () => {});
  const connector = await startConnector();
  const random = seeded(SEED);
  const injected = new Map<string, number>();
  // posts taken but answered after the timeout: made again by design, a recognisable duplicate
  const answeredLate = new Set<string | undefined>();
  let armed = false;
  connector.faultWhen(
    faultRule(
      random,
      FAULTS,
      () => armed,
      injected,
      (p, fault) => {
        if ('delayMs' in fault) answeredLate.add(deliveryIdOf(p as Posted));
      },
    ),
  );
  const env = {
    APP_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_FILE: file,
    ...(STORE === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {}),
    TEAMS_SERVICE_URL: connector.url,
    DELIVERY_TIMEOUT_SECONDS: String(TIMEOUT_S),
    DELIVERY_LEASE_SECONDS: String(LEASE_S),
    DELIVERY_GIVE_UP_MINUTES: '30',
    // nobody acknowledges the alerts here: each is escalated every minute, a round at a time, by whichever
    // instance's scheduler looks first; each round must be queued (and so posted) once
    ALERT_ESCALATION_MINUTES: '1',
    ...CHANNEL_ENV,
  };
  // the first alone, so the schema is migrated once before the others open the file
  const instances: Instance[] = [await start(env)];
  for (let i = 1; i < INSTANCES; i++) instances.push(await start(env));
  const proxy = await roundRobin(() => instances.map((i) => i.url));
  const chat = chatClient(() => proxy.url, connector.url);
  const sql = async <T>(q: string): Promise<T[]> => {
    if (admin) return (await admin.query(q)).rows as T[];
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(q).all() as T[];
    } finally {
      db.close();
    }
  };

  const users = Array.from({ length: CALLS }, (_, i) => `inst-${i}`);
  const flagged = new Set(users.filter((_, i) => i % 3 === 0));
  const reviews: Card[] = [];
  for (let i = 0; i < users.length; i += 10) {
    const batch = users.slice(i, i + 10);
    reviews.push(
      ...(await Promise.all(batch.map((u) => chat.walkToReview(u, flagged.has(u) ? ALERT_CALL : FULL_CALL)))),
    );
  }

  // the burst, with an instance killed and started again at a third and at two thirds of it
  armed = true;
  const kills: string[] = [];
  const submittedAt = new Map<string, number>();
  const restarts: Promise<void>[] = [];
  const kill = async (n: number) => {
    const victim = instances[n]!;
    const exited = new Promise((r) => victim.proc.once('exit', r));
    victim.proc.kill('SIGKILL');
    await exited;
    kills.push(`instance ${n + 1} at ${new Date().toISOString().slice(11, 23)}`);
    instances[n] = await start(env);
  };
  let submittedCount = 0;
  const t0 = Date.now();
  await Promise.all(
    users.map(async (u, i) => {
      // a spread of about two seconds, so that the kills land inside it
      await new Promise((r) => setTimeout(r, Math.floor((i / users.length) * 2_000)));
      submittedAt.set(u, Date.now());
      await chat.submit(u, reviews[i]!).catch(async () => {
        // no answer (the instance died under it): pressed again, as the referrer would; if the first had
        // been recorded, this one is told "already submitted"
        await chat.submit(u, reviews[i]!).catch(() => {});
      });
      submittedCount++;
      // one at a time: the second once the first is back (with two instances, both down is an outage)
      if (submittedCount === Math.floor(CALLS / 3)) restarts.push(kill(1 % INSTANCES));
      if (submittedCount === Math.floor((2 * CALLS) / 3))
        restarts.push(Promise.all(restarts).then(() => kill(2 % INSTANCES)));
    }),
  );

  await Promise.all(restarts);
  const rows = () => sql<OutboxRow>('SELECT * FROM outbox');
  const deadline = Date.now() + DEADLINE_MS;
  const settle = async () => {
    while ((await rows()).some((r) => r.status === 'pending') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await settle();
  const settledS = (Date.now() - t0) / 1000;
  // then until every alert has had its first escalation (a minute on, at the next of the instances'
  // scheduler ticks, which come every 30 s), and those are made too
  const escalatedAlerts = async () =>
    new Set(
      (await rows())
        .filter((r) => r.kind === 'alert-escalation')
        .map((r) => (JSON.parse(r.payload_json) as { alertDeliveryId?: string }).alertDeliveryId),
    ).size;
  while ((await escalatedAlerts()) < flagged.size && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
  }
  await settle();
  const final = await rows();
  const taken = new Map<string, number[]>();
  for (const p of connector.posted) {
    if (!p.accepted || p.method === 'PUT') continue;
    const id = deliveryIdOf(p);
    if (id) taken.set(id, [...(taken.get(id) ?? []), p.at]);
  }
  const interrupted = new Set(
    (
      await sql<{ detail_json: string }>(
        `SELECT detail_json FROM audit WHERE action = 'delivery-interrupted'`,
      )
    ).map((a) => (JSON.parse(a.detail_json) as { deliveryId: string }).deliveryId),
  );
  const duplicates = [...taken.entries()].filter(([, ats]) => ats.length > 1);
  const unexplained = duplicates.filter(([id]) => !interrupted.has(id) && !answeredLate.has(id));
  const pending = final.filter((r) => r.status === 'pending');
  const failed = final.filter((r) => r.status === 'failed');
  const delivered = final.filter((r) => r.status === 'delivered');
  const lost = pending.length + delivered.filter((r) => !taken.has(r.id)).length;
  const calls = await sql<{ id: string; conversation_id: string }>(
    'SELECT id, conversation_id FROM duty_calls',
  );
  const byConversation = new Map<string, number[]>();
  for (const p of connector.posted) {
    if (p.method === 'PUT' || p.status === 'hang') continue;
    const c = channelOf(p) ?? conversationOf(p);
    if (c) byConversation.set(c, [...(byConversation.get(c) ?? []), p.at]);
  }
  const most = (ms: number) => Math.max(0, ...[...byConversation.values()].map((ats) => mostIn(ats, ms)));
  const userOf = new Map(calls.map((c) => [c.id, c.conversation_id.replace('a:personal-', '')]));
  const alertLatency = final
    .filter(
      (r) => r.kind === 'safeguarding-alert' && taken.has(r.id) && r.record_id && userOf.has(r.record_id),
    )
    .map((r) => Math.max(0, Math.min(...taken.get(r.id)!) - submittedAt.get(userOf.get(r.record_id!)!)!))
    .sort((a, b) => a - b);
  const escalationRows = final.filter((r) => r.kind === 'alert-escalation');
  const escalations = escalationRows.length;
  // a round of one alert to one place, queued more than once: two instances both escalated it
  const rounds = new Map<string, number>();
  for (const r of escalationRows) {
    const p = JSON.parse(r.payload_json) as { round?: number; alertDeliveryId?: string };
    const key = `${p.alertDeliveryId}\u0000${p.round}\u0000${r.target_json}`;
    rounds.set(key, (rounds.get(key) ?? 0) + 1);
  }
  const roundsTwice = [...rounds.values()].filter((n) => n > 1).length;

  const line = (l: string, value: string | number) => console.log(`  ${l.padEnd(54)}${value}`);
  const where = STORE === 'postgres' ? 'one PostgreSQL database' : 'one SQLite file';
  console.log(`\n${INSTANCES} instances on ${where}, round-robin, 30% faults, seed ${SEED}`);
  line('instances killed (SIGKILL) and started again:', kills.join('; ') || 'none');
  line('turns retried on another instance (the proxy):', proxy.retried());
  line('faults injected:', [...injected].map(([n, k]) => `${n} x${k}`).join(', '));
  line(
    'calls submitted / recorded (each once):',
    `${CALLS} / ${calls.length} (${new Set(calls.map((c) => c.id)).size} distinct)`,
  );
  line('deliveries queued / delivered / failed:', `${final.length} / ${delivered.length} / ${failed.length}`);
  const kinds = new Map<string, number>();
  for (const r of final) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  line('  by kind:', [...kinds].map(([k, n]) => `${k} ${n}`).join(', '));
  line('deliveries lost:', lost);
  line(
    'duplicates (extra copies taken):',
    duplicates.reduce((n, [, ats]) => n + ats.length - 1, 0),
  );
  line(
    '  taken over from a killed instance (audited):',
    duplicates.filter(([id]) => interrupted.has(id)).length,
  );
  line(
    '  answered after the timeout, so made again:',
    duplicates.filter(([id]) => answeredLate.has(id)).length,
  );
  line('  not explained by a kill or a late answer:', unexplained.length);
  line('most requests into one conversation in any 1 s:', `${most(1_000)} (Teams: 7)`);
  line('most requests into one conversation in any 30 s:', `${most(30_000)} (Teams: 60)`);
  line('requests to the duty channel (faulted ones too):', byConversation.get(DUTY)?.length ?? 0);
  line('escalations queued (each round of an alert once):', `${escalations} (${roundsTwice} queued twice)`);
  line(
    'submit -> alert at the connector, p50/p99/max:',
    alertLatency.length
      ? `${(pct(alertLatency, 50)! / 1000).toFixed(2)} s / ${(pct(alertLatency, 99)! / 1000).toFixed(2)} s / ${(alertLatency.at(-1)! / 1000).toFixed(2)} s (${alertLatency.length} of ${flagged.size})`
      : 'none',
  );
  line('all settled after the burst:', `${settledS.toFixed(1)} s`);
  proxy.close();
  for (const i of instances) i.proc.kill('SIGKILL');
  await connector.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
  const failures = [
    lost > 0 && `${lost} deliveries lost`,
    calls.length !== CALLS && `${calls.length} calls recorded of ${CALLS}`,
    new Set(calls.map((c) => c.id)).size !== calls.length && 'a call recorded twice',
    unexplained.length > 0 && `${unexplained.length} duplicates not explained`,
    most(1_000) > 7 && 'over 7 requests into one conversation in 1 s',
    most(30_000) > 60 && 'over 60 requests into one conversation in 30 s',
    alertLatency.length !== flagged.size && 'an alert not at the connector',
    roundsTwice > 0 && `${roundsTwice} escalation rounds queued twice`,
  ].filter(Boolean);
  if (failures.length > 0) {
    console.log(`FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
