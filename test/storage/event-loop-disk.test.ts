import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CALL, FULL_CALL } from '../fixtures/answers';
import { press, startTestBot, type TestBot, walkTo } from '../harness/bot';

/**
 * Which commits a referrer's turns make that hold the event loop while the disk syncs (synchronous =
 * FULL on the bot's connection): every referrer waits behind each one, 0.6 ms on average and 5 ms at
 * worst under load on this machine (issue 10's p99). A turn's commits either need not wait (a step,
 * withoutWaitingForDisk) or wait in the thread pool (a record or an alert, commitDurably).
 *
 * Found by counting them under bench:peer: one a Submit, the reserving of the call's reference.
 */
interface Held {
  what: string;
  where: string;
}

const held: Held[] = [];
let watching = false;
const undo: (() => void)[] = [];

function watchCommits(): void {
  const statementProto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as {
    run: (...args: unknown[]) => unknown;
  };
  const run = statementProto.run;
  const note = (db: Database.Database, what: string) => {
    if (!watching || db.memory || db.inTransaction) return;
    if (db.pragma('synchronous', { simple: true }) !== 2) return;
    const where = (new Error().stack ?? '').split('\n').slice(3, 6).join(' <');
    held.push({ what, where });
  };
  statementProto.run = function (this: { database: Database.Database; source: string }, ...args) {
    const result = run.apply(this, args);
    if (/^\s*(INSERT|UPDATE|DELETE|REPLACE)/i.test(this.source))
      note(this.database, this.source.slice(0, 60));
    return result;
  };
  const proto = Database.prototype as unknown as { transaction: (fn: unknown) => unknown };
  const transaction = proto.transaction;
  proto.transaction = function (this: Database.Database, fn: unknown) {
    const tx = transaction.call(this, fn) as Record<string, (...a: unknown[]) => unknown> &
      ((...a: unknown[]) => unknown);
    const wrap =
      (f: (...a: unknown[]) => unknown) =>
      (...a: unknown[]) => {
        // a transaction that wrote nothing (a read) has nothing to sync at its commit
        const changes = () => this.prepare('SELECT total_changes()').pluck().get() as number;
        const before = watching && !this.memory && !this.inTransaction ? changes() : undefined;
        const result = f(...a);
        if (before !== undefined && changes() !== before) note(this, 'a transaction');
        return result;
      };
    const wrapped = Object.assign(wrap(tx), {
      deferred: wrap(tx.deferred!),
      immediate: wrap(tx.immediate!),
      exclusive: wrap(tx.exclusive!),
    });
    return wrapped;
  };
  undo.push(() => {
    statementProto.run = run;
    proto.transaction = transaction;
  });
}

describe("a referrer's turns never hold the event loop for the disk (issue 10)", () => {
  let bot: TestBot;

  beforeAll(async () => {
    watchCommits();
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot?.close();
    for (const u of undo) u();
  });
  afterEach(() => {
    watching = false;
    held.length = 0;
  });

  it('a whole call, start to Submit, makes no commit that waits for the disk on the event loop', async () => {
    watching = true;
    const review = await walkTo(bot, 'review', FULL_CALL);
    const done = await bot.submit(press(review, 'Submit the duty call'));
    expect(JSON.stringify(done)).toContain('Duty call submitted');
    watching = false;
    expect(bot.sql('SELECT id FROM duty_calls')).toHaveLength(1);
    expect(held).toEqual([]);
  });

  it('nor does a call whose Submit alerts the safeguarding leads', async () => {
    watching = true;
    const review = await walkTo(bot, 'review', ALERT_CALL, { user: 'user-2' });
    const done = await bot.submit(press(review, 'Submit the duty call'), 'user-2');
    expect(JSON.stringify(done)).toContain('Duty call submitted');
    watching = false;
    expect(bot.sql("SELECT id FROM outbox WHERE kind = 'safeguarding-alert'")).toHaveLength(1);
    expect(held).toEqual([]);
  });

  it('the watch sees a commit that does wait (it can fail)', () => {
    const db = new Database(`${bot.dir}/probe.sqlite`);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (x)');
      watching = true;
      db.prepare('INSERT INTO t VALUES (1)').run();
      db.transaction(() => db.prepare('INSERT INTO t VALUES (2)').run())();
      watching = false;
      expect(held.map((h) => h.what)).toEqual(['INSERT INTO t VALUES (1)', 'a transaction']);
    } finally {
      db.close();
    }
  });
});
