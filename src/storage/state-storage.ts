import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { type Query, type SqlStore, selectOne, write } from './sql';
import { StorageError } from './storage-errors';

/*
 * The drafts (botbuilder's Storage: the bot_state table) written once for both stores, on the SQL seam,
 * so that a draft and what a risk save raises with it commit in one transaction on PostgreSQL as on
 * SQLite (issue 11). SqliteStorage, tuned for the embedded file (a turn's single-key read without a
 * transaction, prepared statements), stays the SQLite default; both pass the same storage contract.
 */

export interface StateWrite {
  readonly key: string;
  readonly etag: string;
  readonly value: string;
  /** null: overwrite whatever is there, as MemoryStorage does for a missing eTag or '*'. */
  readonly expected: string | null;
  readonly updatedAt: string;
}

// A missing key is inserted whatever eTag was given, as MemoryStorage does; an existing one is changed only
// if its eTag is the one expected (the WHERE, which PostgreSQL checks again against the latest version of
// the row after waiting for its lock, so two writers cannot both win)
const UPSERT = `INSERT INTO bot_state (key, etag, value, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (key) DO UPDATE
    SET etag = excluded.etag, value = excluded.value, updated_at = excluded.updated_at
    WHERE CAST(? AS TEXT) IS NULL OR bot_state.etag = CAST(? AS TEXT)`;

/** The items stored under `keys`, each with its eTag; missing keys are left out. */
export function* readState(keys: readonly string[]): Query<[string, object][]> {
  const found: [string, object][] = [];
  for (const key of keys) {
    const row = yield* selectOne<{ etag: string; value: string }>(
      'SELECT etag, value FROM bot_state WHERE key = ?',
      [key],
    );
    if (row) found.push([key, { ...parseStored(row.value), eTag: row.etag }]);
  }
  return found;
}

/** Every write or none: one whose eTag is stale fails the query (and its transaction) with a conflict. */
export function* writeState(writes: readonly StateWrite[]): Query<void> {
  // a fixed order, so two writes of several keys at once cannot wait on each other
  for (const w of [...writes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const { changes } = yield* write(UPSERT, [w.key, w.etag, w.value, w.updatedAt, w.expected, w.expected]);
    if (changes === 0) throw eTagConflict(w.key);
  }
}

export function* deleteState(keys: readonly string[]): Query<void> {
  for (const key of keys) yield* write('DELETE FROM bot_state WHERE key = ?', [key]);
}

/**
 * botbuilder Storage over bot_state on any SqlStore: MemoryStorage's behaviour, except that one write()
 * is all-or-nothing. writeTogether() commits a draft and a query of the records together
 * (DraftStore.saveWith); writeSoon() a step of a draft, without waiting for the disk.
 */
export class StateStorage implements Storage {
  /** `now` stamps updated_at, which retention reads on the same clock. */
  constructor(
    private readonly sql: SqlStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    // fromEntries defines own properties, so keys like "__proto__" come back as data, not prototypes
    return Object.fromEntries(await this.sql.transact(readState(keys)));
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const writes = this.pending(changes);
    if (writes.length > 0) await this.sql.transact(writeState(writes));
  }

  /** write() for a step of the call in progress: a power cut (or a crash of the database) can set it a step back. */
  async writeSoon(changes: StoreItems): Promise<void> {
    const writes = this.pending(changes);
    if (writes.length > 0) await this.sql.transact(writeState(writes), { durability: 'soon' });
  }

  /** write(), and `alongside` in the same transaction: both happen or neither does. */
  writeTogether<T>(changes: StoreItems, alongside: Query<T>): Promise<T> {
    const writes = this.pending(changes);
    return this.sql.transact(
      (function* (): Query<T> {
        yield* writeState(writes);
        return yield* alongside;
      })(),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.sql.transact(deleteState(keys));
  }

  private pending(changes: StoreItems): StateWrite[] {
    return pendingWrites(changes, this.now());
  }
}

/** botbuilder's items as rows to write: a new eTag each, the one read (if any) expected, stamped `at`. */
export function pendingWrites(changes: StoreItems, at: Date): StateWrite[] {
  const updatedAt = at.toISOString();
  return Object.entries(changes).map(([key, item]): StateWrite => {
    const { eTag, ...value } = item;
    return {
      key,
      etag: randomUUID(),
      value: JSON.stringify(value),
      expected: eTag && eTag !== '*' ? String(eTag) : null,
      updatedAt,
    };
  });
}

// MemoryStorage's wording, which the storage contract and DraftStore rely on
export function eTagConflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

export function parseStored(value: string): object {
  try {
    return JSON.parse(value) as object;
  } catch {
    // JSON.parse's message quotes the text it choked on
    throw new StorageError('Stored value is unreadable', 'bad-json');
  }
}

/**
 * Whether `probe` succeeds within `timeoutMs`: true or false, never a rejection and never a wait without
 * end (a health endpoint asks on every probe).
 */
export async function answersWithin(probe: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = probe().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}
