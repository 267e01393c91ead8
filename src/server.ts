import type { Server } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import restify from 'restify';
import { inboundActivity } from './http/activity-shape';
import type { FrontDoorAdapter } from './http/front-door-adapter';
import { readJsonBody, refuseBeforeReading } from './http/read-json-body';
import { tenantVerdict } from './http/tenant';
import { activityTypeForLog, type Logger } from './logger';

export interface ServerOptions {
  readonly adapter: Pick<FrontDoorAdapter, 'authenticate' | 'runTurn'>;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly tenantId: string;
  readonly logger: Logger;
  /** A body with status "unavailable" is answered 503: the instance cannot serve turns now. */
  readonly health: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** Bot Framework activities are small; anything near this is not from Teams. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Slow senders hold sockets: headers within 10 s, the whole request within 30 s. Idle keep-alive
 * outlives the 60 s idle timeout common in reverse proxies, so a proxy never reuses a socket Node
 * is closing (a 502). Node enforces the first two on a 30 s sweep, so they fire up to 30 s late.
 */
export const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 65_000 };

/** Every refusal says only what its status says: messages can quote the body or name the code. */
const GENERIC: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
};

function generic(status: number): { error: string } {
  return { error: GENERIC[status] ?? (status >= 500 ? 'Internal error' : 'Bad request') };
}

export function createServer(o: ServerOptions): restify.Server {
  // no name: restify would send it as a Server header. No body parser: see read-json-body.ts
  const server = restify.createServer({ name: '', handleUncaughtExceptions: false });

  server.get('/healthz', async (_req, res) => {
    try {
      const body = { status: 'ok', ...(await o.health()) };
      res.send(body.status === 'unavailable' ? 503 : 200, body);
    } catch {
      res.send(503, { status: 'unavailable' });
    }
  });

  server.post('/api/messages', async (req, res) => {
    const refuse = (status: number, event: string, fields: Record<string, unknown> = {}) => {
      o.logger.warn({ event, status, ...fields });
      // a body left unread (413, 415) must not be drained: Node closes the socket after this answer
      if (status === 413 || status === 415) res.header('Connection', 'close');
      res.send(status, generic(status));
    };

    const early = refuseBeforeReading(req.headers, MAX_BODY_BYTES);
    if (early) return refuse(early, 'request-refused');
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    if (!body.ok) return refuse(body.status, 'request-refused');
    const shape = inboundActivity.safeParse(body.value);
    if (!shape.success) {
      // the paths of what was wrong, never the values
      return refuse(400, 'activity-refused', {
        fields: shape.error.issues.map((i) => i.path.join('.')).slice(0, 5),
      });
    }
    // the parsed JSON, not zod's copy: fields the schema does not name pass through untouched
    const activity = withDates(body.value as Activity);

    // Authenticate before anything that depends on who is asking, the tenant included: a caller
    // without a token learns nothing about which tenant this bot serves. Every failure is 401,
    // whatever botbuilder or the JWT library threw (botbuilder lets some through as plain errors).
    let auth: Awaited<ReturnType<ServerOptions['adapter']['authenticate']>>;
    try {
      auth = await o.adapter.authenticate(activity, headerValue(req.headers.authorization));
    } catch (err) {
      const keysUnavailable = (err as { statusCode?: unknown }).statusCode === 500;
      // an explicit message: pino would otherwise log err.message, which names what was wrong with the token
      if (keysUnavailable) o.logger.error({ event: 'auth-keys-unavailable', err }, 'auth-keys-unavailable');
      return refuse(401, 'auth-refused', { activityType: activityTypeForLog(activity.type) });
    }

    const tenant = tenantVerdict(shape.data, o.tenantId);
    if (tenant !== 'ours')
      return refuse(403, 'tenant-refused', { activityType: activityTypeForLog(activity.type), tenant });

    try {
      const invoke = await o.adapter.runTurn(auth, activity, o.logic);
      const status = invoke?.status ?? 200;
      if (status >= 400) return refuse(status, 'turn-refused');
      if (invoke?.body === undefined) res.send(status);
      else res.send(status, invoke.body);
    } catch (err) {
      // an explicit message: pino would otherwise log err.message, which can quote what was typed
      o.logger.error({ event: 'process-failed', err }, 'process failed');
      if (!res.headersSent) res.send(500, generic(500));
    }
  });

  server.on('restifyError', (req, res, err, callback) => {
    // restify would otherwise echo the error's message; the path is the caller's text, not logged
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    o.logger.warn({ event: 'http-error', status, method: req.method });
    err.toJSON = () => generic(status);
    err.toString = () => 'error';
    res.status(status);
    return callback();
  });
  return server;
}

function headerValue(value: string | string[] | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** What CloudAdapter.process does before a turn (botbuilder's validateAndFixActivity, not exported). */
function withDates(activity: Activity): Activity {
  const a = activity as unknown as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof a[field] === 'string') {
      a[raw] = a[field];
      a[field] = new Date(a[field] as string);
    }
  }
  return activity;
}

export function listen(
  server: restify.Server,
  port: number,
  host: string,
): Promise<{ url: string; http: Server }> {
  Object.assign(server.server, HTTP_TIMEOUTS);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ url: `http://${host}:${address.port}`, http: server.server });
    });
  });
}
