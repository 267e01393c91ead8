/**
 * What a long history costs a turn (issue 10, item 3). Two SQLite files, one with 10 stored calls and
 * one with N (default 100,000), seeded through the project's own classes (test/harness/history-seed.ts)
 * with the same 10 calls in the open (8 awaiting their indication, 2 with an alert nobody
 * acknowledged) and, in the long one, the rest old and done with. Half of every history is the bench's
 * own referrers' (the Entra ids its turns carry), so anything a referrer's turn looks up by referrer
 * reads theirs. After the seed the scheduler is run until idle (as it would be long after the calls
 * were made).
 *
 * Then the real bot (the compiled build's startBot, local mode, under plain node: scripts/bench/
 * history-bot.cjs) is started on each file in a child process of its own, its scheduler ticking every
 * second, and driven over HTTP on /api/messages: whole duty calls (start, every section with the
 * fixture answers, Submit), a typed 'status' after each, and an '@bot open' in the duty channel (the
 * duty team's open calls). The two bots take turns call by call so the machine's drift falls on both
 * alike. Prints turn p50/p99/max for each, the ratio, the turns during which a WAL checkpoint ran
 * (the checkpointer's thread, beside the turn rather than inside its commit, unless that thread has
 * stopped), and each bot's scheduler tick time, event-loop delay (perf_hooks.
 * monitorEventLoopDelay) and RSS over the measured turns. Not part of npm test.
 *
 * Usage: npx tsx scripts/history-turn-bench.ts [N] [calls per bot]
 * BENCH_NO_BUILD=1: use dist/ as it is (otherwise tsc -p tsconfig.build.json first).
 * BENCH_PLANS=1: also prints every statement the measured turns and ticks ran whose query plan scans a
 * table (SCAN without an index's search), with the plan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
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
} from '../test/harness/cards';
import { activityClient } from '../test/harness/chat';
import { seedHistory, settleSchedule } from '../test/harness/history-seed';
import { startStubConnector } from './bench/connector';
import { buildCompiled, type HistoryBot, startHistoryBot } from './bench/history-bot';
import { checkpointedBetween, walProgress } from './lib/wal';

const N = Number(process.argv[2] ?? 100_000);
const CALLS = Number(process.argv[3] ?? 150);
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

const client = activityClient(8);
const postJson = client.post;

interface Target {
  readonly label: string;
  readonly stored: number;
  readonly dir: string;
  readonly file: string;
  /** checkpointed: a WAL checkpoint ran while the turn was answered (see scripts/lib/wal.ts) */
  readonly turns: { kind: 'duty' | 'submit' | 'status' | 'open'; ms: number; checkpointed: boolean }[];
}

/** Seeds `stored` calls and runs the scheduler on them until it has nothing left to do. */
async function prepare(label: string, stored: number, now: Date): Promise<Target> {
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
  const drained = await settleSchedule(db, now);
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
  /** each time the loop was held for more than 20 ms, and whether a WAL checkpoint ran meanwhile */
  blocks: { ms: number; checkpointed: boolean }[];
  /** garbage collections over 10 ms */
  gcs: number[];
  rssStart: number;
  heapUsed: number;
}

async function main() {
  buildCompiled();
  const now = new Date();
  const connector = await startStubConnector();
  const targets = [await prepare('short', 10, now), await prepare('long', N, now)];
  const children = new Map<Target, HistoryBot>();
  for (const t of targets) {
    children.set(
      t,
      await startHistoryBot({
        file: t.file,
        connectorUrl: connector.url,
        tenant: TENANT,
        dutyTeam: DUTY_TEAM,
        dutyChannel: DUTY_CHANNEL,
        label: t.label,
      }),
    );
  }
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
    const wal = walProgress(t.file);
    const started = performance.now();
    const res = await postJson(`${children.get(t)!.url}/api/messages`, body);
    const took = performance.now() - started;
    const checkpointed = checkpointedBetween(wal, walProgress(t.file));
    if (res.status !== 200) {
      throw new Error(`${t.label}: ${kind} answered ${res.status}: ${res.raw.slice(0, 300)}`);
    }
    if (measure) t.turns.push({ kind, ms: took, checkpointed });
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
      'each bot in its own process (the compiled build, plain node); turn latencies in ms, over HTTP on loopback',
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
    const c = stats(t.turns.filter((x) => x.checkpointed).map((x) => x.ms));
    const o = stats(t.turns.filter((x) => !x.checkpointed).map((x) => x.ms));
    console.log(
      `${String(t.stored).padStart(6)} stored: ${c.n} turns overlapped a WAL checkpoint, p50 ${ms(c.p50)}, ` +
        `max ${ms(c.max)}; the other ${o.n} turns p50 ${ms(o.p50)}, max ${ms(o.max)}`,
    );
  }
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
  for (const t of targets) {
    const b = reports.get(t)!.blocks;
    const c = b.filter((x) => x.checkpointed).map((x) => x.ms);
    const o = b.filter((x) => !x.checkpointed).map((x) => x.ms);
    const max = (xs: number[]) => (xs.length ? ms(Math.max(...xs)) : '-');
    console.log(
      `${String(t.stored).padStart(6)} stored: event loop held > 20 ms ${b.length} times: ${c.length} while a WAL ` +
        `checkpoint ran (max ${max(c)}), ${o.length} otherwise (max ${max(o)}); ` +
        `garbage collections over 10 ms: ${reports.get(t)!.gcs.length} (max ${max(reports.get(t)!.gcs)}); ` +
        `RSS at the start ${mb(reports.get(t)!.rssStart)}, heap kept at the end ${mb(reports.get(t)!.heapUsed)}`,
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
  client.close();
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

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
