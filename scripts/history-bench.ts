/**
 * What a long history costs the event loop (issue 10, item 3). Seeds N stored calls (default 100,000)
 * into a SQLite file through the project's own classes, most of them old and done with, some open and
 * some with an alert nobody has acknowledged yet, then runs the scheduler's tick as the service does and
 * prints the tick's duration, the event-loop delay (perf_hooks.monitorEventLoopDelay) and RSS, and how
 * many seed batches and ticks ran an automatic WAL checkpoint (scripts/lib/wal.ts) with those ticks'
 * longest beside the others'. What a long history costs a turn: scripts/history-turn-bench.ts.
 * Not part of npm test. Usage: npx tsx scripts/history-bench.ts [N] [ticks] [max first ticks]
 *
 * BENCH_SRC=<dir> runs it against another copy of src (e.g. the build before the change).
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { SqliteSql } from '../src/storage/sqlite-sql';
import { FULL_CALL } from '../test/fixtures/answers';
import { submitted } from '../test/fixtures/calls';
import { countingRecordReads } from '../test/harness/watch-statements';
import { checkpointedBetween, walProgress } from './lib/wal';

const N = Number(process.argv[2] ?? 100_000);
const TICKS = Number(process.argv[3] ?? 20);
/** At most this many first ticks (a build that reads every open call on every tick is never idle). */
const FIRST = Number(process.argv[4] ?? 5_000);
const SRC = path.resolve(process.env.BENCH_SRC ?? path.join(__dirname, '../src'));

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = new Date('2026-11-20T11:00:00Z');

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  const { openDatabase } = await import(path.join(SRC, 'storage/database'));
  const { DutyCallRecords } = await import(path.join(SRC, 'records/duty-calls'));
  const { Outbox } = await import(path.join(SRC, 'records/outbox'));
  const { RecordEvents } = await import(path.join(SRC, 'records/record-events'));
  const { Scheduler } = await import(path.join(SRC, 'delivery/scheduler'));
  const { todayInTimeZone } = await import(path.join(SRC, 'domain/age'));
  const { createLogger } = await import(path.join(SRC, 'logger'));
  const { openCalls } = await import(path.join(SRC, 'records/open-calls'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'history-bench-'));
  const file = path.join(dir, 'bench.sqlite');
  const db = openDatabase(file);
  // BENCH_NO_CHECKPOINT=1: no automatic WAL checkpoints, to tell their cost from the tick's own
  if (process.env.BENCH_NO_CHECKPOINT) db.pragma('wal_autocheckpoint = 0');
  const records = new DutyCallRecords(new SqliteSql(db));
  const outbox = new Outbox(db);
  const events = new RecordEvents(new SqliteSql(db));
  const call = submitted('full', FULL_CALL);
  const duty = { id: 'duty', name: 'Duty' };

  // what a submit, the worker and the duty team's actions write for each call
  const seedOne = (i: number) => {
    const id = `call-${i}`;
    // 2% recent and awaiting their referral, 0.1% with an alert still open; the rest old and done with
    const recent = i % 50 === 0;
    const openAlert = i % 1000 === 1;
    const at = openAlert
      ? new Date(NOW.getTime() - 10 * MIN)
      : recent
        ? new Date(NOW.getTime() - (i % 6) * DAY - 10 * MIN)
        : new Date(NOW.getTime() - (30 + (i % 1000)) * DAY);
    const kind = i % 4 === 3 && !recent && !openAlert ? 'advice' : 'full';
    records.insert({
      id,
      kind,
      tenantId: 't',
      referrerAadId: `referrer-${i % 500}`,
      conversationId: 'c',
      startedAt: call.startedAt,
      submittedAt: at.toISOString(),
      record: { ...call, id, kind },
    });
    for (const k of ['duty-summary', 'referrer-confirmation'] as const) {
      const d = `${k}-${id}`;
      outbox.enqueue(
        {
          id: d,
          recordId: id,
          kind: k,
          target: k === 'duty-summary' ? { type: 'channel', role: 'duty' } : { type: 'referrer' },
        },
        at,
        60,
      );
      outbox.markDelivered(d, at, 'conv', `act-${d}`);
    }
    let v = 0;
    const hasAlert = openAlert || i % 10 === 0;
    if (hasAlert) {
      outbox.enqueue(
        {
          id: `alert-${id}`,
          recordId: id,
          kind: 'safeguarding-alert',
          target: { type: 'channel', role: 'safeguarding' },
        },
        at,
        60,
      );
      outbox.markDelivered(`alert-${id}`, at, 'conv', `act-alert-${id}`);
      if (!openAlert) events.append(id, v++, { type: 'alert-acknowledged' }, duty, at.toISOString());
    }
    if (recent) return;
    const indication = kind === 'advice' ? 'advice-only' : i % 3 === 0 ? 'not-eligible' : 'eligible';
    events.append(id, v++, { type: 'indication-given', indication, reason: 'r' }, duty, at.toISOString());
    if (indication === 'eligible' && !openAlert) {
      events.append(id, v++, { type: 'referral-received' }, duty, at.toISOString());
      events.append(id, v++, { type: 'recorded-on-record' }, duty, at.toISOString());
    }
  };

  const seedStart = performance.now();
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) seedOne(i);
  });
  // automatic checkpoints while seeding: before anything is measured
  let seedCheckpoints = 0;
  for (let i = 0; i < N; i += 5_000) {
    const wal = walProgress(file);
    batch(i, Math.min(N, i + 5_000));
    if (checkpointedBetween(wal, walProgress(file))) seedCheckpoints += 1;
  }
  const seedMs = performance.now() - seedStart;

  let clock = NOW;
  // the records a tick reads: on the seam (this build), or through RecordEvents.list (a BENCH_SRC build
  // before the scheduler's steps were queries, which takes db, events, outbox and audit instead)
  const sql = new SqliteSql(db);
  const { read, reset } = countingRecordReads(sql);
  let listed = 0;
  const list = events.list.bind(events);
  events.list = (id: string) => {
    listed += 1;
    return list(id);
  };
  const { Audit } = await import(path.join(SRC, 'records/audit'));
  const scheduler = new Scheduler({
    sql,
    db,
    events,
    outbox,
    audit: new Audit(sql),
    logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
    now: () => clock,
    newId: (() => {
      let n = 0;
      return () => `bench-${++n}`;
    })(),
    wake: () => {},
    escalationMinutes: 30,
    reminderDays: 7,
    giveUpMinutes: 60,
    today: (d: Date) => todayInTimeZone(d, 'Europe/London'),
  });

  // the service's own tick, on real timers, with the loop's delay watched as a turn would feel it
  const runTicks = async (label: string, count: number, step: number, untilIdle = false) => {
    const durations: number[] = [];
    // the ticks during which an automatic checkpoint ran (the WAL reached wal_autocheckpoint pages)
    const checkpointed: boolean[] = [];
    const reads: number[] = [];
    let done = { escalated: 0, reminded: 0 };
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    let rssMax = process.memoryUsage().rss;
    for (let t = 0; t < count; t++) {
      if (untilIdle && t > 0 && reads.at(-1) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
      listed = 0;
      reset();
      const wal = walProgress(file);
      const started = performance.now();
      const r = await scheduler.tick();
      durations.push(performance.now() - started);
      checkpointed.push(checkpointedBetween(wal, walProgress(file)));
      reads.push(read.size + listed);
      done = { escalated: done.escalated + r.escalated, reminded: done.reminded + r.reminded };
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      clock = new Date(clock.getTime() + step);
    }
    await new Promise((r) => setTimeout(r, 20));
    h.disable();
    const sorted = [...durations].sort((a, b) => a - b);
    const maxOf = (xs: number[]) => (xs.length ? ms(Math.max(...xs)) : '-');
    const withCheckpoint = durations.filter((_, i) => checkpointed[i]);
    const without = durations.filter((_, i) => !checkpointed[i]);
    console.log(
      `${label}: ${durations.length} ticks; tick p50 ${ms(pct(sorted, 50))}, p99 ${ms(pct(sorted, 99))}, ` +
        `max ${ms(sorted.at(-1) ?? 0)}; ` +
        `records read per tick max ${Math.max(...reads)}, total ${reads.reduce((a, b) => a + b, 0)}; ` +
        `${withCheckpoint.length} ticks checkpointed (max ${maxOf(withCheckpoint)}; others max ${maxOf(without)}); ` +
        `escalated ${done.escalated}, reminded ${done.reminded}; ` +
        `event-loop delay p99 ${ms(h.percentile(99) / 1e6)}, max ${ms(h.max / 1e6)}; RSS max ${mb(rssMax)}`,
    );
  };

  console.log(
    `src ${path.relative(process.cwd(), SRC) || '.'}; ${N} stored calls seeded in ${(seedMs / 1000).toFixed(1)} s ` +
      `(${seedCheckpoints} of ${Math.ceil(N / 5_000)} batches checkpointed); ` +
      `file ${mb(fs.statSync(file).size)}; RSS ${mb(process.memoryUsage().rss)}`,
  );
  // right after the upgrade or the seed: each call, alert and indication written is looked at once,
  // a bounded batch per tick, until none is left
  await runTicks('first ticks (until idle)', FIRST, 30_000, true);
  // steady state, 30-second ticks
  await runTicks('steady ticks', TICKS, 30_000);
  // three days later, with reminders falling due
  clock = new Date(clock.getTime() + 3 * DAY);
  await runTicks('three days later', TICKS, 30_000);

  // the "open calls" channel command (a turn)
  const t = performance.now();
  listed = 0;
  reset();
  const today = (d: Date) => todayInTimeZone(d, 'Europe/London');
  // a query on the seam in this build; a BENCH_SRC build before it took the repositories
  const open =
    openCalls.length >= 5
      ? openCalls(records, events, clock, today, 7)
      : sql.transactNow(openCalls(clock, today, 7));
  console.log(
    `open-calls turn: ${ms(performance.now() - t)}, ${open.length} listed, ${listed + read.size} records read`,
  );
  console.log(`RSS at end ${mb(process.memoryUsage().rss)}`);

  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
