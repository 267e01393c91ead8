import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DuplicateDutyCallError, DutyCallRecords } from '../../src/records/duty-calls';
import { RecordEvents, VersionConflictError } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { migrations } from '../../src/storage/migrations';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { holdWal, secretsAfterScrub, secretsAtRest } from '../harness/at-rest';
import { lastCard, press, startTestBot, storedState, type TestBot, walkTo } from '../harness/bot';

const INFANT = FULL_CALL.family!.infantName!;
const NHS = FULL_CALL.family!.nhsNumber!;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imh-rest-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('file modes', () => {
  test('a new database is 0600 in a new folder of 0700, and its WAL and shared-memory files are 0600', () => {
    const file = path.join(dir, 'nested', 'data', 'bot.sqlite');
    const db = openDatabase(file);
    try {
      db.prepare("INSERT INTO channels VALUES ('duty', 't', 'c', 'u', 'x', 'a', 'b')").run();
      expect(mode(file).toString(8)).toBe('600');
      expect(mode(path.dirname(file)).toString(8)).toBe('700');
      expect(mode(path.join(dir, 'nested')).toString(8)).toBe('700');
      expect(mode(`${file}-wal`).toString(8)).toBe('600');
      expect(mode(`${file}-shm`).toString(8)).toBe('600');
    } finally {
      db.close();
    }
  });

  test('an existing world-readable database, WAL and shm are tightened to 0600 at start', () => {
    const file = path.join(dir, 'old.sqlite');
    // as an older build left them (the -wal and -shm of a process that did not close cleanly)
    openDatabase(file).close();
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(0));
    fs.writeFileSync(`${file}-shm`, Buffer.alloc(0));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    const db = openDatabase(file);
    try {
      expect(mode(file).toString(8)).toBe('600');
      expect(mode(`${file}-wal`).toString(8)).toBe('600');
      expect(mode(`${file}-shm`).toString(8)).toBe('600');
    } finally {
      db.close();
    }
  });

  test('secure_delete is on for every connection the bot opens', () => {
    const db = openDatabase(path.join(dir, 'bot.sqlite'));
    try {
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('a database written by an older build', () => {
  test('has the residue of drafts deleted before secure_delete scrubbed when first opened', () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((m) => m.version < 3)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.version, 'then');
    }
    const value = JSON.stringify({
      current: { answers: { family: { infantName: INFANT, nhsNumber: NHS } } },
    });
    old.prepare("INSERT INTO bot_state VALUES ('k', 'e', ?, 'then')").run(value);
    old.prepare("DELETE FROM bot_state WHERE key = 'k'").run();
    old.close();
    expect(secretsAtRest(file).length).toBeGreaterThan(0);

    openDatabase(file).close();
    expect(secretsAtRest(file)).toEqual([]);
  });
});

describe('append-only tables refuse to be rewritten', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = openDatabase(path.join(dir, 'bot.sqlite'));
    new DutyCallRecords(new SqliteSql(db)).insert({
      id: 'r1',
      kind: 'full',
      tenantId: 't',
      referrerAadId: 'aad-1',
      conversationId: 'c',
      startedAt: '2026-11-20T10:00:00.000Z',
      submittedAt: '2026-11-20T11:00:00.000Z',
      record: { original: true },
    });
    new RecordEvents(new SqliteSql(db)).append(
      'r1',
      0,
      { type: 'recorded-on-record' },
      { id: 'a', name: 'A' },
      'x',
    );
    db.prepare(
      "INSERT INTO audit (at, actor_id, action, outcome) VALUES ('x', 'a', 'call-submitted', 'done')",
    ).run();
  });
  afterEach(() => db.close());

  const rows = () => ({
    calls: db.prepare('SELECT id, record_json FROM duty_calls').all(),
    events: db.prepare('SELECT record_id, seq, type, actor_id FROM record_events').all(),
    audit: db.prepare('SELECT id, action, actor_id FROM audit').all(),
  });

  const rewrites: [string, string][] = [
    [
      'INSERT OR REPLACE duty_calls',
      `INSERT OR REPLACE INTO duty_calls VALUES ('r1', 'full', 't', 'aad-1', 'c', 's', 's', '{"forged":true}')`,
    ],
    [
      'REPLACE INTO duty_calls',
      `REPLACE INTO duty_calls VALUES ('r1', 'full', 't', 'aad-1', 'c', 's', 's', '{"forged":true}')`,
    ],
    [
      'upsert duty_calls',
      `INSERT INTO duty_calls VALUES ('r1', 'full', 't', 'aad-1', 'c', 's', 's', '{}')
       ON CONFLICT (id) DO UPDATE SET record_json = '{"forged":true}'`,
    ],
    [
      'INSERT OR REPLACE record_events',
      `INSERT OR REPLACE INTO record_events (record_id, seq, type, actor_id, actor_name, at)
       VALUES ('r1', 1, 'forged', 'mallory', 'M', 'x')`,
    ],
    [
      'upsert record_events',
      `INSERT INTO record_events (record_id, seq, type, actor_id, actor_name, at)
       VALUES ('r1', 1, 'forged', 'mallory', 'M', 'x') ON CONFLICT DO UPDATE SET type = 'forged'`,
    ],
    [
      'INSERT OR REPLACE audit',
      `INSERT OR REPLACE INTO audit (id, at, actor_id, action, outcome) VALUES (1, 'x', 'mallory', 'forged', 'x')`,
    ],
    [
      'REPLACE INTO audit',
      `REPLACE INTO audit (id, at, actor_id, action, outcome) VALUES (1, 'x', 'm', 'f', 'x')`,
    ],
  ];

  test.each(rewrites)('%s over an existing row is refused and changes nothing', (_name, sql) => {
    const before = rows();
    expect(() => db.prepare(sql).run()).toThrow(/append-only/);
    expect(rows()).toEqual(before);
  });

  test('INSERT OR IGNORE of an existing row is still a no-op that changes nothing, or is refused', () => {
    const before = rows();
    try {
      db.prepare(
        `INSERT OR IGNORE INTO duty_calls VALUES ('r1', 'full', 't', 'aad-1', 'c', 's', 's', '{}')`,
      ).run();
    } catch (err) {
      expect(String(err)).toMatch(/append-only/);
    }
    expect(rows()).toEqual(before);
  });

  test('a repeated submit and a concurrent event are still recognised as such', () => {
    const records = new DutyCallRecords(new SqliteSql(db));
    expect(() => records.insert({ ...records.get('r1')!, record: { again: true } })).toThrow(
      DuplicateDutyCallError,
    );
    expect(() =>
      new RecordEvents(new SqliteSql(db)).append(
        'r1',
        0,
        { type: 'recorded-on-record' },
        { id: 'b', name: 'B' },
        'y',
      ),
    ).toThrow(VersionConflictError);
    // new rows still go in
    new RecordEvents(new SqliteSql(db)).append(
      'r1',
      1,
      { type: 'referral-received' },
      { id: 'b', name: 'B' },
      'y',
    );
    expect(rows().events).toHaveLength(2);
  });

  test('an ordinary DELETE or UPDATE is still refused', () => {
    expect(() => db.prepare("DELETE FROM duty_calls WHERE id = 'r1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM record_events WHERE record_id = 'r1'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE duty_calls SET record_json = '{}'").run()).toThrow(/append-only/);
  });
});

