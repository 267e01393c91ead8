import { spawn } from 'node:child_process';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres-storage';
import {
  adminPool,
  describePostgres,
  serverAddress,
  TEST_DATABASE_URL,
  tableNames,
  urlVia,
} from '../harness/postgres';
import { startBlackHole, startTcpProxy } from '../harness/tcp-proxy';

const CHILD = path.join(__dirname, 'postgres-fault-child.ts');
const nextSchema = tableNames('faults_pg');
// what must never be in an error message that may be logged: SQL, table names, keys, stored values
const LEAKS = [/INSERT|SELECT|UPDATE|DELETE|CREATE/i, /faults_pg/, /Baby Smith/, /943 476 5919/, /"a"/];

let admin: pg.Pool;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  admin = adminPool();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
});
afterAll(async () => {
  await admin.end();
});

function track<T extends { close(): Promise<void> }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

function dropLater(schema: string): string {
  cleanups.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  return schema;
}

/** How a promise settled, and after how long; a promise still pending at `limitMs` counts as a hang. */
async function settle(promise: Promise<unknown>, limitMs: number) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<{ outcome: 'hung' }>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'hung' }), limitMs);
  });
  const result = await Promise.race([
    promise.then(
      (value) => ({ outcome: 'resolved' as const, value }),
      (error: Error) => ({ outcome: 'rejected' as const, error }),
    ),
    hang,
  ]);
  clearTimeout(timer);
  return { ...result, ms: Date.now() - started };
}

function expectGeneric(error: Error | undefined): void {
  expect(error).toBeInstanceOf(Error);
  for (const leak of LEAKS) expect(error!.message).not.toMatch(leak);
}

describePostgres('PostgresStorage when the network or the server fails', () => {
  it('a connection lost inside write() rejects that write and the process lives on', async () => {
    const table = dropLater(nextSchema());
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, table], {
      env: { ...process.env, TEST_DATABASE_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(stdout.trim()) as {
      write: { rejected: boolean; name: string; message: string; code?: string };
      after: Record<string, { n: number }>;
      afterIdleCut: number;
    };
    expect(result.write).toMatchObject({ rejected: true, name: 'StorageUnavailableError' });
    expectGeneric(Object.assign(new Error(result.write.message)));
    // all-or-nothing: neither key took the lost write
    expect(result.after.a?.n).toBe(1);
    expect(result.after.b?.n).toBe(1);
    expect(result.afterIdleCut).toBe(3);
  });

  it('read() from a server that accepts and never answers rejects within the connect timeout', async () => {
    const hole = track(await startBlackHole());
    const storage = track(
      new PostgresStorage({
        connectionString: urlVia(hole.port),
        schema: nextSchema(),
        connectTimeoutMs: 500,
      }),
    );
    const read = await settle(storage.read(['k']), 5000);
    expect(read.outcome).toBe('rejected');
    expect(read.ms).toBeLessThan(2500);
    const error = 'error' in read ? read.error : undefined;
    expect(error?.name).toBe('StorageUnavailableError');
    expectGeneric(error);
  });

  it('a server that goes silent mid-query is given up on after the query timeout', async () => {
    const proxy = track(await startTcpProxy(serverAddress()));
    const storage = track(
      new PostgresStorage({
        connectionString: urlVia(proxy.port),
        schema: dropLater(nextSchema()),
        connectTimeoutMs: 500,
        statementTimeoutMs: 300,
        queryTimeoutMs: 600,
      }),
    );
    await storage.init();
    await storage.write({ k: { n: 1 } });
    proxy.freeze();
    const read = await settle(storage.read(['k']), 5000);
    expect(read.outcome).toBe('rejected');
    expect(read.ms).toBeLessThan(2500);
    expect('error' in read && read.error.name).toBe('StorageUnavailableError');
    const write = await settle(storage.write({ k: { n: 2 } }), 5000);
    expect(write.outcome).toBe('rejected');
    expect(write.ms).toBeLessThan(2500);

    // the silent connections are thrown away, not reused, once the network is back
    await proxy.restore();
    await storage.write({ k: { n: 3 } });
    expect((await storage.read(['k'])).k.n).toBe(3);
  });

  it('a write stuck behind a lock is ended by the statement timeout, leaving the row as it was', async () => {
    const table = dropLater(nextSchema());
    const storage = track(
      new PostgresStorage({ connectionString: TEST_DATABASE_URL, schema: table, statementTimeoutMs: 300 }),
    );
    await storage.init();
    await storage.write({ k: { n: 1 } });
    const holder = await admin.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT key FROM "${table}".bot_state FOR UPDATE`);
      const write = await settle(storage.write({ k: { n: 2, secret: 'Baby Smith' } }), 5000);
      expect(write.outcome).toBe('rejected');
      expect(write.ms).toBeLessThan(2500);
      expectGeneric('error' in write ? write.error : undefined);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect((await storage.read(['k'])).k.n).toBe(1);
  });

  it('errors from the server name no table, key, value or SQL', async () => {
    const table = dropLater(nextSchema());
    const storage = track(new PostgresStorage({ connectionString: TEST_DATABASE_URL, schema: table }));
    await storage.init();
    await storage.write({ a: { n: 1 } });
    await admin.query(`DROP TABLE "${table}".bot_state`);
    const attempts = [
      () => storage.write({ a: { secret: 'Baby Smith' } }),
      () => storage.read(['a']),
      () => storage.delete(['a']),
    ];
    for (const attempt of attempts) {
      const outcome = await settle(attempt(), 5000);
      expect(outcome.outcome).toBe('rejected');
      expectGeneric('error' in outcome ? outcome.error : undefined);
    }
  });

  it('ready() says whether the database answers, within a bound, and recovers with it', async () => {
    const proxy = track(await startTcpProxy(serverAddress()));
    const storage = track(
      new PostgresStorage({
        connectionString: urlVia(proxy.port),
        schema: dropLater(nextSchema()),
        connectTimeoutMs: 500,
      }),
    );
    expect(await storage.ready()).toBe(true);
    proxy.cut();
    await proxy.refuse();
    const down = await settle(storage.ready(), 5000);
    expect(down).toMatchObject({ outcome: 'resolved', value: false });
    await proxy.restore();
    expect(await storage.ready()).toBe(true);

    const hole = track(await startBlackHole());
    const silent = track(
      new PostgresStorage({
        connectionString: urlVia(hole.port),
        schema: nextSchema(),
        connectTimeoutMs: 5000,
      }),
    );
    // a health probe must answer sooner than the connect timeout a turn would wait
    const probe = await settle(silent.ready({ timeoutMs: 300 }), 5000);
    expect(probe).toMatchObject({ outcome: 'resolved', value: false });
    expect(probe.ms).toBeLessThan(1500);
  });
});
