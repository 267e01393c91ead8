/**
 * What the bot keeps per duty call (issue 10, "RSS stays under 300 MB"). Starts the real bot (the
 * compiled build's startBot, local mode, under plain node with --expose-gc: scripts/bench/history-bot.cjs)
 * on an empty SQLite file and drives it over HTTP on /api/messages with whole duty calls (start, every
 * section with the fixture answers, Submit, then 'status', and '@bot open' in the duty channel from a
 * duty worker of their own), each call from a referrer of its own in a personal chat of its own, a few
 * calls at a time; the duty channel is set, so every submitted call is posted there (the stub connector). At each checkpoint it prints the bot's RSS and, after
 * a full collection, its heap used: what stays per call shows in the heap after GC; RSS above it is what
 * V8 and malloc hold on to. Columns: RSS peak (sampled every 50 ms while the calls ran), heap peak (V8's
 * heap total, its reserved pages, sampled every 100 ms meanwhile), then after the
 * collection RSS, its anonymous and file-backed parts (/proc/<pid>/status), V8's heap used and total,
 * the physical size of V8's new, old and code spaces, and memory outside the heap (external).
 *
 * Usage: npx tsx scripts/memory-bench.ts [checkpoints, default 0,200,400,800] [concurrent calls, default 4]
 * BENCH_NO_BUILD=1: use dist/ as it is (otherwise tsc -p tsconfig.build.json first).
 * BENCH_SNAPSHOT_DIR=dir: also writes a V8 heap snapshot there at each checkpoint (compare two in
 * Chrome DevTools' Memory tab, "Comparison" view, to see what was retained in between).
 * BENCH_ALLOC_DIR=dir: also writes there, for each stretch of calls, a sampling allocation profile (V8's,
 * freed objects included: where the bytes that V8 must collect are allocated; open in DevTools).
 * BENCH_BOT_FLAGS='--max-old-space-size=160 ...': node options for the bot (e.g. to see how much of the
 * RSS is V8's choice of heap size); MALLOC_ARENA_MAX and the like pass through to it from the environment.
 * Not part of npm test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
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
import { buildCompiled, startHistoryBot } from './bench/history-bot';
import { rssBytes } from './bench/proc';

const CHECKPOINTS = (process.argv[2] ?? '0,200,400,800').split(',').map(Number);
const CONCURRENCY = Number(process.argv[3] ?? 4);
const SUBMIT = 'Submit the duty call';
const DUTY_TEAM = '19:duty-team@thread.tacv2';
const DUTY_CHANNEL = '19:duty-channel@thread.tacv2';
const SNAPSHOTS = process.env.BENCH_SNAPSHOT_DIR;
const ALLOC_PROFILES = process.env.BENCH_ALLOC_DIR;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const client = activityClient(16);
const postJson = client.post;

interface Heap {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  mallocedMemory: number;
  rssAnon: number;
  /** the delivery worker's reads of the outbox's due rows so far, and the rows they returned */
  outboxPasses: number;
  outboxRows: number;
  rssFile: number;
  /** physical size of each V8 space (new_space, old_space, code_space, large_object_space, ...) */
  spaces: Record<string, number>;
}

