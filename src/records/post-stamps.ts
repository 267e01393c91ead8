import type Database from 'better-sqlite3';
import { withoutWaitingForDisk } from '../storage/database';

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

/**
 * The posts every instance on this database has made, by rate-limit bucket (a conversation, the tenant),
 * in wall-clock milliseconds, and the holds a 429 put on a bucket: what Teams counts is the bot's posts
 * from all its instances together, so the budget is kept where all of them see it (post_stamps,
 * post_holds; migration 11). Each window is widened by `marginMs` for the clocks' differences.
 */
export class PostStamps {
  private readonly take: (
    buckets: readonly StampBucket[],
    marginMs: number,
    now: number,
  ) => number[] | number;
  private readonly sql: ReturnType<typeof prepare>;
  private lastSweep = 0;

  private readonly answeredAll: (ids: readonly number[], at: number) => void;

  /** Stamps are bookkeeping: committed without waiting for the disk (lost to a power cut, a limit resets). */
  constructor(private readonly db: Database.Database) {
    const sql = prepare(db);
    this.sql = sql;
    this.answeredAll = db.transaction((ids: readonly number[], at: number) => {
      for (const id of ids) sql.answered.run(at, id);
    });
    const take = db.transaction((buckets: readonly StampBucket[], marginMs: number, now: number) => {
      const waitMs = Math.max(0, ...buckets.map((b) => this.waitAt(b, marginMs, now)));
      if (waitMs > 0) return waitMs;
      return buckets.map((b) => Number(sql.insert.run(b.key, now).lastInsertRowid));
    });
    // IMMEDIATE: the count and the stamp are one step for every instance, or two could both find room
    this.take = (buckets, marginMs, now) =>
      withoutWaitingForDisk(db, () => take.immediate(buckets, marginMs, now));
  }

  /** Milliseconds until a post under this bucket may be made at `now` (0: now); nothing is counted. */
  waitAt(b: StampBucket, marginMs: number, now: number): number {
    let wait = 0;
    const until = this.sql.holdUntil.get(b.key) as number | undefined;
    if (until !== undefined && until > now) wait = until - now;
    for (const w of b.windows) {
      const span = w.ms + marginMs;
      // the limit-th newest post in the window: while it is in it, the window is full
      const oldest = this.sql.nthNewest.get(b.key, now - span, w.limit - 1) as number | undefined;
      if (oldest !== undefined) wait = Math.max(wait, oldest + span - now);
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
  }

  /**
   * Stamps a post under every bucket at `now` if each has room, in one transaction: returns the stamps'
   * ids, or how long to wait (nothing stamped).
   */
  stamp(
    buckets: readonly StampBucket[],
    marginMs: number,
    now: number,
  ): { ids: number[] } | { waitMs: number } {
    this.sweep(now);
    const r = this.take(buckets, marginMs, now);
    return typeof r === 'number' ? { waitMs: r } : { ids: r };
  }

  /** The post was answered at `at`: it counts from then, the latest Teams can have seen it. */
  answered(ids: readonly number[], at: number): void {
    withoutWaitingForDisk(this.db, () => this.answeredAll(ids, at));
  }

  /** Holds every post under `key` until `until` (Teams answered 429 with Retry-After). */
  hold(key: string, until: number): void {
    withoutWaitingForDisk(this.db, () => this.sql.hold.run(key, until));
  }

  /** Forgets stamps past the longest window and holds that are over; at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    withoutWaitingForDisk(this.db, () => {
      this.sql.sweepStamps.run(now - KEEP_MS);
      this.sql.sweepHolds.run(now);
    });
  }
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare('INSERT INTO post_stamps (bucket, at) VALUES (?, ?)'),
    answered: db.prepare('UPDATE post_stamps SET at = MAX(at, ?) WHERE id = ?'),
    // by post_stamps_bucket
    nthNewest: db
      .prepare('SELECT at FROM post_stamps WHERE bucket = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?')
      .pluck(),
    holdUntil: db.prepare('SELECT until FROM post_holds WHERE bucket = ?').pluck(),
    hold: db.prepare(
      `INSERT INTO post_holds (bucket, until) VALUES (?, ?)
       ON CONFLICT (bucket) DO UPDATE SET until = MAX(until, excluded.until)`,
    ),
    sweepStamps: db.prepare('DELETE FROM post_stamps WHERE at < ?'),
    sweepHolds: db.prepare('DELETE FROM post_holds WHERE until <= ?'),
  };
}
