import { type AlertRule, alertReasons } from '../domain/safeguarding';
import type { SubmittedCall } from '../domain/submitted-call';
import { isDuplicateKey, type Query, type SqlStore } from '../storage/sql';
import { appendAudit } from './audit';
import { type CallContact, insertContact } from './call-contacts';
import type { DraftAlertQueries } from './draft-alerts';
import { DuplicateDutyCallError, type DutyCallRow, headOf, insertCall } from './duty-calls';
import { enqueueDelivery, type NewDelivery } from './outbox';

export interface SubmissionOptions {
  readonly alertRules: readonly AlertRule[];
  readonly giveUpMinutes: number;
  readonly newId: () => string;
}

export interface Recorded {
  readonly alertReasons: readonly string[];
  readonly deliveryIds: readonly string[];
  /** The call's safeguarding alert (raised now, or while the call was in progress), if it has one. */
  readonly alertDeliveryId?: string | undefined;
}

/**
 * A submitted call with every delivery it needs, as one query: either the record and all its deliveries
 * exist, or none do. The worker then makes the deliveries. `draftAlerts`: an alert raised while the call
 * was in progress is taken over by the record.
 */
export function* recordSubmission(
  row: DutyCallRow & { record: SubmittedCall },
  contact: CallContact,
  now: Date,
  options: SubmissionOptions,
  draftAlerts: DraftAlertQueries | undefined,
): Query<Recorded> {
  const reasons = alertReasons(row.record, options.alertRules);
  const ids: string[] = [];
  const enqueue = function* (d: NewDelivery): Query<void> {
    yield* enqueueDelivery(d, now, options.giveUpMinutes);
    ids.push(d.id);
  };
  let alertId: string | undefined;
  yield* insertCall(row);
  yield* insertContact(contact);
  const summaryId = options.newId();
  yield* enqueue({
    id: summaryId,
    recordId: row.id,
    kind: 'duty-summary',
    target: { type: 'channel', role: 'duty' },
  });
  // an alert raised while the call was in progress (the risk section saved with possible harm) is this
  // call's alert: the record takes it over rather than a second, separate alert being raised, whatever
  // the answers are now (a withdrawn answer does not withdraw an alert: the leads decide)
  const inProgress = draftAlerts ? yield* draftAlerts.takeOver(row.record, reasons, now) : undefined;
  if (inProgress) alertId = inProgress.outboxId;
  else if (reasons.length > 0) {
    alertId = options.newId();
    yield* enqueue({
      id: alertId,
      recordId: row.id,
      kind: 'safeguarding-alert',
      target: { type: 'channel', role: 'safeguarding' },
      payload: { reasons },
    });
    // the referrer is told in their chat once the leads have the alert (HAZ-03)
    yield* enqueue({
      id: options.newId(),
      recordId: row.id,
      kind: 'referrer-notice',
      target: { type: 'referrer' },
      payload: { notice: 'alerted', alertDeliveryId: alertId },
      afterId: alertId,
    });
  }
  yield* enqueue({
    id: options.newId(),
    recordId: row.id,
    kind: 'referrer-confirmation',
    target: { type: 'referrer' },
    afterId: summaryId,
  });
  yield* appendAudit({
    at: now.toISOString(),
    actorId: row.referrerAadId,
    action: 'call-submitted',
    recordId: row.id,
    outcome: 'recorded',
    detail: { kind: row.kind, alert: alertId !== undefined, deliveries: ids.length },
  });
  return { alertReasons: reasons, deliveryIds: ids, alertDeliveryId: alertId };
}

/** Records submitted calls (recordSubmission) on either store. */
export class Submissions {
  constructor(
    private readonly sql: SqlStore,
    private readonly options: SubmissionOptions,
    /** Alerts raised while calls were in progress: a submit takes its call's over. */
    private readonly draftAlerts?: DraftAlertQueries,
  ) {}

  /**
   * Resolves once the record, its deliveries and its audit entry are durable (on SQLite, the WAL synced:
   * commitDurably): the referrer is told their call is recorded only then.
   * @throws DuplicateDutyCallError if the call is already recorded (a re-sent Submit, or the same draft
   * submitted at another instance at the same moment).
   */
  async record(
    row: DutyCallRow & { record: SubmittedCall },
    contact: CallContact,
    now: Date,
  ): Promise<Recorded> {
    try {
      return await this.sql.transact(recordSubmission(row, contact, now, this.options, this.draftAlerts));
    } catch (err) {
      // "already recorded" only if it is: a clash anywhere else must not tell the referrer their call was
      // recorded when it was not
      if (isDuplicateKey(err) && (await this.sql.transact(headOf(row.id)))) {
        throw new DuplicateDutyCallError(row.id, { cause: err });
      }
      throw err;
    }
  }
}
