import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export type BodyRefusal = 400 | 413 | 415;
export type JsonBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: BodyRefusal };

/**
 * Whether a request may be read at all, from its headers alone. Only uncompressed UTF-8 JSON is
 * read: a decoder or a form parser would run on an unauthenticated caller's bytes before anything
 * else (restify's gzip crash and bomb, formidable's temp files were exactly that).
 */
export function refuseBeforeReading(headers: IncomingHttpHeaders, maxBytes: number): BodyRefusal | undefined {
  if (!isUtf8Json(headers['content-type'])) return 415;
  if (!isIdentity(headers['content-encoding'])) return 415;
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return 413;
  return undefined;
}

function isUtf8Json(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    const [name, value = ''] = p.split('=');
    if (name?.trim().toLowerCase() !== 'charset') return false;
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return charset === 'utf-8' || charset === 'utf8';
  });
}

function isIdentity(contentEncoding: string | undefined): boolean {
  if (contentEncoding === undefined) return true;
  return contentEncoding.split(',').every((e) => e.trim().toLowerCase() === 'identity');
}

/**
 * Reads the body, counting the bytes actually received (a Content-Length can lie, chunked bodies
 * have none), and stops at `maxBytes`: the caller answers 413 with Connection: close and Node drops
 * the socket once the answer is written, so the rest is never read.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: JsonBody) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        settle({ ok: false, status: 413 });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(parse(Buffer.concat(chunks, size)));
    // the caller went away mid-body: nobody is left to answer, and nothing was read
    const onGone = () => settle({ ok: false, status: 400 });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parse(bytes: Buffer): JsonBody {
  try {
    const text = utf8.decode(bytes);
    // a key can only read "__proto__" if the text says "proto", or spells it with \u escapes (the only
    // JSON escapes that make letters); without either, the much slower reviver below has nothing to find
    if (!text.includes('proto') && !text.includes('\\u')) return { ok: true, value: JSON.parse(text) };
    let polluting = false;
    const value: unknown = JSON.parse(text, (key, v) => {
      // JSON.parse makes "__proto__" an own property, but any later Object.assign or merge of the
      // activity would set a prototype from it; Teams never sends one
      if (key === '__proto__') polluting = true;
      return v;
    });
    return polluting ? { ok: false, status: 400 } : { ok: true, value };
  } catch {
    return { ok: false, status: 400 };
  }
}
