/**
 * What a long history costs a turn (issue 10, item 3). Two SQLite files, one with 10 stored calls and
 * one with N (default 100,000), seeded through the project's own classes (test/helpers/history-seed.ts)
 * with the same 10 calls in the open (8 awaiting their indication, 2 with an alert nobody acknowledged) and,
 * in the long one, the rest old and done with. Half of every history is the bench's own referrers'
 * (the Entra ids its turns carry), so anything a referrer's turn looks up by referrer reads theirs.
 * After the seed the scheduler is run until idle (as it would be long after the calls were made).
 *
 * Then the real bot (startBot, local mode, each in a child process of its own) is started on each file, its scheduler
 * ticking every second, and driven over HTTP on /api/messages: whole duty calls (start, every section
 * with the fixture answers, Submit), a typed 'status' after each, and an '@bot open' in the duty
 * channel (the duty team's open calls). The two bots take turns call by call so the machine's drift
 * falls on both alike. Prints turn p50/p99/max for each, the ratio, the event loop's delay
 * (perf_hooks.monitorEventLoopDelay) over the measured turns, the scheduler's tick time and RSS.
 * Not part of npm test.
 *
 * Usage: npx tsx scripts/history-turn-bench.ts [N] [calls per bot]
 * BENCH_PLANS=1: also prints every statement the measured turns and ticks ran whose query plan scans a
 * table (SCAN without an index's search), with the plan.
 */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { startBot } from '../src/app-host';
import { loadConfig } from '../src/config/config';
import { Scheduler } from '../src/delivery/scheduler';
import { openDatabase } from '../src/storage/database';
import { FULL_CALL } from '../test/fixtures/answers';
import {
  type Card,
  cardAnswers,
  lastCard,
  nextTitle,
  personalChatActivity,
  press,
  type Reply,
  sectionOf,
  TENANT,
} from '../test/helpers/bot';
import { seedHistory, settleSchedule } from '../test/helpers/history-seed';
import { startStubConnector } from './bench/connector';

const SERVING = process.argv[2] === '--serve';
const N = SERVING ? 0 : Number(process.argv[2] ?? 100_000);
const CALLS = SERVING ? 0 : Number(process.argv[3] ?? 40);
const REFERRERS = 5;
const WARMUP_CALLS = 3;
const SUBMIT = 'Submit the duty call';
const DUTY_TEAM = '19:duty-team@thread.tacv2';
const DUTY_CHANNEL = '19:duty-channel@thread.tacv2';
const OPEN = 10;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

// every statement run, by its SQL, for BENCH_PLANS
const ran = new Set<string>();
let recording = false;
if (process.env.BENCH_PLANS) {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const m of ['run', 'get', 'all', 'iterate'] as const) {
    const orig = proto[m] as (...a: unknown[]) => unknown;
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      if (recording) ran.add(this.source);
      return orig.apply(this, a);
    };
  }
}

// the scheduler's tick, timed wherever it runs
const ticks: number[] = [];
const tick = Scheduler.prototype.tick;
Scheduler.prototype.tick = function (this: Scheduler) {
  const t = performance.now();
  try {
    return tick.call(this);
  } finally {
    if (recording) ticks.push(performance.now() - t);
  }
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function postJson(url: string, body: string): Promise<{ status: number; replies: Reply[]; raw: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let replies: Reply[] = [];
          if (raw && res.headers['content-type']?.includes('json')) {
            replies = (JSON.parse(raw) as { activities?: Reply[] }).activities ?? [];
          }
          resolve({ status: res.statusCode ?? 0, replies, raw });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Target {
  readonly label: string;
  readonly stored: number;
  readonly dir: string;
  readonly file: string;
  readonly turns: { kind: 'duty' | 'submit' | 'status' | 'open'; ms: number }[];
}

/** Seeds `stored` calls and runs the scheduler on them until it has nothing left to do. */
function prepare(label: string, stored: number, now: Date): Target {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `history-turn-${label}-`));
  const file = path.join(dir, 'bot.sqlite');
  const db = openDatabase(file);
  const seedMs = seedHistory(db, 0, stored, {
    now,
    // half the history is the bench's own referrers' (their turns carry aad-hist-<k>)
    referrer: (i) => (i % 2 === 0 ? `aad-hist-${(i / 2) % REFERRERS}` : `aad-other-${i % 997}`),
    recent: (i) => i < OPEN - 2,
    openAlert: (i) => i >= OPEN - 2 && i < OPEN,
  });
  // long after the calls were made: what the scheduler had to look at once, it has looked at
  const drained = settleSchedule(db, now);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const size = fs.statSync(file).size;
  db.close();
  console.log(
    `${label}: ${stored} stored calls seeded in ${(seedMs / 1000).toFixed(1)} s, ${drained} scheduler ticks ` +
      `to idle; file ${mb(size)}`,
  );
  return { label, stored, dir, file, turns: [] };
}

interface BotReport {
  ticks: number[];
  delayP50: number;
  delayP99: number;
  delayMax: number;
  rssMax: number;
  scans: string[];
  statements: number;
}

