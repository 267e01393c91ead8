import { expect, it } from 'vitest';
import { startDraft } from '../../src/domain/draft';
import { auditOf } from '../../src/records/audit';
import { DraftAlertQueries } from '../../src/records/draft-alerts';
import { deliveriesOfDraftAlert } from '../../src/records/outbox';
import { eventsOf } from '../../src/records/record-events';
import type { SqlStore } from '../../src/storage/sql';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, submitted } from '../fixtures/calls';
import { FLAGGED_CALL } from '../harness/service';
import {
  aRecord,
  atTheSameMoment,
  describeOnBothStores,
  type MakeStore,
  withStore as withStoreOf,
} from '../harness/stores';

const RAISED = new Date('2026-12-01T09:40:00.000Z');
const who = { tenantId: 'tenant', userId: 'aad-hv' };
const contact = { serviceUrl: 'https://smba.example', conversationId: 'conv-hv', userId: '29:hv' };
const leads = [
  { id: 'aad-lead-1', name: 'Lee Lead' },
  { id: 'aad-lead-2', name: 'Lou Lead' },
];

function queries(): DraftAlertQueries {
  let n = 0;
  return new DraftAlertQueries({
    alertRules: ['possible-harm-baby'],
    profile: PROFILE,
    giveUpMinutes: 60,
    newId: () => `id-${++n}`,
    newReference: () => 'IMH-ABCDEF',
    escalationMinutes: 30,
  });
}

const flagged = (draftId: string) => ({
  ...startDraft(draftId, 'full', new Date('2026-12-01T09:00:00.000Z'), '2026-12-01'),
  answers: {
    referrer: FULL_CALL.referrer!,
    family: FULL_CALL.family!,
    risk: FLAGGED_CALL.risk!,
  },
});

/**
 * Alerts raised while a call is in progress, the same on both stores (issue 11, items 2 and 3): each
 * acknowledged, taken over and escalated once, however many instances act on it at the same moment.
 */
function draftAlertsContract(make: MakeStore): void {
  const withStore = (fn: (store: SqlStore) => Promise<void>) => withStoreOf(make, fn);

  it('[HAZ-09] two leads acknowledging at the same moment at two instances: one acknowledgement, one notice to the referrer', () =>
    withStore(async (store) => {
      const q = queries();
      const { alert } = await store.transact(q.onRiskSaved(flagged('draft-1'), who, contact, RAISED));
      const at = new Date(RAISED.getTime() + 60_000);
      const [first, second] = await atTheSameMoment(
        store,
        q.acknowledge(alert!.id, leads[0]!, at),
        q.acknowledge(alert!.id, leads[1]!, at),
      );
      expect([first.outcome, second.outcome]).toEqual(['done', 'already']);
      const notices = (await store.transact(deliveriesOfDraftAlert(alert!.id))).filter(
        (d) => d.kind === 'referrer-notice' && d.payload.notice === 'acknowledged',
      );
      expect(notices).toHaveLength(1);
      expect((await store.transact(q.get(alert!.id)))?.acknowledged?.by).toEqual(leads[0]);
    }));

  it('[HAZ-01] an acknowledgement given while the call is submitted at another instance is carried to the record, not lost', () =>
    withStore(async (store) => {
      const q = queries();
      const { alert } = await store.transact(q.onRiskSaved(flagged('draft-1'), who, contact, RAISED));
      const at = new Date(RAISED.getTime() + 60_000);
      const [ack, takeOver] = await atTheSameMoment(
        store,
        q.acknowledge(alert!.id, leads[0]!, at),
        // the record's row, then the take-over, as a Submit does
        (function* () {
          yield* aRecord('draft-1');
          return yield* q.takeOver({ ...submitted('full', FULL_CALL), id: 'draft-1' }, [], at);
        })(),
      );
      expect(ack.outcome).toBe('done');
      expect(takeOver?.acknowledged?.by).toEqual(leads[0]);
      expect((await store.transact(eventsOf('draft-1'))).map((e) => [e.type, e.actor])).toEqual([
        ['alert-acknowledged', leads[0]],
      ]);
    }));

  it('[HAZ-23] one round of escalation, however many instances escalate at the same moment', () =>
    withStore(async (store) => {
      const q = queries();
      const { alert } = await store.transact(q.onRiskSaved(flagged('draft-1'), who, contact, RAISED));
      const due = new Date(RAISED.getTime() + 31 * 60_000);
      // both read the alert as due before either escalates
      const [a] = await store.transact(q.escalationsDue(due, 10));
      expect(await atTheSameMoment(store, q.escalate(a!, due, 30), q.escalate(a!, due, 30))).toEqual([
        true,
        false,
      ]);
      const audit = await store.transact(auditOf('draft-1'));
      expect(audit.filter((e) => e.action === 'alert-escalated')).toHaveLength(1);
      expect((await store.transact(q.get(alert!.id)))?.escalations).toBe(1);
    }));
}

describeOnBothStores('DraftAlertQueries', draftAlertsContract);
