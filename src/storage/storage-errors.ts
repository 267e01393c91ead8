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
