import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger';
import { WAL_LIMIT_BYTES } from './database';

/** SQLite's own default: a commit that takes the WAL past this many pages checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The worker's whole program: its own connection to the file and, every `everyMs`, a PASSIVE checkpoint
 * (which neither waits for nor blocks writers) then a RESTART that starts the WAL over (see below).
 * Plain JavaScript, so that the production bundle and the tests run the same thing without a second
 * entry point.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_size_limit = ' + workerData.walLimitBytes);
const nap = new Int32Array(new SharedArrayBuffer(4));
const checkpoint = (mode, busyMs) => {
  db.pragma('busy_timeout = ' + busyMs);
  return db.pragma('wal_checkpoint(' + mode + ')')[0];
};
let failing = false;
const pass = () => {
  try {
    // the bulk of the copying, without waiting for or blocking the bot's writers
    let r = checkpoint('PASSIVE', 5000);
    // PASSIVE copies only what was committed when it began. Under writes that never pause, a commit
    // always lands while it copies, so the WAL is never wholly copied when the next writer starts, and
    // that writer appends instead of starting the file over: it grew by every commit (hundreds of MB a
    // minute under load) until the disk would fill. RESTART copies the few frames committed meanwhile,
    // holding the write lock, and starts the WAL over. No waiting (busy 0): if the bot is mid-commit or
    // a reader is in the WAL, try again in a moment, and in the next pass after that. A commit of the
    // bot's that comes in those few hundred microseconds waits for it (SQLite's busy handler, 1 ms).
    for (let i = 0; i < 3 && r.log > 0; i++) {
      if (i > 0) Atomics.wait(nap, 0, 0, 1);
      r = checkpoint('RESTART', 0);
      if (r.busy === 0) break;
    }
    if (failing) parentPort.postMessage({ recovered: true });
    failing = false;
  } catch (err) {
    if (!failing) parentPort.postMessage({ failed: String((err && err.code) || 'error') });
    failing = true;
  }
};
const timer = setInterval(pass, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ ready: true });
`;

export interface Checkpointer {
  /** The worker thread (its exit, for whatever reason, hands checkpoints back to the connection). */
  readonly thread: Worker;
  /** False once the worker has gone: the connection checkpoints in its own commits again. */
  readonly running: boolean;
  /** Stops the worker; the connection checkpoints on its own again from then on. */
  stop(): Promise<void>;
}

/**
 * Moves the WAL's checkpoints off the event loop (issue 10). SQLite checkpoints in the commit that takes
 * the WAL past 1000 pages: under load that was one commit in about 150, taking 3 to 9 ms (copying 4 MB
 * into the database file and syncing it), half of all the time spent in commits, with every referrer
 * waiting behind it. Here a worker thread checkpoints every `everyMs` on a connection of its own, and
 * the bot's connection does not.
 *
 * If the worker cannot start or stops for any reason, the bot's connection goes back to checkpointing
 * itself at once: a WAL left to grow would fill the disk, and a full disk refuses every save.
 */
export async function startCheckpointer(
  db: Database.Database,
  logger: Logger,
  everyMs = 250,
): Promise<Checkpointer | undefined> {
  if (db.memory) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(PROGRAM, {
      eval: true,
      workerData: {
        file: db.name,
        driver: require.resolve('better-sqlite3'),
        everyMs,
        walLimitBytes: WAL_LIMIT_BYTES,
      },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`checkpointer exited (${code})`)));
    });
  } catch (err) {
    logger.warn({ event: 'checkpointer-unavailable', err });
    return undefined;
  }
  let stopping = false;
  let running = true;
  db.pragma('wal_autocheckpoint = 0');
  const fallBack = () => db.open && db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  worker.on('message', (m: { failed?: string; recovered?: boolean }) => {
    // a checkpoint can fail for a while (SQLITE_BUSY while another process checkpoints the same file):
    // the next one catches up. Logged when it starts failing and when it recovers, not four times a second
    if (m.failed) logger.warn({ event: 'checkpoint-failing', code: m.failed });
    if (m.recovered) logger.info({ event: 'checkpoint-recovered' });
  });
  worker.on('error', (err) => logger.error({ event: 'checkpointer-failed', err }, 'checkpointer failed'));
  worker.on('exit', () => {
    running = false;
    fallBack();
    if (!stopping) logger.error({ event: 'checkpointer-stopped' }, 'checkpointer stopped');
  });
  // the worker must not keep the process alive on its own
  worker.unref();
  return {
    thread: worker,
    get running() {
      return running;
    },
    stop: async () => {
      stopping = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      await worker.terminate();
      fallBack();
    },
  };
}
