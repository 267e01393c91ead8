/**
 * The record layer under the card actions, without Teams, the same on both stores (issue 11, item 2): an
 * action lands only on the version it was drawn from, and if another writer's event lands first (a
 * second instance), the key on (record, seq) refuses it, the action is reported stale and audited, and
 * nothing half-written remains.
 */

import { expect, it } from 'vitest';
import { BOT_ACTOR } from '../../src/domain/call-state';
import { auditOf } from '../../src/records/audit';
import { CallActions } from '../../src/records/call-actions';
import { type CallView, viewOf } from '../../src/records/call-view';
import { insertCall } from '../../src/records/duty-calls';
import { deliveriesOfRecord } from '../../src/records/outbox';
import { appendEvent, eventsOf } from '../../src/records/record-events';
import type { Query, SqlStore } from '../../src/storage/sql';
import { buildDraft, FIXTURE_ANSWERS, submitted, TEST_PROFILE } from '../fixtures/card-scenarios';
import { describeOnBothStores, type MakeStore, withStore as withStoreOf } from '../harness/stores';

const NOW = new Date('2026-11-23T10:00:00Z');
const duty = { id: 'aad-duty-1', name: 'Dana Duty' };
const lead = { id: 'aad-lead-1', name: 'Lee Lead' };
const other = { id: 'other', name: 'Other' };

function callActionsContract(make: MakeStore): void {
  /** A store holding one submitted call, rec-1. */
  const withCall = (fn: (store: SqlStore) => Promise<void>) =>
    withStoreOf(make, async (store) => {
      const call = submitted(
        buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { id: 'rec-1' }),
        TEST_PROFILE,
      );
      await store.transact(
        insertCall({
          id: call.id,
          kind: 'full',
          tenantId: 't',
          referrerAadId: 'aad-referrer',
          conversationId: 'a:personal',
          startedAt: call.startedAt,
          submittedAt: call.submittedAt,
          record: call,
        }),
      );
      await fn(store);
    });
  let ids = 0;
  const actions = (store: SqlStore, view?: (id: string) => Query<CallView | undefined>) =>
    new CallActions(store, { giveUpMinutes: 60, newId: () => `d-${++ids}` }, view);
  const append = (
    store: SqlStore,
    expected: number,
    body: Parameters<typeof appendEvent>[2],
    actor = other,
  ) => store.transact(appendEvent('rec-1', expected, body, actor, NOW.toISOString()));
  const eventTypes = async (store: SqlStore) => (await store.transact(eventsOf('rec-1'))).map((e) => e.type);

  it('an indication is an event, an indication notice and an audit row, together', () =>
    withCall(async (store) => {
      const r = await actions(store).apply({
        recordId: 'rec-1',
        cardVersion: 0,
        body: { type: 'indication-given', indication: 'eligible', reason: 'Clear fit' },
        actor: duty,
        action: 'duty.indicate',
        now: NOW,
      });
      expect(r.outcome).toBe('done');
      expect(r.outcome === 'done' && r.view.state.indication?.value).toBe('eligible');
      expect(await store.transact(deliveriesOfRecord('rec-1'))).toMatchObject([
        { kind: 'indication-notice', target: { type: 'referrer' }, payload: { seq: 1 }, status: 'pending' },
      ]);
      const audit = await store.transact(auditOf('rec-1'));
      expect(audit).toMatchObject([
        {
          actorId: 'aad-duty-1',
          action: 'duty.indicate',
          outcome: 'done',
          detail: { cardVersion: 0, version: 1, indication: 'eligible' },
        },
      ]);
      expect(JSON.stringify(audit)).not.toContain('Clear fit');
    }));

  it('if another writer appended first, the action is stale: no event, no notice, audited', () =>
    withCall(async (store) => {
      // a reader that is one event behind, as a second instance would be
      const behind = function* (id: string): Query<CallView | undefined> {
        const view = (yield* viewOf(id))!;
        return { ...view, events: [], state: { ...view.state, version: 0 } };
      };
      await append(store, 0, { type: 'recorded-on-record' });
      const r = await actions(store, behind).apply({
        recordId: 'rec-1',
        cardVersion: 0,
        body: { type: 'indication-given', indication: 'eligible', reason: '' },
        actor: duty,
        action: 'duty.indicate',
        now: NOW,
      });
      expect(r.outcome).toBe('stale');
      expect(await eventTypes(store)).toEqual(['recorded-on-record']);
      expect(await store.transact(deliveriesOfRecord('rec-1'))).toEqual([]);
      expect(await store.transact(auditOf('rec-1'))).toMatchObject([
        { action: 'duty.indicate', outcome: 'stale', detail: { conflict: true, cardVersion: 0 } },
      ]);
    }));

  it('a record that does not exist is refused and audited', () =>
    withCall(async (store) => {
      expect(
        await actions(store).apply({
          recordId: 'nope',
          cardVersion: 0,
          body: { type: 'recorded-on-record' },
          actor: duty,
          action: 'duty.recorded',
          now: NOW,
        }),
      ).toEqual({ outcome: 'not-found' });
      expect(await store.transact(auditOf('nope'))).toMatchObject([
        { outcome: 'refused', detail: { reason: 'not-found' } },
      ]);
    }));

  it('the bot’s own events (an escalation) do not make a card stale: a lead can acknowledge the first alert', () =>
    withCall(async (store) => {
      await append(store, 0, { type: 'alert-escalated', round: 1 }, BOT_ACTOR);
      const r = await actions(store).apply({
        recordId: 'rec-1',
        cardVersion: 0,
        body: { type: 'alert-acknowledged' },
        actor: duty,
        action: 'alert.ack',
        now: NOW,
      });
      expect(r.outcome).toBe('done');
      expect(await eventTypes(store)).toEqual(['alert-escalated', 'alert-acknowledged']);
    }));

  it('an action on the other card does not make a card stale: the summary and the alert move on apart', () =>
    withCall(async (store) => {
      // the duty team act on the summary; the lead's alert card is still at version 0
      await append(store, 0, { type: 'recorded-on-record' }, duty);
      const ack = await actions(store).apply({
        recordId: 'rec-1',
        cardVersion: 0,
        body: { type: 'alert-acknowledged' },
        actor: lead,
        action: 'alert.ack',
        now: NOW,
      });
      expect(ack.outcome).toBe('done');
      // and the duty summary drawn at version 1 still works after the acknowledgement
      const indicated = await actions(store).apply({
        recordId: 'rec-1',
        cardVersion: 1,
        body: { type: 'indication-given', indication: 'eligible', reason: '' },
        actor: duty,
        action: 'duty.indicate',
        now: NOW,
      });
      expect(indicated.outcome).toBe('done');
      expect(await eventTypes(store)).toEqual([
        'recorded-on-record',
        'alert-acknowledged',
        'indication-given',
      ]);
    }));

  it('a person’s action since the card was drawn does make it stale', () =>
    withCall(async (store) => {
      await append(store, 0, { type: 'recorded-on-record' });
      const r = await actions(store).apply({
        recordId: 'rec-1',
        cardVersion: 0,
        body: { type: 'referral-received' },
        actor: duty,
        action: 'duty.referral-received',
        now: NOW,
      });
      expect(r.outcome).toBe('stale');
      expect(await store.transact(eventsOf('rec-1'))).toHaveLength(1);
    }));
}

describeOnBothStores('CallActions', callActionsContract);
