import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';

let clkTck = 0;

/** Clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux in practice). */
function ticksPerSecond(): number {
  if (clkTck) return clkTck;
  try {
    clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    clkTck = 100;
  }
  return clkTck;
}

/** User + system CPU time of a process so far, in milliseconds (from /proc/<pid>/stat). */
export function cpuMs(pid: number | 'self'): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return Number.NaN; // the process has exited
  }
  // fields after "(comm)": state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / ticksPerSecond();
}

/** Resident set size of a process now, in bytes (VmRSS from /proc/<pid>/status). */
export function rssBytes(pid: number | 'self'): number {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the process has exited (e.g. stopped by Ctrl-C while a cell runs)
  }
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every child still running, at once (for exit and signal handlers). */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const c of running) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(c.pid, signal);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Starts `node <args>` and waits for it to print "listening on http://127.0.0.1:<port>". Its output
 * after that is drained (stderr kept short, for an error report).
 */
export async function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs = 30_000,
): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out}\n${stderr}`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (out.length < 4000) out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${out}\n${stderr}`));
    });
  });
  if (!child.pid) throw new Error(`${name} has no pid`);
  return {
    name,
    pid: child.pid,
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
