import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal Bot Connector stand-in for the benchmark: answers the member look-up the bot makes for
 * prefill (TeamsInfo.getMember) at once, and takes any other request (a post into a conversation or a
 * channel) with 200 and an id. Nothing is recorded, so memory stays flat however long the run.
 */
export async function startStubConnector(): Promise<{
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      n += 1;
      if (req.method === 'GET' && /\/members\//.test(path)) {
        const userId = decodeURIComponent(/\/members\/([^/?]+)/.exec(path)?.[1] ?? 'user');
        res.end(
          JSON.stringify({
            id: userId,
            aadObjectId: `aad-${userId}`,
            name: 'Hannah Visitor',
            email: 'hannah.visitor@nhs.net',
            userPrincipalName: 'hannah.visitor@nhs.net',
          }),
        );
        return;
      }
      if (req.method === 'GET' && /^\/v3\/teams\/[^/]+\/conversations/.test(path)) {
        res.end(JSON.stringify({ conversations: [] }));
        return;
      }
      if (path.replace(/\?.*$/, '') === '/v3/conversations') {
        res.end(JSON.stringify({ id: `19:bench;messageid=${n}`, activityId: String(n) }));
        return;
      }
      res.end(JSON.stringify({ id: `posted-${n}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
