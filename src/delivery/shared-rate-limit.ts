import type { PostStamps } from '../records/post-stamps';
import { type Bucket, grantedPermit, type Permit, type PostLimiter } from './rate-limit';

/**
 * Teams' rate limits kept for every instance of the bot together (issue 11): Teams counts the bot's posts
 * to a conversation, and to the tenant, whichever instance made them, so two instances each keeping the
 * limits in memory allowed twice them. Posts are stamped in the database (PostStamps), each acquire
 * counting and stamping in one transaction, on the wall clock that all instances share (the margin covers
 * their differences). A 429's Retry-After holds the conversation for all of them. It also remembers the
 * last hour's posts across a restart, which the in-memory limiter forgot.
 */
export class SharedRateLimiter implements PostLimiter {
  constructor(
    private readonly stamps: PostStamps,
    private readonly clock: () => number = Date.now,
    /** Extra width on every window, for clock differences with Teams and between instances. */
    private readonly marginMs = 50,
  ) {}

  async acquire(buckets: readonly Bucket[]): Promise<Permit> {
    const r = await this.stamps.stamp(buckets, this.marginMs, this.clock());
    if ('waitMs' in r) return { waitMs: r.waitMs, release: () => {} };
    return grantedPermit(() => this.stamps.answered(r.ids, this.clock()));
  }

  wait(bucket: Bucket): Promise<number> {
    return this.stamps.waitAt(bucket, this.marginMs, this.clock());
  }

  block(key: string, ms: number): Promise<void> {
    return this.stamps.hold(key, this.clock() + ms);
  }
}
