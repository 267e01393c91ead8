import { describe, expect, test } from 'vitest';
import {
  type Actor,
  ALLOCATION_OUTCOMES,
  alreadyDone,
  awaitsReferral,
  type CallEvent,
  type CallEventBody,
  canRecordAllocation,
  EMPTY_STATE,
  foldEvents,
  referralOverdue,
} from '../../src/domain/call-state';

const duty: Actor = { id: 'aad-duty-1', name: 'Dr Duty' };
const lead: Actor = { id: 'aad-lead-1', name: 'Sam Lead' };
const bot: Actor = { id: 'bot', name: 'IMH duty bot' };

function events(...bodies: [CallEventBody, Actor?][]): CallEvent[] {
  return bodies.map(([body, actor], i) => ({
    ...body,
    seq: i + 1,
    at: `2026-11-23T10:${String(i).padStart(2, '0')}:00.000Z`,
    actor: actor ?? duty,
  })) as CallEvent[];
}

describe('foldEvents', () => {
  test('no events: version 0 and nothing done', () => {
    expect(foldEvents([])).toEqual(EMPTY_STATE);
    expect(EMPTY_STATE).toEqual({ version: 0, escalations: 0, remindersSent: 0 });
  });

  test('each event sets its stamp (who and when) and the version is the last seq', () => {
    const s = foldEvents(
      events(
        [{ type: 'indication-given', indication: 'eligible', reason: '' }],
        [{ type: 'recorded-on-record' }],
        [{ type: 'alert-acknowledged' }, lead],
        [{ type: 'referral-received' }],
      ),
    );
    expect(s.version).toBe(4);
    expect(s.indication).toEqual({
      value: 'eligible',
      reason: '',
      by: duty,
      at: '2026-11-23T10:00:00.000Z',
    });
    expect(s.recorded).toEqual({ by: duty, at: '2026-11-23T10:01:00.000Z' });
    expect(s.acknowledged).toEqual({ by: lead, at: '2026-11-23T10:02:00.000Z' });
    expect(s.referralReceived).toEqual({ by: duty, at: '2026-11-23T10:03:00.000Z' });
  });

  test('a later indication replaces an earlier one', () => {
    const s = foldEvents(
      events(
        [{ type: 'indication-given', indication: 'more-information', reason: 'Need the HV view' }],
        [{ type: 'indication-given', indication: 'not-eligible', reason: 'Over two' }, lead],
      ),
    );
    expect(s.indication).toMatchObject({ value: 'not-eligible', reason: 'Over two', by: lead });
    expect(s.version).toBe(2);
  });

  test('escalations keep the latest round and time; reminders are counted', () => {
    const s = foldEvents(
      events(
        [{ type: 'alert-escalated', round: 1 }, bot],
        [{ type: 'reminder-sent' }, bot],
        [{ type: 'alert-escalated', round: 2 }, bot],
        [{ type: 'reminder-sent' }, bot],
      ),
    );
    expect(s.escalations).toBe(2);
    expect(s.lastEscalatedAt).toBe('2026-11-23T10:02:00.000Z');
    expect(s.remindersSent).toBe(2);
    expect(s.lastReminderAt).toBe('2026-11-23T10:03:00.000Z');
    expect(s.acknowledged).toBeUndefined();
  });

  test('events are folded in seq order whatever order they are listed in', () => {
    const list = events(
      [{ type: 'indication-given', indication: 'eligible', reason: '' }],
      [{ type: 'indication-given', indication: 'advice-only', reason: '' }],
    );
    expect(foldEvents([...list].reverse())).toEqual(foldEvents(list));
    expect(foldEvents([...list].reverse()).indication?.value).toBe('advice-only');
  });

  test('folding does not change the events it is given', () => {
    const list = events([{ type: 'recorded-on-record' }]);
    const copy = structuredClone(list);
    foldEvents(list);
    expect(list).toEqual(copy);
  });
});

describe('alreadyDone', () => {
  const state = foldEvents(
    events(
      [{ type: 'indication-given', indication: 'not-eligible', reason: 'Over two' }],
      [{ type: 'recorded-on-record' }],
    ),
  );

  test.each<[string, CallEventBody, boolean]>([
    [
      'the same indication and reason',
      { type: 'indication-given', indication: 'not-eligible', reason: 'Over two' },
      true,
    ],
    [
      'the same indication with another reason',
      { type: 'indication-given', indication: 'not-eligible', reason: 'Out of area' },
      false,
    ],
    ['another indication', { type: 'indication-given', indication: 'eligible', reason: '' }, false],
    ['recorded again', { type: 'recorded-on-record' }, true],
    ['referral received for the first time', { type: 'referral-received' }, false],
    ['acknowledged for the first time', { type: 'alert-acknowledged' }, false],
    ['an escalation (never "already")', { type: 'alert-escalated', round: 1 }, false],
    ['a reminder (never "already")', { type: 'reminder-sent' }, false],
  ])('%s: %s', (_, action, expected) => {
    expect(alreadyDone(state, action)).toBe(expected);
  });

  test('nothing is done on a new call', () => {
    for (const action of [
      { type: 'indication-given', indication: 'eligible', reason: '' },
      { type: 'recorded-on-record' },
      { type: 'referral-received' },
      { type: 'alert-acknowledged' },
    ] as CallEventBody[]) {
      expect(alreadyDone(EMPTY_STATE, action)).toBe(false);
    }
  });
});

