import type { Server } from 'node:http';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Response, TurnContext } from 'botbuilder';
import restify from 'restify';
import type { Logger } from './logger';

export interface ServerOptions {
  readonly adapter: TeamsAdapter;
  readonly logic: (context: TurnContext) => Promise<void>;
  readonly tenantId: string;
  readonly logger: Logger;
  readonly health: () => Record<string, unknown>;
}

/** Bot Framework activities are small; anything near this is not from Teams. */
const MAX_BODY_BYTES = 256 * 1024;

export function createServer(o: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'imh-duty-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false }));

  server.get('/healthz', (_req, res, next) => {
    try {
      res.send(200, { status: 'ok', ...o.health() });
    } catch {
      res.send(503, { status: 'unavailable' });
    }
    next();
  });

  server.post('/api/messages', async (req, res) => {
    const activity = req.body as
      | { type?: unknown; channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } }
      | undefined;
    if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string') {
      res.send(400, { error: 'Bad request' });
      return;
    }
    // botbuilder checks the token, never the tenant: refuse other tenants before any state is touched
    const tenant = activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
    if (tenant !== o.tenantId) {
      o.logger.warn({
        event: 'tenant-refused',
        activityType: activity.type,
        hasTenant: typeof tenant === 'string',
      });
      res.send(403, { error: 'Forbidden' });
      return;
    }
    try {
      await o.adapter.process(req as never, guarded(res, o.logger), o.logic);
    } catch (err) {
      // an explicit message: pino would otherwise log err.message, which can quote what was typed
      o.logger.error({ event: 'process-failed', err }, 'process failed');
      if (!res.headersSent) res.send(500, { error: 'Internal error' });
    }
  });

  server.on('restifyError', (req, res, err, callback) => {
    // restify would otherwise echo the error's message, e.g. a JSON parse error quoting the body
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    o.logger.warn({ event: 'http-error', status, path: req.getPath() });
    err.toJSON = () => ({
      error: status === 413 ? 'Payload too large' : status >= 500 ? 'Internal error' : 'Bad request',
    });
    err.toString = () => 'error';
    res.status(status);
    return callback();
  });
  return server;
}

/**
 * CloudAdapter writes `err.message` into 4xx/5xx bodies, and messages can quote patient data:
 * callers get a generic body instead, and the log gets the status only.
 */
function guarded(res: restify.Response, logger: Logger): Response {
  let status = 200;
  const wrapped = {
    socket: res.socket,
    header: (name: string, value: unknown) => {
      res.header(name, value as string);
      return wrapped;
    },
    status: (code: number) => {
      status = code;
      return wrapped;
    },
    send: (body?: unknown) => {
      if (status >= 400) {
        logger.warn({ event: 'turn-refused', status });
        res.send(status, {
          error: status === 401 ? 'Unauthorized' : status >= 500 ? 'Internal error' : 'Bad request',
        });
      } else res.send(status, body);
      return wrapped;
    },
    end: () => {
      if (!res.headersSent) res.send(status);
      return wrapped;
    },
  };
  return wrapped as unknown as Response;
}

export function listen(
  server: restify.Server,
  port: number,
  host: string,
): Promise<{ url: string; http: Server }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ url: `http://${host}:${address.port}`, http: server.server });
    });
  });
}
