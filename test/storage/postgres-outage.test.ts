/**
 * The bot over HTTP with its drafts and turn state in PostgreSQL, while PostgreSQL goes away and comes
 * back: what the referrer sees, what /healthz says, and that the process survives it.
 */
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import { FULL_CALL } from '../fixtures/answers';
import {
  cardAnswers,
  cards,
  cardText,
  draftKey,
  press,
  sectionOf,
  startTestBot,
  type TestBot,
  walkTo,
} from '../harness/bot';
import { adminPool, describePostgres, serverAddress, tableNames, urlVia } from '../harness/postgres';
import { startBlackHole, startTcpProxy } from '../harness/tcp-proxy';

const nextSchema = tableNames('outage_pg');
// a turn must be answered well inside the 15 s Teams waits, with the 1 s connect timeout used here
const REPLY_WITHIN_MS = 5000;
const LEAKS = ['    at ', '.ts:', '.js:', 'ECONN', 'outage_pg', 'Postgres', 'StorageUnavailable', 'timeout'];

let admin: pg.Pool;
let bot: TestBot | undefined;
const cleanups: (() => Promise<void>)[] = [];
const uncaught = vi.fn();

beforeAll(() => {
  admin = adminPool();
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', uncaught);
});
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
});
afterAll(async () => {
  process.off('uncaughtException', uncaught);
  process.off('unhandledRejection', uncaught);
  await admin.end();
});

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work;
  return { result, ms: Date.now() - started };
}

function expectOutageReply(raw: string, text: string): void {
  expect(text).toContain('Nothing you typed was lost');
  expect(text).toMatch(/try again/i);
  for (const leak of LEAKS) expect(raw).not.toContain(leak);
}

describePostgres('the bot while PostgreSQL, holding its drafts, is unreachable', () => {
  it('answers plainly, reports storage not ready, and carries on when PostgreSQL is back', async () => {
    const proxy = await startTcpProxy(serverAddress());
    const table = nextSchema();
    const storage = new PostgresStorage({
      connectionString: urlVia(proxy.port),
      schema: table,
      connectTimeoutMs: 1000,
      statementTimeoutMs: 2000,
      queryTimeoutMs: 3000,
    });
    cleanups.push(
      () => proxy.close(),
      () => storage.close(),
      async () => {
        await admin.query(`DROP SCHEMA IF EXISTS "${table}" CASCADE`);
      },
    );
    bot = await startTestBot({ captureLogs: true, host: { draftStorage: storage } });
    const family = await walkTo(bot, 'family', FULL_CALL);
    // the draft is in PostgreSQL, not in the bot's SQLite file
    const stored = await admin.query<{ value: string }>(
      `SELECT value FROM "${table}".bot_state WHERE key = $1`,
      [draftKey()],
    );
    expect(JSON.parse(stored.rows[0]!.value).current.at).toBe('family');
    expect(await health(bot.url)).toMatchObject({ status: 200, body: { status: 'ok' } });

    proxy.cut();
    await proxy.refuse();
    const next = press(family, 'Next', cardAnswers(family, FULL_CALL));
    const down = await timed(bot.post({ value: next }));
    expect(down.ms).toBeLessThan(REPLY_WITHIN_MS);
    expect(down.result.status).toBe(200);
    expectOutageReply(down.result.raw, cards(down.result.replies).map(cardText).join('\n'));
    const typed = await timed(bot.post({ text: 'status' }));
    expect(typed.ms).toBeLessThan(REPLY_WITHIN_MS);
    expectOutageReply(typed.result.raw, cards(typed.result.replies).map(cardText).join('\n'));

    const unready = await timed(health(bot.url));
    expect(unready.ms).toBeLessThan(REPLY_WITHIN_MS);
    expect(unready.result).toMatchObject({
      status: 503,
      body: { status: 'unavailable', storage: { ready: false } },
    });
    for (const leak of LEAKS) expect(JSON.stringify(unready.result.body)).not.toContain(leak);

    await proxy.restore();
    expect(await health(bot.url)).toMatchObject({
      status: 200,
      body: { status: 'ok', storage: { ready: true } },
    });
    const after = await bot.post({ value: next });
    const card = cards(after.replies).at(-1);
    expect(card && sectionOf(card)).not.toBe('family');
    expect(cardText(card)).not.toContain('Something went wrong');
    const saved = await admin.query<{ value: string }>(
      `SELECT value FROM "${table}".bot_state WHERE key = $1`,
      [draftKey()],
    );
    expect(JSON.parse(saved.rows[0]!.value).current.saved).toContain('family');

    // what was logged says what failed without what was typed
    const logged = bot.logs.join('\n');
    expect(logged).toContain('"event":"turn-failed"');
    expect(logged).not.toContain(FULL_CALL.family!.infantName!);
    expect(uncaught).not.toHaveBeenCalled();
  });

  it('answers within a bounded time when PostgreSQL accepts connections and never answers', async () => {
    const hole = await startBlackHole();
    const storage = new PostgresStorage({
      connectionString: urlVia(hole.port),
      schema: nextSchema(),
      connectTimeoutMs: 1000,
    });
    cleanups.push(
      () => hole.close(),
      () => storage.close(),
    );
    bot = await startTestBot({ host: { draftStorage: storage } });
    const turn = await timed(bot.post({ text: 'start' }));
    expect(turn.ms).toBeLessThan(REPLY_WITHIN_MS);
    expectOutageReply(turn.result.raw, cards(turn.result.replies).map(cardText).join('\n'));
    const probe = await timed(health(bot.url));
    expect(probe.ms).toBeLessThan(REPLY_WITHIN_MS);
    expect(probe.result).toMatchObject({ status: 503, body: { storage: { ready: false } } });
    expect(uncaught).not.toHaveBeenCalled();
  });
});
