/**
 * Helpers for the channel tests: a bot with its duty and safeguarding channels set through Teams, calls
 * submitted by a referrer through the personal chat, the cards the delivery worker really posts, and
 * Action.Execute invokes as Teams sends them.
 */
import { expect } from 'vitest';
import { ALERT_CALL, FULL_CALL } from '../fixtures/answers';

export { ALERT_CALL };

import { type Card, lastCard, press, startTestBot, TENANT, type TestBot, walkTo } from '../harness/bot';
import { channelOf, deliveryIdOf, type Posted } from '../harness/connector';

export const DUTY_TEAM = '19:duty-team@thread.tacv2';
export const DUTY_CHANNEL = '19:duty-channel@thread.tacv2';
export const SG_TEAM = '19:safeguarding-team@thread.tacv2';
export const SG_CHANNEL = '19:safeguarding-channel@thread.tacv2';
export const ADMIN_CHANNEL = '19:admin-channel@thread.tacv2';

/** Test users: `post(..., user)` sends from `29:<user>` with Entra id `aad-<user>`. */
export const USERS = {
  admin: 'admin-1',
  duty: 'duty-1',
  duty2: 'duty-2',
  lead: 'lead-1',
  outsider: 'outsider-1',
  referrer: 'user-1',
} as const;

export const NAMES: Record<string, string> = {
  'admin-1': 'Alex Admin',
  'duty-1': 'Dana Duty',
  'duty-2': 'Devi Duty',
  'lead-1': 'Lee Lead',
  'outsider-1': 'Olly Outsider',
  'user-1': 'Hannah Visitor',
};

export const NOW = new Date('2026-11-23T10:00:00Z');

export function from(user: string) {
  return { from: { id: `29:${user}`, name: NAMES[user] ?? user, aadObjectId: `aad-${user}` } };
}

/** Where a channel message or a card action comes from: a thread in a team's channel. */
export function inChannel(team: string, channel: string, thread = `${channel};messageid=1700000000000`) {
  return {
    conversation: { id: thread, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: team }, channel: { id: channel } },
  };
}

/** "@IMH Duty Bot <text>" as Teams sends it: the mention in the text and as an entity. */
export function mentioning(text: string) {
  return {
    text: `<at>IMH Duty Bot</at> ${text}`,
    entities: [
      { type: 'mention', text: '<at>IMH Duty Bot</at>', mentioned: { id: '28:bot', name: 'IMH Duty Bot' } },
    ],
  };
}

export async function startChannelBot(
  opts: {
    env?: Record<string, string>;
    setChannels?: boolean;
    now?: () => Date;
    schedulerEveryMs?: number;
  } = {},
): Promise<TestBot> {
  const bot = await startTestBot({
    now: opts.now ?? (() => NOW),
    env: { CHANNEL_ADMINS: `aad-${USERS.admin}`, ...opts.env },
    host: {
      delivery: { pollMs: 50, retryBaseMs: 20, targetWaitMs: 100 },
      ...(opts.schedulerEveryMs ? { schedulerEveryMs: opts.schedulerEveryMs } : {}),
    },
  });
  bot.connector.setTeam(
    DUTY_TEAM,
    [`aad-${USERS.duty}`, `aad-${USERS.duty2}`, `aad-${USERS.admin}`],
    [{ id: DUTY_TEAM }, { id: DUTY_CHANNEL, name: 'IMH duty' }, { id: ADMIN_CHANNEL, name: 'Bot admin' }],
  );
  bot.connector.setTeam(
    SG_TEAM,
    [`aad-${USERS.lead}`, `aad-${USERS.admin}`],
    [{ id: SG_TEAM }, { id: SG_CHANNEL, name: 'Safeguarding leads' }],
  );
  if (opts.setChannels !== false) {
    await setChannel(bot, 'duty', DUTY_TEAM, DUTY_CHANNEL);
    await setChannel(bot, 'safeguarding', SG_TEAM, SG_CHANNEL);
    await setChannel(bot, 'admin', DUTY_TEAM, ADMIN_CHANNEL);
  }
  return bot;
}

export async function setChannel(
  bot: TestBot,
  role: string,
  team: string,
  channel: string,
  user = USERS.admin,
) {
  const { replies } = await bot.post(
    { ...inChannel(team, channel), ...mentioning(`set ${role} channel`), ...from(user) },
    user,
  );
  return replies.map((r) => r.text ?? '').join('\n');
}

/** A referrer walks a whole duty call through the personal chat and submits it; returns the record. */
export async function submitCall(
  bot: TestBot,
  answers: Record<string, Record<string, string>> = FULL_CALL,
  opts: { user?: string; kind?: 'start' | 'advice' } = {},
): Promise<{ id: string; reference: string }> {
  const review = await walkTo(bot, 'review', answers, opts);
  const title = opts.kind === 'advice' ? 'Submit the advice call' : 'Submit the duty call';
  await bot.submit(press(review, title), opts.user);
  const [row] = bot.sql<{ id: string; record_json: string }>(
    'SELECT id, record_json FROM duty_calls ORDER BY rowid DESC LIMIT 1',
  );
  if (!row) throw new Error('no record stored');
  return { id: row.id, reference: (JSON.parse(row.record_json) as { reference: string }).reference };
}

export interface PostedCard {
  readonly card: Card;
  /** The thread the card started, and the message it is (what Teams puts in an invoke's replyToId). */
  readonly conversationId: string;
  readonly activityId: string;
  readonly post: Posted;
}

