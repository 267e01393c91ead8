import type { Lane } from '../records/outbox';

/** One loop over the outbox, for some kinds: alerts have their own, so nothing else delays them. */
export interface LaneState {
  readonly name: Lane;
  readonly concurrency: number;
  readonly retryBaseMs: number;
  /** Retries this lane has scheduled and not yet reached (injected-clock ms), to wake for them. */
  readonly scheduled: Map<string, number>;
  /** Attempts under way, by delivery id. */
  readonly inFlight: Map<string, Promise<void>>;
  woken: boolean;
  wakeSleeper: (() => void) | undefined;
  loopDone: Promise<void> | undefined;
  /** After a pass that left a due post for later: how long new posts' wakes wait before the next pass. */
  quietMs: number;
  /** A post of the lane finished since the last pass: the next pass is not kept waiting. */
  finishedSince: boolean;
  /** alertLaneVersion() when the alert lane last looked (its wake() is skipped while unchanged). */
  seenVersion: number;
}

export function newLane(name: Lane, concurrency: number, retryBaseMs: number): LaneState {
  return {
    name,
    concurrency,
    retryBaseMs,
    scheduled: new Map(),
    inFlight: new Map(),
    woken: false,
    wakeSleeper: undefined,
    loopDone: undefined,
    quietMs: 0,
    finishedSince: false,
    seenVersion: -1,
  };
}

/** `finished`: a post of this lane finished, so its conversation may take the next now (ends a quiet). */
export function wakeLane(lane: LaneState, finished = false): void {
  lane.woken = true;
  if (finished) lane.finishedSince = true;
  lane.wakeSleeper?.();
}

/**
 * Waits `ms` before the lane's next pass, or less if woken. After a pass that left a due post for later,
 * new posts' wakes first wait out the lane's quiet (they are kept, lane.woken, for when it ends); a
 * finished post, whose conversation may now take its next, and a stop end the quiet at once.
 */
export async function sleepLane(lane: LaneState, ms: number, running: () => boolean): Promise<void> {
  const quiet = lane.finishedSince ? 0 : Math.min(lane.quietMs, ms);
  lane.quietMs = 0;
  if (quiet > 0) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        lane.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, quiet);
      lane.wakeSleeper = () => {
        if (!running() || lane.finishedSince) done();
      };
    });
    if (!running()) return;
    ms -= quiet;
  }
  return sleepOrWake(lane, ms);
}

function sleepOrWake(lane: LaneState, ms: number): Promise<void> {
  if (lane.woken || ms <= 0) {
    lane.woken = false;
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      lane.wakeSleeper = undefined;
      lane.woken = false;
      resolve();
    };
    const timer = setTimeout(done, ms);
    lane.wakeSleeper = done;
  });
}
