import type { Logger } from '../logger';
import { claimDelivery, type Delivery, releaseClaims, renewClaims, unclaimDelivery } from '../records/outbox';
import type { Durability, Query } from '../storage/sql';
import type { DeliveryOutcomes } from './outcomes';

/**
 * This worker's claims on posts, for a lease (issue 11): a row is claimed before it is posted or its
 * outcome recorded (claimDelivery: still as the worker read it, and nobody else's live claim), renewed
 * while the post is under way, and given back at a graceful stop so another instance takes it over at once.
 */
export class Claims {
  constructor(
    private readonly o: {
      readonly outcomes: Pick<DeliveryOutcomes, 'noteInterrupted' | 'interrupted'>;
      readonly logger: Logger;
      /** The worker's name on its claims. */
      readonly claimant: string;
      readonly leaseMs: number;
      /** Runs a query as one transaction (a claim is bookkeeping: 'soon'). */
      readonly run: <T>(query: Query<T>, durability: Durability) => Promise<T>;
    },
  ) {}

  /** Gives back a claim made in this pass whose post the rate limits then held. */
  async unclaim(id: string): Promise<void> {
    await this.o.run(unclaimDelivery(id, this.o.claimant), 'soon');
  }

  /** Until when a claim made at `now` lasts. */
  until(now: Date): Date {
    return new Date(now.getTime() + this.o.leaseMs);
  }

  /**
   * Claims the row. Taking over a post another worker left in flight (it stopped or died mid-post) is
   * audited with the claim: the post may have been made, and is made again once.
   */
  async claim(row: Delivery, now: Date, until: Date): Promise<boolean> {
    const { claimant, outcomes } = this.o;
    const claimed = await this.o.run(
      (function* (): Query<boolean> {
        if (!(yield* claimDelivery(row, claimant, now, until))) return false;
        if (row.inFlightAt) yield* outcomes.noteInterrupted(row, now);
        return true;
      })(),
      'soon',
    );
    if (claimed && row.inFlightAt) outcomes.interrupted(row);
    return claimed;
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

  async renew(now: Date): Promise<void> {
    try {
      await this.o.run(renewClaims(this.o.claimant, now, this.until(now)), 'soon');
    } catch (err) {
      // e.g. the database busy: the next renewal is a third of a lease away, well before it runs out
      this.o.logger.error({ event: 'delivery-lease-renewal-failed', err }, 'lease renewal failed');
    }
  }

  /** Posts abandoned under way are another instance's (or the next start's) to take over now. */
  async release(): Promise<void> {
    try {
      await this.o.run(releaseClaims(this.o.claimant), 'soon');
    } catch (err) {
      this.o.logger.error({ event: 'delivery-release-failed', err }, 'releasing claims failed');
    }
  }
}
