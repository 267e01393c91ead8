import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A bot started by history-bot.cjs, answering its parent over IPC. */
export interface HistoryBot {
  readonly proc: ChildProcess;
  readonly url: string;
  ask<T>(m: string): Promise<T>;
}

/** The compiled build (tsc), unless BENCH_NO_BUILD=1: history-bot.cjs runs dist/ under plain node. */
export function buildCompiled(): void {
  if (process.env.BENCH_NO_BUILD === '1') return;
  console.log('building the bot (tsc -p tsconfig.build.json) ...');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/**
 * The compiled build on `file`, under plain node as in production, its posts to the stand-in connector,
 * its duty channel set. --expose-gc: the heap kept is measured after a full collection (history-bot.cjs's
 * heapKept); without it global.gc is undefined and that figure was the heap with its garbage.
 */
export async function startHistoryBot(o: {
  readonly file: string;
  readonly connectorUrl: string;
  readonly tenant: string;
  readonly dutyTeam: string;
  readonly dutyChannel: string;
  readonly label?: string;
  readonly nodeFlags?: readonly string[];
}): Promise<HistoryBot> {
  const proc = fork(
    path.join(ROOT, 'scripts/bench/history-bot.cjs'),
    [path.join(ROOT, 'dist'), o.file, o.connectorUrl],
    {
      execArgv: ['--expose-gc', ...(o.nodeFlags ?? [])],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NODE_OPTIONS: '',
        BENCH_TENANT: o.tenant,
        BENCH_DUTY_TEAM: o.dutyTeam,
        BENCH_DUTY_CHANNEL: o.dutyChannel,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`${o.label ? `${o.label}: ` : ''}the bot exited (${code})`));
      proc.once('exit', exited);
      proc.once('message', (m) => {
        proc.off('exit', exited);
        resolve(m);
      });
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
