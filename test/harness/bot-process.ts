import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(ROOT, 'test/delivery/crash-child.ts');

/**
 * The bot as a process of its own (test/delivery/crash-child.ts: startBot configured from `env`), as the
 * crash test and the several-instances run need: it can be killed with SIGKILL and started again on the
 * same database. Resolves with its URL once it listens.
 */
export function startBotProcess(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err.slice(0, 500)}`)), 20_000);
    proc.stderr!.on('data', (d) => {
      err += d;
    });
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ proc, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${err.slice(0, 500)}`));
    });
  });
}
