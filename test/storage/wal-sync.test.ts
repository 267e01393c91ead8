import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { closeDatabase, commitDurably, openDatabase } from '../../src/storage/database';
import { KeptWal, type WalFile, WalSync } from '../../src/storage/wal-sync';

/** A WAL whose syncs the test finishes when it chooses, counting how many were started. */
function pacedSync() {
  const started: { finish: (err?: Error) => void }[] = [];
  const file: WalFile = {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        started.push({ finish: (err) => (err ? reject(err) : resolve()) });
      }),
    close: () => undefined,
  };
  return { started, file };
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
  const { started, file } = pacedSync();
  const wal = new WalSync(file);
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
  expect(started).toHaveLength(2);
});

test('a failed sync fails its callers, and the next caller tries again', async () => {
  const { started, file } = pacedSync();
  const wal = new WalSync(file);
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

/** The descriptors this process holds open on `file` (Linux), and whether each is on a removed file. */
function descriptorsOn(file: string): { fd: string; removed: boolean }[] {
  const real = fs.realpathSync(path.dirname(file));
  const name = path.join(real, path.basename(file));
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return { fd, target: fs.readlinkSync(`/proc/self/fd/${fd}`) };
      } catch {
        return { fd, target: '' };
      }
    })
    .filter((d) => d.target === name || d.target === `${name} (deleted)`)
    .map((d) => ({ fd: d.fd, removed: d.target.endsWith('(deleted)') }));
}

describe.runIf(process.platform === 'linux')('the WAL synced through one kept descriptor (issue 10)', () => {
  test('opened at the first sync and kept for every later one, released by close()', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-walsync-'));
    const wal = path.join(dir, 'bot.sqlite-wal');
    try {
      fs.writeFileSync(wal, 'frames');
      const kept = new KeptWal(wal);
      expect(descriptorsOn(wal)).toHaveLength(0);
      for (let i = 0; i < 5; i++) await kept.sync();
      // before: each sync opened, synced and closed the file, three trips through the thread pool
      expect(descriptorsOn(wal)).toHaveLength(1);
      kept.close();
      expect(descriptorsOn(wal)).toHaveLength(0);
      await kept.sync();
      expect(descriptorsOn(wal)).toHaveLength(1);
      kept.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('[HAZ-16] a WAL removed and made again is opened again by name, never synced through the old file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-walsync-'));
    const wal = path.join(dir, 'bot.sqlite-wal');
    try {
      fs.writeFileSync(wal, 'frames');
      const kept = new KeptWal(wal);
      await kept.sync();
      fs.rmSync(wal);
      fs.writeFileSync(wal, 'new frames');
      expect(descriptorsOn(wal).map((d) => d.removed)).toEqual([true]);
      await kept.sync();
      expect(descriptorsOn(wal).map((d) => d.removed)).toEqual([false]);
      // and none at all is nothing to sync, and holds nothing
      fs.rmSync(wal);
      await kept.sync();
      expect(descriptorsOn(wal)).toHaveLength(0);
      kept.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("closeDatabase releases the descriptor commitDurably kept for the bot's database", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-walsync-'));
    const file = path.join(dir, 'bot.sqlite');
    try {
      const db = openDatabase(file);
      db.exec('CREATE TABLE t (v TEXT)');
      // SQLite's own descriptor on its WAL, and one more kept for the syncs
      const sqlites = descriptorsOn(`${file}-wal`).length;
      for (let i = 0; i < 3; i++)
        await commitDurably(db, () => db.prepare('INSERT INTO t VALUES (?)').run('x'));
      expect(descriptorsOn(`${file}-wal`)).toHaveLength(sqlites + 1);
      closeDatabase(db);
      // the last connection gone, SQLite removes the WAL: a descriptor left on it would show it removed
      expect(descriptorsOn(`${file}-wal`)).toEqual([]);
      expect(db.open).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
