/**
 * A service as the delivery tests set it up: its three channels named in configuration, a call that
 * raises an alert, what the stand-in connector was posted (threads, chats, copies taken), the outbox as
 * rows, waiting for a condition, and faults by channel.
 */
import Database from 'better-sqlite3';
import { FULL_CALL } from '../fixtures/answers';
import {
  channelOf,
  conversationOf,
  deliveryIdOf,
  type Fault,
  type Posted,
  type PostRequest,
} from './connector';

export const DUTY = '19:duty@thread.tacv2';
export const SAFEGUARDING = '19:safeguarding@thread.tacv2';
export const ADMIN = '19:admin@thread.tacv2';

/** The three channels named in configuration, as a service would before "@bot set ... channel". */
export const CHANNEL_ENV: Record<string, string> = {
  DUTY_TEAM_ID: '19:team-duty@thread.tacv2',
  DUTY_CHANNEL_ID: DUTY,
  SAFEGUARDING_TEAM_ID: '19:team-safe@thread.tacv2',
  SAFEGUARDING_CHANNEL_ID: SAFEGUARDING,
  ADMIN_TEAM_ID: '19:team-admin@thread.tacv2',
  ADMIN_CHANNEL_ID: ADMIN,
};

/** A full duty call that flags possible harm to the baby (an alert under the default rules). */
export const FLAGGED_CALL: Record<string, Record<string, string>> = {
  ...FULL_CALL,
  risk: { ...FULL_CALL.risk!, harmToBaby: 'yes' },
  // possible harm brings seed 003's social care referral prompt, which must be answered
  pickUpThePhone: {
    ...FULL_CALL.pickUpThePhone!,
    'safeguarding-referral.status': 'phoned',
    'safeguarding-referral.notes':
      'Sol Social, social worker, Children’s social care front door, 0116 555 0300. Referral made by phone.',
  },
};

export const threadsIn = (posted: readonly Posted[], channel: string) =>
  posted.filter((p) => channelOf(p) === channel);

export const chatPosts = (posted: readonly Posted[], user: string) =>
  posted.filter((p) => conversationOf(p) === `a:personal-${user}`);

/** How many times each delivery was taken by the stand-in (posts answered 2xx or held), by id. */
export function takenCounts(posted: readonly Posted[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of posted) {
    // an update redraws a message already taken: it is not another copy of it
    if (!p.accepted || p.method === 'PUT') continue;
    const id = deliveryIdOf(p);
    if (!id) throw new Error(`a post without a delivery id in its footer: ${p.path}`);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export async function until<T>(
  what: string,
  fn: () => T | undefined | false,
  timeoutMs = 15_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface OutboxRow {
  id: string;
  created_at: string;
  record_id: string | null;
  kind: string;
  status: string;
  attempts: number;
  in_flight_at: string | null;
  conversation_id: string | null;
  activity_id: string | null;
  last_error: string | null;
  target_json: string;
  payload_json: string;
}

export interface AuditRowRaw {
  id: number;
  action: string;
  record_id: string | null;
  outcome: string;
  detail_json: string;
}

export async function health(botUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${botUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A write on the bot's SQLite file through a connection of its own (WAL lets both work). */
export function writeSql(file: string, query: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(query).run(...params);
  } finally {
    db.close();
  }
}

/** A stand-in rule: this fault for every new thread in these channels, the rest taken normally. */
export function faultIn(channels: readonly string[], fault: Fault) {
  return (p: PostRequest): Fault | undefined => {
    const channel = (p.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
    return p.path === '/v3/conversations' && channel && channels.includes(channel) ? fault : undefined;
  };
}
