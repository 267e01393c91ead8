import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type HostOptions, type RunningBot, startBot } from '../../src/app-host';
import { loadConfig } from '../../src/config/config';
import { pageOfSection, pagesOf } from '../../src/domain/pages';
import { createLogger } from '../../src/logger';
import { type Card, cardAnswers, cardText, lastCard, nextTitle, press, sectionOf, TENANT } from './cards';
import { activityClient, chatClient } from './chat';
import { startConnector } from './connector';

// the card helpers, for the tests that drive the bot in-process (scripts import them from cards.ts)
export * from './cards';

export type TestBot = Awaited<ReturnType<typeof startTestBot>>;

/**
 * A real server on a free port with its own SQLite file, as `npm start` runs it. With `captureLogs`,
 * every log line the bot writes (at trace level, through the production logger and its redaction)
 * is kept in `logs`.
 */
export async function startTestBot(
  opts: {
    dir?: string;
    now?: () => Date;
    env?: Record<string, string>;
    captureLogs?: boolean;
    /** Other host options (e.g. the delivery worker's poll and retry timings). */
    host?: Omit<HostOptions, 'now' | 'logger'>;
  } = {},
) {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'imh-bot-'));
  // channel posts go to the same stand-in as the personal chat's serviceUrl
  const connector = await startConnector();
  const config = loadConfig({
    APP_ENV: 'test',
    DATABASE_FILE: path.join(dir, 'bot.sqlite'),
    PORT: '0',
    TEAMS_SERVICE_URL: connector.url,
    ...opts.env,
  });
  const logs: string[] = [];
  const host: HostOptions = {
    ...opts.host,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.captureLogs
      ? { logger: createLogger('trace', { write: (line: string) => void logs.push(line) }) }
      : {}),
  };
  let bot: RunningBot = await startBot(config, host);
  const client = activityClient();
  const chat = chatClient(() => bot.url, connector.url, client);

  /** One activity from `user`'s personal chat (default user-1), whatever the bot answers. */
  const post = (activity: Record<string, unknown>, user = 'user-1', headers: Record<string, string> = {}) =>
    chat.send(activity, user, headers);

  /** A POST with a body exactly as given, for requests Teams would never send. */
  async function postRaw(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Promise<{ status: number; raw: string }> {
    const { status, raw } = await client.post(`${bot.url}/api/messages`, body, headers);
    return { status, raw };
  }

  return {
    dir,
    config,
    connector,
    get url() {
      return bot.url;
    },
    post,
    postRaw,
    say: async (text: string, user?: string) => (await post({ text }, user)).replies,
    submit: async (value: Record<string, unknown>, user?: string) => (await post({ value }, user)).replies,
    /** Stops and starts the server on the same database file, as a deploy or crash would. */
    restart: async () => {
      await bot.close();
      bot = await startBot(config, host);
    },
    logs,
    /** Runs a query on the bot's SQLite file through a connection of its own. */
    sql: <T = Record<string, unknown>>(query: string, ...params: unknown[]): T[] => {
      const db = new Database(config.DATABASE_FILE, { readonly: true });
      try {
        return db.prepare(query).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    close: async () => {
      chat.close();
      await bot.close();
      await connector.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a call and answers cards from `answers` (by section) until the card on screen is the one that
 * asks `target` (a section id, or 'review'). Returns that card.
 */
export async function walkTo(
  bot: TestBot,
  target: string,
  answers: Record<string, Record<string, string>>,
  opts: { user?: string; kind?: 'start' | 'advice' } = {},
): Promise<Card> {
  const kind = opts.kind === 'advice' ? 'advice' : 'full';
  const page =
    target === 'review'
      ? 'review'
      : (pagesOf(kind).find((p) => p.id === target) ?? pageOfSection(kind, target))?.id;
  if (!page) throw new Error(`no card asks ${target} in a ${kind} call`);
  let card = lastCard(await bot.say(opts.kind ?? 'start', opts.user));
  for (let i = 0; i < 20 && sectionOf(card) !== page; i++) {
    card = lastCard(await bot.submit(press(card, nextTitle(card), cardAnswers(card, answers)), opts.user));
  }
  if (sectionOf(card) !== page) throw new Error(`did not reach ${target}: ${cardText(card).slice(0, 300)}`);
  return card;
}

/** The referrer's stored state (draft and closed calls) as the bot saved it in bot_state. */
/** The referrer's stored state, with their recent calls from the row that keeps them (DraftStore.closedKey). */
export function storedState(bot: TestBot, user = 'user-1'): StoredState | undefined {
  const row = (key: string) =>
    bot.sql<{ value: string }>('SELECT value FROM bot_state WHERE key = ?', key)[0]?.value;
  const main = row(draftKey(user));
  if (!main) return undefined;
  const list = row(`${draftKey(user)}/closed`);
  const closed = list ? (JSON.parse(list) as Pick<StoredState, 'closed'>).closed : [];
  return { closed, ...(JSON.parse(main) as Omit<StoredState, 'closed'>) };
}

export function draftKey(user = 'user-1'): string {
  return `duty-call/${TENANT}/aad-${user}`;
}

export interface StoredState {
  current: {
    id: string;
    kind: string;
    at: string;
    step: number;
    answers: Record<string, Record<string, string | string[]>>;
    saved: string[];
  } | null;
  closed: { id: string; status: string; reference?: string }[];
}
