import fs from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { createLogger } from '../../src/logger';
import { createServer, HTTP_TIMEOUTS, listen } from '../../src/server';
import { startTestBot, TENANT, type TestBot } from '../harness/bot';
import { rawRequest } from '../harness/raw-http';

/**
 * The HTTP front door: what is refused before a byte of the body is parsed, and how. Each of these
 * was a finding of issue 7; most run in production mode without a token, as an attacker would.
 */

const PRODUCTION = {
  BOT_MODE: 'production',
  BOT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  BOT_PASSWORD: 'x',
  HOST: '127.0.0.1',
  // production refuses to start without a safeguarding channel (issue 8, HAZ-06)
  SAFEGUARDING_TEAM_ID: '19:team-safe@thread.tacv2',
  SAFEGUARDING_CHANNEL_ID: '19:safeguarding@thread.tacv2',
};

const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'act-1',
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: '29:user-1', aadObjectId: 'aad-user-1' },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:personal-user-1', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    text: 'help',
    ...overrides,
  };
}

/** Headers that say which server and which versions answer: none of them on any answer. */
const REVEALING = [
  'server',
  'x-powered-by',
  'user-agent',
  'api-version',
  'request-id',
  'x-request-id',
  'x-response-time',
];

function uploadFiles(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('upload_'));
}

const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => void uncaught.push(err);
beforeAll(() => {
  process.on('uncaughtException', onUncaught);
});
afterAll(() => {
  process.off('uncaughtException', onUncaught);
});

describe('in production mode, without a token', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ captureLogs: true, env: PRODUCTION });
  });
  afterAll(async () => {
    await bot.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('[HAZ-19] a body sent as gzip that is not gzip gets 415 and the server keeps running', async () => {
    const answer = await rawRequest(bot.url, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: JSON.stringify(activity()),
      timeoutMs: 5_000,
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.raw)).toEqual({ error: 'Unsupported media type' });
    expect(uncaught).toEqual([]);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
  });

  test('64 KB of gzip that inflates to 64 MB is refused (415) without being inflated', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const used = process.memoryUsage().rss;
    const answer = await rawRequest(bot.url, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    });
    expect(answer.status).toBe(415);
    // inflating and parsing it cost +175 MB when this was found
    expect(process.memoryUsage().rss - used).toBeLessThan(48 * 1024 * 1024);
    for (const encoding of ['deflate', 'br', 'GZIP', 'gzip, identity', 'x-gzip', 'compress']) {
      const other = await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: JSON.stringify(activity()),
      });
      expect(other.status, encoding).toBe(415);
    }
  });

  test('multipart/form-data gets 415 and leaves no upload file behind', async () => {
    const before = uploadFiles();
    const boundary = 'xyzzy';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="a.bin"',
      'Content-Type: application/octet-stream',
      '',
      'x'.repeat(1024 * 1024),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const answer = await rawRequest(bot.url, {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.raw)).toEqual({ error: 'Unsupported media type' });
    expect(uploadFiles().filter((f) => !before.includes(f))).toEqual([]);
  });

  test('any body that is not JSON, or JSON in another charset, gets 415', async () => {
    const cases: [string | undefined, string][] = [
      ['application/x-www-form-urlencoded', 'type=message&text=start'],
      ['text/plain', JSON.stringify(activity())],
      ['application/octet-stream', JSON.stringify(activity())],
      ['application/json; charset=iso-8859-1', JSON.stringify(activity())],
      ['application/json; charset=utf-16le', JSON.stringify(activity())],
      ['application/jsonx', JSON.stringify(activity())],
      ['text/json', JSON.stringify(activity())],
      [undefined, JSON.stringify(activity())],
    ];
    for (const [type, body] of cases) {
      const answer = await rawRequest(bot.url, {
        headers: type ? { 'content-type': type } : {},
        body,
      });
      expect(answer.status, String(type)).toBe(415);
    }
  });

  test('an activity naming another tenant, or two tenants, gets 401 like any other without a token', async () => {
    // before authentication the bot says nothing about which tenants it serves
    for (const where of [
      { channelData: { tenant: { id: OTHER_TENANT } }, conversation: { id: 'a:x', tenantId: OTHER_TENANT } },
      { channelData: { tenant: { id: TENANT } }, conversation: { id: 'a:x', tenantId: OTHER_TENANT } },
      { channelData: {}, conversation: { id: 'a:x' } },
    ]) {
      const answer = await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity(where)),
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.raw)).toEqual({ error: 'Unauthorized' });
    }
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });
});

