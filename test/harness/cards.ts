import { SCREENING_LIST } from '../../src/domain/checklist';

/*
 * What the harness reads and presses on the bot's cards, and the activity a referrer's chat sends: shared
 * by the bot in-process (bot.ts), the chat client (chat.ts) and the scripts.
 */

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

/** Input values of a card by id, as a person would see them. */
export function values(card: Card): Record<string, unknown> {
  return Object.fromEntries(inputs(card).map((i) => [i.id, i.value]));
}
