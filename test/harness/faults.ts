import type { Fault } from './connector';

/** mulberry32: a small seeded generator, so a fault run can be repeated exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 30% of connector requests fail, in the mix the fault runs use: 500, 429 with Retry-After, a hang past
 * the timeout (not taken), and a post taken but answered only after the bot's timeout (`timeoutS`).
 */
export function thirtyPercentFaults(
  timeoutS: number,
): readonly [share: number, name: string, fault: Fault][] {
  return [
    [0.12, '500', { status: 500 }],
    [0.08, '429 Retry-After: 1', { status: 429, retryAfter: '1' }],
    [0.06, 'hang past the timeout (not taken)', { hang: true }],
    [0.04, 'taken, answered after the timeout', { delayMs: (timeoutS + 1) * 1000 }],
  ];
}

/** The most of `ats` (times in ms) inside any window of `ms`. */
export function mostIn(ats: readonly number[], ms: number): number {
  const sorted = [...ats].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/**
 * A connector rule (StandInConnector.faultWhen) drawing from `faults` with `random` while `armed()`,
 * counting each fault by name in `injected` and telling `picked` which request got which.
 */
export function faultRule<P>(
  random: () => number,
  faults: readonly [share: number, name: string, fault: Fault][],
  armed: () => boolean,
  injected: Map<string, number>,
  picked: (request: P, fault: Fault) => void = () => {},
): (request: P) => Fault | undefined {
  return (request) => {
    if (!armed()) return undefined;
    let r = random();
    for (const [share, name, fault] of faults) {
      if (r < share) {
        injected.set(name, (injected.get(name) ?? 0) + 1);
        picked(request, fault);
        return fault;
      }
      r -= share;
    }
    return undefined;
  };
}