describe('in local mode', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ captureLogs: true });
  });
  afterAll(async () => {
    await bot.close();
  });

  test('JSON with charset utf-8, and an identity encoding, are read', async () => {
    for (const headers of [
      { 'content-type': 'application/json; charset=utf-8' } as Record<string, string>,
      { 'content-type': 'Application/JSON; Charset="UTF-8"' },
      { 'content-type': 'application/json', 'content-encoding': 'identity' },
    ]) {
      const answer = await rawRequest(bot.url, {
        headers,
        body: JSON.stringify(activity({ serviceUrl: bot.connector.url, deliveryMode: 'expectReplies' })),
      });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(answer.raw).activities.length).toBeGreaterThan(0);
    }
  });

  test('a declared length over the limit gets 413 before the body is read', async () => {
    const answer = await rawRequest(bot.url, {
      headers: { 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 },
      body: '{"type":"message",',
      timeoutMs: 5_000,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.raw)).toEqual({ error: 'Payload too large' });
    expect(answer.writtenWhenAnswered).toBeLessThan(1024);
  });

  test('a chunked body is cut off at the limit: 413 while it is still being sent', async () => {
    const answer = await rawRequest(bot.url, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: '{"type":"message","text":"',
      chunks: { count: 200, size: 16 * 1024, delayMs: 2 },
      timeoutMs: 10_000,
    });
    expect(answer.status).toBe(413);
    // 200 chunks of 16 KB would be 3.2 MB; the answer came soon after the first 256 KB
    expect(answer.writtenWhenAnswered).toBeLessThan(1024 * 1024);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
  });

  test('a malformed activity gets 400 and a generic body', async () => {
    const malformed: unknown[] = [
      [],
      null,
      42,
      '"message"',
      {},
      activity({ type: 42 }),
      activity({ type: '' }),
      activity({ type: ['message'] }),
      activity({ serviceUrl: undefined }),
      activity({ serviceUrl: null }),
      activity({ serviceUrl: 42 }),
      activity({ serviceUrl: ['http://127.0.0.1:9/'] }),
      activity({ serviceUrl: 'not a url' }),
      activity({ serviceUrl: 'file:///etc/passwd' }),
      activity({ conversation: 'a:personal-user-1' }),
      activity({ conversation: { id: 42, tenantId: TENANT } }),
      activity({ conversation: null }),
      activity({ from: 'user-1' }),
      activity({ from: { id: ['29:user-1'] } }),
      activity({ recipient: 7 }),
      activity({ channelData: 'tenant' }),
      activity({ channelData: { tenant: 'x' } }),
      activity({ channelData: { tenant: { id: 42 } } }),
      activity({ conversation: { id: 'a:x', tenantId: 42 }, channelData: { tenant: { id: [TENANT] } } }),
      activity({ channelId: 42 }),
      activity({ id: {} }),
    ];
    for (const body of malformed) {
      const answer = await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(JSON.parse(answer.raw)).toEqual({ error: 'Bad request' });
    }
    for (const raw of [
      '',
      '{',
      '\xff\xfe{}',
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    ]) {
      const answer = await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.raw)).toEqual({ error: 'Bad request' });
    }
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
    expect(bot.connector.posted).toEqual([]);
  });

  test('tenant ids that disagree get 403, whichever way round', async () => {
    for (const where of [
      {
        conversation: { id: 'a:personal-user-1', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: TENANT } },
      },
      {
        conversation: { id: 'a:personal-user-1', tenantId: TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      },
    ]) {
      const { status, raw } = await bot.post({ text: 'start', ...where });
      expect(status).toBe(403);
      expect(JSON.parse(raw)).toEqual({ error: 'Forbidden' });
    }
    expect(bot.sql('SELECT key FROM bot_state')).toEqual([]);
  });

  test('no answer names the server or its versions, and no error body says more than its status', async () => {
    const answers = [
      await rawRequest(bot.url, { method: 'GET', path: '/healthz' }),
      await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity({ serviceUrl: bot.connector.url, deliveryMode: 'expectReplies' })),
      }),
      await rawRequest(bot.url, { headers: { 'content-type': 'application/json' }, body: '{' }),
      await rawRequest(bot.url, { headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      await rawRequest(bot.url, {
        headers: { 'content-type': 'application/json', 'content-length': 1024 * 1024 },
        body: '{',
      }),
      await rawRequest(bot.url, { method: 'GET', path: '/nowhere/../etc/passwd' }),
      await rawRequest(bot.url, { method: 'GET', path: '/api/messages' }),
      await rawRequest(bot.url, { method: 'POST', path: '/healthz', body: '{}' }),
      await rawRequest(bot.url, { method: 'DELETE', path: '/api/messages' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 415, 413, 404, 405, 405, 405]);
    for (const a of answers) {
      for (const h of REVEALING) expect(a.headers[h], `${h} on a ${a.status}`).toBeUndefined();
      expect(a.raw).not.toMatch(/restify|node_modules|\/work\/|\.ts:|\.js:|\n\s+at /);
      if (a.status >= 400) {
        expect(Object.keys(JSON.parse(a.raw))).toEqual(['error']);
        expect(a.raw.length).toBeLessThan(40);
      }
    }
  });
});

test('the HTTP server has header, request and keep-alive timeouts', async () => {
  const never = () => Promise.reject(new Error('not used'));
  const server = createServer({
    adapter: { authenticate: never, runTurn: never },
    logic: never,
    tenantId: TENANT,
    logger: createLogger('silent'),
    health: () => ({}),
  });
  const { http } = await listen(server, 0, '127.0.0.1');
  try {
    expect(HTTP_TIMEOUTS.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(HTTP_TIMEOUTS.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(http.headersTimeout).toBe(HTTP_TIMEOUTS.headersTimeout);
    expect(http.requestTimeout).toBe(HTTP_TIMEOUTS.requestTimeout);
    expect(http.keepAliveTimeout).toBe(HTTP_TIMEOUTS.keepAliveTimeout);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
