import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * Stands in for the Bot Connector at the activity's serviceUrl: answers the member look-up the bot
 * makes for prefill and records every activity the bot posts.
 */
export async function startConnector(member = { name: 'Hannah Visitor', email: 'hannah.visitor@nhs.net' }) {
  const posted: Posted[] = [];
  let memberStatus = 200;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && /\/members\//.test(path)) {
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
      posted.push({ method: req.method ?? '', path, body: data ? JSON.parse(data) : {} });
      res.end(JSON.stringify({ id: `posted-${posted.length}` }));
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