describe('deleted means deleted (the bytes of the file and its WAL)', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot({ dir, now: () => new Date('2026-11-23T10:00:00Z') });
  });
  afterEach(async () => {
    await bot.close();
  });

  test('the audit holds no patient or referrer data: none of the free text of a submitted call', async () => {
    const review = await walkTo(bot, 'review', FULL_CALL);
    await bot.submit(press(review, 'Submit the duty call'));
    await bot.say('forget me');
    const audit = JSON.stringify(bot.sql('SELECT * FROM audit'));
    expect(audit).toContain('call-submitted');
    const typed = Object.values(FULL_CALL)
      .flatMap((section) => Object.values(section))
      .filter((v) => /[\s\d]/.test(v));
    expect(typed.length).toBeGreaterThan(15);
    for (const v of [...typed, NHS.replace(/\s/g, '')]) expect(audit).not.toContain(v);
  });

  test('[HAZ-19] a cancelled draft leaves neither the infant’s name nor the NHS number in the file or the WAL', async () => {
    // past the family card, so the infant's name and NHS number are saved
    await walkTo(bot, 'relationship', FULL_CALL);
    expect(JSON.stringify(storedState(bot)!.current!.answers)).toContain(INFANT);
    // the test can see them while the draft exists
    expect(secretsAtRest(bot.config.DATABASE_FILE).length).toBeGreaterThan(0);

    const confirm = lastCard(await bot.say('cancel'));
    await bot.submit(press(confirm, 'Discard the draft'));
    expect(storedState(bot)!.current).toBeNull();
    expect(await secretsAfterScrub(bot.config.DATABASE_FILE)).toEqual([]);

    // and after a restart (a checkpoint on close) still nothing
    await bot.restart();
    expect(secretsAtRest(bot.config.DATABASE_FILE)).toEqual([]);
  });

  test('[HAZ-19] a cancelled draft is scrubbed from the WAL even when something holds the WAL at that moment', async () => {
    await walkTo(bot, 'relationship', FULL_CALL);
    const file = bot.config.DATABASE_FILE;
    // another connection mid-read as the draft is discarded, as the checkpointer's pass can be (four
    // times a second): the WAL cannot be truncated until it has finished
    const letGo = holdWal(file);
    const confirm = lastCard(await bot.say('cancel'));
    await bot.submit(press(confirm, 'Discard the draft'));
    expect(storedState(bot)!.current).toBeNull();
    expect(secretsAtRest(file).length).toBeGreaterThan(0);
    letGo();
    // tried again a moment later, not left for the next discard or purge
    expect(await secretsAfterScrub(file)).toEqual([]);
  });
});

describe('deleted means deleted, however long something holds the WAL', () => {
  test('[HAZ-19] a cancelled draft is scrubbed from the WAL once a reader that held it for seconds lets go', async () => {
    const bot = await startTestBot({ dir, captureLogs: true, now: () => new Date('2026-11-23T10:00:00Z') });
    try {
      await walkTo(bot, 'relationship', FULL_CALL);
      const file = bot.config.DATABASE_FILE;
      // a report script, a backup, or the checkpointer's pass on a starved machine: held well past the
      // first few tries
      const letGo = holdWal(file);
      const confirm = lastCard(await bot.say('cancel'));
      await bot.submit(press(confirm, 'Discard the draft'));
      await new Promise((r) => setTimeout(r, 1500));
      expect(secretsAtRest(file).length).toBeGreaterThan(0);
      letGo();
      // still being tried, not left until the next discard or purge (which could be days away)
      expect(await secretsAfterScrub(file)).toEqual([]);
      expect(bot.logs.some((l) => l.includes('"wal-scrub-busy"'))).toBe(true);
    } finally {
      await bot.close();
    }
  });
});
