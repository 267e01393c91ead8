// The bot for scripts/history-turn-bench.ts: the compiled build (dist/, as `npm run start:prod` runs it)
// started with startBot under plain node, in a child process of its own, on the SQLite file given. It
// times its scheduler's ticks and watches its event loop's delay and its RSS while the parent says it
// is measuring ('start' .. 'stop' over IPC), then reports them; 'close' stops it.
// Usage (by the bench): node scripts/bench/history-bot.cjs <dist dir> <database file> <connector url>
// scripts/memory-bench.ts also asks 'heap' (a full collection, then process.memoryUsage() and
// v8.getHeapStatistics(); the process must be started with --expose-gc), 'peek' (process.memoryUsage()
// as it is, no collection), 'alloc-start' / 'alloc-stop <file>' (a sampling allocation profile, freed
// objects included, written as a .heapprofile) and 'snapshot <file>' (a V8 heap snapshot written
// there). All are the bench's debug hooks: nothing in the bot itself. BENCH_NO_DELIVERY=1: the delivery
// worker is not started.
// BENCH_PLANS=1: also reports the statements run while measuring whose query plan scans a table.
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay, PerformanceObserver, performance } = require('node:perf_hooks');
const v8 = require('node:v8');
const Database = require('better-sqlite3');

const [dist, file, connectorUrl] = process.argv.slice(2);
const { startBot } = require(path.join(dist, 'src/app-host.js'));
const { loadConfig } = require(path.join(dist, 'src/config/config.js'));
const { Scheduler } = require(path.join(dist, 'src/delivery/scheduler.js'));
const { Outbox } = require(path.join(dist, 'src/records/outbox.js'));

let recording = false;
let inspector;

// every statement run while measuring, by its SQL
const ran = new Set();
if (process.env.BENCH_PLANS) {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m];
    proto[m] = function (...a) {
      if (recording) ran.add(this.source);
      return orig.apply(this, a);
    };
  }
}

// the scheduler's tick, timed
const ticks = [];
const tick = Scheduler.prototype.tick;
Scheduler.prototype.tick = function () {
  const t = performance.now();
  try {
    return tick.call(this);
  } finally {
    if (recording) ticks.push(performance.now() - t);
  }
};

// BENCH_NO_DELIVERY=1: the delivery worker never starts (the outbox only fills), to tell its share
if (process.env.BENCH_NO_DELIVERY === '1') {
  require(path.join(dist, 'src/delivery/worker.js')).DeliveryWorker.prototype.start = () => {};
}

// the delivery worker's passes: how often it read the outbox's due rows, and how many rows it read
const outboxReads = { passes: 0, rows: 0 };
const due = Outbox.prototype.due;
Outbox.prototype.due = function (...a) {
  const rows = due.apply(this, a);
  outboxReads.passes += 1;
  outboxReads.rows += rows.length;
  return rows;
};

/** Nulls for a statement's positional (?) or named (@x) parameters, for EXPLAIN. */
function params(sql) {
  const named = [...sql.matchAll(/@([A-Za-z_]+)/g)].map((m) => m[1]);
  if (named.length > 0) return [Object.fromEntries(named.map((k) => [k, null]))];
  return Array((sql.match(/\?/g) ?? []).length).fill(null);
}

/** The statements run while measuring whose query plan scans a table, with the plan. */
function scans() {
  const db = new Database(file, { readonly: true });
  const out = [];
  for (const sql of ran) {
    let plan;
    try {
      plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params(sql));
    } catch {
      continue;
    }
    if (!plan.some((p) => /^SCAN /.test(p.detail) && !/^SCAN CONSTANT/.test(p.detail))) continue;
    out.push(`${sql.replace(/\s+/g, ' ').slice(0, 300)}\n    ${plan.map((p) => p.detail).join(' | ')}`);
  }
  db.close();
  return out;
}

/** The WAL index's mxFrame and nBackfill (as scripts/lib/wal.ts reads them). */
function walProgress() {
  let fd;
  try {
    fd = fs.openSync(`${file}-shm`, 'r');
  } catch {
    return undefined;
  }
  try {
    const b = Buffer.alloc(100);
    if (fs.readSync(fd, b, 0, 100, 0) < 100) return undefined;
    return { mxFrame: b.readUInt32LE(16), nBackfill: b.readUInt32LE(96) };
  } finally {
    fs.closeSync(fd);
  }
}

function checkpointed(before, after) {
  if (!before || !after) return false;
  if (after.mxFrame < before.mxFrame) return after.nBackfill > 0;
  return after.nBackfill > before.nBackfill;
}

