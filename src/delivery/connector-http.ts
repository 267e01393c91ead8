import type { Activity } from 'botbuilder';

/**
 * A minimal Bot Connector client over global fetch. It exists because botbuilder's ConnectorClient
 * retries 5xx and 429 inside its own pipeline: a post that reached Teams but whose answer was lost
 * would be posted again behind our back. Here every HTTP request is one attempt, made once, and the
 * delivery worker decides what happens next.
 */

/** A bearer token for the Bot Connector, or undefined when authentication is off (local mode). */
export type TokenProvider = () => Promise<string | undefined>;

/**
 * Why a post did not succeed, as the worker needs it:
 * - retryable: 5xx, 408, 412, a network error or a timeout: try again later (the post may have been
 *   made);
 * - throttled: 429: try again no sooner than `retryAfterMs` (when Teams says);
 * - permanent: any other 4xx (bad request, not authorised, conversation not found): trying again
 *   will not help.
 */
export type FailureKind = 'retryable' | 'throttled' | 'permanent';

export class ConnectorError extends Error {
  constructor(
    readonly kind: FailureKind,
    /** The HTTP status, when there was an answer. */
    readonly status: number | undefined,
    /** A short code for the outbox and the audit ("http 503", "timeout", "network"): never a body. */
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
    this.name = 'ConnectorError';
  }
}

export interface ConnectorHttpOptions {
  readonly token: TokenProvider;
  /** Each request is abandoned after this long, and counts as retryable. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /** The real clock, for a Retry-After given as an HTTP date. */
  readonly clock?: () => number;
}

export interface ThreadCreated {
  /** The new thread's conversation id (the channel id plus ";messageid=..."): replies go there. */
  readonly conversationId: string;
  readonly activityId: string | undefined;
}

export class ConnectorHttp {
  private readonly fetch: typeof fetch;
  private readonly clock: () => number;

  constructor(private readonly options: ConnectorHttpOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.clock = options.clock ?? Date.now;
  }

  /** Starts a new thread in a Teams channel with the activity as its first message. */
  async createThread(
    serviceUrl: string,
    channelId: string,
    tenantId: string,
    activity: Partial<Activity>,
    signal?: AbortSignal,
    /** This request's timeout, instead of the client's (an alert's first try is kept short). */
    timeoutMs?: number,
  ): Promise<ThreadCreated> {
    const body = await this.request(
      'POST',
      endpoint(serviceUrl, 'v3/conversations'),
      {
        isGroup: true,
        activity,
        channelData: { channel: { id: channelId }, tenant: { id: tenantId } },
        tenantId,
      },
      signal,
      timeoutMs,
    );
    const id = typeof body.id === 'string' ? body.id : undefined;
    const activityId = typeof body.activityId === 'string' ? body.activityId : undefined;
    // a 2xx means the post was made, whatever the body says: never post it again
    return {
      conversationId: id ?? (activityId ? `${channelId};messageid=${activityId}` : channelId),
      activityId,
    };
  }

  /** Posts into an existing conversation: a personal chat, or a channel thread (a reply). */
  async send(
    serviceUrl: string,
    conversationId: string,
    activity: Partial<Activity>,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<{ activityId: string | undefined }> {
    const body = await this.request(
      'POST',
      endpoint(serviceUrl, `v3/conversations/${encodeURIComponent(conversationId)}/activities`),
      { ...activity, conversation: { id: conversationId } },
      signal,
      timeoutMs,
    );
    return { activityId: typeof body.id === 'string' ? body.id : undefined };
  }

  /**
   * Replaces a message already posted (Update Activity): the same one request, same failure kinds. Teams
   * answers 404 for a message deleted since, which is permanent.
   */
  async update(
    serviceUrl: string,
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<{ activityId: string | undefined }> {
    const body = await this.request(
      'PUT',
      endpoint(
        serviceUrl,
        `v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`,
      ),
      { ...activity, id: activityId, conversation: { id: conversationId } },
      signal,
      timeoutMs,
    );
    return { activityId: typeof body.id === 'string' ? body.id : activityId };
  }

  private async request(
    method: 'POST' | 'PUT',
    url: URL,
    payload: unknown,
    stop?: AbortSignal,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>> {
    let token: string | undefined;
    try {
      token = await this.options.token();
    } catch {
      // Entra ID unreachable or refusing: nothing was posted, so trying later is safe
      throw new ConnectorError('retryable', undefined, 'token');
    }
    const timeout = AbortSignal.timeout(timeoutMs ?? this.options.timeoutMs);
    const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(url, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(payload),
        signal,
        redirect: 'error',
      });
      // the body is read under the same timeout: a connector that stalls mid-answer is a timeout too
      text = await res.text();
    } catch (err) {
      if (stop?.aborted) throw new ConnectorError('retryable', undefined, 'stopped');
      if (timeout.aborted || (err as { name?: string }).name === 'TimeoutError') {
        throw new ConnectorError('retryable', undefined, 'timeout');
      }
      throw new ConnectorError('retryable', undefined, 'network');
    }
    if (res.ok) return parseObject(text);
    const status = res.status;
    if (status === 429) {
      throw new ConnectorError(
        'throttled',
        status,
        'http 429',
        retryAfterMs(res.headers.get('retry-after'), this.clock()),
      );
    }
    // Teams asks for 412 to be retried too (a passing precondition failure on its side)
    if (status === 408 || status === 412 || status >= 500) {
      throw new ConnectorError('retryable', status, `http ${status}`);
    }
    throw new ConnectorError('permanent', status, `http ${status}`);
  }
}

/** `v3/...` under the service URL, keeping its path (Teams' service URLs end in a region, e.g. /uk/). */
function endpoint(serviceUrl: string, path: string): URL {
  return new URL(path, serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

interface TokenCredentials {
  getToken(forceRefresh?: boolean): Promise<string>;
}

/**
 * The bot's own token for the Bot Connector, from the adapter's credentials factory (so it follows
 * BOT_TYPE, the tenant and the secret exactly as the adapter does). The credentials cache the token
 * until shortly before it expires.
 */
export function botTokenProvider(
  factory: {
    createCredentials(
      appId: string,
      audience: string,
      loginEndpoint: string,
      validateAuthority: boolean,
    ): Promise<unknown>;
  },
  appId: string,
  tenantId: string,
): TokenProvider {
  let credentials: Promise<unknown> | undefined;
  return async () => {
    credentials ??= factory.createCredentials(
      appId,
      'https://api.botframework.com',
      `https://login.microsoftonline.com/${tenantId}`,
      true,
    );
    let c: unknown;
    try {
      c = await credentials;
    } catch (err) {
      credentials = undefined;
      throw err;
    }
    if (!c || typeof (c as Partial<TokenCredentials>).getToken !== 'function') return undefined;
    if (!(c as { appId?: unknown }).appId) return undefined; // the "Empty" credentials: auth is off
    return (await (c as TokenCredentials).getToken()) || undefined;
  };
}
