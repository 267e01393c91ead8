import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** When it arrived (Date.now()). */
  readonly at: number;
  /** What the stand-in answered: an HTTP status, or 'hang' when it never answered. */
  readonly status: number | 'hang';
  /** Whether Teams would show it: answered 2xx, or held before a 200 (a delayMs fault). */
  readonly accepted: boolean;
  readonly authorization: string | undefined;
}

/**
 * What the stand-in does with a post instead of taking it at once:
 * - `status`: answers with it (not taken unless 2xx), with `retryAfter` as the Retry-After header;
 * - `hang`: never answers and does not take it (the caller's timeout fires);
 * - `delayMs`: takes it (it would be shown) but answers 200 only after the delay, so a caller
 *   can be killed after posting and before it hears back.
 */
export type Fault =
  | { readonly status: number; readonly retryAfter?: string }
  | { readonly hang: true }
  | { readonly delayMs: number };

export interface PostRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * Stands in for the Bot Connector at the activity's serviceUrl (and at TEAMS_SERVICE_URL): answers
 * the member look-up the bot makes for prefill and records every activity the bot posts. A new
 * channel thread (POST /v3/conversations) gets `{id: "<channel>;messageid=<n>", activityId}` as
 * Teams answers. An update (PUT /v3/conversations/<id>/activities/<activityId>) is taken like a post
 * and answered with the activity id; its `method` is 'PUT'. Faults can be injected in order (`inject`)
 * or by rule (`faultWhen`), for updates too.
 */
