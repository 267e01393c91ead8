import http from 'node:http';
import type { Reply } from '../../test/helpers/bot';

export interface Posted {
  readonly status: number;
  readonly replies: Reply[];
  readonly raw: string;
}

/** A keep-alive client for one benchmark: at most `maxSockets` connections open at once. */
export function benchClient(maxSockets: number): {
  post: (url: string, body: string) => Promise<Posted>;
  close: () => void;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  /** One POST of an activity; the reply envelope is parsed for every target alike. */
  const post = (url: string, body: string): Promise<Posted> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let replies: Reply[] = [];
            if (raw && res.headers['content-type']?.includes('json')) {
              replies = (JSON.parse(raw) as { activities?: Reply[] }).activities ?? [];
            }
            resolve({ status: res.statusCode ?? 0, replies, raw });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
