import { expect, it } from 'vitest';
import { startDraft } from '../../src/domain/draft';
import type { SubmittedCall } from '../../src/domain/submitted-call';
import { auditOf } from '../../src/records/audit';
import { contactOf } from '../../src/records/call-contacts';
import { DraftAlertQueries } from '../../src/records/draft-alerts';
import { callOf, DuplicateDutyCallError } from '../../src/records/duty-calls';
import { deliveriesOfRecord } from '../../src/records/outbox';
import { eventsOf } from '../../src/records/record-events';
import { Submissions } from '../../src/records/submissions';
import type { SqlStore } from '../../src/storage/sql';
import { ALERT_CALL, FULL_CALL } from '../fixtures/answers';
import { PROFILE, submitted } from '../fixtures/calls';
import { FLAGGED_CALL } from '../harness/service';
import { describeOnBothStores, type MakeStore, rowCount, withStore as withStoreOf } from '../harness/stores';

// ALERT_CALL flags domestic abuse; a draft's alert is raised by possible harm
const RULES = ['possible-harm-baby', 'domestic-abuse'] as const;
const AT = new Date('2026-12-01T09:40:00.000Z');
const contact = { serviceUrl: 'https://smba.example', conversationId: 'conv-hv', userId: '29:hv' };

function row(id: string, record: SubmittedCall) {
  return {
    id,
    kind: record.kind,
    tenantId: 'tenant',
    referrerAadId: 'aad-hv',
    conversationId: 'conv-hv',
    startedAt: '2026-12-01T09:00:00.000Z',
    submittedAt: AT.toISOString(),
    // a record takes its draft's id: that is how the submit finds the draft's alert
    record: { ...record, id },
  };
}

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

const options = (newId = counter('d')) => ({
  alertRules: RULES,
  giveUpMinutes: 60,
  newId,
});

/**
 * A Submit's record, the same on both stores (issue 11, item 2): the call, its contact, every delivery it
 * needs and its audit entry in one transaction, or none of them.
 */
function submissionsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('records the call with its summary and confirmation, the confirmation after the summary', () =>
    withStore(async (store) => {
      const recorded = await new Submissions(store, options()).record(
        row('r1', submitted('full', FULL_CALL)),
        { recordId: 'r1', ...contact },
        AT,
      );
      expect(recorded).toEqual({ alertReasons: [], deliveryIds: ['d1', 'd2'], alertDeliveryId: undefined });
      expect((await store.transact(callOf('r1')))?.record).toMatchObject({ id: 'r1', kind: 'full' });
      expect(await store.transact(contactOf('r1'))).toEqual({ recordId: 'r1', ...contact });
      const deliveries = await store.transact(deliveriesOfRecord('r1'));
      expect(deliveries.map((d) => [d.id, d.kind, d.afterId])).toEqual([
        ['d1', 'duty-summary', undefined],
        ['d2', 'referrer-confirmation', 'd1'],
      ]);
      expect((await store.transact(auditOf('r1'))).map((a) => [a.action, a.outcome, a.detail])).toEqual([
        ['call-submitted', 'recorded', { kind: 'full', alert: false, deliveries: 2 }],
      ]);
    }));

  it('a call with possible harm alerts the leads, and the referrer hears once the alert is made', () =>
    withStore(async (store) => {
      const recorded = await new Submissions(store, options()).record(
        row('r1', submitted('full', ALERT_CALL)),
        { recordId: 'r1', ...contact },
        AT,
      );
      expect(recorded.alertReasons.length).toBeGreaterThan(0);
      expect(recorded.alertDeliveryId).toBe('d2');
      const deliveries = await store.transact(deliveriesOfRecord('r1'));
      expect(deliveries.map((d) => [d.kind, d.afterId])).toEqual([
        ['duty-summary', undefined],
        ['safeguarding-alert', undefined],
        ['referrer-notice', 'd2'],
        ['referrer-confirmation', 'd1'],
      ]);
      expect(deliveries[1]!.target).toEqual({ type: 'channel', role: 'safeguarding' });
    }));

  it('a call recorded twice is told as already recorded, and nothing more is queued', () =>
    withStore(async (store) => {
      const submissions = new Submissions(store, options());
      await submissions.record(row('r1', submitted('full', FULL_CALL)), { recordId: 'r1', ...contact }, AT);
      await expect(
        submissions.record(row('r1', submitted('full', FULL_CALL)), { recordId: 'r1', ...contact }, AT),
      ).rejects.toBeInstanceOf(DuplicateDutyCallError);
      expect(await rowCount(store, 'outbox')).toBe(2);
      expect(await rowCount(store, 'audit')).toBe(1);
    }));

  it('[HAZ-16] a Submit that fails part-way leaves nothing, and is not told as a call already recorded', () =>
    withStore(async (store) => {
      // the confirmation is given the summary's id: the outbox refuses it after the call, its contact and
      // its summary were written
      const clash = () => 'same-id';
      const failure = await new Submissions(store, options(clash))
        .record(row('r1', submitted('full', FULL_CALL)), { recordId: 'r1', ...contact }, AT)
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(DuplicateDutyCallError);
      for (const table of ['duty_calls', 'call_contacts', 'outbox', 'audit']) {
        expect(await rowCount(store, table), table).toBe(0);
      }
    }));

  it("takes over the alert raised while the call was in progress: one alert, the lead's acknowledgement kept", () =>
    withStore(async (store) => {
      const alerts = new DraftAlertQueries({
        alertRules: RULES,
        profile: PROFILE,
        giveUpMinutes: 60,
        newId: counter('a'),
        newReference: () => 'IMH-ABCDEF',
        escalationMinutes: 30,
      });
      const draft = {
        ...startDraft('r1', 'full', new Date('2026-12-01T09:00:00.000Z'), '2026-12-01'),
        answers: {
          referrer: FULL_CALL.referrer!,
          family: FULL_CALL.family!,
          risk: FLAGGED_CALL.risk!,
        },
      };
      const raised = await store.transact(
        alerts.onRiskSaved(draft, { tenantId: 'tenant', userId: 'aad-hv' }, contact, AT),
      );
      expect(raised.raised).toBe(true);
      const lead = { id: 'aad-lead', name: 'Lee Lead' };
      expect((await store.transact(alerts.acknowledge(raised.alert!.id, lead, AT))).outcome).toBe('done');

      const recorded = await new Submissions(store, options(), alerts).record(
        row('r1', submitted('full', ALERT_CALL)),
        { recordId: 'r1', ...contact },
        new Date(AT.getTime() + 60_000),
      );
      // the alert raised in progress is the call's alert: no second one
      expect(recorded.alertDeliveryId).toBe(raised.alert!.outboxId);
      const deliveries = await store.transact(deliveriesOfRecord('r1'));
      expect(deliveries.filter((d) => d.kind === 'safeguarding-alert').map((d) => d.id)).toEqual([
        raised.alert!.outboxId,
      ]);
      // its rows are the record's now, the referrer's notices among them
      expect(deliveries.filter((d) => d.kind === 'referrer-notice')).toHaveLength(2);
      expect((await store.transact(eventsOf('r1'))).map((e) => [e.type, e.actor])).toEqual([
        ['alert-acknowledged', lead],
      ]);
      expect((await store.transact(alerts.get(raised.alert!.id)))?.recordId).toBe('r1');
    }));
}

describeOnBothStores('Submissions', submissionsContract);
