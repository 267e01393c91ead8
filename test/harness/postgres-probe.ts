/**
 * vitest globalSetup: asks once, quickly, whether the test PostgreSQL server answers, so the suites that
 * need it can skip with a reason on a machine without one (a fresh clone) instead of failing or hanging.
 * CI sets REQUIRE_POSTGRES=1, where an absent server must fail the run, not skip it.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { POSTGRES_REQUIRED, TEST_DATABASE_URL } from './postgres-env';

export interface PostgresProbe {
  readonly available: boolean;
  /** Why not, in words fit for the test output (no credentials: the URL's password is never shown). */
  readonly reason: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresProbe;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const probe = await probePostgres(TEST_DATABASE_URL, 1000);
  project.provide('postgres', probe);
  if (probe.available) return;
  const where = safeUrl(TEST_DATABASE_URL);
  if (POSTGRES_REQUIRED) {
    console.error(
      `\nREQUIRE_POSTGRES=1 but PostgreSQL at ${where} does not answer (${probe.reason}): its suites will fail.\n`,
    );
  } else {
    console.warn(
      `\nPostgreSQL at ${where} does not answer (${probe.reason}): the PostgreSQL suites are skipped. ` +
        'Set TEST_DATABASE_URL to run them, REQUIRE_POSTGRES=1 to make an absent server fail the run.\n',
    );
  }
}

async function probePostgres(connectionString: string, timeoutMs: number): Promise<PostgresProbe> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { available: true, reason: '' };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // a server that answers but refuses us (auth, no such database) is a set-up to fix, not a machine
    // without PostgreSQL: the suites run and fail
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { available: true, reason: '' };
    return { available: false, reason: typeof code === 'string' ? code : 'no answer within 1 s' };
  } finally {
    await client.end().catch(() => {});
  }
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.host}${u.pathname}`;
  } catch {
    return 'TEST_DATABASE_URL';
  }
}
