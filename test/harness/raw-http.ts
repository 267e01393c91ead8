import http from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: string;
  /** How many body bytes had been written when the answer's headers arrived. */
  readonly writtenWhenAnswered: number;
}

/**
 * One HTTP request under full control (declared Content-Length, body written in slow chunks), for what
 * fetch will not send. Resolves with the answer even when the server closes the connection while the
 * body is still being written; rejects when there is no answer at all (a crash, a hang: `timeoutMs`).
 */
export function rawRequest(
  baseUrl: string,
  o: {
    method?: string;
    path?: string;
    headers?: Record<string, string | number>;
    body?: Buffer | string;
    /** Written one after another with `chunkDelayMs` between them, after `body`. */
    chunks?: { count: number; size: number; delayMs: number };
    timeoutMs?: number;
  } = {},
): Promise<RawAnswer> {
  const url = new URL(o.path ?? '/api/messages', baseUrl);
  return new Promise((resolve, reject) => {
    let written = 0;
    let stopped = false;
    let answered = false;
    const req = http.request(url, { method: o.method ?? 'POST', headers: o.headers, agent: false });
    const timer = setTimeout(() => {
      stopped = true;
      req.destroy(new Error('no answer'));
    }, o.timeoutMs ?? 10_000);
    req.on('response', (res) => {
      const writtenWhenAnswered = written;
      stopped = true;
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      const done = () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          raw: Buffer.concat(parts).toString('utf8'),
          writtenWhenAnswered,
        });
      };
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (err) => {
      // a server that answers and then closes while we are still writing can make the write fail
      // just before the answer is read: give the answer a moment to arrive before calling it a failure
      setTimeout(() => {
        if (answered) return;
        clearTimeout(timer);
        reject(err);
      }, 100);
    });
    if (o.body !== undefined) {
      req.write(o.body);
      written += Buffer.byteLength(o.body);
    }
    if (!o.chunks) {
      req.end();
      return;
    }
    const { count, size, delayMs } = o.chunks;
    let sent = 0;
    const next = () => {
      if (stopped || req.destroyed) return;
      if (sent === count) {
        req.end();
        return;
      }
      sent += 1;
      req.write(Buffer.alloc(size, 0x20));
      written += size;
      setTimeout(next, delayMs);
    };
    next();
  });
}