async function main() {
  buildCompiled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-bench-'));
  const connector = await startStubConnector();
  const file = path.join(dir, 'bot.sqlite');
  const bot = await startHistoryBot({
    file,
    connectorUrl: connector.url,
    tenant: TENANT,
    dutyTeam: DUTY_TEAM,
    dutyChannel: DUTY_CHANNEL,
    nodeFlags: (process.env.BENCH_BOT_FLAGS ?? '').split(/\s+/).filter(Boolean),
  });
  /** Posts the calls queued and not yet made (the outbox's backlog). */
  const backlog = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`).get() as { n: number };
    } finally {
      db.close();
    }
  };
  let seq = 0;

  const turn = async (activity: Record<string, unknown>, user: string): Promise<Reply[]> => {
    seq += 1;
    const body = JSON.stringify(personalChatActivity(activity, user, connector.url, `act-${seq}`));
    const res = await postJson(`${bot.url}/api/messages`, body);
    if (res.status !== 200) throw new Error(`answered ${res.status}: ${res.raw.slice(0, 300)}`);
    return res.replies;
  };

  /** A whole duty call and a 'status', from a referrer (and so a personal chat) of its own. */
  const oneCall = async (c: number) => {
    const user = `mem-${c}`;
    let card: Card = lastCard(await turn({ text: 'start' }, user));
    for (let p = 0; p < 20 && sectionOf(card) !== 'review'; p++) {
      card = lastCard(
        await turn({ value: press(card, nextTitle(card), cardAnswers(card, FULL_CALL)) }, user),
      );
    }
    if (sectionOf(card) !== 'review') throw new Error('did not reach the review card');
    const done = await turn({ value: press(card, SUBMIT) }, user);
    if (!JSON.stringify(done).includes('Duty call submitted')) throw new Error('not submitted');
    const status = await turn({ text: 'status' }, user);
    if (!JSON.stringify(status).includes('IMH-')) throw new Error('status names no call');
    // and a duty worker of its own lists the open calls in the duty channel
    const open = await turn(openInDutyChannel(c), `duty-${c}`);
    if (!JSON.stringify(open).includes('Open calls')) throw new Error('open listed nothing');
  };

  // warm-up (JIT, statements, sockets, the compiled card templates), not counted: 3 calls by one referrer
  for (let c = 0; c < 3; c++) {
    const user = 'mem-warm';
    let card: Card = lastCard(await turn({ text: 'start' }, user));
    for (let p = 0; p < 20 && sectionOf(card) !== 'review'; p++) {
      card = lastCard(
        await turn({ value: press(card, nextTitle(card), cardAnswers(card, FULL_CALL)) }, user),
      );
    }
    await turn({ value: press(card, SUBMIT) }, user);
  }

  console.log(
    `\nwhole duty calls, each by a referrer of its own, ${CONCURRENCY} at a time (node ${process.version}, ` +
      `${os.cpus().length} CPUs); the bot's heap measured after a full collection`,
  );
  console.log(
    `${'calls'.padStart(6)} ${'RSS peak'.padStart(10)} ${'heap peak'.padStart(10)} ${'RSS'.padStart(10)} ${'anon'.padStart(10)} ${'file'.padStart(10)} ` +
      `${'heap used'.padStart(10)} ${'heap total'.padStart(10)} ${'new space'.padStart(10)} ` +
      `${'old space'.padStart(10)} ${'code'.padStart(10)} ${'external'.padStart(10)} ${'turns/s'.padStart(8)} ${'queued'.padStart(7)} ${'passes'.padStart(8)} ${'rows read'.padStart(9)}`,
  );
  let done = 0;
  let first: Heap | undefined;
  let last: { calls: number; heap: Heap } | undefined;
  for (const target of CHECKPOINTS) {
    const profiling = ALLOC_PROFILES && target > done;
    if (profiling) await bot.ask('alloc-start');
    const began = performance.now();
    const turnsBefore = seq;
    let peak = rssBytes(bot.proc.pid!);
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(bot.proc.pid!));
    }, 50);
    // V8's heap at the RSS peak: how much of the peak is the heap V8 chose to grow to
    let peakHeapTotal = 0;
    let peeking = true;
    const peeks = (async () => {
      while (peeking) {
        const p = await bot.ask<{ rss: number; heapTotal: number }>('peek');
        peakHeapTotal = Math.max(peakHeapTotal, p.heapTotal);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let nextCall = done;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextCall < target) await oneCall(nextCall++);
      }),
    );
    clearInterval(sampler);
    peeking = false;
    await peeks;
    if (profiling && ALLOC_PROFILES) {
      fs.mkdirSync(ALLOC_PROFILES, { recursive: true });
      const out = path.resolve(ALLOC_PROFILES, `bot-${done}-${target}.heapprofile`);
      await bot.ask(`alloc-stop ${out}`);
      console.log(`        allocation profile: ${out}`);
    }
    done = Math.max(done, target);
    const rate =
      seq > turnsBefore ? ((seq - turnsBefore) / ((performance.now() - began) / 1000)).toFixed(0) : '-';
    // let the outbox post what the calls queued (summaries to the stub connector) before measuring
    await new Promise((r) => setTimeout(r, 1_500));
    const queued = backlog();
    const h = await bot.ask<Heap>('heap');
    first ??= h;
    last = { calls: done, heap: h };
    const col = (n: number | undefined) => mb(n ?? 0).padStart(10);
    console.log(
      `${String(done).padStart(6)} ${col(peak)} ${col(peakHeapTotal)} ${col(h.rss)} ${col(h.rssAnon)} ${col(h.rssFile)} ${col(h.heapUsed)} ` +
        `${col(h.heapTotal)} ${col(h.spaces.new_space)} ${col(h.spaces.old_space)} ${col(h.spaces.code_space)} ` +
        `${col(h.external)} ${rate.padStart(8)} ${String(queued.n).padStart(7)} ${String(h.outboxPasses).padStart(8)} ${String(h.outboxRows).padStart(9)}`,
    );
    if (SNAPSHOTS) {
      fs.mkdirSync(SNAPSHOTS, { recursive: true });
      const { file } = await bot.ask<{ file: string }>(
        `snapshot ${path.resolve(SNAPSHOTS, `bot-${done}.heapsnapshot`)}`,
      );
      console.log(`        heap snapshot: ${file}`);
    }
  }
  if (first && last && last.calls > 0) {
    console.log(
      `\nheap kept per call after GC: ${((last.heap.heapUsed - first.heapUsed) / last.calls / 1024).toFixed(1)} KB; ` +
        `RSS per call: ${((last.heap.rss - first.rss) / last.calls / 1024).toFixed(1)} KB (target: RSS < 300 MB)`,
    );
  }
  bot.proc.send('close');
  await new Promise((r) => bot.proc.once('exit', r));
  await connector.close();
  client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** '@IMH Duty Bot open' from a duty team member in the duty channel (a thread of its own). */
function openInDutyChannel(c: number): Record<string, unknown> {
  return {
    text: '<at>IMH Duty Bot</at> open',
    entities: [
      { type: 'mention', text: '<at>IMH Duty Bot</at>', mentioned: { id: '28:bot', name: 'IMH Duty Bot' } },
    ],
    from: { id: `29:duty-${c}`, name: 'Dana Duty', aadObjectId: `aad-duty-${c}` },
    conversation: {
      id: `${DUTY_CHANNEL};messageid=${1700000000000 + c}`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT,
    },
    channelData: { tenant: { id: TENANT }, team: { id: DUTY_TEAM }, channel: { id: DUTY_CHANNEL } },
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
