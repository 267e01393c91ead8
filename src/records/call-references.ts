import type Database from 'better-sqlite3';
import { withoutWaitingForDisk } from '../storage/database';

/** Tries before giving up: with 32^6 references, even a million issued makes a second try rare. */
const TRIES = 20;

/**
 * Issues each call's reference once. References are short and random so a person can read one out
 * on the phone; at 100,000 calls about five pairs would share one by chance (issue 10), and the duty
 * team would record a call on the wrong record (HAZ-20). Every reference issued is kept here, the
 * purged calls' too, so none is ever given twice; the table holds no patient data.
 */
export class CallReferences {
  private readonly reserve: Database.Statement<[string, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly make: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.reserve = db.prepare(
      'INSERT INTO call_references (reference, issued_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
  }

  /**
   * A reference never issued before; reserved at once, so another call or instance cannot take it.
   * The reservation does not wait for the disk (it held the event loop once a Submit): whatever gives
   * the reference to anyone, the record or the alert, commits after it and waits for the disk itself,
   * and the log is kept in order, so no reference reaches anybody without its reservation.
   */
  issue(): string {
    const at = this.now().toISOString();
    return withoutWaitingForDisk(this.db, () => {
      for (let i = 0; i < TRIES; i++) {
        const reference = this.make();
        if (this.reserve.run(reference, at).changes === 1) return reference;
      }
      throw new Error(`no unused call reference found in ${TRIES} tries`);
    });
  }
}
