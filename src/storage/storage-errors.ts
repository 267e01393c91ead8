/**
 * Storage failures as the rest of the bot sees them. Messages are fixed sentences: the driver's own
 * messages can quote SQL, table names, keys or stored values, and errors end up in logs.
 */
export class StorageError extends Error {
  /** A driver or server code (SQLSTATE, errno) or one of ours; never text from the data. */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
  }
}

/** The store cannot be reached or did not answer in time; trying again later may well work. */
export class StorageUnavailableError extends StorageError {
  constructor(code: string | undefined) {
    super('Storage is unavailable', code);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * A PostgreSQL driver failure as one of ours, with `message` (the driver's own can quote SQL and values)
 * and the code kept. SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention:
 * statement timeout, shutdown, cannot connect now), 25P03 (idle in transaction timeout) and any of
 * `alsoUnavailable` pass with time; a code that is not a SQLSTATE (a socket's errno) and pg's own uncoded
 * timeouts and lost connections too. Undefined for an error that is none of these (a plain Error).
 */
export function fromPostgres(
  err: unknown,
  message: string,
  alsoUnavailable: readonly string[] = [],
): StorageError | undefined {
  if (err instanceof StorageError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') {
    if (!/^[0-9A-Z]{5}$/.test(code)) return new StorageUnavailableError(code);
    return /^(08|53|57)/.test(code) || code === '25P03' || alsoUnavailable.includes(code)
      ? new StorageUnavailableError(code)
      : new StorageError(message, code);
  }
  const text = err instanceof Error ? err.message : '';
  // pg's own failures carry no code; these messages are fixed strings of the driver, not data
  if (/timeout exceeded when trying to connect|connection timeout/i.test(text)) {
    return new StorageUnavailableError('connect-timeout');
  }
  if (/Query read timeout/i.test(text)) return new StorageUnavailableError('query-timeout');
  if (/Connection terminated|not queryable|connection error/i.test(text)) {
    return new StorageUnavailableError('connection-lost');
  }
  return undefined;
}
