/**
 * Start-up and footprint (issue 10): starts each production entry point N times as a child process in
 * local mode, polls GET /healthz every 10 ms from the moment of spawning, and prints the time to the
 * first HTTP 200 (min/median/max) and the idle RSS 2 s after it (VmRSS from /proc/<pid>/status).
 *
 * Entries: the plain tsc build (node dist/src/index.js) and the production bundle (node dist/bot.cjs,
 * what `npm run start:prod` runs). With BENCH_VARIANTS=1 a bundle without the stubs
 * (dist/bot.nostubs.cjs) is built and measured too. Also printed: the CPU time the child had used at its
 * first 200, steadier than wall time when other work shares the machine. Numbers only, no pass/fail.
 *
 * Usage: npm run bench:startup [-- "<node arguments>" ...] (each string one more entry to measure)
 * Environment: BENCH_RUNS (per entry, default 5), BENCH_NO_BUILD=1 (use dist/ as it is),
 * BENCH_VARIANTS=1 (also the bundle without stubs).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildBundle } from './build-bundle';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_MS = 2000;
const TIMEOUT_MS = 30_000;

interface Entry {
  readonly name: string;
  readonly args: string[];
}

interface Run {
  readonly firstOkMs: number;
  /** CPU time (user + system) the child had used at its first 200: less disturbed by a busy machine. */
  readonly cpuMs: number;
  readonly idleRssMb: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after "(comm)": utime is field 14, stime 15, in clock ticks (100 a second on Linux)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(entry: Entry, dir: string): Promise<Run> {
  const port = await freePort();
  const env = {
    ...process.env,
    APP_ENV: 'test',
    BOT_MODE: 'local',
    PORT: String(port),
    TENANT_ID: '00000000-0000-0000-0000-000000000001',
    DATABASE_FILE: path.join(dir, `bot-${port}.sqlite`),
    LOG_LEVEL: 'silent',
  };
  const started = performance.now();
  const child = spawn(process.execPath, entry.args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry.name} exited (${child.exitCode}):\n${stderr}`);
      if (performance.now() - started > TIMEOUT_MS)
        throw new Error(`${entry.name}: no 200 in ${TIMEOUT_MS} ms`);
      const tick = performance.now();
      if ((await healthz(port)) === 200) break;
      await sleep(Math.max(0, 10 - (performance.now() - tick)));
    }
    const firstOkMs = performance.now() - started;
    const cpu = cpuMs(child.pid!);
    await sleep(IDLE_MS);
    return { firstOkMs, cpuMs: cpu, idleRssMb: rssMb(child.pid!) };
  } finally {
    await stop(child);
  }
}

function summary(values: number[]): { min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

async function main(): Promise<void> {
  if (process.env.BENCH_NO_BUILD !== '1') {
    console.log('building (npm run build)...');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const entries: Entry[] = [
    { name: 'tsc build (node dist/src/index.js)', args: ['dist/src/index.js'] },
    { name: 'bundle (npm run start:prod)', args: ['dist/bot.cjs'] },
  ];
  // any further entries from the command line, e.g. npm run bench:startup -- "--max-semi-space-size=1 dist/bot.cjs"
  for (const arg of process.argv.slice(2)) entries.push({ name: arg, args: arg.split(' ') });
  if (process.env.BENCH_VARIANTS === '1') {
    await buildBundle({ outfile: path.join(ROOT, 'dist', 'bot.nostubs.cjs'), stubs: false });
    entries.splice(1, 0, {
      name: 'bundle without stubs',
      args: ['dist/bot.nostubs.cjs'],
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-bench-'));
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, ${RUNS} runs per entry, local mode, LOG_LEVEL=silent`,
  );
  const results = new Map<string, Run[]>(entries.map((e) => [e.name, []]));
  try {
    // interleaved, so a slow moment on the machine falls on every entry alike
    for (let i = 0; i < RUNS; i++) {
      for (const e of entries) results.get(e.name)!.push(await once(e, dir));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rows = entries.map((e) => {
    const runs = results.get(e.name)!;
    const t = summary(runs.map((r) => r.firstOkMs));
    const c = summary(runs.map((r) => r.cpuMs));
    const m = summary(runs.map((r) => r.idleRssMb));
    return {
      entry: e.name,
      'first 200 min (ms)': Math.round(t.min),
      'median (ms)': Math.round(t.median),
      'max (ms)': Math.round(t.max),
      'CPU to first 200 median (ms)': Math.round(c.median),
      'idle RSS median (MB)': Math.round(m.median),
      'max (MB)': Math.round(m.max),
    };
  });
  console.table(rows);
  console.log('targets: first 200 under 1000 ms, idle RSS under 150 MB');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
