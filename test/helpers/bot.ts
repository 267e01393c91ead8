import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type HostOptions, type RunningBot, startBot } from '../../src/app-host';
import { loadConfig } from '../../src/config/config';
import { SCREENING_LIST } from '../../src/domain/checklist';
import { pageOfSection, pagesOf } from '../../src/domain/pages';
import { createLogger } from '../../src/logger';
import { startConnector } from './connector';

export const TENANT = '11111111-2222-3333-4444-555555555555';

export interface Card {
  readonly body: unknown[];
  readonly actions?: { title: string; data?: Record<string, unknown> }[];
  readonly [k: string]: unknown;
}

export interface Reply {
  readonly type: string;
  readonly text?: string;
  readonly attachments?: { contentType: string; content: Card }[];
}

export type TestBot = Awaited<ReturnType<typeof startTestBot>>;

/** What Teams posts from a referrer's personal chat, asking for the replies in the answer (expectReplies). */
export function personalChatActivity(
  activity: Record<string, unknown>,
  user: string,
  serviceUrl: string,
  id: string,
): Record<string, unknown> {
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    deliveryMode: 'expectReplies',
    from: { id: `29:${user}`, name: 'Hannah Visitor', aadObjectId: `aad-${user}` },
    recipient: { id: '28:bot', name: 'IMH duty bot' },
    conversation: { id: `a:personal-${user}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...activity,
  };
}

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
  let seq = 0;

  async function post(
    activity: Record<string, unknown>,
    user = 'user-1',
    headers: Record<string, string> = {},
  ): Promise<{ status: number; replies: Reply[]; raw: string }> {
    seq += 1;
    const body = personalChatActivity(activity, user, connector.url, `act-${seq}`);
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const raw = await res.text();
    let replies: Reply[] = [];
    if (raw && res.headers.get('content-type')?.includes('json')) {
      const parsed = JSON.parse(raw) as { activities?: Reply[] };
      replies = parsed.activities ?? [];
    }
    return { status: res.status, replies, raw };
  }

  /** A POST with a body exactly as given, for requests Teams would never send. */
  async function postRaw(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Promise<{ status: number; raw: string }> {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers, body });
    return { status: res.status, raw: await res.text() };
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
      await bot.close();
      await connector.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function cards(replies: Reply[]): Card[] {
  return replies.flatMap((r) =>
    (r.attachments ?? [])
      .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content),
  );
}

export function lastCard(replies: Reply[]): Card {
  const all = cards(replies);
  const card = all[all.length - 1];
  if (!card) throw new Error(`expected a card, got: ${JSON.stringify(replies).slice(0, 500)}`);
  return card;
}

/** Every TextBlock, TextRun and FactSet string in a card, for asserting on what a person would read. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if ((n.type === 'TextBlock' || n.type === 'TextRun') && typeof n.text === 'string') out.push(n.text);
    if (typeof n.title === 'string' && typeof n.value === 'string') out.push(`${n.title}: ${n.value}`);
    if (n.type === 'Action.Submit' && typeof n.title === 'string') out.push(`[${n.title}]`);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return out.join('\n');
}

export interface Input {
  readonly id: string;
  readonly type: string;
  readonly value?: unknown;
  readonly isRequired?: boolean;
  readonly choices?: { value: string }[];
}

export function inputs(card: Card): Input[] {
  const out: Input[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) out.push(n as unknown as Input);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
}

/** The inputs a person sees: those inside a hidden container (a confirm-or-change line) are not shown. */
export function visibleInputs(card: Card): (Input & { label?: string })[] {
  const out: (Input & { label?: string })[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.isVisible === false) return;
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) out.push(n as unknown as Input);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
}

/**
 * What Teams sends when a button is pressed: the action's data plus the card's input values. Values may
 * be given by input id ("family.address") or, where one input on the card has that field, by field id
 * ("address", "mental-health.status"); a risk question answered on its own ("domesticAbuse") is sent as
 * the older per-question card would send it, which the bot reads as the list would.
 */
export function press(
  card: Card,
  title: string,
  values: Record<string, string> = {},
): Record<string, unknown> {
  const action = findAction(card, title);
  if (!action) throw new Error(`no "${title}" button in card: ${cardText(card).slice(0, 300)}`);
  const associated = (action as { associatedInputs?: string }).associatedInputs === 'none';
  const current: Record<string, string> = {};
  if (!associated) {
    for (const i of inputs(card)) if (typeof i.value === 'string' && i.value !== '') current[i.id] = i.value;
  }
  const given = asInputIds(card, values);
  if (Object.keys(given).some((k) => SCREENING.has(k.replace(/^risk\./, '')))) {
    // the per-question form stands only without the list's own answers
    for (const k of ['risk.screenYes', 'risk.screenRest', 'risk.screenNotKnown']) delete current[k];
  }
  return { ...(associated ? {} : { ...current, ...given }), ...(action.data ?? {}) };
}

const SCREENING = new Set<string>(SCREENING_LIST.map((q) => q.value));

/** Field ids given for a card's inputs as the card's input ids ("section.field"). */
export function asInputIds(card: Card, values: Record<string, string>): Record<string, string> {
  const ids = inputs(card).map((i) => i.id);
  const sectionsOnCard = [...new Set(ids.map((id) => id.split('.')[0] ?? ''))];
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (ids.includes(k) || sectionsOnCard.some((section) => k.startsWith(`${section}.`))) {
      out[k] = v;
      continue;
    }
    const matches = ids.filter((id) => id.endsWith(`.${k}`));
    if (matches.length === 1) out[matches[0]!] = v;
    else if (sectionsOnCard.length === 1 && matches.length === 0) out[`${sectionsOnCard[0]}.${k}`] = v;
    else out[k] = v;
  }
  return out;
}

/** A call's answers (by section, then field) as one card's values (by input id). */
export function cardAnswers(
  card: Card,
  answers: Record<string, Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const sections = new Set(inputs(card).map((i) => i.id.split('.')[0] ?? ''));
  for (const section of sections) {
    for (const [k, v] of Object.entries(answers[section] ?? {})) {
      out[SCREENING.has(k) && section === 'risk' ? `risk.${k}` : `${section}.${k}`] = v;
    }
  }
  return out;
}

function findAction(card: unknown, title: string): { data?: Record<string, unknown> } | undefined {
  let found: { data?: Record<string, unknown> } | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Action.') && n.title === title) {
      found = n as { data?: Record<string, unknown> };
      return;
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return found;
}

/** The section a section card is for (from its Next button), or 'review' for the review card. */
export function sectionOf(card: Card): string {
  const next = findAction(card, 'Next') ?? findAction(card, 'Save and review');
  if (next) return String(next.data?.section ?? '');
  return findAction(card, 'Submit the duty call') || findAction(card, 'Submit the advice call')
    ? 'review'
    : '';
}

/** Next, or Save and review on the last section. */
export function nextTitle(card: Card): string {
  return findAction(card, 'Save and review') ? 'Save and review' : 'Next';
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

/** Input values of a card by id, as a person would see them. */
export function values(card: Card): Record<string, unknown> {
  return Object.fromEntries(inputs(card).map((i) => [i.id, i.value]));
}
