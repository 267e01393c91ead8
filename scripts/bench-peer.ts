/**
 * The bot beside its peer (issue 10): starts on loopback a bare restify route (the stack's limit), the
 * botbuilder EchoBot sample (the peer) and this bot (the production bundle `npm run start:prod` runs, local mode), each a child process,
 * and drives all three with the same load generator at 1, 10 and 50 concurrent conversations, in
 * interleaved rounds. Prints throughput, p50/p99/max latency, CPU per turn and peak RSS per target, then
 * the ratios bot/peer beside the issue's targets.
 *
 * Duty-call turns walk whole calls (start, every section with the fixture answers, Submit) against the
 * bot; the peer and the bare route get the same activities, replayed from a recorded walk. Typed turns
 * ('status', 'help') are measured apart. Not part of `npm test`.
 *
 * Usage: npm run bench:peer
 * Environment: BENCH_SECONDS (per cell, default 6), BENCH_ROUNDS (default 3), BENCH_NO_BUILD=1 (use
 * dist/ as it is), BENCH_LOG_LEVEL (the bot's LOG_LEVEL, default silent), BENCH_MODES (duty,typed), BENCH_CONC (1,10,50), BENCH_BOT_NODE_FLAGS, BENCH_BOT2_ENTRY / BENCH_BOT2_ENV (a second bot beside the first), BENCH_PROFILE_DIR (the bot
 * writes a V8 CPU profile there when it stops).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
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
import { startStubConnector } from './bench/connector';
import { type Child, cpuMs, killAll, rssBytes, startChild } from './bench/proc';

const ROOT = path.resolve(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// BENCH_CONC=1: only those concurrencies (e.g. a profile of single-conversation turns)
const CONCURRENCY: readonly number[] = (process.env.BENCH_CONC ?? '1,10,50').split(',').map((c) => {
  const n = Number(c);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CONC: not a concurrency: ${c}`);
  return n;
});
const ALL_MODES = ['duty', 'typed'] as const;
const ALL_TARGETS = ['bare', 'peer', 'bot', 'bot2'] as const;
// BENCH_BOT2_ENTRY, BENCH_BOT2_ENV (JSON) and/or BENCH_BOT2_NODE_FLAGS: a second bot, run in the same
// interleaved rounds, to compare two builds or settings side by side (runs minutes apart differ by more
// than most changes do)
const AB =
  process.env.BENCH_BOT2_ENTRY !== undefined ||
  process.env.BENCH_BOT2_ENV !== undefined ||
  process.env.BENCH_BOT2_NODE_FLAGS !== undefined;
const TARGETS: readonly TargetName[] = AB ? ALL_TARGETS : ['bare', 'peer', 'bot'];
// BENCH_KEEP_DATA=1: the bots' SQLite files stay for inspection (what a run's calls left behind)
const KEEP_DATA = process.env.BENCH_KEEP_DATA === '1';
// env/.env.test's tenant: the bot refuses activities from any other
const SUBMIT = 'Submit the duty call';

type Mode = (typeof ALL_MODES)[number];
// BENCH_MODES=duty: only the duty-call cells (a profile of card turns alone)
const MODES: readonly Mode[] = (process.env.BENCH_MODES ?? ALL_MODES.join(',')).split(',').map((m) => {
  if (!(ALL_MODES as readonly string[]).includes(m)) throw new Error(`BENCH_MODES: unknown mode ${m}`);
  return m as Mode;
});
type TargetName = (typeof ALL_TARGETS)[number];
type Activity = Record<string, unknown>;

interface Cell {
  turns: number;
  errors: number;
  calls: number;
  ms: number;
  cpuMs: number;
  genCpuMs: number;
  rssPeak: number;
  latencies: number[];
  /** The bot's duty-call latencies by turn (start, a section's step, Submit): where its p99 comes from. */
  byTurn: Record<TurnKind, number[]>;
  perRound: number[];
}

type TurnKind = 'start' | 'step' | 'submit';

const client = activityClient(128);
const postJson = client.post;

