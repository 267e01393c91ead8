import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject, it } from 'vitest';
import { POSTGRES_REQUIRED, TEST_DATABASE_URL } from './postgres-env';

export { serverAddress, TEST_DATABASE_URL, urlVia } from './postgres-env';

/**
 * A describe block for tests against the real PostgreSQL server. Without one (see postgres-probe.ts) it
 * is skipped with the reason in its title, unless REQUIRE_POSTGRES=1, when it fails instead.
 */
export function describePostgres(title: string, body: () => void): void {
  const probe = inject('postgres');
  if (probe.available) {
    describe(title, body);
  } else if (POSTGRES_REQUIRED) {
    describe(title, () => {
      it('needs PostgreSQL (REQUIRE_POSTGRES=1)', () => {
        throw new Error(`PostgreSQL at TEST_DATABASE_URL does not answer (${probe.reason})`);
      });
    });
  } else {
    describe.skip(`${title} [skipped: no PostgreSQL server answers (${probe.reason})]`, body);
  }
}

/** Table names unique to this run, so suites running at the same time on one server never collide. */
export function tableNames(prefix: string): () => string {
  const runId = `${process.pid}_${randomBytes(4).toString('hex')}`;
  let counter = 0;
  return () => `${prefix}_${runId}_${counter++}`;
}

/** A connection of the test's own, for setting up and inspecting what the code under test did. */
export function adminPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  pool.on('error', () => {});
  return pool;
}
