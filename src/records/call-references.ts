import { type Query, type SqlStore, write } from '../storage/sql';

/** Tries before giving up: with 32^6 references, even a million issued makes a second try rare. */
const TRIES = 20;

/** A reference never issued before, drawn from `make` and reserved at once (ON CONFLICT: drawn again). */
export function* reserveReference(make: () => string, at: string): Query<string> {
  for (let i = 0; i < TRIES; i++) {
    const reference = make();
    const { changes } = yield* write(
      'INSERT INTO call_references (reference, issued_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      [reference, at],
    );
    if (changes === 1) return reference;
  }
  throw new Error(`no unused call reference found in ${TRIES} tries`);
}

/**
 * Issues each call's reference once. References are short and random so a person can read one out
 * on the phone; at 100,000 calls about five pairs would share one by chance (issue 10), and the duty
 * team would record a call on the wrong record (HAZ-20). Every reference issued is kept here, the
 * purged calls' too, so none is ever given twice; the table holds no patient data.
 */
export class CallReferences {
  constructor(
    private readonly sql: SqlStore,
    private readonly make: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A reference never issued before; reserved at once, so another call or instance cannot take it.
   * The reservation does not wait for the disk (it held the event loop once a Submit): whatever gives
   * the reference to anyone, the record or the alert, commits after it and waits for the disk itself,
   * and the log is kept in order, so no reference reaches anybody without its reservation.
   */
  issue(): Promise<string> {
    return this.sql.transact(this.reserve(), { durability: 'soon' });
  }

  /** The same, as part of the caller's transaction (an in-progress alert's, which waits for the disk). */
  reserve(): Query<string> {
    return reserveReference(this.make, this.now().toISOString());
  }
}
