import type { Logger } from '../logger';
import type { Delivery, Outbox } from '../records/outbox';
import type { DeliveryOutcomes } from './outcomes';

/**
 * This worker's claims on posts, for a lease (issue 11): a row is claimed before it is posted or its
 * outcome recorded (Outbox.claim: still as the worker read it, and nobody else's live claim), renewed
 * while the post is under way, and given back at a graceful stop so another instance takes it over at once.
 */
export class Claims {
  constructor(
    private readonly o: {
      readonly outbox: Pick<Outbox, 'claim' | 'unclaim' | 'renewClaims' | 'releaseClaims'>;
      readonly outcomes: Pick<DeliveryOutcomes, 'noteInterrupted'>;
      readonly logger: Logger;
      /** The worker's name on its claims. */
      readonly claimant: string;
      readonly leaseMs: number;
    },
  ) {}

  /** Gives back a claim made in this pass whose post the rate limits then held. */
  unclaim(id: string): void {
    this.o.outbox.unclaim(id, this.o.claimant);
  }

  /** Until when a claim made at `now` lasts. */
  until(now: Date): Date {
    return new Date(now.getTime() + this.o.leaseMs);
  }

  /**
   * Claims the row. Taking over a post another worker left in flight (it stopped or died mid-post) is
   * noted here: the post may have been made, and is made again once.
   */
  claim(row: Delivery, now: Date, until: Date): boolean {
    if (!this.o.outbox.claim(row, this.o.claimant, now, until)) return false;
    if (row.inFlightAt) this.o.outcomes.noteInterrupted(row, now);
    return true;
  }

  /** Someone else's live claim: that instance is making the post now. */
  heldElsewhere(row: Delivery, now: Date): boolean {
    return (
      row.claimedBy !== undefined &&
      row.claimedBy !== this.o.claimant &&
      row.claimedUntil !== undefined &&
      row.claimedUntil > now.toISOString()
    );
  }

  renew(now: Date): void {
    try {
      this.o.outbox.renewClaims(this.o.claimant, now, this.until(now));
    } catch (err) {
      // e.g. the database busy: the next renewal is a third of a lease away, well before it runs out
      this.o.logger.error({ event: 'delivery-lease-renewal-failed', err }, 'lease renewal failed');
    }
  }

  /** Posts abandoned under way are another instance's (or the next start's) to take over now. */
  release(): void {
    try {
      this.o.outbox.releaseClaims(this.o.claimant);
    } catch (err) {
      this.o.logger.error({ event: 'delivery-release-failed', err }, 'releasing claims failed');
    }
  }
}
