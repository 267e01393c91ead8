import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  backoffMs,
  type FailedPost,
  keepsTrying,
  MAX_RETRY_AFTER_MS,
  whileTargetWaits,
} from '../../src/delivery/give-up-policy';

// The give-up policy on its own (src/delivery/give-up-policy.ts); test/delivery/give-up.test.ts and the
// worker's tests drive the same decisions through whole deliveries.

const NOW = 1_000_000;
const post = (over: Partial<FailedPost>): FailedPost => ({
  kind: 'duty-summary',
  error: { kind: 'retryable' },
  now: NOW,
  giveUpAt: NOW + 60_000,
  backoffMs: () => 4_000,
  retryMaxMs: 300_000,
  channelMovedOn: () => false,
  ...over,
});

describe('the give-up policy', () => {
  it('[HAZ-07] never gives up an alert or its escalations: refused, tried at the cap and people told; past the give-up time, backed off', () => {
    expect(keepsTrying('safeguarding-alert') && keepsTrying('alert-escalation')).toBe(true);
    expect(keepsTrying('alert-note') || keepsTrying('duty-summary')).toBe(false);
    const alert = { kind: 'safeguarding-alert' };
    expect(afterFailure(post({ ...alert, error: { kind: 'permanent' } }))).toEqual({
      action: 'keep-trying',
      waitMs: 300_000,
      refused: true,
    });
    // its channel set again while the refused post was under way: tried now
    expect(
      afterFailure(post({ ...alert, error: { kind: 'permanent' }, channelMovedOn: () => true })),
    ).toMatchObject({ action: 'keep-trying', waitMs: 0 });
    expect(afterFailure(post({ ...alert, now: NOW + 61_000 }))).toEqual({
      action: 'keep-trying',
      waitMs: 4_000,
      refused: false,
    });
    // a summary in the same place is given up
    expect(afterFailure(post({ error: { kind: 'permanent' } }))).toEqual({ action: 'give-up' });
    expect(afterFailure(post({ now: NOW + 61_000 }))).toEqual({ action: 'give-up' });
  });

  it('retries a passing fault after its backoff, the last try at the give-up time itself', () => {
    expect(afterFailure(post({}))).toEqual({
      action: 'retry',
      at: NOW + 4_000,
      throttled: false,
      waitMs: 4_000,
    });
    expect(afterFailure(post({ giveUpAt: NOW + 1_000 }))).toEqual({
      action: 'retry',
      at: NOW + 1_000,
      throttled: false,
      waitMs: 1_000,
    });
  });

  it('waits as long as Teams asks when throttled (an alert too), and no longer than an hour for a broken Retry-After', () => {
    expect(afterFailure(post({ error: { kind: 'throttled', retryAfterMs: 7_000 } }))).toEqual({
      action: 'retry',
      at: NOW + 7_000,
      throttled: true,
      waitMs: 7_000,
    });
    expect(
      afterFailure(post({ kind: 'safeguarding-alert', error: { kind: 'throttled', retryAfterMs: 9e9 } })),
    ).toMatchObject({ action: 'retry', waitMs: MAX_RETRY_AFTER_MS });
    // without a Retry-After, as any other failure
    expect(afterFailure(post({ error: { kind: 'throttled' } }))).toMatchObject({ waitMs: 4_000 });
  });

  it('draws the jittered backoff only when it decides by it', () => {
    let drawn = 0;
    const backoff = () => {
      drawn += 1;
      return 4_000;
    };
    afterFailure(post({ error: { kind: 'permanent' }, backoffMs: backoff }));
    afterFailure(post({ error: { kind: 'throttled', retryAfterMs: 1_000 }, backoffMs: backoff }));
    expect(drawn).toBe(0);
    afterFailure(post({ backoffMs: backoff }));
    expect(drawn).toBe(1);
  });

  it('backs off exponentially to the cap, never below half the delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(250, 300_000, n, 0))).toEqual([125, 250, 500, 1_000]);
    expect(backoffMs(250, 300_000, 4, 0.999_999)).toBe(2_000);
    expect(backoffMs(250, 300_000, 30, 0)).toBe(150_000);
  });

  it('[HAZ-07] looks again for a target not reachable yet until the give-up time; an alert waits however long', () => {
    expect(whileTargetWaits('duty-summary', NOW, NOW + 10_000, 30_000)).toEqual({
      action: 'look-again',
      at: NOW + 10_000,
    });
    expect(whileTargetWaits('duty-summary', NOW + 10_000, NOW + 10_000, 30_000)).toEqual({
      action: 'give-up',
    });
    expect(whileTargetWaits('safeguarding-alert', NOW + 10_000, NOW, 30_000)).toEqual({
      action: 'look-again',
      at: NOW + 40_000,
    });
  });
});