let seq = 0;
/** The envelope a Teams personal chat sends, as the test helpers build it. */
function envelope(activity: Activity, user: string, serviceUrl: string): string {
  seq += 1;
  return JSON.stringify(personalChatActivity(activity, user, serviceUrl, `act-${user}-${seq}`));
}

interface Target {
  readonly name: TargetName;
  readonly child: Child;
  readonly endpoint: string;
}

class TurnError extends Error {}

/**
 * Runs one cell: `conc` conversations, each a loop of turns until the deadline. Returns what was
 * measured; the child's CPU and RSS come from /proc.
 */
async function runCell(
  target: Target,
  mode: Mode,
  conc: number,
  seconds: number,
  tag: string,
  serviceUrl: string,
  script: Activity[],
): Promise<Omit<Cell, 'perRound'>> {
  // open the cell's connections first, unmeasured: a burst of new connections on a busy server is
  // served one by one (up to seconds at 50), which would measure the ramp, not the turns
  await Promise.all(
    Array.from({ length: conc }, (_, i) =>
      postJson(target.endpoint, envelope({ text: 'help' }, `${tag}-prime-${i}`, serviceUrl)).catch(
        () => null,
      ),
    ),
  );
  const latencies: number[] = [];
  const byTurn: Record<TurnKind, number[]> = { start: [], step: [], submit: [] };
  let errors = 0;
  let calls = 0;
  let rssPeak = rssBytes(target.child.pid);
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssBytes(target.child.pid));
  }, 200);
  const cpu0 = cpuMs(target.child.pid);
  const gen0 = cpuMs('self');
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;

  const turn = async (activity: Activity, user: string, kind?: TurnKind): Promise<Reply[]> => {
    const body = envelope(activity, user, serviceUrl);
    const start = performance.now();
    const res = await postJson(target.endpoint, body);
    const ms = performance.now() - start;
    latencies.push(ms);
    if (kind) byTurn[kind].push(ms);
    if (res.status !== 200) throw new TurnError(`${target.name} answered ${res.status}`);
    return res.replies;
  };

  const conversation = async (i: number): Promise<void> => {
    const user = `${tag}-${i}`;
    let k = 0;
    while (performance.now() < deadline) {
      try {
        if (mode === 'typed') {
          await turn({ text: k++ % 2 === 0 ? 'status' : 'help' }, user);
        } else if (target.name !== 'bot' && target.name !== 'bot2') {
          // the same activities the bot gets, replayed: these targets ignore what they say
          const activity = script[k++ % script.length]!;
          await turn(activity, user);
          if (k % script.length === 0) calls += 1;
        } else {
          // a whole call: start, every section with the fixture's answers, then Submit
          let card: Card = lastCard(await turn({ text: 'start' }, user, 'start'));
          for (let p = 0; p < 20 && sectionOf(card) !== 'review'; p++) {
            if (performance.now() >= deadline) return;
            const value = press(card, nextTitle(card), cardAnswers(card, FULL_CALL));
            card = lastCard(await turn({ value }, user, 'step'));
          }
          if (sectionOf(card) !== 'review') throw new TurnError('did not reach the review card');
          if (performance.now() >= deadline) return;
          const done = await turn({ value: press(card, SUBMIT) }, user, 'submit');
          if (!JSON.stringify(done).includes('Duty call submitted')) throw new TurnError('not submitted');
          calls += 1;
        }
      } catch (err) {
        errors += 1;
        if (errors <= 3) console.error(`  ${target.name} ${mode} x${conc}: ${(err as Error).message}`);
        if (!(err instanceof TurnError)) await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  await Promise.all(Array.from({ length: conc }, (_, i) => conversation(i)));
  const ms = performance.now() - t0;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, rssBytes(target.child.pid));
  return {
    turns: latencies.length,
    errors,
    calls,
    ms,
    cpuMs: cpuMs(target.child.pid) - cpu0,
    genCpuMs: cpuMs('self') - gen0,
    rssPeak,
    latencies,
    byTurn,
  };
}

/** The activities of one whole duty call, as the bot asked for them (for the peer and bare route). */
async function recordCall(bot: Target, serviceUrl: string): Promise<Activity[]> {
  const user = 'record-0';
  const script: Activity[] = [{ text: 'start' }];
  const send = async (a: Activity) => {
    const res = await postJson(bot.endpoint, envelope(a, user, serviceUrl));
    if (res.status !== 200) throw new Error(`bot answered ${res.status} while recording a call`);
    return res.replies;
  };
  let card = lastCard(await send(script[0]!));
  for (let p = 0; p < 20 && sectionOf(card) !== 'review'; p++) {
    const a = { value: press(card, nextTitle(card), cardAnswers(card, FULL_CALL)) };
    script.push(a);
    card = lastCard(await send(a));
  }
  const submit = { value: press(card, SUBMIT) };
  script.push(submit);
  const done = await send(submit);
  if (!JSON.stringify(done).includes('Duty call submitted')) {
    throw new Error(`recorded call not submitted: ${JSON.stringify(done).slice(0, 300)}`);
  }
  return script;
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Summary {
  turns: number;
  errors: number;
  calls: number;
  tps: number;
  p50: number;
  p99: number;
  max: number;
  cpuPerTurn: number;
  genPerTurn: number;
  rssMb: number;
  roundsTps: number[];
}

function summarise(c: Cell): Summary {
  const sorted = Float64Array.from(c.latencies).sort();
  return {
    turns: c.turns,
    errors: c.errors,
    calls: c.calls,
    tps: c.turns / (c.ms / 1000),
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    cpuPerTurn: c.cpuMs / c.turns,
    genPerTurn: c.genCpuMs / c.turns,
    rssMb: c.rssPeak / 1024 / 1024,
    roundsTps: c.perRound,
  };
}

const pad = (s: string, n: number) => s.padStart(n);
const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');

async function main(): Promise<void> {
  const began = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-bench-peer-'));
  const children: Child[] = [];
  let connector: Awaited<ReturnType<typeof startStubConnector>> | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.all(children.map((c) => c.stop()));
    await connector?.close();
    client.close();
    if (KEEP_DATA) console.log(`bot data kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', () => {
    killAll('SIGKILL');
    if (!KEEP_DATA) fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping the children`);
      killAll('SIGTERM');
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    if (process.env.BENCH_NO_BUILD !== '1') {
      console.log('building the bot (npm run build: tsc, then the production bundle) ...');
      try {
        execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
      } catch {
        console.error('the build reported errors; measuring what it emitted in dist/');
      }
    }
    // what `npm run start:prod` runs (README, "Production start-up")
    const entry = path.join(ROOT, 'dist/bot.cjs');
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);

    const stub = await startStubConnector();
    connector = stub;
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
    delete env.NODE_OPTIONS;
    const bare = await startChild('bare', [path.join(ROOT, 'scripts/bench/bare-route.cjs')], env, ROOT);
    children.push(bare);
    const peer = await startChild('peer', [path.join(ROOT, 'scripts/bench/echo-peer.cjs')], env, ROOT);
    children.push(peer);
    // BENCH_PROFILE_DIR=<dir>: the bot writes a V8 CPU profile there when it stops (open it in DevTools)
    const profile = process.env.BENCH_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`]
      : [];
    // BENCH_BOT_NODE_FLAGS: node flags for the bot alone (e.g. to try a V8 setting before adopting it)
    const flags = (process.env.BENCH_BOT_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    // BENCH_BOT2_NODE_FLAGS: the second bot's, if they differ (a V8 setting A/B'd in the same rounds)
    const flags2 = (process.env.BENCH_BOT2_NODE_FLAGS ?? process.env.BENCH_BOT_NODE_FLAGS ?? '')
      .split(/\s+/)
      .filter(Boolean);
    const botEnv = (name: 'bot' | 'bot2'): NodeJS.ProcessEnv => ({
      ...env,
      APP_ENV: 'test',
      BOT_MODE: 'local',
      PORT: '0',
      TENANT_ID: TENANT,
      DATABASE_FILE: path.join(dir, `${name}.sqlite`),
      TEAMS_SERVICE_URL: stub.url,
      // a service set up as in production: each Submit's posts go to its channels (the stand-in
      // connector), not into an outbox waiting for channels nobody set
      DUTY_TEAM_ID: '19:bench-duty-team@thread.tacv2',
      DUTY_CHANNEL_ID: '19:bench-duty@thread.tacv2',
      SAFEGUARDING_TEAM_ID: '19:bench-safeguarding-team@thread.tacv2',
      SAFEGUARDING_CHANNEL_ID: '19:bench-safeguarding@thread.tacv2',
      ADMIN_TEAM_ID: '19:bench-admin-team@thread.tacv2',
      ADMIN_CHANNEL_ID: '19:bench-admin@thread.tacv2',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      ...(name === 'bot2' ? (JSON.parse(process.env.BENCH_BOT2_ENV ?? '{}') as Record<string, string>) : {}),
    });
    const bot = await startChild('bot', [...flags, ...profile, entry], botEnv('bot'), ROOT);
    children.push(bot);
    const bot2 = AB
      ? await startChild(
          'bot2',
          [...flags2, path.resolve(process.env.BENCH_BOT2_ENTRY ?? entry)],
          botEnv('bot2'),
          ROOT,
        )
      : bot;
    if (AB) children.push(bot2);
    const targets: Record<TargetName, Target> = {
      bare: { name: 'bare', child: bare, endpoint: `${bare.url}/api/messages` },
      peer: { name: 'peer', child: peer, endpoint: `${peer.url}/api/messages` },
      bot: { name: 'bot', child: bot, endpoint: `${bot.url}/api/messages` },
      bot2: { name: 'bot2', child: bot2, endpoint: `${bot2.url}/api/messages` },
    };
    const idle = Object.fromEntries(TARGETS.map((t) => [t, rssBytes(targets[t].child.pid) / 1024 / 1024]));

    const script = await recordCall(targets.bot, connector.url);
    console.log(
      `started bare ${bare.url}, peer ${peer.url}, bot ${bot.url} (pids ${bare.pid}/${peer.pid}/${bot.pid});` +
        ` a duty call is ${script.length} turns; ${ROUNDS} rounds x ${SECONDS} s per cell`,
    );

    // warm-up, not measured: JIT, module caches, SQLite statements, sockets
    for (const t of TARGETS) {
      for (const mode of MODES) {
        await runCell(targets[t], mode, 10, 1.5, `warm-${t}-${mode}`, connector.url, script);
      }
    }

    const cells = new Map<string, Cell>();
    const key = (m: Mode, c: number, t: TargetName) => `${m}/${c}/${t}`;
    // a bot keeps working after its cell ends: the posts its Submits queued go out at the pace Teams'
    // rate limits allow, during the other targets' cells. That CPU is the bot's too; it is measured over
    // the whole run and shown apart, and counted in "CPU/turn incl. later" below
    const runCpu0 = Object.fromEntries(TARGETS.map((t) => [t, cpuMs(targets[t].child.pid)]));
    for (let round = 0; round < ROUNDS; round++) {
      // targets rotate each round so none always runs first, and every other round runs backwards: a
      // bot still posting its held deliveries slows whatever runs next, and rotation alone would put bot2
      // after bot in every round
      const rotated = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
      const order = round % 2 === 1 ? rotated.reverse() : rotated;
      for (const mode of MODES) {
        for (const conc of CONCURRENCY) {
          for (const t of order) {
            const tag = `r${round}-${mode}-${conc}-${t}`;
            const r = await runCell(targets[t], mode, conc, SECONDS, tag, connector.url, script);
            const cell = cells.get(key(mode, conc, t)) ?? {
              turns: 0,
              errors: 0,
              calls: 0,
              ms: 0,
              cpuMs: 0,
              genCpuMs: 0,
              rssPeak: 0,
              latencies: [],
              byTurn: { start: [], step: [], submit: [] },
              perRound: [],
            };
            cell.turns += r.turns;
            cell.errors += r.errors;
            cell.calls += r.calls;
            cell.ms += r.ms;
            cell.cpuMs += r.cpuMs;
            cell.genCpuMs += r.genCpuMs;
            cell.rssPeak = Math.max(cell.rssPeak, r.rssPeak);
            for (const l of r.latencies) cell.latencies.push(l);
            for (const k of Object.keys(r.byTurn) as TurnKind[]) cell.byTurn[k].push(...r.byTurn[k]);
            cell.perRound.push(r.turns / (r.ms / 1000));
            cells.set(key(mode, conc, t), cell);
            await new Promise((res) => setTimeout(res, 200));
          }
        }
      }
      const elapsed = (performance.now() - began) / 1000;
      console.log(`round ${round + 1}/${ROUNDS} done (${elapsed.toFixed(0)} s)`);
    }

    const outside = Object.fromEntries(
      TARGETS.map((t) => {
        let inCells = 0;
        for (const m of MODES) for (const c of CONCURRENCY) inCells += cells.get(key(m, c, t))?.cpuMs ?? 0;
        return [t, Math.max(0, cpuMs(targets[t].child.pid) - runCpu0[t]! - inCells)];
      }),
    ) as Record<TargetName, number>;
    const dutyCalls = (t: TargetName) =>
      MODES.includes('duty')
        ? CONCURRENCY.reduce((n, c) => n + (cells.get(key('duty', c, t))?.calls ?? 0), 0)
        : 0;
    // a cell's share of the target's CPU outside its cells, by the duty calls it submitted (typed turns
    // queue no posts)
    const laterPerTurn = (t: TargetName, x: Summary) =>
      dutyCalls(t) > 0 ? (outside[t] * (x.calls / dutyCalls(t))) / x.turns : 0;

    const dbBytes = ['', '-wal']
      .map((s) => path.join(dir, `bot.sqlite${s}`))
      .reduce((n, file) => n + (fs.existsSync(file) ? fs.statSync(file).size : 0), 0);

    const s = (m: Mode, c: number, t: TargetName) => summarise(cells.get(key(m, c, t))!);
    console.log('');
    console.log(
      `bench:peer — ${os.cpus().length} CPUs, node ${process.version}, ${ROUNDS} rounds x ${SECONDS} s per cell, ` +
        `duty call = ${script.length} turns; idle RSS MB bare/peer/bot ${f(idle.bare!, 0)}/${f(idle.peer!, 0)}/${f(idle.bot!, 0)}`,
    );
    console.log(
      [
        'mode ',
        pad('conc', 4),
        'target',
        pad('turns', 7),
        pad('calls', 6),
        pad('err', 4),
        pad('turns/s', 8),
        pad('rounds turns/s', 20),
        pad('p50 ms', 7),
        pad('p99 ms', 7),
        pad('max ms', 7),
        pad('CPU ms/turn', 11),
        pad('gen ms/turn', 11),
        pad('RSS MB', 7),
      ].join(' '),
    );
    for (const mode of MODES) {
      for (const conc of CONCURRENCY) {
        for (const t of TARGETS) {
          const x = s(mode, conc, t);
          console.log(
            [
              mode.padEnd(5),
              pad(String(conc), 4),
              t.padEnd(6),
              pad(String(x.turns), 7),
              pad(mode === 'duty' ? String(x.calls) : '-', 6),
              pad(String(x.errors), 4),
              pad(f(x.tps, 0), 8),
              pad(x.roundsTps.map((v) => f(v, 0)).join('/'), 20),
              pad(f(x.p50), 7),
              pad(f(x.p99), 7),
              pad(f(x.max, 1), 7),
              pad(f(x.cpuPerTurn, 3), 11),
              pad(f(x.genPerTurn, 3), 11),
              pad(f(x.rssMb, 0), 7),
            ].join(' '),
          );
        }
      }
    }
    console.log(
      `(CPU ms/turn: the target process's user+system CPU over the cell / turns; gen ms/turn: the load ` +
        `generator's own; RSS: peak VmRSS over the cells; bot SQLite + WAL at the end: ${(dbBytes / 1024 / 1024).toFixed(1)} MB; ` +
        `requests to the stub connector: ${connector.requests()})`,
    );
    console.log(
      `CPU outside its own cells, ms (posts made later at the rate limits' pace, timers): ` +
        TARGETS.map((t) => `${t} ${f(outside[t], 0)}`).join(', '),
    );
    if (MODES.includes('duty')) {
      // a Submit is one turn in nine: the p99 of a cell is set by whichever kind of turn is slowest
      console.log("the bot's duty-call turns by kind, p50/p99 ms (count):");
      for (const conc of CONCURRENCY) {
        for (const t of TARGETS.filter((n) => n === 'bot' || n === 'bot2')) {
          const by = cells.get(key('duty', conc, t))!.byTurn;
          const parts = (Object.keys(by) as TurnKind[]).map((k) => {
            const sorted = Float64Array.from(by[k]).sort();
            return `${k} ${f(pct(sorted, 50))}/${f(pct(sorted, 99))} (${sorted.length})`;
          });
          console.log(`  duty ${pad(String(conc), 4)} ${t.padEnd(6)} ${parts.join(', ')}`);
        }
      }
    }

    // the ratios last, beside the issue's targets
    console.log('');
    console.log('ratios bot/peer (issue 10 targets in brackets; "ok" meets it, "MISS" does not)');
    console.log(
      [
        'mode ',
        pad('conc', 4),
        pad('CPU/turn', 16),
        pad('CPU/turn incl. later', 22),
        pad('throughput', 18),
        pad('p99', 16),
        pad('bot/bare tput', 14),
        pad('peer/bare tput', 15),
      ].join(' '),
    );
    const mark = (ok: boolean | undefined) => (ok === undefined ? '    ' : ok ? 'ok  ' : 'MISS');
    let misses = 0;
    const judge = (v: number, limit: number | undefined, atMost: boolean): string => {
      if (limit === undefined) return `${f(v)}x ${mark(undefined)} [   -  ]`;
      const ok = atMost ? v <= limit : v >= limit;
      if (!ok) misses += 1;
      return `${f(v)}x ${mark(ok)} [${atMost ? '<=' : '>='}${f(limit, 1)}]`;
    };
    for (const mode of MODES) {
      for (const conc of CONCURRENCY) {
        const b = s(mode, conc, 'bot');
        const p = s(mode, conc, 'peer');
        const r = s(mode, conc, 'bare');
        const loaded = conc >= 10;
        const cpu = judge(b.cpuPerTurn / p.cpuPerTurn, mode === 'duty' ? 2 : undefined, true);
        const cpuLater = judge(
          (b.cpuPerTurn + (mode === 'duty' ? laterPerTurn('bot', b) : 0)) /
            (p.cpuPerTurn + (mode === 'duty' ? laterPerTurn('peer', p) : 0)),
          mode === 'duty' ? 2 : undefined,
          true,
        );
        const tput = judge(b.tps / p.tps, mode === 'duty' ? (loaded ? 0.5 : undefined) : 0.9, false);
        const p99 = judge(b.p99 / p.p99, mode === 'duty' && loaded ? 2 : undefined, true);
        console.log(
          [
            mode.padEnd(5),
            pad(String(conc), 4),
            pad(cpu, 16),
            pad(cpuLater, 22),
            pad(tput, 18),
            pad(p99, 16),
            pad(f(b.tps / r.tps), 14),
            pad(f(p.tps / r.tps), 15),
          ].join(' '),
        );
        if (AB) {
          const b2 = s(mode, conc, 'bot2');
          console.log(
            `${''.padEnd(5)} ${pad('bot2', 4)} ${pad(`${f(b2.cpuPerTurn / p.cpuPerTurn)}x`, 16)} ${pad(`${f((b2.cpuPerTurn + (mode === 'duty' ? laterPerTurn('bot2', b2) : 0)) / (p.cpuPerTurn + (mode === 'duty' ? laterPerTurn('peer', p) : 0)))}x`, 22)} ${pad(`${f(b2.tps / p.tps)}x`, 18)} ${pad(`${f(b2.p99 / p.p99)}x`, 16)}` +
              `   (bot2/bot: CPU ${f(b2.cpuPerTurn / b.cpuPerTurn)}x, throughput ${f(b2.tps / b.tps)}x)`,
          );
        }
      }
    }
    const total = (performance.now() - began) / 1000;
    console.log(`\n${misses} target(s) missed; run took ${total.toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
