import type Database from 'better-sqlite3';
import type { Outbox } from '../delivery/outbox';
import { type AlertRule, alertReasons } from '../domain/safeguarding';
import type { SubmittedCall } from '../domain/submitted-call';
import type { DutyCallRecords, DutyCallRow } from '../storage/duty-call-records';
import type { Audit } from './audit';
import type { CallContact, CallContacts } from './call-contacts';

export interface SubmissionOptions {
  readonly alertRules: readonly AlertRule[];
  readonly giveUpMinutes: number;
  readonly newId: () => string;
}

export interface Recorded {
  readonly alertReasons: readonly string[];
  readonly deliveryIds: readonly string[];
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
  ) {}

  record(row: DutyCallRow & { record: SubmittedCall }, contact: CallContact, now: Date): Recorded {
    const reasons = alertReasons(row.record, this.options.alertRules);
    const ids: string[] = [];
    const enqueue = (d: Parameters<Outbox['enqueue']>[0]) => {
      this.outbox.enqueue(d, now, this.options.giveUpMinutes);
      ids.push(d.id);
    };
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
      if (reasons.length > 0) {
        enqueue({
          id: this.options.newId(),
          recordId: row.id,
          kind: 'safeguarding-alert',
          target: { type: 'channel', role: 'safeguarding' },
          payload: { reasons },
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
        detail: { kind: row.kind, alert: reasons.length > 0, deliveries: ids.length },
      });
    })();
    return { alertReasons: reasons, deliveryIds: ids };
  }
}
