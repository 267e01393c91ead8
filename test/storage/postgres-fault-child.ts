/**
 * The write-loss scenario in a process of its own, so that what would end a real bot (an uncaught
 * exception) ends this process and shows as its exit code, not as noise in the test runner.
 * Prints one JSON line with what happened; exits 0 only if it got to the end.
 */
import pg from 'pg';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import { serverAddress, TEST_DATABASE_URL, urlVia } from '../harness/postgres-env';
import { startTcpProxy } from '../harness/tcp-proxy';

const schema = process.argv[2];
if (!schema) throw new Error('usage: postgres-fault-child <schema>');

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  const proxy = await startTcpProxy(serverAddress());
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  const storage = new PostgresStorage({
    connectionString: urlVia(proxy.port),
    schema,
    connectTimeoutMs: 1000,
  });
  const result: Record<string, unknown> = {};
  try {
    await storage.init();
    await storage.write({ a: { n: 1 }, b: { n: 1 } });

    // hold a's row lock so that the write below is inside its transaction, waiting, when the network goes
    await admin.query('BEGIN');
    await admin.query(`SELECT key FROM "${schema}".bot_state WHERE key = 'a' FOR UPDATE`);
    const writing = storage.write({ a: { n: 2, secret: 'Baby Smith 943 476 5919' }, b: { n: 2 } }).then(
      () => ({ rejected: false }),
      (err: Error) => ({
        rejected: true,
        name: err.name,
        message: err.message,
        code: (err as { code?: string }).code,
      }),
    );
    await waitFor(async () => {
      // inside a transaction pg_stat_activity is a snapshot taken once; this one is held open
      await admin.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await admin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0",
        [schema],
      );
      return rows[0].n > 0;
    }, 'the write to wait on the lock');
    proxy.cut();
    await proxy.refuse();
    result.write = await writing;
    await admin.query('ROLLBACK');

    await proxy.restore();
    result.after = (await storage.read(['a', 'b'])) as unknown;

    // an idle pooled connection lost between writes is dropped quietly and replaced
    proxy.cut();
    await new Promise((r) => setTimeout(r, 100));
    await storage.write({ b: { n: 3 } });
    result.afterIdleCut = (await storage.read(['b'])).b?.n;
  } finally {
    await admin.end();
    await storage.close();
    await proxy.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`postgres-fault-child failed: ${err instanceof Error ? err.message : typeof err}\n`);
  process.exit(2);
});
