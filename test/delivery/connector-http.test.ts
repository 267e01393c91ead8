import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  botTokenProvider,
  ConnectorError,
  ConnectorHttp,
  retryAfterMs,
} from '../../src/delivery/connector-http';
import { type StandInConnector, startConnector } from '../harness/connector';

let c: StandInConnector;
beforeEach(async () => {
  c = await startConnector();
});
afterEach(async () => {
  await c.close();
});

const activity = { type: 'message', text: 'hello' };
const client = (over: Partial<ConstructorParameters<typeof ConnectorHttp>[0]> = {}) =>
  new ConnectorHttp({ token: async () => undefined, timeoutMs: 1000, ...over });

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

test('a new thread is POST /v3/conversations with the channel and tenant, and the bearer token', async () => {
  const made = await client({ token: async () => 'tok-1' }).createThread(
    c.url,
    '19:duty@thread.tacv2',
    'tenant-1',
    activity,
  );
  expect(made).toEqual({ conversationId: '19:duty@thread.tacv2;messageid=1', activityId: '1' });
  expect(c.posted).toHaveLength(1);
  expect(c.posted[0]).toMatchObject({
    method: 'POST',
    path: '/v3/conversations',
    authorization: 'Bearer tok-1',
    body: {
      isGroup: true,
      activity,
      channelData: { channel: { id: '19:duty@thread.tacv2' }, tenant: { id: 'tenant-1' } },
    },
  });
});

test('a reply or chat message goes to /v3/conversations/{id}/activities with the id encoded; no token locally', async () => {
  const sent = await client().send(c.url, '19:x@thread.tacv2;messageid=42', activity);
  expect(sent).toEqual({ activityId: 'posted-1' });
  expect(c.posted[0]!.path).toBe('/v3/conversations/19%3Ax%40thread.tacv2%3Bmessageid%3D42/activities');
  expect(c.posted[0]!.authorization).toBeUndefined();
});

test('the service URL keeps its path (Teams service URLs end in a region)', async () => {
  await client().send(`${c.url}uk`, 'a:1', activity);
  await client().send(`${c.url}uk/`, 'a:1', activity);
  expect(c.posted.map((p) => p.path)).toEqual([
    '/uk/v3/conversations/a%3A1/activities',
    '/uk/v3/conversations/a%3A1/activities',
  ]);
});

describe('each failure is one request, classified for the worker', () => {
  test.each([
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [408, 'retryable'],
    [412, 'retryable'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
  ] as const)('HTTP %i is %s', async (status, kind) => {
    c.inject({ status });
    const e = await failure(client().send(c.url, 'a:1', activity));
    expect(e).toMatchObject({ kind, status, reason: `http ${status}` });
    // no retry underneath: the stand-in saw exactly one request
    expect(c.posted).toHaveLength(1);
  });

  test('429 is throttled, with Retry-After in seconds or as a date', async () => {
    const at = Date.parse('2026-11-23T10:00:00Z');
    c.inject(
      { status: 429, retryAfter: '3' },
      { status: 429, retryAfter: new Date(at + 5000).toUTCString() },
      { status: 429 },
    );
    const http1 = client({ clock: () => at });
    expect(await failure(http1.send(c.url, 'a:1', activity))).toMatchObject({
      kind: 'throttled',
      status: 429,
      retryAfterMs: 3000,
    });
    expect((await failure(http1.send(c.url, 'a:1', activity))).retryAfterMs).toBe(5000);
    expect((await failure(http1.send(c.url, 'a:1', activity))).retryAfterMs).toBeUndefined();
    expect(c.posted).toHaveLength(3);
  });

  test('no answer within the timeout is retryable', async () => {
    c.inject({ hang: true });
    const started = Date.now();
    const e = await failure(client({ timeoutMs: 300 }).send(c.url, 'a:1', activity));
    expect(e).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(c.posted).toHaveLength(1);
  });

  test('a refused connection is retryable', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const e = await failure(client().send(`http://127.0.0.1:${port}/`, 'a:1', activity));
    expect(e).toMatchObject({ kind: 'retryable', reason: 'network' });
  });

  test('no token is retryable, and nothing is posted', async () => {
    const e = await failure(
      client({
        token: async () => {
          throw new Error('AADSTS7000215 invalid client secret');
        },
      }).send(c.url, 'a:1', activity),
    );
    expect(e).toMatchObject({ kind: 'retryable', reason: 'token' });
    expect(c.posted).toEqual([]);
  });

  test('stopping abandons a post under way', async () => {
    c.inject({ hang: true });
    const stop = new AbortController();
    const p = failure(client({ timeoutMs: 5000 }).send(c.url, 'a:1', activity, stop.signal));
    await c.waitFor(() => true);
    stop.abort();
    expect(await p).toMatchObject({ kind: 'retryable', reason: 'stopped' });
  });
});

test('Retry-After that cannot be read is ignored', () => {
  expect(retryAfterMs(null, 0)).toBeUndefined();
  expect(retryAfterMs('soon', 0)).toBeUndefined();
  expect(retryAfterMs(' 2 ', 0)).toBe(2000);
  expect(retryAfterMs(new Date(1000).toUTCString(), 5000)).toBe(0);
});

describe('the bot token comes from the adapter credentials factory', () => {
  test('asked once for the Bot Connector audience in the bot tenant, then the credentials give the token', async () => {
    const calls: unknown[][] = [];
    let tokens = 0;
    const factory = {
      createCredentials: async (...args: unknown[]) => {
        calls.push(args);
        return { appId: 'app-1', getToken: async () => `token-${++tokens}` };
      },
    };
    const token = botTokenProvider(factory, 'app-1', 'tenant-1');
    expect(await token()).toBe('token-1');
    expect(await token()).toBe('token-2');
    expect(calls).toEqual([
      ['app-1', 'https://api.botframework.com', 'https://login.microsoftonline.com/tenant-1', true],
    ]);
  });

  test('empty credentials (authentication off) give no token; a failed factory is asked again', async () => {
    let fail = true;
    const factory = {
      createCredentials: async () => {
        if (fail) throw new Error('no');
        return { appId: null, getToken: async () => 'x' };
      },
    };
    const token = botTokenProvider(factory, 'app-1', 'tenant-1');
    await expect(token()).rejects.toThrow();
    fail = false;
    expect(await token()).toBeUndefined();
  });
});