export async function startConnector(member = { name: 'Hannah Visitor', email: 'hannah.visitor@nhs.net' }) {
  const posted: Posted[] = [];
  let memberStatus = 200;
  const queue: Fault[] = [];
  let rule: ((p: PostRequest) => Fault | undefined) | undefined;
  const waiters: { match: (p: Posted) => boolean; resolve: (p: Posted) => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  // teams the stand-in knows: who is a member (Teams ids or Entra object ids) and their channels
  const teams = new Map<string, { members: Set<string>; channels: { id: string; name?: string }[] }>();
  const memberLookups: { teamId: string; userId: string; status: number }[] = [];
  let profileLookups = 0;
  let channelListStatus = 200;

  const record = (p: Posted) => {
    posted.push(p);
    for (const w of [...waiters]) {
      if (w.match(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  };

  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const at = Date.now();
      res.setHeader('content-type', 'application/json');
      const teamMember = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(path);
      const team = teamMember ? teams.get(decodeURIComponent(teamMember[1]!)) : undefined;
      if (req.method === 'GET' && teamMember && team) {
        // a team member look-up (TeamsInfo.getTeamMember): 404 for someone not in the team, as Teams answers
        const userId = decodeURIComponent(teamMember[2]!);
        const status = memberStatus !== 200 ? memberStatus : team.members.has(userId) ? 200 : 404;
        memberLookups.push({ teamId: decodeURIComponent(teamMember[1]!), userId, status });
        res.statusCode = status;
        res.end(
          JSON.stringify(
            status === 200
              ? { id: userId, aadObjectId: userId, name: 'Team Member' }
              : { error: { code: 'MemberNotFoundInConversation', message: 'not a member' } },
          ),
        );
        return;
      }
      const channelList = /^\/v3\/teams\/([^/]+)\/conversations/.exec(path);
      if (req.method === 'GET' && channelList) {
        // TeamsInfo.getTeamChannels
        const known = teams.get(decodeURIComponent(channelList[1]!));
        res.statusCode = known ? channelListStatus : 404;
        res.end(JSON.stringify(known && channelListStatus === 200 ? { conversations: known.channels } : {}));
        return;
      }
      if (req.method === 'GET' && /\/members\//.test(path)) {
        profileLookups += 1;
        res.statusCode = memberStatus;
        res.end(
          JSON.stringify({
            id: 'user-1',
            aadObjectId: 'aad-user-1',
            ...member,
            userPrincipalName: member.email,
          }),
        );
        return;
      }
      const body = data ? (JSON.parse(data) as Record<string, unknown>) : {};
      const request = { method: req.method ?? '', path, body };
      const fault = queue.shift() ?? rule?.(request);
      const base = { ...request, at, authorization: req.headers.authorization };
      if (fault && 'hang' in fault) {
        record({ ...base, status: 'hang', accepted: false });
        return;
      }
      if (fault && 'status' in fault && (fault.status < 200 || fault.status > 299)) {
        record({ ...base, status: fault.status, accepted: false });
        res.statusCode = fault.status;
        if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
        res.end(JSON.stringify({ error: { code: 'Injected', message: 'injected fault' } }));
        return;
      }
      const n = posted.length + 1;
      record({ ...base, status: 200, accepted: true });
      // Update Activity (PUT .../activities/<id>) answers with the message's own id, as Teams does
      const updated = req.method === 'PUT' ? /\/activities\/([^/?]+)/.exec(path) : null;
      const answer =
        path.replace(/\?.*$/, '') === '/v3/conversations'
          ? threadCreated(body, n)
          : updated
            ? { id: decodeURIComponent(updated[1]!) }
            : { id: `posted-${n}` };
      const send = () => {
        if (!res.destroyed) res.end(JSON.stringify(answer));
      };
      if (fault && 'delayMs' in fault) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, fault.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    posted,
    failMembers: (status: number) => {
      memberStatus = status;
    },
    /** Makes a team known: its members (ids as the bot asks for them) and its channels. */
    setTeam: (teamId: string, members: readonly string[], channels: { id: string; name?: string }[] = []) => {
      teams.set(teamId, { members: new Set(members), channels });
    },
    /** Team member look-ups the bot made, in order. */
    memberLookups,
    /** How many times the bot asked for a referrer's own Teams profile (TeamsInfo.getMember). */
    profileLookups: () => profileLookups,
    /** The status the team channel list answers with (200 by default). */
    failChannelList: (status: number) => {
      channelListStatus = status;
    },
    /** The next posts get these faults, one each, in order. */
    inject: (...faults: Fault[]) => {
      queue.push(...faults);
    },
    /** Every post after the injected ones is offered to this rule; undefined takes it normally. */
    faultWhen: (fn: ((p: PostRequest) => Fault | undefined) | undefined) => {
      rule = fn;
    },
    /** The first post (already made or still to come) that matches. */
    waitFor: (match: (p: Posted) => boolean, timeoutMs = 15_000): Promise<Posted> => {
      const seen = posted.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (p: Posted) => {
            clearTimeout(t);
            resolve(p);
          },
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no matching post within ${timeoutMs} ms (${posted.length} posts seen)`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => r());
        // hung requests and keep-alive sockets would otherwise hold the server open
        server.closeAllConnections();
      }),
  };
}

export type StandInConnector = Awaited<ReturnType<typeof startConnector>>;

function threadCreated(body: Record<string, unknown>, n: number) {
  const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? 'unknown';
  return { id: `${channel};messageid=${n}`, activityId: String(n) };
}

/** The channel a new thread was started in, or undefined for a post into an existing conversation. */
export function channelOf(p: Posted): string | undefined {
  if (p.path.replace(/\?.*$/, '') !== '/v3/conversations') return undefined;
  return (p.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
}

/** The conversation a post went into (a chat or a thread), or undefined for a new thread. */
export function conversationOf(p: Posted): string | undefined {
  const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(p.path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/**
 * The delivery id a posted card names in its footer ("... · delivery <id>"): how a duplicate is
 * recognised. The footer is the last text ending in "delivery <uuid>".
 */
export function deliveryIdOf(p: Posted): string | undefined {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const v of Object.values(node as Record<string, unknown>)) {
      if (typeof v === 'string') texts.push(v);
      else walk(v);
    }
  };
  walk(p.body);
  let id: string | undefined;
  for (const t of texts) {
    // a referrer's card carries it as the footer's element id ("delivery-<uuid>"), never shown
    const m = /delivery[ -]([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*$/i.exec(t);
    if (m) id = m[1];
  }
  return id;
}
