import { lock, type Query, type SqlStore, selectOne, write, writeReturning } from '../storage/sql';

/** At most `limit` posts in any `ms` milliseconds (Teams' windows, as src/delivery/rate-limit.ts names them). */
export interface StampWindow {
  readonly limit: number;
  readonly ms: number;
}

export interface StampBucket {
  readonly key: string;
  readonly windows: readonly StampWindow[];
}

/** How long stamps are kept: Teams' longest window is an hour. */
const KEEP_MS = 3_600_000 + 60_000;

/** Milliseconds until a post under this bucket may be made at `now` (0: now); nothing is counted. */
export function* waitFor(b: StampBucket, marginMs: number, now: number): Query<number> {
  let wait = 0;
  // BIGINT on PostgreSQL, which pg hands back as text
  const hold = yield* selectOne<{ until: number | string }>('SELECT until FROM post_holds WHERE bucket = ?', [
    b.key,
  ]);
  const until = hold === undefined ? undefined : Number(hold.until);
  if (until !== undefined && until > now) wait = until - now;
  for (const w of b.windows) {
    const span = w.ms + marginMs;
    // the limit-th newest post in the window (by post_stamps_bucket): while it is in it, the window is full
    const nth = yield* selectOne<{ at: number | string }>(
      'SELECT at FROM post_stamps WHERE bucket = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?',
      [b.key, now - span, w.limit - 1],
    );
    if (nth !== undefined) wait = Math.max(wait, Number(nth.at) + span - now);
  }
  return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
}

/**
 * Stamps a post under every bucket at `now` if each has room: the stamps' ids, or how long to wait
 * (nothing stamped). The count and the stamp are one step for every instance, or two could both find
 * room: each bucket is held (lock) for the transaction, in one order so that two posts sharing buckets
 * cannot wait on each other.
 */
export function* takeStamps(
  buckets: readonly StampBucket[],
  marginMs: number,
  now: number,
): Query<number[] | number> {
  for (const key of [...new Set(buckets.map((b) => b.key))].sort()) yield* lock(`post-stamps:${key}`);
  let waitMs = 0;
  for (const b of buckets) waitMs = Math.max(waitMs, yield* waitFor(b, marginMs, now));
  if (waitMs > 0) return waitMs;
  const ids: number[] = [];
  for (const b of buckets) {
    const [row] = yield* writeReturning<{ id: number | string }>(
      'INSERT INTO post_stamps (bucket, at) VALUES (?, ?) RETURNING id',
      [b.key, now],
    );
    ids.push(Number(row!.id));
  }
  return ids;
}

/** The post was answered at `at`: it counts from then, the latest Teams can have seen it. */
export function* stampsAnswered(ids: readonly number[], at: number): Query<void> {
  for (const id of ids) {
    yield* write(
      {
        sqlite: 'UPDATE post_stamps SET at = MAX(at, ?) WHERE id = ?',
        postgres: 'UPDATE post_stamps SET at = GREATEST(at, ?) WHERE id = ?',
      },
      [at, id],
    );
  }
}

/** Holds every post under `key` until `until` (Teams answered 429 with Retry-After). */
export function* holdBucket(key: string, until: number): Query<void> {
  yield* write(
    {
      sqlite: `INSERT INTO post_holds (bucket, until) VALUES (?, ?)
               ON CONFLICT (bucket) DO UPDATE SET until = MAX(until, excluded.until)`,
      postgres: `INSERT INTO post_holds (bucket, until) VALUES (?, ?)
                 ON CONFLICT (bucket) DO UPDATE SET until = GREATEST(post_holds.until, excluded.until)`,
    },
    [key, until],
  );
}

/** Forgets stamps past the longest window and holds that are over. */
export function* sweepStamps(now: number): Query<void> {
  yield* write('DELETE FROM post_stamps WHERE at < ?', [now - KEEP_MS]);
  yield* write('DELETE FROM post_holds WHERE until <= ?', [now]);
}

/**
 * The posts every instance on this database has made, by rate-limit bucket (a conversation, the tenant),
 * in wall-clock milliseconds, and the holds a 429 put on a bucket: what Teams counts is the bot's posts
 * from all its instances together, so the budget is kept where all of them see it (post_stamps,
 * post_holds; SQLite migration 11). Each window is widened by `marginMs` for the clocks' differences.
 * Stamps are bookkeeping: committed without waiting for the disk (lost to a power cut, a limit resets).
 */
export class PostStamps {
  private lastSweep = 0;

  constructor(private readonly sql: SqlStore) {}

  waitAt(b: StampBucket, marginMs: number, now: number): Promise<number> {
    return this.sql.transact(waitFor(b, marginMs, now));
  }

  async stamp(
    buckets: readonly StampBucket[],
    marginMs: number,
    now: number,
  ): Promise<{ ids: number[] } | { waitMs: number }> {
    // at most once a minute
    if (now - this.lastSweep >= 60_000) {
      this.lastSweep = now;
      await this.sql.transact(sweepStamps(now), { durability: 'soon' });
    }
    const r = await this.sql.transact(takeStamps(buckets, marginMs, now), { durability: 'soon' });
    return typeof r === 'number' ? { waitMs: r } : { ids: r };
  }

  async answered(ids: readonly number[], at: number): Promise<void> {
    await this.sql.transact(stampsAnswered(ids, at), { durability: 'soon' });
  }

  async hold(key: string, until: number): Promise<void> {
    await this.sql.transact(holdBucket(key, until), { durability: 'soon' });
  }
}
