/**
 * The WAL is checkpointed by a worker thread, not in a referrer's commit (issue 10), and the bot's
 * connection takes checkpoints back the moment that worker is gone, however it went.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createLogger } from '../../src/logger';
import { type Checkpointer, startCheckpointer } from '../../src/storage/checkpointer';
import { openDatabase } from '../../src/storage/database';

const dirs: string[] = [];
const running: Checkpointer[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-checkpointer-'));
  dirs.push(dir);
  const file = path.join(dir, 'bot.sqlite');
  const db = openDatabase(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const write = (rows: number) => {
    const insert = db.prepare('INSERT INTO filler (v) VALUES (?)');
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(3000));
  };
  return { db, file, logger, lines, write };
}

const autocheckpoint = (db: ReturnType<typeof openDatabase>) =>
  Number(db.pragma('wal_autocheckpoint', { simple: true }));

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

test('the worker copies committed pages into the database file while the bot’s connection never checkpoints', async () => {
  const { db, file, logger, write } = setUp();
  const checkpointer = await startCheckpointer(db, logger, 20);
  expect(checkpointer).toBeDefined();
  running.push(checkpointer!);
  expect(autocheckpoint(db)).toBe(0);

  const before = fs.statSync(file).size;
  write(300); // about 300 pages, each its own commit
  // only a checkpoint moves pages from the WAL into the file, and this connection makes none
  expect(await until(() => fs.statSync(file).size >= before + 300 * 3000)).toBe(true);
  db.close();
});

test('when the worker stops, for whatever reason, the connection checkpoints on its own again', async () => {
  const { db, logger, lines } = setUp();
  const checkpointer = (await startCheckpointer(db, logger, 20))!;
  expect(autocheckpoint(db)).toBe(0);
  expect(checkpointer.running).toBe(true);
  await checkpointer.thread.terminate();
  expect(await until(() => autocheckpoint(db) === 1000)).toBe(true);
  expect(checkpointer.running).toBe(false);
  expect(lines.join('\n')).toContain('checkpointer-stopped');

  const again = (await startCheckpointer(db, logger, 20))!;
  expect(autocheckpoint(db)).toBe(0);
  await again.stop();
  expect(autocheckpoint(db)).toBe(1000);
  db.close();
});

test('an in-memory database has no WAL and no worker', async () => {
  const db = openDatabase(':memory:');
  expect(await startCheckpointer(db, createLogger('silent'))).toBeUndefined();
  db.close();
});
