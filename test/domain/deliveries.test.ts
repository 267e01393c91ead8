import { describe, expect, it } from 'vitest';
import { eventDeliveries, isAlertKind } from '../../src/domain/deliveries';

// Which deliveries a person's action on a call creates (src/domain/deliveries.ts); test/bot/ presses the
// buttons and reads what reaches the referrer's chat.

const EVENT = { seq: 4, actorName: 'Lee Lead', at: '2026-11-30T10:00:00.000Z' };

describe('deliveries an event creates', () => {
  it('tells the referrer the indication and the allocations outcome, by the event they come from', () => {
    expect(
      eventDeliveries({ type: 'indication-given', indication: 'eligible', reason: '' }, EVENT, undefined),
    ).toEqual([{ kind: 'indication-notice', target: { type: 'referrer' }, payload: { seq: 4 } }]);
    expect(
      eventDeliveries({ type: 'allocation-decided', outcome: 'accepted', note: '' }, EVENT, undefined),
    ).toEqual([{ kind: 'allocation-notice', target: { type: 'referrer' }, payload: { seq: 4 } }]);
  });

  it('[HAZ-03] tells the referrer who acknowledged their alert and when, after the "leads were alerted" notice', () => {
    expect(eventDeliveries({ type: 'alert-acknowledged' }, EVENT, 'alerted-notice-1')).toEqual([
      {
        kind: 'referrer-notice',
        target: { type: 'referrer' },
        payload: { notice: 'acknowledged', by: 'Lee Lead', at: EVENT.at, seq: 4 },
        afterId: 'alerted-notice-1',
      },
    ]);
  });

  it('creates nothing for the duty team marking what they did on their own records', () => {
    expect(eventDeliveries({ type: 'recorded-on-record' }, EVENT, undefined)).toEqual([]);
    expect(eventDeliveries({ type: 'referral-received' }, EVENT, undefined)).toEqual([]);
  });

  it('puts every alert kind, and only those, in the alert lane', () => {
    for (const k of [
      'safeguarding-alert',
      'alert-escalation',
      'alert-update',
      'alert-note',
      'alert-undelivered',
    ]) {
      expect(isAlertKind(k), k).toBe(true);
    }
    for (const k of ['duty-summary', 'referrer-notice', 'indication-notice', 'delivery-failed']) {
      expect(isAlertKind(k), k).toBe(false);
    }
  });
});