/** The heap after a full collection (the bench starts this process with --expose-gc): what is kept. */
function heapKept() {
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const bot = await startBot(
    loadConfig({
      APP_ENV: 'test',
      BOT_MODE: 'local',
      PORT: '0',
      TENANT_ID: process.env.BENCH_TENANT,
      DATABASE_FILE: file,
      TEAMS_SERVICE_URL: connectorUrl,
      DUTY_TEAM_ID: process.env.BENCH_DUTY_TEAM,
      DUTY_CHANNEL_ID: process.env.BENCH_DUTY_CHANNEL,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    }),
    { schedulerEveryMs: 1_000, delivery: { pollMs: 200 } },
  );
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let rssMax = 0;
  let sampler;
  // each time the loop was held for more than 20 ms: how long, and whether an automatic WAL checkpoint
  // ran meanwhile (the WAL index's backfill moved: see scripts/lib/wal.ts)
  const blocks = [];
  let watcher;
  // garbage collections over 10 ms (they hold the loop too)
  const gcs = [];
  new PerformanceObserver((list) => {
    if (!recording) return;
    for (const e of list.getEntries()) if (e.duration > 10) gcs.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  let rssStart = 0;
  const watch = () => {
    let last = performance.now();
    let wal = walProgress();
    watcher = setInterval(() => {
      const at = performance.now();
      const now = walProgress();
      if (at - last > 22) blocks.push({ ms: at - last - 2, checkpointed: checkpointed(wal, now) });
      last = at;
      wal = now;
    }, 2);
  };
  process.on('message', async (m) => {
    if (m === 'start') {
      ticks.length = 0;
      ran.clear();
      recording = true;
      rssMax = process.memoryUsage().rss;
      rssStart = rssMax;
      sampler = setInterval(() => {
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }, 100);
      delay.reset();
      delay.enable();
      blocks.length = 0;
      watch();
      process.send('started');
    } else if (m === 'stop') {
      delay.disable();
      clearInterval(watcher);
      recording = false;
      clearInterval(sampler);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      process.send({
        ticks,
        delayP50: delay.percentile(50) / 1e6,
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
        rssMax,
        scans: process.env.BENCH_PLANS ? scans() : [],
        statements: ran.size,
        blocks,
        gcs,
        rssStart,
        heapUsed: heapKept(),
      });
    } else if (m === 'heap') {
      // twice: a collection can free what finalizers of the first released
      global.gc?.();
      global.gc?.();
      const u = process.memoryUsage();
      const h = v8.getHeapStatistics();
      const status = fs.readFileSync('/proc/self/status', 'utf8');
      const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      const spaces = Object.fromEntries(
        v8.getHeapSpaceStatistics().map((x) => [x.space_name, x.physical_space_size]),
      );
      process.send({
        outboxPasses: outboxReads.passes,
        outboxRows: outboxReads.rows,
        rssAnon: kb('RssAnon'),
        rssFile: kb('RssFile'),
        rssShmem: kb('RssShmem'),
        spaces,
        rss: u.rss,
        heapUsed: u.heapUsed,
        heapTotal: u.heapTotal,
        external: u.external,
        arrayBuffers: u.arrayBuffers,
        totalPhysical: h.total_physical_size,
        mallocedMemory: h.malloced_memory,
        nativeContexts: h.number_of_native_contexts,
      });
    } else if (m === 'peek') {
      // as it is, no collection: how much of the RSS is V8's heap while the calls run
      const u = process.memoryUsage();
      process.send({ rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal });
    } else if (m === 'alloc-start') {
      // V8's sampling heap profiler, counting what later collections freed too: where the bytes are allocated
      inspector ??= new (require('node:inspector').Session)();
      inspector.connect();
      inspector.post(
        'HeapProfiler.startSampling',
        {
          samplingInterval: 16384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        },
        (err) => process.send({ ok: !err, err: err?.message }),
      );
    } else if (typeof m === 'string' && m.startsWith('alloc-stop ')) {
      inspector.post('HeapProfiler.stopSampling', (err, r) => {
        if (!err) fs.writeFileSync(m.slice('alloc-stop '.length), JSON.stringify(r.profile));
        inspector.disconnect();
        process.send({ ok: !err, err: err?.message });
      });
    } else if (typeof m === 'string' && m.startsWith('snapshot ')) {
      global.gc?.();
      process.send({ file: v8.writeHeapSnapshot(m.slice('snapshot '.length)) });
    } else if (m === 'close') {
      await bot.close();
      process.exit(0);
    }
  });
  process.send({ url: bot.url });
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
