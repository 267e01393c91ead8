/**
 * Where the PostgreSQL tests connect, and whether a missing server fails them (CI) or skips them.
 * The default names the user: pg takes a missing one from $USER, which is unset in some shells and CI.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
export const POSTGRES_REQUIRED = process.env.REQUIRE_POSTGRES === '1';

/** The test server's host and port, for putting a relay in front of it. */
export function serverAddress(): { host: string; port: number } {
  const u = new URL(TEST_DATABASE_URL);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
}

/** The test URL with its host and port replaced: the same database, reached another way. */
export function urlVia(port: number, host = '127.0.0.1'): string {
  const u = new URL(TEST_DATABASE_URL);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}
