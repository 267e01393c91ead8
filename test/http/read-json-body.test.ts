import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../src/http/read-json-body';

// The reader refuses a key that would set a prototype later (Object.assign, merges), however the JSON
// spells it; ordinary bodies take a fast path without the reviver (issue 10), which must not let one by.

function read(text: string) {
  const req = new PassThrough();
  const result = readJsonBody(req as unknown as IncomingMessage, 1_000_000);
  req.end(Buffer.from(text, 'utf8'));
  return result;
}

const escapeAll = (s: string) =>
  [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

describe('readJsonBody', () => {
  it.each([
    ['as written', '{"value":{"__proto__":{"isAdmin":true}}}'],
    ['nested deep', '{"a":[{"b":{"c":{"__proto__":1}}}]}'],
    ['partly escaped', '{"value":{"\\u005f\\u005fproto__":{"isAdmin":true}}}'],
    ['"proto" escaped', `{"value":{"__${escapeAll('proto')}__":{"isAdmin":true}}}`],
    ['every character escaped', `{"value":{"${escapeAll('__proto__')}":1}}`],
  ])('refuses a "__proto__" key (%s)', async (_how, body) => {
    expect(await read(body)).toEqual({ ok: false, status: 400 });
  });

  it('reads the word in text, and \\u escapes, as text', async () => {
    expect(await read('{"text":"__proto__ is a word","name":"Caf\\u00e9"}')).toEqual({
      ok: true,
      value: { text: '__proto__ is a word', name: 'Café' },
    });
    expect(await read('{"type":"message","text":"help"}')).toEqual({
      ok: true,
      value: { type: 'message', text: 'help' },
    });
  });

  it('refuses JSON that does not parse, and bytes that are not UTF-8', async () => {
    expect(await read('{"type":')).toEqual({ ok: false, status: 400 });
    const req = new PassThrough();
    const result = readJsonBody(req as unknown as IncomingMessage, 1_000);
    req.end(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    expect(await result).toEqual({ ok: false, status: 400 });
  });
});
