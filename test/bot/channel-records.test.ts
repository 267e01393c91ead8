/**
 * The record layer under the card actions, without Teams: an action lands only on the version it was
 * drawn from, and if another writer's event lands first (a second process), the key on (record, seq)
 * refuses it, the action is reported stale and audited, and nothing half-written remains.
 */

import type Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { BOT_ACTOR } from '../../src/domain/call-state';
import { Audit } from '../../src/records/audit';
import { CallActions } from '../../src/records/call-actions';
import { CallViews } from '../../src/records/call-view';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { buildDraft, FIXTURE_ANSWERS, submitted, TEST_PROFILE } from '../fixtures/card-scenarios';

let db: Database.Database;
let events: RecordEvents;
let views: CallViews;
let outbox: Outbox;
let audit: Audit;
const NOW = new Date('2026-11-23T10:00:00Z');
const duty = { id: 'aad-duty-1', name: 'Dana Duty' };
let ids = 0;

beforeEach(() => {
  db = openDatabase(':memory:');
  const records = new DutyCallRecords(new SqliteSql(db));
  events = new RecordEvents(new SqliteSql(db));
  views = new CallViews(records, events);
  outbox = new Outbox(db);
  audit = new Audit(new SqliteSql(db));
  const call = submitted(
    buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { id: 'rec-1' }),
    TEST_PROFILE,
  );
  records.insert({
    id: call.id,
    kind: 'full',
    tenantId: 't',
    referrerAadId: 'aad-referrer',
    conversationId: 'a:personal',
    startedAt: call.startedAt,
    submittedAt: call.submittedAt,
    record: call,
  });
});
afterEach(() => db.close());

function actions(v: CallViews = views) {
  return new CallActions(db, v, events, outbox, audit, { giveUpMinutes: 60, newId: () => `d-${++ids}` });
}

test('an indication is an event, an indication notice and an audit row, together', () => {
  const r = actions().apply({
    recordId: 'rec-1',
    cardVersion: 0,
    body: { type: 'indication-given', indication: 'eligible', reason: 'Clear fit' },
    actor: duty,
    action: 'duty.indicate',
    now: NOW,
  });
  expect(r.outcome).toBe('done');
  expect(r.outcome === 'done' && r.view.state.indication?.value).toBe('eligible');
  expect(outbox.forRecord('rec-1')).toMatchObject([
    { kind: 'indication-notice', target: { type: 'referrer' }, payload: { seq: 1 }, status: 'pending' },
  ]);
  expect(audit.forRecord('rec-1')).toMatchObject([
    {
      actorId: 'aad-duty-1',
      action: 'duty.indicate',
      outcome: 'done',
      detail: { cardVersion: 0, version: 1, indication: 'eligible' },
    },
  ]);
  expect(JSON.stringify(audit.forRecord('rec-1'))).not.toContain('Clear fit');
});

test('if another writer appended first, the action is stale: no event, no notice, audited', () => {
  // a reader that is one event behind, as a second process would be
  const behind = {
    load: (id: string) => ({
      ...views.load(id)!,
      events: [],
      state: { ...views.load(id)!.state, version: 0 },
    }),
  };
  events.append(
    'rec-1',
    0,
    { type: 'recorded-on-record' },
    { id: 'other', name: 'Other' },
    NOW.toISOString(),
  );
  const r = actions(behind as unknown as CallViews).apply({
    recordId: 'rec-1',
    cardVersion: 0,
    body: { type: 'indication-given', indication: 'eligible', reason: '' },
    actor: duty,
    action: 'duty.indicate',
    now: NOW,
  });
  expect(r.outcome).toBe('stale');
  expect(events.list('rec-1').map((e) => e.type)).toEqual(['recorded-on-record']);
  expect(outbox.forRecord('rec-1')).toEqual([]);
  expect(audit.forRecord('rec-1')).toMatchObject([
    { action: 'duty.indicate', outcome: 'stale', detail: { conflict: true, cardVersion: 0 } },
  ]);
});

test('a record that does not exist is refused and audited', () => {
  expect(
    actions().apply({
      recordId: 'nope',
      cardVersion: 0,
      body: { type: 'recorded-on-record' },
      actor: duty,
      action: 'duty.recorded',
      now: NOW,
    }),
  ).toEqual({ outcome: 'not-found' });
  expect(audit.forRecord('nope')).toMatchObject([{ outcome: 'refused', detail: { reason: 'not-found' } }]);
});

test('the bot’s own events (an escalation) do not make a card stale: a lead can acknowledge the first alert', () => {
  events.append('rec-1', 0, { type: 'alert-escalated', round: 1 }, BOT_ACTOR, NOW.toISOString());
  const r = actions().apply({
    recordId: 'rec-1',
    cardVersion: 0,
    body: { type: 'alert-acknowledged' },
    actor: duty,
    action: 'alert.ack',
    now: NOW,
  });
  expect(r.outcome).toBe('done');
  expect(events.list('rec-1').map((e) => e.type)).toEqual(['alert-escalated', 'alert-acknowledged']);
});

test('an action on the other card does not make a card stale: the summary and the alert move on apart', () => {
  const lead = { id: 'aad-lead-1', name: 'Lee Lead' };
  // the duty team act on the summary; the lead's alert card is still at version 0
  events.append('rec-1', 0, { type: 'recorded-on-record' }, duty, NOW.toISOString());
  const ack = actions().apply({
    recordId: 'rec-1',
    cardVersion: 0,
    body: { type: 'alert-acknowledged' },
    actor: lead,
    action: 'alert.ack',
    now: NOW,
  });
  expect(ack.outcome).toBe('done');
  // and the duty summary drawn at version 1 still works after the acknowledgement
  const indicated = actions().apply({
    recordId: 'rec-1',
    cardVersion: 1,
    body: { type: 'indication-given', indication: 'eligible', reason: '' },
    actor: duty,
    action: 'duty.indicate',
    now: NOW,
  });
  expect(indicated.outcome).toBe('done');
  expect(events.list('rec-1').map((e) => e.type)).toEqual([
    'recorded-on-record',
    'alert-acknowledged',
    'indication-given',
  ]);
});

test('a person’s action since the card was drawn does make it stale', () => {
  events.append(
    'rec-1',
    0,
    { type: 'recorded-on-record' },
    { id: 'other', name: 'Other' },
    NOW.toISOString(),
  );
  const r = actions().apply({
    recordId: 'rec-1',
    cardVersion: 0,
    body: { type: 'referral-received' },
    actor: duty,
    action: 'duty.referral-received',
    now: NOW,
  });
  expect(r.outcome).toBe('stale');
  expect(events.list('rec-1')).toHaveLength(1);
});
