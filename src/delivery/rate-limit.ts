import { performance } from 'node:perf_hooks';

/** At most `limit` posts in any `ms` milliseconds. */
export interface Window {
  readonly limit: number;
  readonly ms: number;
}

export interface Bucket {
  readonly key: string;
  readonly windows: readonly Window[];
}

/**
 * Teams' "per bot per thread" limits for Send to Conversation and Create Conversation, where a
 * conversation is a 1:1 chat, a group chat or a channel in a team (Microsoft Learn, "Optimize your
 * bot with rate limiting in Teams").
 */
export const PER_CONVERSATION: readonly Window[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];

/** Teams allows about 50 requests a second per app per tenant; stay well under it. */
export const PER_TENANT: readonly Window[] = [{ limit: 25, ms: 1_000 }];

/**
 * The bucket for a post: a reply in a channel thread ("19:...;messageid=...") counts against the
 * channel, as a new thread in it does.
 */
export function conversationBucket(conversationId: string): Bucket {
  return { key: `conversation:${conversationId.split(';')[0]}`, windows: PER_CONVERSATION };
}

export function tenantBucket(tenantId: string): Bucket {
  return { key: `tenant:${tenantId}`, windows: PER_TENANT };
}

/**
 * Everything but alerts shares at most this much of the tenant's budget, so a burst of summaries and
 * confirmations always leaves room (7/s) for alerts: they never queue behind them for the tenant limit.
 */
export const PER_TENANT_NOT_ALERTS: readonly Window[] = [{ limit: 18, ms: 1_000 }];

export function notAlertsBucket(tenantId: string): Bucket {
  return { key: `tenant-not-alerts:${tenantId}`, windows: PER_TENANT_NOT_ALERTS };
}

export interface Permit {
  /** 0 when the post may be made now; otherwise the milliseconds to wait, and nothing was counted. */
  readonly waitMs: number;
  /**
   * Call when the post has been answered (or given up on): from then on it counts as made at that
   * moment, the latest Teams can have seen it.
   */
  release(): void | Promise<void>;
}

/** A post that may be made now; `answered` runs once, at its first release. */
export function grantedPermit(answered: () => void | Promise<void>): Permit {
  let released = false;
  return {
    waitMs: 0,
    release: () => {
      if (released) return;
      released = true;
      return answered();
    },
  };
}

/** What the delivery worker asks of Teams' rate limits: kept in memory (RateLimiter) or shared (SharedRateLimiter). */
export interface PostLimiter {
  /** Counts a post under every bucket if each has room now; otherwise says how long to wait. */
  acquire(buckets: readonly Bucket[]): Permit | Promise<Permit>;
  /** Milliseconds until a post under this one bucket may be made (0: now); nothing is counted. */
  wait(bucket: Bucket): number | Promise<number>;
  /** Holds every post under `key` for `ms` (Teams answered 429 with Retry-After). */
  block(key: string, ms: number): void | Promise<void>;
}

interface Stamp {
  at: number;
}

/**
 * Sliding-window limits on posts, kept in memory on the real clock (they are about what Teams sees
 * now, not about when a delivery is due). A post that would break a limit is not made: the caller
 * learns how long to wait, and the delivery stays queued.
 *
 * A post counts from when it is sent and, once released, from when it was answered: Teams received
 * it somewhere in between, so measuring the next post's window from the answer keeps every window
 * honest however long the request took or however late the event loop sent it.
 */
export class RateLimiter implements PostLimiter {
  private readonly sent = new Map<string, Stamp[]>();
  private readonly blocked = new Map<string, number>();
  /** How long each key's stamps matter (its longest window and the margin), for the sweep. */
  private readonly spans = new Map<string, number>();
  private lastSweep: number | undefined;

  constructor(
    private readonly clock: () => number = () => performance.now(),
    /** Extra width on every window, for clock differences with Teams. */
    private readonly marginMs = 50,
  ) {}

  acquire(buckets: readonly Bucket[]): Permit {
    const now = this.clock();
    this.sweep(now);
    const waitMs = Math.max(0, ...buckets.map((b) => this.waitAt(b, now)));
    if (waitMs > 0) return { waitMs, release: () => {} };
    const stamp: Stamp = { at: now };
    const lists = buckets.map((b) => {
      const stamps = this.sent.get(b.key) ?? [];
      stamps.push(stamp);
      this.sent.set(b.key, stamps);
      this.spans.set(b.key, longestSpan(b, this.marginMs));
      return stamps;
    });
    return grantedPermit(() => {
      stamp.at = Math.max(stamp.at, this.clock());
      for (const stamps of lists) stamps.sort((a, b) => a.at - b.at);
    });
  }

  /** Keys with posts still in a window or a hold not yet over (what the limiter keeps in memory). */
  get size(): number {
    return new Set([...this.sent.keys(), ...this.blocked.keys()]).size;
  }

  /**
   * Forgets every key whose posts have all left its longest window, and every hold that is over. A key
   * is otherwise pruned only when it is posted to again, so each conversation posted to once (every
   * referrer's confirmation, every thread's reply) would be kept for the life of the process (issue 10).
   * At most once a minute: the windows are a second to an hour wide.
   */
  private sweep(now: number): void {
    if (this.lastSweep !== undefined && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, stamps] of this.sent) {
      const span = this.spans.get(key) ?? 0;
      // sorted by time (release keeps them so): the newest is last
      const newest = stamps[stamps.length - 1];
      if (!newest || newest.at <= now - span) {
        this.sent.delete(key);
        this.spans.delete(key);
      }
    }
    for (const [key, until] of this.blocked) if (until <= now) this.blocked.delete(key);
  }

  /** Milliseconds until a post under this one bucket may be made (0: now); nothing is counted. */
  wait(bucket: Bucket): number {
    return this.waitAt(bucket, this.clock());
  }

  /** Holds every post under `key` for `ms` (Teams answered 429 with Retry-After). */
  block(key: string, ms: number): void {
    const until = this.clock() + ms;
    this.blocked.set(key, Math.max(until, this.blocked.get(key) ?? 0));
  }

  private waitAt(b: Bucket, now: number): number {
    let wait = 0;
    const until = this.blocked.get(b.key);
    if (until !== undefined) {
      if (until > now) wait = until - now;
      else this.blocked.delete(b.key);
    }
    const stamps = this.prune(b, now);
    for (const w of b.windows) {
      const span = w.ms + this.marginMs;
      let inWindow = 0;
      for (let i = stamps.length - 1; i >= 0 && stamps[i]!.at > now - span; i--) inWindow++;
      if (inWindow >= w.limit) {
        // the post that must leave the window first
        const oldest = stamps[stamps.length - w.limit]!;
        wait = Math.max(wait, oldest.at + span - now);
      }
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait)) : 0;
  }

  private prune(b: Bucket, now: number): Stamp[] {
    const stamps = this.sent.get(b.key);
    if (!stamps) return [];
    const longest = longestSpan(b, this.marginMs);
    let drop = 0;
    while (drop < stamps.length && stamps[drop]!.at <= now - longest) drop++;
    if (drop > 0) stamps.splice(0, drop);
    if (stamps.length === 0) {
      this.sent.delete(b.key);
      this.spans.delete(b.key);
    }
    return stamps;
  }
}

/** How often the limiter forgets keys nobody has posted to for longer than their longest window. */
const SWEEP_EVERY_MS = 60_000;

function longestSpan(b: Bucket, marginMs: number): number {
  return Math.max(...b.windows.map((w) => w.ms)) + marginMs;
}
