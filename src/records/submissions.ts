import type Database from 'better-sqlite3';
import { type AlertRule, alertReasons } from '../domain/safeguarding';
import type { SubmittedCall } from '../domain/submitted-call';
import { commitDurably } from '../storage/database';
import type { Audit } from './audit';
import type { CallContact, CallContacts } from './call-contacts';
import type { DraftAlerts } from './draft-alerts';
import type { DutyCallRecords, DutyCallRow } from './duty-calls';
import type { Outbox } from './outbox';

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
 * Stores a submitted call with every delivery it needs in one transaction: either the record and all
 * its deliveries exist, or none do. The worker then makes the deliveries.
 */
export class Submissions {
  constructor(
    private readonly db: Database.Database,
    private readonly records: DutyCallRecords,
    private readonly contacts: CallContacts,
    private readonly outbox: Outbox,
    private readonly audit: Audit,
    private readonly options: SubmissionOptions,
    /** Alerts raised while calls were in progress: a submit takes its call's over. */
    private readonly draftAlerts?: DraftAlerts,
  ) {}

  /**
   * Resolves once the record, its deliveries and its audit entry are on disk (commitDurably): the
   * referrer is told their call is recorded only then.
   */
  async record(
    row: DutyCallRow & { record: SubmittedCall },
    contact: CallContact,
    now: Date,
  ): Promise<Recorded> {
    const reasons = alertReasons(row.record, this.options.alertRules);
    const ids: string[] = [];
    const enqueue = (d: Parameters<Outbox['enqueue']>[0]) => {
      this.outbox.enqueue(d, now, this.options.giveUpMinutes);
      ids.push(d.id);
    };
    let alertId: string | undefined;
    await commitDurably(this.db, () =>
      this.db.transaction(() => {
        this.records.insert(row);
        this.contacts.insert(contact);
        const summaryId = this.options.newId();
        enqueue({
          id: summaryId,
          recordId: row.id,
          kind: 'duty-summary',
          target: { type: 'channel', role: 'duty' },
        });
        // an alert raised while the call was in progress (the risk section saved with possible harm) is
        // this call's alert: the record takes it over rather than a second, separate alert being raised,
        // whatever the answers are now (a withdrawn answer does not withdraw an alert: the leads decide)
        const inProgress = this.draftAlerts?.takeOver(row.record, reasons, now);
        if (inProgress) alertId = inProgress.outboxId;
        else if (reasons.length > 0) {
          alertId = this.options.newId();
          enqueue({
            id: alertId,
            recordId: row.id,
            kind: 'safeguarding-alert',
            target: { type: 'channel', role: 'safeguarding' },
            payload: { reasons },
          });
          // the referrer is told in their chat once the leads have the alert (HAZ-03)
          enqueue({
            id: this.options.newId(),
            recordId: row.id,
            kind: 'referrer-notice',
            target: { type: 'referrer' },
            payload: { notice: 'alerted', alertDeliveryId: alertId },
            afterId: alertId,
          });
        }
        enqueue({
          id: this.options.newId(),
          recordId: row.id,
          kind: 'referrer-confirmation',
          target: { type: 'referrer' },
          afterId: summaryId,
        });
        this.audit.append({
          at: now.toISOString(),
          actorId: row.referrerAadId,
          action: 'call-submitted',
          recordId: row.id,
          outcome: 'recorded',
          detail: { kind: row.kind, alert: alertId !== undefined, deliveries: ids.length },
        });
      })(),
    );
    return { alertReasons: reasons, deliveryIds: ids, alertDeliveryId: alertId };
  }
}
