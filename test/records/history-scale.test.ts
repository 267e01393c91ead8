/**
 * Nothing a turn does grows with the history (issue 10, item 3): with 10,000 stored calls, half of
 * them the referrer's own, every statement a whole duty call, its Submit, the deliveries it makes,
 * 'status', the duty channel's 'open' and the scheduler's ticks run finds its rows by index (no SCAN of
 * a table in its query plan), as do the look-ups by record a card action and retention make. The
 * benchmark with 100,000 is scripts/history-turn-bench.ts.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCalls } from '../../src/records/open-calls';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { FULL_CALL } from '../fixtures/answers';
import { cardText, lastCard, press, startTestBot, TENANT, walkTo } from '../harness/bot';
import { seedHistory, settleSchedule } from '../harness/history-seed';
import { countingRecordReads } from '../harness/watch-statements';

const STORED = 10_000;
const DUTY_TEAM = '19:duty-team@thread.tacv2';
const DUTY_CHANNEL = '19:duty-channel@thread.tacv2';

/** The query plan's steps; a "SCAN <table>" (not of a constant row) reads the whole table. */
function plan(db: Database.Database, sql: string): string[] {
  const named = [...sql.matchAll(/@([A-Za-z_]+)/g)].map((m) => m[1]!);
  const params =
    named.length > 0
      ? [Object.fromEntries(named.map((k) => [k, null]))]
      : Array((sql.match(/\?/g) ?? []).length).fill(null);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
    (r) => r.detail,
  );
}

// The worker's queue (migrations 9, 10) is partial indexes of waiting posts only, read in order up to
// its batch, rather than reading the history of what was; pending_targets is the few targets with posts
// waiting, one index seek each.
const QUEUE_SCAN = /^SCAN o USING INDEX outbox_pending_queue$|^SCAN (p|pending_targets)$/;
const scans = (steps: string[]) =>
  steps.filter((s) => /^SCAN /.test(s) && !/^SCAN CONSTANT/.test(s) && !QUEUE_SCAN.test(s));

describe('10,000 stored calls', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'history-scale-'));
  const file = path.join(dir, 'bot.sqlite');
  const now = new Date();

  beforeAll(async () => {
    const db = openDatabase(file);
    seedHistory(db, 0, STORED, {
      now,
      // half the history is the referrer's own (user-1 of the test bot is aad-user-1)
      referrer: (i) => (i % 2 === 0 ? 'aad-user-1' : `aad-other-${i % 97}`),
      recent: (i) => i < 8,
      openAlert: (i) => i === 8 || i === 9,
    });
    await settleSchedule(db, now);
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every statement a duty call, its deliveries, status, open and the scheduler run searches by index', async () => {
    // what the bot's connection runs once it has started, recorded by its SQL
    const ran = new Set<string>();
    let recording = false;
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
    probe.close();
    const originals = (['run', 'get', 'all', 'iterate'] as const).map((m) => [m, proto[m]] as const);
    for (const [m, orig] of originals) {
      proto[m] = function (this: { source: string }, ...a: unknown[]) {
        if (recording) ran.add(this.source);
        return (orig as (...x: unknown[]) => unknown).apply(this, a);
      };
    }
    const bot = await startTestBot({
      dir,
      env: { DUTY_TEAM_ID: DUTY_TEAM, DUTY_CHANNEL_ID: DUTY_CHANNEL },
      host: { schedulerEveryMs: 50, delivery: { pollMs: 20 } },
    });
    recording = true;
    try {
      const review = await walkTo(bot, 'review', FULL_CALL);
      expect(cardText(lastCard(await bot.submit(press(review, 'Submit the duty call'))))).toContain(
        'Duty call submitted',
      );
      expect(cardText(lastCard(await bot.say('status')))).toContain('IMH-');
      const open = await bot.post({
        text: '<at>IMH Duty Bot</at> open',
        entities: [
          {
            type: 'mention',
            text: '<at>IMH Duty Bot</at>',
            mentioned: { id: '28:bot', name: 'IMH Duty Bot' },
          },
        ],
        from: { id: '29:duty-1', name: 'Dana Duty', aadObjectId: 'aad-duty-1' },
        conversation: {
          id: `${DUTY_CHANNEL};messageid=1`,
          conversationType: 'channel',
          isGroup: true,
          tenantId: TENANT,
        },
        channelData: { tenant: { id: TENANT }, team: { id: DUTY_TEAM }, channel: { id: DUTY_CHANNEL } },
      });
      expect(JSON.stringify(open.replies)).toContain('Open calls (10)');
      // the deliveries made (summary, confirmation) and a few scheduler ticks
      await expect
        .poll(
          () => bot.sql<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`)[0]!.n,
          {
            timeout: 10_000,
          },
        )
        .toBe(0);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      for (const [m, orig] of originals) proto[m] = orig;
      await bot.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      const found = [...ran].map((sql) => ({
        sql: sql.replace(/\s+/g, ' ').trim(),
        scans: scans(plan(db, sql)),
      }));
      expect(found.length).toBeGreaterThan(20);
      expect(found.filter((f) => f.scans.length > 0)).toEqual([]);
    } finally {
      db.close();
    }
  });

  test("a record's deliveries, their successors and retention's deletes are found by index", () => {
    const db = new Database(file, { readonly: true });
    try {
      for (const sql of [
        // a card action on a record, and the card it refreshes (Outbox.forRecord)
        'SELECT * FROM outbox WHERE record_id = ? ORDER BY created_at, rowid',
        // what waits on a failed delivery (Outbox.pendingAfter)
        `SELECT * FROM outbox WHERE after_id = ? AND status = 'pending' ORDER BY created_at, rowid`,
        // retention: a record's deliveries, then the record (whose children the foreign keys look for)
        'DELETE FROM outbox WHERE record_id = ?',
        'DELETE FROM duty_calls WHERE id = ?',
        // a submit: the record and its deliveries (their foreign keys' look-ups)
        `INSERT INTO duty_calls (id, kind, tenant_id, referrer_aad_id, conversation_id, started_at, submitted_at, record_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        `INSERT INTO outbox (id, record_id, kind, target_json, payload_json, after_id, created_at, next_attempt_at, give_up_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ]) {
        expect({ sql, scans: scans(plan(db, sql)) }).toEqual({ sql, scans: [] });
      }
    } finally {
      db.close();
    }
  });

  test('open calls folds only the open ones, and lists them oldest first', () => {
    const db = openDatabase(file);
    try {
      const sql = new SqliteSql(db);
      const { read } = countingRecordReads(sql);
      const open = sql.transactNow(openCalls(now, (d) => d.toISOString().slice(0, 10), 7));
      // 9 seeded calls still open (8 awaiting their indication, 1 its referral) and the one submitted above
      expect(open).toHaveLength(10);
      expect(read.size).toBeLessThanOrEqual(10 + 5);
      expect(open.map((c) => c.submittedOn)).toEqual([...open.map((c) => c.submittedOn)].sort());
    } finally {
      db.close();
    }
  });
});
