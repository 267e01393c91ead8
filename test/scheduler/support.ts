import type { SubmittedCall } from '../../src/domain/submitted-call';
import type { DutyCallRecords } from '../../src/records/duty-calls';
import type { Outbox } from '../../src/records/outbox';
import { FULL_CALL } from '../fixtures/answers';
import { submitted } from '../fixtures/calls';

/** A submitted call stored as a Submit stores it, for the scheduler to find. */
export function storeCall(
  records: DutyCallRecords,
  id: string,
  call: SubmittedCall,
  submittedAt: Date,
): void {
  records.insert({
    id,
    kind: call.kind,
    tenantId: 't',
    referrerAadId: 'referrer',
    conversationId: 'c',
    startedAt: call.startedAt,
    submittedAt: submittedAt.toISOString(),
    record: call,
  });
}

/** A full call whose safeguarding alert (`alert-<recordId>`) reached the channel at `deliveredAt`. */
export function alertDelivered(
  records: DutyCallRecords,
  outbox: Outbox,
  recordId: string,
  submittedAt: Date,
  deliveredAt: Date,
): void {
  storeCall(records, recordId, submitted('full', FULL_CALL), submittedAt);
  outbox.enqueue(
    {
      id: `alert-${recordId}`,
      recordId,
      kind: 'safeguarding-alert',
      target: { type: 'channel', role: 'safeguarding' },
    },
    submittedAt,
    60,
  );
  outbox.markDelivered(`alert-${recordId}`, deliveredAt, 'thread-1', 'activity-1');
}