/** The card the delivery worker posted for a record's delivery of this kind, once it has. */
export async function postedCard(bot: TestBot, recordId: string, kind: string): Promise<PostedCard> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [row] = bot.sql<{ id: string; status: string; conversation_id: string; activity_id: string }>(
      'SELECT id, status, conversation_id, activity_id FROM outbox WHERE record_id = ? AND kind = ?',
      recordId,
      kind,
    );
    if (row?.status === 'delivered') {
      const post = await bot.connector.waitFor((p) => p.accepted && deliveryIdOf(p) === row.id);
      const activity = (post.body.activity ?? post.body) as { attachments: { content: Card }[] };
      return {
        card: activity.attachments[0]!.content,
        conversationId: row.conversation_id,
        activityId: row.activity_id,
        post,
      };
    }
    if (Date.now() > deadline)
      throw new Error(`${kind} for ${recordId} not delivered: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function channelPosts(bot: TestBot, channel: string): Posted[] {
  return bot.connector.posted.filter((p) => p.accepted && channelOf(p) === channel);
}

interface ExecuteAction {
  readonly type: 'Action.Execute';
  readonly title: string;
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

/** Every Action.Execute in a card, also inside Action.ShowCard cards. */
export function executeActions(card: unknown): ExecuteAction[] {
  const out: ExecuteAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute') out.push(n as unknown as ExecuteAction);
    for (const [k, v] of Object.entries(n)) if (k !== 'data') walk(v);
  };
  walk(card);
  return out;
}

/** Titles of the buttons a person sees on the card (top level, Action.ShowCard included). */
export function buttonTitles(card: Card): string[] {
  return ((card.actions ?? []) as { title: string }[]).map((a) => a.title);
}

export interface InvokeAnswer {
  readonly status: number;
  /** The card Teams puts in place for the person who pressed. */
  readonly card?: Card;
  /** A plain message instead of a card. */
  readonly message?: string;
}

/**
 * What Teams sends when an Action.Execute button is pressed: an `adaptiveCard/action` invoke carrying the
 * verb and the action's data merged with the card's inputs, from the message the card is on.
 */
export async function execute(
  bot: TestBot,
  on: { team: string; channel: string; conversationId?: string; activityId?: string },
  verb: string,
  data: unknown,
  user: string,
): Promise<InvokeAnswer> {
  const { status, replies } = await bot.post(
    {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      ...inChannel(on.team, on.channel, on.conversationId),
      ...(on.activityId ? { replyToId: on.activityId } : {}),
      ...from(user),
    },
    user,
  );
  const response = replies.find((r) => r.type === 'invokeResponse') as
    | { value?: { status: number; body?: { statusCode: number; type: string; value: unknown } } }
    | undefined;
  const body = response?.value?.body;
  expect(response?.value?.status).toBe(200);
  if (body?.type === 'application/vnd.microsoft.card.adaptive') return { status, card: body.value as Card };
  if (body?.type === 'application/vnd.microsoft.activity.message')
    return { status, message: String(body.value) };
  throw new Error(`unexpected invoke answer: ${JSON.stringify(replies).slice(0, 500)}`);
}

/** Presses an Action.Execute button on a posted card, with the values typed into its inputs. */
export async function pressExecute(
  bot: TestBot,
  posted: Pick<PostedCard, 'card' | 'conversationId' | 'activityId'>,
  title: string,
  user: string,
  values: Record<string, string> = {},
  where: { team: string; channel: string } = { team: DUTY_TEAM, channel: DUTY_CHANNEL },
): Promise<InvokeAnswer> {
  const action = executeActions(posted.card).find((a) => a.title === title);
  if (!action) throw new Error(`no "${title}" Action.Execute on the card`);
  return execute(
    bot,
    { ...where, conversationId: posted.conversationId, activityId: posted.activityId },
    action.verb,
    { ...action.data, ...values },
    user,
  );
}

/** The audit rows for a record (or for no record), oldest first. */
export function auditRows(bot: TestBot, recordId?: string) {
  const rows = recordId
    ? bot.sql<AuditRow>('SELECT * FROM audit WHERE record_id = ? ORDER BY id', recordId)
    : bot.sql<AuditRow>('SELECT * FROM audit ORDER BY id');
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail_json) as Record<string, unknown> }));
}

interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  action: string;
  record_id: string | null;
  outcome: string;
  detail_json: string;
}

export function eventRows(bot: TestBot, recordId: string) {
  return bot.sql<{
    seq: number;
    type: string;
    actor_id: string;
    actor_name: string;
    at: string;
    data_json: string;
  }>(
    'SELECT seq, type, actor_id, actor_name, at, data_json FROM record_events WHERE record_id = ? ORDER BY seq',
    recordId,
  );
}

/** The PUTs that updated a posted message for everyone. */
const isUpdateOf = (activityId: string) => (p: Posted) =>
  p.method === 'PUT' && decodeURIComponent(p.path).endsWith(`/activities/${activityId}`);

export function updatesOf(bot: TestBot, activityId: string): Posted[] {
  return bot.connector.posted.filter(isUpdateOf(activityId));
}

/** The first update of a message, waited for: one made through the outbox (an alert's) comes after the turn. */
export function updateMade(bot: TestBot, activityId: string): Promise<Posted> {
  return bot.connector.waitFor(isUpdateOf(activityId));
}

export { lastCard };
