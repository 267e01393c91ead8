import { describe, expect, it } from 'vitest';
import { type CallState, EMPTY_STATE } from '../../src/domain/call-state';
import { dutyActionEvent } from '../../src/domain/duty-actions';

// What each duty and safeguarding button requires of the call before it is recorded
// (src/domain/duty-actions.ts); test/bot/ presses the same buttons in Teams' channels.

const FULL = { kind: 'full' } as const;
const ADVICE = { kind: 'advice' } as const;
const RECEIVED: CallState = {
  ...EMPTY_STATE,
  version: 1,
  referralReceived: { by: { id: 'duty', name: 'Duty' }, at: '2026-11-21T10:00:00.000Z' },
};

describe('duty actions', () => {
  it('records an indication, and asks for a reason when the call is found not eligible', () => {
    expect(
      dutyActionEvent({ verb: 'duty.indicate', indication: 'eligible', reason: '' }, FULL, EMPTY_STATE),
    ).toEqual({
      ok: true,
      body: { type: 'indication-given', indication: 'eligible', reason: '' },
    });
    expect(
      dutyActionEvent({ verb: 'duty.indicate', indication: 'not-eligible', reason: '' }, FULL, EMPTY_STATE),
    ).toMatchObject({ ok: false, reason: 'reason-required', detail: { indication: 'not-eligible' } });
    expect(
      dutyActionEvent(
        { verb: 'duty.indicate', indication: 'not-eligible', reason: 'Out of area' },
        FULL,
        EMPTY_STATE,
      ),
    ).toMatchObject({ ok: true, body: { reason: 'Out of area' } });
  });

  it('receives a formal referral only for a full duty call', () => {
    expect(dutyActionEvent({ verb: 'duty.referral-received' }, FULL, EMPTY_STATE)).toEqual({
      ok: true,
      body: { type: 'referral-received' },
    });
    expect(dutyActionEvent({ verb: 'duty.referral-received' }, ADVICE, EMPTY_STATE)).toMatchObject({
      ok: false,
      reason: 'not-applicable',
    });
  });

  it('records the allocations meeting only once the referral is received, with a note when not accepted', () => {
    const accepted = { verb: 'duty.allocation', allocation: 'accepted', note: '' } as const;
    expect(dutyActionEvent(accepted, FULL, EMPTY_STATE)).toMatchObject({
      ok: false,
      reason: 'not-applicable',
    });
    expect(dutyActionEvent(accepted, FULL, RECEIVED)).toEqual({
      ok: true,
      body: { type: 'allocation-decided', outcome: 'accepted', note: '' },
    });
    const refused = { verb: 'duty.allocation', allocation: 'not-accepted', note: '' } as const;
    expect(dutyActionEvent(refused, FULL, RECEIVED)).toMatchObject({ ok: false, reason: 'reason-required' });
    expect(dutyActionEvent({ ...refused, note: 'Seen by the perinatal team' }, FULL, RECEIVED)).toMatchObject(
      {
        ok: true,
      },
    );
  });

  it('acknowledges only an alert the call raised; marks recorded whatever the call', () => {
    expect(dutyActionEvent({ verb: 'alert.ack', alertRaised: true }, FULL, EMPTY_STATE)).toEqual({
      ok: true,
      body: { type: 'alert-acknowledged' },
    });
    expect(dutyActionEvent({ verb: 'alert.ack', alertRaised: false }, FULL, EMPTY_STATE)).toMatchObject({
      ok: false,
      reason: 'not-applicable',
    });
    expect(dutyActionEvent({ verb: 'duty.recorded' }, ADVICE, EMPTY_STATE)).toEqual({
      ok: true,
      body: { type: 'recorded-on-record' },
    });
  });
});
