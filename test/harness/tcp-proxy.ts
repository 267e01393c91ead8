import net from 'node:net';

/**
 * A TCP relay between a client and a real server, for making the network fail on cue: `cut()` drops
 * every open connection (mid-query or idle), `refuse()` stops listening so new ones get ECONNREFUSED,
 * `freeze()` keeps connections open but stops passing bytes (a peer that went silent), `restore()`
 * undoes the last two.
 */
export interface TcpProxy {
  readonly port: number;
  /** How many connections are open through the relay now. */
  readonly open: number;
  cut(): void;
  refuse(): Promise<void>;
  freeze(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
  });
  await listen(server, 0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const port = address.port;

  const cut = () => {
    for (const [client, upstream] of pairs) {
      // a reset, as a dropped network path or a failed-over server looks to the client
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    get open() {
      return pairs.size;
    },
    cut,
    refuse: () =>
      server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve(),
    freeze: () => {
      frozen = true;
    },
    restore: async () => {
      frozen = false;
      if (!server.listening) await listen(server, port);
    },
    close: async () => {
      cut();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that accepts connections and never sends a byte: a hung or half-dead peer. */
export async function startBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // reads nothing back either: bytes sent to it just sit in the buffers
    socket.pause();
  });
  await listen(server, 0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('black hole has no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