/**
 * The bot's own process: starts it on the file, times its scheduler's ticks, watches its event loop's
 * delay and its RSS while the parent says it is measuring, and reports them.
 */
async function serve(file: string, connectorUrl: string): Promise<void> {
  const bot = await startBot(
    loadConfig({
      APP_ENV: 'test',
      BOT_MODE: 'local',
      PORT: '0',
      TENANT_ID: TENANT,
      DATABASE_FILE: file,
      TEAMS_SERVICE_URL: connectorUrl,
      DUTY_TEAM_ID: DUTY_TEAM,
      DUTY_CHANNEL_ID: DUTY_CHANNEL,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    }),
    { schedulerEveryMs: 1_000, delivery: { pollMs: 200 } },
  );
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let rssMax = 0;
  let sampler: NodeJS.Timeout | undefined;
  process.on('message', async (m: string) => {
    if (m === 'start') {
      ticks.length = 0;
      ran.clear();
      recording = true;
      rssMax = process.memoryUsage().rss;
      sampler = setInterval(() => {
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }, 100);
      delay.reset();
      delay.enable();
      process.send!('started');
    } else if (m === 'stop') {
      delay.disable();
      recording = false;
      clearInterval(sampler);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      const report: BotReport = {
        ticks,
        delayP50: delay.percentile(50) / 1e6,
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
        rssMax,
        scans: process.env.BENCH_PLANS ? scansOf(file) : [],
        statements: ran.size,
      };
      process.send!(report);
    } else if (m === 'close') {
      await bot.close();
      process.exit(0);
    }
  });
  process.send!({ url: bot.url });
}

/** The statements run while measuring whose query plan scans a table, with the plan. */
function scansOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const out: string[] = [];
  for (const sql of ran) {
    let plan: { detail: string }[];
    try {
      plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params(sql)) as { detail: string }[];
    } catch {
      continue;
    }
    if (!plan.some((p) => /^SCAN /.test(p.detail) && !/^SCAN CONSTANT/.test(p.detail))) continue;
    out.push(`${sql.replace(/\s+/g, ' ').slice(0, 300)}\n    ${plan.map((p) => p.detail).join(' | ')}`);
  }
  db.close();
  return out;
}

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  ask<T>(m: string): Promise<T>;
}

async function startChild(t: Target, connectorUrl: string): Promise<Child> {
  // the same node and loader flags (tsx) as this process
  const proc = fork(__filename, ['--serve', t.file, connectorUrl], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      proc.once('message', resolve);
      proc.once('exit', (code) => reject(new Error(`${t.label}: the bot exited (${code})`)));
    });
  const { url } = (await next()) as { url: string };
  return {
    proc,
    url,
    ask: async <T>(m: string) => {
      const answer = next();
      proc.send(m);
      return (await answer) as T;
    },
  };
}

