import type { FailureKind } from './connector-http';

/**
 * The give-up policy: what happens to a delivery after a failed post, and while its target cannot be
 * reached yet. Pure decisions on the clock's numbers; the worker carries them out (the outbox row, its
 * audit, the notices) in one transaction.
 */

const MINUTE = 60_000;

/** A Retry-After beyond this is taken as this (a broken header must not park a delivery for days). */
export const MAX_RETRY_AFTER_MS = 60 * MINUTE;

/**
 * Deliveries never given up (HAZ-07): the safeguarding alert and its escalations, the posts that carry
 * the alert card itself. A lead can acknowledge an alert only from the safeguarding channel, so an alert
 * marked failed could never be acknowledged: it is tried until delivered instead, at most retryMaxMs
 * apart (a refusal too: the channel may be set again, and is resolved at each try), while the deadline
 * notices and the escalations tell people. Notes, notices and updates are given up as before.
 */
export function keepsTrying(kind: string): boolean {
  return kind === 'safeguarding-alert' || kind === 'alert-escalation';
}

/** Exponential backoff from `baseMs`, doubling per attempt up to `maxMs`, with equal jitter (`random` in [0, 1)). */
export function backoffMs(baseMs: number, maxMs: number, attempt: number, random: number): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // equal jitter: at least half the delay, so retries spread out but never bunch up at zero
  return Math.round(full / 2 + (random * full) / 2);
}

export interface FailedPost {
  readonly kind: string;
  readonly error: { readonly kind: FailureKind; readonly retryAfterMs?: number | undefined };
  readonly now: number;
  readonly giveUpAt: number;
  /** This attempt's backoff (backoffMs), drawn only if the decision needs it (its jitter is random). */
  readonly backoffMs: () => number;
  readonly retryMaxMs: number;
  /** Whether a refused new thread's channel was set again while the post was under way (asked if refused). */
  readonly channelMovedOn: () => boolean;
}

export type AfterFailure =
  /** A delivery never given up (keepsTrying): again in waitMs; `refused` tells people now (an alert). */
  | { readonly action: 'keep-trying'; readonly waitMs: number; readonly refused: boolean }
  | { readonly action: 'give-up' }
  /** Again at `at`; throttled: the conversation's other posts hold back for `waitMs` too. */
  | { readonly action: 'retry'; readonly at: number; readonly throttled: boolean; readonly waitMs: number };

export function afterFailure(f: FailedPost): AfterFailure {
  if (keepsTrying(f.kind) && f.error.kind !== 'throttled') {
    // the channel refused it (gone, or the bot removed): it will not take it on the next try, but the
    // channel may be set again; tried at the cap. A channel set again while this post was under way (its
    // "send now" came too early) is tried now.
    if (f.error.kind === 'permanent') {
      return { action: 'keep-trying', waitMs: f.channelMovedOn() ? 0 : f.retryMaxMs, refused: true };
    }
    // past DELIVERY_GIVE_UP_MINUTES: still tried, backing off to the cap (never clamped to the give-up
    // time, which would retry at once, over and over)
    if (f.now >= f.giveUpAt) return { action: 'keep-trying', waitMs: f.backoffMs(), refused: false };
  }
  if (f.error.kind === 'permanent' || f.now >= f.giveUpAt) return { action: 'give-up' };
  if (f.error.kind === 'throttled') {
    // never sooner than Teams asked; without a Retry-After, back off as for any other failure
    const waitMs = Math.min(f.error.retryAfterMs ?? f.backoffMs(), MAX_RETRY_AFTER_MS);
    return { action: 'retry', at: f.now + waitMs, throttled: true, waitMs };
  }
  // the last try is made at the give-up time itself
  const at = Math.min(f.now + f.backoffMs(), f.giveUpAt);
  return { action: 'retry', at, throttled: false, waitMs: at - f.now };
}

/**
 * A target that cannot be reached yet (a channel not set, a thread not started): look again after
 * `targetWaitMs`, or give up at the give-up time. An alert waits however long it takes (the deadline
 * notices tell people meanwhile).
 */
export function whileTargetWaits(
  kind: string,
  now: number,
  giveUpAt: number,
  targetWaitMs: number,
): { readonly action: 'give-up' } | { readonly action: 'look-again'; readonly at: number } {
  const forever = keepsTrying(kind);
  if (!forever && now >= giveUpAt) return { action: 'give-up' };
  return { action: 'look-again', at: forever ? now + targetWaitMs : Math.min(now + targetWaitMs, giveUpAt) };
}