describe('awaitsReferral and referralOverdue', () => {
  const given = (indication: 'eligible' | 'not-eligible' | 'advice-only' | 'more-information') =>
    foldEvents(events([{ type: 'indication-given', indication, reason: 'x' }]));

  test('a full call waits for the written referral until it is received', () => {
    expect(awaitsReferral('full', EMPTY_STATE)).toBe(true);
    expect(awaitsReferral('full', given('eligible'))).toBe(true);
    expect(awaitsReferral('full', given('more-information'))).toBe(true);
    expect(awaitsReferral('full', foldEvents(events([{ type: 'referral-received' }])))).toBe(false);
  });

  test('advice calls, and calls found not eligible or advice only, wait for nothing', () => {
    expect(awaitsReferral('advice', EMPTY_STATE)).toBe(false);
    expect(awaitsReferral('full', given('not-eligible'))).toBe(false);
    expect(awaitsReferral('full', given('advice-only'))).toBe(false);
  });

  test('overdue from the configured number of days after the call, not before', () => {
    expect(referralOverdue('full', EMPTY_STATE, '2026-11-23', '2026-11-29', 7)).toBe(false);
    expect(referralOverdue('full', EMPTY_STATE, '2026-11-23', '2026-11-30', 7)).toBe(true);
    expect(referralOverdue('full', given('not-eligible'), '2026-11-23', '2026-12-30', 7)).toBe(false);
    expect(referralOverdue('advice', EMPTY_STATE, '2026-11-23', '2026-12-30', 7)).toBe(false);
  });
});

describe('the allocations meeting’s outcome (seed 001)', () => {
  test('[HAZ-15] the four outcomes of the weekly allocations meeting, each with plain words for the referrer', () => {
    expect(ALLOCATION_OUTCOMES.map((o) => o.value)).toEqual([
      'accepted',
      'network-information',
      'family-contact',
      'not-accepted',
    ]);
    const [accepted, network, family, notAccepted] = ALLOCATION_OUTCOMES;
    expect(accepted.title).toMatch(/^Accepted \(allocated, or on the waiting list\)/);
    expect(accepted.referrer).toMatch(/allocated to a therapist, or put on the waiting list/);
    expect(network.title).toMatch(/information needed from the network/);
    expect(family.title).toMatch(/contact with the family/);
    expect(notAccepted.title).toMatch(/not eligible or suitable/);
    for (const o of ALLOCATION_OUTCOMES) {
      // plain words: no codes, no jargon the referrer has not been told
      expect(o.referrer).not.toMatch(/allocations meeting|network-information|family-contact/);
      expect(o.referrer.length).toBeGreaterThan(60);
    }
  });

  test('[HAZ-15] it can be recorded only once the formal referral is received, and never for an advice call', () => {
    const received = foldEvents(events([{ type: 'referral-received' }]));
    expect(canRecordAllocation('full', EMPTY_STATE)).toBe(false);
    expect(canRecordAllocation('full', received)).toBe(true);
    expect(canRecordAllocation('advice', received)).toBe(false);
  });

  test('[HAZ-15] the latest outcome stands, with who and when; the same outcome again changes nothing', () => {
    const s = foldEvents(
      events(
        [{ type: 'referral-received' }],
        [{ type: 'allocation-decided', outcome: 'network-information', note: 'Ask the HV' }],
        [{ type: 'allocation-decided', outcome: 'accepted', note: '' }, lead],
      ),
    );
    expect(s.allocation).toEqual({
      value: 'accepted',
      note: '',
      by: lead,
      at: '2026-11-23T10:02:00.000Z',
    });
    expect(s.version).toBe(3);
    expect(alreadyDone(s, { type: 'allocation-decided', outcome: 'accepted', note: '' })).toBe(true);
    expect(alreadyDone(s, { type: 'allocation-decided', outcome: 'accepted', note: 'Waiting list' })).toBe(
      false,
    );
    expect(alreadyDone(s, { type: 'allocation-decided', outcome: 'not-accepted', note: 'x' })).toBe(false);
  });
});