async function main() {
  const now = new Date();
  const connector = await startStubConnector();
  const targets = [prepare('short', 10, now), prepare('long', N, now)];
  const children = new Map<Target, Child>();
  for (const t of targets) children.set(t, await startChild(t, connector.url));
  let seq = 0;

  const turn = async (
    t: Target,
    activity: Record<string, unknown>,
    user: string,
    kind: Target['turns'][number]['kind'],
    measure: boolean,
  ): Promise<Reply[]> => {
    seq += 1;
    const body = JSON.stringify(personalChatActivity(activity, user, connector.url, `act-${seq}`));
    const started = performance.now();
    const res = await postJson(`${children.get(t)!.url}/api/messages`, body);
    const took = performance.now() - started;
    if (res.status !== 200) {
      throw new Error(`${t.label}: ${kind} answered ${res.status}: ${res.raw.slice(0, 300)}`);
    }
    if (measure) t.turns.push({ kind, ms: took });
    return res.replies;
  };

  /** A whole duty call, Submit, then 'status' in the chat and 'open' in the duty channel. */
  const oneCall = async (t: Target, c: number, measure: boolean) => {
    const user = `hist-${c % REFERRERS}`;
    let card: Card = lastCard(await turn(t, { text: 'start' }, user, 'duty', measure));
    for (let p = 0; p < 20 && sectionOf(card) !== 'review'; p++) {
      const value = press(card, nextTitle(card), cardAnswers(card, FULL_CALL));
      card = lastCard(await turn(t, { value }, user, 'duty', measure));
    }
    if (sectionOf(card) !== 'review') throw new Error(`${t.label}: did not reach the review card`);
    const done = await turn(t, { value: press(card, SUBMIT) }, user, 'submit', measure);
    if (!JSON.stringify(done).includes('Duty call submitted')) throw new Error(`${t.label}: not submitted`);
    const status = await turn(t, { text: 'status' }, user, 'status', measure);
    if (!JSON.stringify(status).includes('IMH-')) throw new Error(`${t.label}: status names no call`);
    const open = await turn(t, OPEN_IN_DUTY_CHANNEL, 'duty-1', 'open', measure);
    if (!JSON.stringify(open).includes('Open calls')) {
      throw new Error(`${t.label}: open listed nothing: ${JSON.stringify(open).slice(0, 300)}`);
    }
  };

  // warm-up, not measured: JIT, module caches, statements, sockets
  for (let c = 0; c < WARMUP_CALLS; c++) for (const t of targets) await oneCall(t, c, false);

  for (const t of targets) await children.get(t)!.ask('start');
  const began = performance.now();
  for (let c = 0; c < CALLS; c++) {
    // the two bots take turns, each a whole call, so drift falls on both
    for (const t of c % 2 === 0 ? targets : [...targets].reverse()) await oneCall(t, WARMUP_CALLS + c, true);
  }
  const elapsed = (performance.now() - began) / 1000;
  // a few more ticks with nothing else running
  await new Promise((r) => setTimeout(r, 2_500));
  const reports = new Map<Target, BotReport>();
  for (const t of targets) reports.set(t, await children.get(t)!.ask<BotReport>('stop'));

  console.log(
    `\n${CALLS} calls per bot in ${elapsed.toFixed(0)} s (node ${process.version}, ${os.cpus().length} CPUs); ` +
      'each bot in its own process (run by tsx); turn latencies in ms, over HTTP on loopback',
  );
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s.at(-1) ?? Number.NaN };
  };
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(
    `${'stored calls / turns'.padEnd(24)} ${'n'.padStart(5)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}`,
  );
  for (const kind of ['all', 'duty', 'submit', 'status', 'open'] as const) {
    for (const t of targets) {
      const s = stats(t.turns.filter((x) => kind === 'all' || x.kind === kind).map((x) => x.ms));
      console.log(
        `${`${t.stored} / ${kind}`.padEnd(24)} ${String(s.n).padStart(5)} ${f(s.p50)} ${f(s.p99)} ${f(s.max)}`,
      );
    }
  }
  const [short, long] = targets.map((t) => stats(t.turns.map((x) => x.ms)));
  console.log(
    `\nturn p99 at ${N} / at 10 stored calls: ${(long!.p99 / short!.p99).toFixed(2)} ` +
      `(p50 ${(long!.p50 / short!.p50).toFixed(2)}); target <= 1.2`,
  );
  for (const t of targets) {
    const r = reports.get(t)!;
    const tk = [...r.ticks].sort((a, b) => a - b);
    const wal = `${t.file}-wal`;
    console.log(
      `${String(t.stored).padStart(6)} stored: scheduler ticks ${tk.length} (1 s apart), p50 ${ms(pct(tk, 50))}, ` +
        `max ${ms(tk.at(-1) ?? 0)}; event-loop delay p50 ${ms(r.delayP50)}, p99 ${ms(r.delayP99)}, ` +
        `max ${ms(r.delayMax)} (target <= 50 ms); RSS max ${mb(r.rssMax)} (target < 300 MB); ` +
        `file ${mb(fs.statSync(t.file).size)}, WAL ${fs.existsSync(wal) ? mb(fs.statSync(wal).size) : '-'}`,
    );
  }
  if (process.env.BENCH_PLANS) {
    for (const t of targets) {
      const r = reports.get(t)!;
      console.log(
        `\n${t.stored} stored: statements run whose plan scans a table (${r.scans.length} of ${r.statements}):`,
      );
      for (const line of r.scans) console.log(`- ${line}`);
    }
  }

  for (const t of targets) {
    children.get(t)!.proc.send('close');
    await new Promise((r) => children.get(t)!.proc.once('exit', r));
  }
  await connector.close();
  agent.destroy();
  for (const t of targets) fs.rmSync(t.dir, { recursive: true, force: true });
}

/** '@IMH Duty Bot open' from a duty team member in the duty channel. */
const OPEN_IN_DUTY_CHANNEL = {
  text: '<at>IMH Duty Bot</at> open',
  entities: [
    { type: 'mention', text: '<at>IMH Duty Bot</at>', mentioned: { id: '28:bot', name: 'IMH Duty Bot' } },
  ],
  from: { id: '29:duty-1', name: 'Dana Duty', aadObjectId: 'aad-duty-1' },
  conversation: {
    id: `${DUTY_CHANNEL};messageid=1700000000000`,
    conversationType: 'channel',
    isGroup: true,
    tenantId: TENANT,
  },
  channelData: { tenant: { id: TENANT }, team: { id: DUTY_TEAM }, channel: { id: DUTY_CHANNEL } },
};

/** Nulls for a statement's positional (?) or named (@x) parameters, for EXPLAIN. */
function params(sql: string): unknown[] {
  const named = [...sql.matchAll(/@([A-Za-z_]+)/g)].map((m) => m[1]!);
  if (named.length > 0) return [Object.fromEntries(named.map((k) => [k, null]))];
  return Array((sql.match(/\?/g) ?? []).length).fill(null);
}

(SERVING ? serve(process.argv[3]!, process.argv[4]!) : main()).then(
  () => {
    if (!SERVING) process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
