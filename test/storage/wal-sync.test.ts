import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { commitDurably, openDatabase } from '../../src/storage/database';
import { WalSync } from '../../src/storage/wal-sync';

/** A sync the test finishes when it chooses, counting how many were started. */
function pacedSync() {
  const started: { file: string; finish: (err?: Error) => void }[] = [];
  const sync = (file: string) =>
    new Promise<void>((resolve, reject) => {
      started.push({ file, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { started, sync };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

test('callers in one tick share a sync; callers while it is under way wait for the next (their commit may be after it began), and share it', async () => {
  const { started, sync } = pacedSync();
  const wal = new WalSync('/data/bot.sqlite-wal', sync);
  const first = [wal.flush(), wal.flush(), wal.flush()];
  await Promise.resolve();
  expect(started).toHaveLength(1);
  const later = [wal.flush(), wal.flush()];
  // still one sync: the later callers wait for the next
  expect(started).toHaveLength(1);
  expect(await settled(Promise.all(later))).toBe(false);
  started[0]!.finish();
  await Promise.all(first);
  expect(await settled(Promise.all(later))).toBe(false);
  expect(started).toHaveLength(2);
  started[1]!.finish();
  await Promise.all(later);
  expect(started.map((s) => s.file)).toEqual(['/data/bot.sqlite-wal', '/data/bot.sqlite-wal']);
});

test('a failed sync fails its callers, and the next caller tries again', async () => {
  const { started, sync } = pacedSync();
  const wal = new WalSync('/data/bot.sqlite-wal', sync);
  const failed = wal.flush();
  await Promise.resolve();
  started[0]!.finish(new Error('EIO'));
  await expect(failed).rejects.toThrow('EIO');
  const again = wal.flush();
  await new Promise((r) => setImmediate(r));
  expect(started).toHaveLength(2);
  started[1]!.finish();
  await again;
});

test('an in-memory database has nothing to sync; a file’s WAL is synced, and a WAL already gone is nothing to do', async () => {
  await new WalSync(undefined).flush();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-walsync-'));
  try {
    const db = openDatabase(path.join(dir, 'bot.sqlite'));
    db.exec('CREATE TABLE t (v TEXT)');
    // committed without waiting for the disk, then synced off the event loop
    await commitDurably(db, () => db.prepare('INSERT INTO t VALUES (?)').run('x'));
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual(['x']);
    await WalSync.of(path.join(dir, 'bot.sqlite')).flush();
    db.close();
    // the last connection closed: SQLite checkpointed and removed the WAL
    expect(fs.existsSync(path.join(dir, 'bot.sqlite-wal'))).toBe(false);
    await WalSync.of(path.join(dir, 'bot.sqlite')).flush();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
