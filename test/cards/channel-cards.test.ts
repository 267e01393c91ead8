// biome-ignore-all lint/suspicious/noTemplateCurlyInString: template expressions in plain strings are the data under test
/**
 * The cards the bot posts to the duty and safeguarding channels, and the notices to the referrer and the
 * admin channel, drawn by renderDelivery from a real (in-memory) database in every state a call can be in:
 * each passes Microsoft's renderer and the strict schema, fits a Teams message in the worst case, shows
 * user text inertly, and ends with "Record <reference> · delivery <id>".
 */

import type Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { type RenderContext, renderDelivery } from '../../src/delivery/render';
import type { Actor, CallEventBody } from '../../src/domain/call-state';
import type { ChannelRole } from '../../src/domain/channel-role';
import type { ServiceProfile } from '../../src/domain/checklist';
import type { SubmittedCall } from '../../src/domain/submitted-call';
import { DutyCallRecords } from '../../src/records/duty-calls';
import { Outbox } from '../../src/records/outbox';
import { RecordEvents } from '../../src/records/record-events';
import { openDatabase } from '../../src/storage/database';
import { SqliteSql } from '../../src/storage/sqlite-sql';
import { escapeMarkdown, escapeTextRun, MAX_CARD_BYTES } from '../../src/views/cards';
import { truncate } from '../../src/views/common';
import { REASON_MAX_LENGTH } from '../../src/views/duty-view';
import {
  buildDraft,
  everyTextIs,
  FILL_NAMES,
  FILLS,
  FIXTURE_ANSWERS,
  fill,
  KINDS,
  NOW,
  submitted,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from '../fixtures/card-scenarios';
import {
  activityBytes,
  type Card,
  cardJsonBytes,
  cardProblems,
  elements,
  markdownTexts,
  strings,
  TEAMS_MESSAGE_BYTES,
  textRuns,
} from './card-lint';

const LEAD = { id: 'aad-oncall-lead', name: 'Sam Oncall' };
const dbs: Database.Database[] = [];
afterAll(() => {
  for (const db of dbs) db.close();
});

interface World {
  readonly ctx: RenderContext;
  readonly outbox: Outbox;
  readonly sql: SqliteSql;
  readonly call: SubmittedCall;
  act(body: CallEventBody, actor: Actor): void;
  render(kind: Parameters<Outbox['enqueue']>[0]['kind'], payload?: Record<string, unknown>): Card;
}

/** A database holding one submitted call, and a renderer over it as the bot wires it. */
function world(call: SubmittedCall, profile: ServiceProfile, opts: { now?: Date } = {}): World {
  const db = openDatabase(':memory:');
  dbs.push(db);
  const sql = new SqliteSql(db);
  const records = new DutyCallRecords(sql);
  const events = new RecordEvents(new SqliteSql(db));
  const outbox = new Outbox(db);
  records.insert({
    id: call.id,
    kind: call.kind,
    tenantId: 'tenant',
    referrerAadId: 'aad-referrer',
    conversationId: 'a:personal',
    startedAt: call.startedAt,
    submittedAt: call.submittedAt,
    record: call,
  });
  const ctx: RenderContext = {
    profile,
    referralReminderDays: 7,
    escalationMinutes: 30,
    oncallLead: LEAD,
    now: () => opts.now ?? NOW,
  };
  let n = 0;
  return {
    ctx,
    outbox,
    sql,
    call,
    act: (body, actor) => {
      const version = events.list(call.id).length;
      events.append(
        call.id,
        version,
        body,
        actor,
        new Date(NOW.getTime() + (version + 1) * 60_000).toISOString(),
      );
    },
    render: (kind, payload = {}) => {
      n += 1;
      const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      // each kind drawn for where it goes: the referrer's chat, or a channel
      const role: ChannelRole = /alert/.test(kind)
        ? 'safeguarding'
        : kind === 'delivery-failed'
          ? 'admin'
          : 'duty';
      const target = REFERRER_KINDS.has(kind)
        ? { type: 'referrer' as const }
        : { type: 'channel' as const, role };
      outbox.enqueue({ id, recordId: call.id, kind, target, payload }, NOW, 60);
      const activity = sql.transactNow(renderDelivery(outbox.get(id)!, ctx)) as {
        attachments: { content: Card }[];
      };
      return activity.attachments[0]!.content;
    },
  };
}

/** What the referrer is sent in their chat: their cards name the record, never a delivery id (issue 9). */
const REFERRER_KINDS = new Set<string>([
  'referrer-confirmation',
  'indication-notice',
  'allocation-notice',
  'referral-reminder',
  'referrer-notice',
  'summary-undelivered',
]);

const DUTY: Actor = { id: 'aad-duty', name: 'Dana Duty' };
const LEAD_ACTOR: Actor = { id: 'aad-lead', name: 'Lee Lead' };

/** The last TextBlock of the card's body (the actions' cards come after it in the JSON). */
function lastText(card: Card): string {
  const texts = elements(card.body)
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));
  return texts[texts.length - 1] ?? '';
}

function allText(card: Card): string {
  return strings(card)
    .map((s) => s.value)
    .join('\n');
}

describe.each(KINDS)('a %s call from the fixtures', (kind) => {
  const fixture = () => {
    const call = submitted(
      buildDraft(kind, FIXTURE_ANSWERS[kind], TEST_PROFILE, { id: `rec-${kind}` }),
      TEST_PROFILE,
    );
    return world(call, TEST_PROFILE);
  };

  test('[HAZ-16] every kind of delivery renders a valid card naming its record and delivery: shown on channel cards, the footer’s id on the referrer’s', () => {
    const w = fixture();
    const kinds = [
      ['duty-summary', {}],
      ['safeguarding-alert', { reasons: ['Domestic abuse'] }],
      ['alert-escalation', { round: 2, alertDeliveryId: 'x' }],
      ['referrer-confirmation', {}],
      ['indication-notice', { seq: 1 }],
      ['allocation-notice', { seq: 3 }],
      ['referral-reminder', { reminder: 1 }],
      ['delivery-failed', { failedId: 'd-1', failedKind: 'duty-summary', reason: 'http 403', attempts: 3 }],
    ] as const;
    w.act({ type: 'indication-given', indication: 'eligible', reason: '' }, DUTY);
    w.act({ type: 'referral-received' }, DUTY);
    w.act({ type: 'allocation-decided', outcome: 'accepted', note: '' }, DUTY);
    for (const [k, payload] of kinds) {
      const card = w.render(k, payload);
      expect(cardProblems(card), k).toEqual([]);
      if (REFERRER_KINDS.has(k)) {
        // the referrer's card names the record; the delivery is the footer's element id, not shown
        expect(lastText(card), k).toBe(`Record ${w.call.reference}`);
        expect(allText(card), k).not.toMatch(/delivery [0-9a-f-]{36}/);
        expect(JSON.stringify(card), k).toMatch(/"id":"delivery-[0-9a-f-]{36}"/);
      } else {
        expect(lastText(card), k).toMatch(
          new RegExp(`^Record ${w.call.reference} · delivery [0-9a-f-]{36}$`),
        );
      }
    }
  });

  test('the duty summary shows the state, the summary and the actions, each carrying the record and version', () => {
    const w = fixture();
    const card = w.render('duty-summary');
    const text = allText(card);
    expect(text).toContain('Eligibility indication');
    expect(text).toContain('Not yet given');
    expect(text).toContain('Not yet recorded');
    expect(text).toContain(kind === 'full' ? 'Awaited' : 'Not expected: advice-only call');
    expect(text).toContain(`Risk screening: ${w.call.risk.levelText}`);
    expect(text).toContain(kind === 'full' ? 'Pick up the phone: information sharing' : 'Pick up the phone');
    if (kind === 'full') expect(text).toContain('Eligibility indication (suggested)');
    const executes = elements(card).filter((e) => e.type === 'Action.Execute');
    expect(executes.map((e) => e.verb)).toEqual(
      kind === 'full'
        ? ['duty.indicate', 'duty.recorded', 'duty.referral-received']
        : ['duty.indicate', 'duty.recorded'],
    );
    for (const e of executes) expect(e.data).toEqual({ recordId: w.call.id, version: 0 });
    const titles = (card.actions as { title: string }[]).map((a) => a.title);
    expect(titles).toContain('Give the indication');
    expect(titles.includes('Show the draft referral')).toBe(kind === 'full');
    if (kind === 'full') expect(text).toContain(FIXTURE_ANSWERS.full.referral!.reason!);
  });

  test('after every action the card says who and when, offers only what is left, at the new version', () => {
    const w = fixture();
    w.act(
      { type: 'indication-given', indication: 'not-eligible', reason: 'Over two on the day of the call' },
      DUTY,
    );
    w.act({ type: 'recorded-on-record' }, { id: 'aad-2', name: 'Devi Duty' });
    const card = w.render('duty-summary');
    const text = allText(card);
    expect(text).toContain('Not eligible: given by Dana Duty, 23 November 2026, 10:01');
    expect(text).toContain('Recorded by Devi Duty, 23 November 2026, 10:02');
    expect(textRuns(card)).toContain('Over two on the day of the call');
    expect(text).toContain(
      kind === 'full' ? 'Not expected: the indication is not eligible' : 'Not expected: advice-only call',
    );
    const verbs = elements(card)
      .filter((e) => e.type === 'Action.Execute')
      .map((e) => [e.verb, (e.data as { version: number }).version]);
    expect(verbs).toEqual([['duty.indicate', 2]]);
    expect((card.actions as { title: string }[])[0]!.title).toBe('Change the indication');
    expect(cardProblems(card)).toEqual([]);
  });
});

describe('the formal referral', () => {
  const call = () =>
    submitted(buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { id: 'rec-referral' }), TEST_PROFILE);

  test('is flagged overdue from the reminder days after the call, until it is received', () => {
    const late = world(call(), TEST_PROFILE, { now: new Date(NOW.getTime() + 8 * 86_400_000) });
    const card = late.render('duty-summary');
    expect(allText(card)).toContain('Awaited: overdue');
    expect(markdownTexts(card).some((t) => t.startsWith('The formal written referral is overdue'))).toBe(
      true,
    );
    late.act({ type: 'referral-received' }, DUTY);
    const after = late.render('duty-summary');
    expect(allText(after)).toContain('Received: marked by Dana Duty, 23 November 2026, 10:01');
    expect(allText(after)).not.toContain('overdue');
    expect(elements(after).filter((e) => e.verb === 'duty.referral-received')).toEqual([]);
  });

  test('[HAZ-15] once received, the duty card offers the allocations meeting’s four outcomes, and shows the one recorded', () => {
    const x = world(call(), TEST_PROFILE);
    const before = x.render('duty-summary');
    expect(allText(before)).toContain('Allocations meeting');
    expect(allText(before)).toContain('After the formal referral is received');
    expect(elements(before).filter((e) => e.verb === 'duty.allocation')).toEqual([]);

    x.act({ type: 'referral-received' }, DUTY);
    const received = x.render('duty-summary');
    expect(allText(received)).toMatch(/Allocations meeting[\s\S]*Awaited/);
    const outcome = elements(received).find((e) => e.id === 'allocation')!;
    expect((outcome.choices as { value: string }[]).map((c) => c.value)).toEqual([
      'accepted',
      'network-information',
      'family-contact',
      'not-accepted',
    ]);
    expect(elements(received).filter((e) => e.verb === 'duty.allocation')).toMatchObject([
      { title: 'Save the outcome', data: { recordId: x.call.id, version: 1 } },
    ]);
    expect((received.actions as { title: string }[]).map((a) => a.title)).toContain(
      'Record the allocations meeting’s outcome',
    );
    expect(cardProblems(received)).toEqual([]);

    x.act({ type: 'allocation-decided', outcome: 'family-contact', note: 'Mum unsure about coming' }, DUTY);
    const decided = x.render('duty-summary');
    expect(allText(decided)).toContain(
      'Further contact with the family needed: recorded by Dana Duty, 23 November 2026, 10:02',
    );
    expect(textRuns(decided)).toContain('Mum unsure about coming');
    expect((decided.actions as { title: string }[]).map((a) => a.title)).toContain(
      'Change the allocations meeting’s outcome',
    );
    expect(cardProblems(decided)).toEqual([]);
  });

  test('is not overdue the day before', () => {
    const early = world(call(), TEST_PROFILE, { now: new Date(NOW.getTime() + 5 * 86_400_000) });
    expect(allText(early.render('duty-summary'))).not.toContain('overdue');
  });
});

describe('the safeguarding alert', () => {
  const w = () =>
    world(
      submitted(buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { id: 'rec-alert' }), TEST_PROFILE),
      TEST_PROFILE,
    );

  test('holds only what a lead needs, points to the duty channel, and offers Acknowledge', () => {
    const x = w();
    const card = x.render('safeguarding-alert', { reasons: ['Domestic abuse', 'Possible harm to a parent'] });
    const text = allText(card);
    expect(text).toContain(`Safeguarding alert: ${x.call.reference}`);
    expect(text).toContain('• Domestic abuse');
    expect(text).toContain('• Possible harm to a parent');
    expect(text).toContain(`Suggested risk level: ${x.call.risk.levelText}`);
    expect(text).toContain('943 476 5919');
    expect(text).toContain('Baby Ada Example');
    expect(text).toContain('Hannah Visitor');
    expect(text).toContain('0116 555 0101');
    expect(text).toContain(`The full summary is in the IMH duty channel: reference ${x.call.reference}.`);
    // not the free-text story of the call: that stays in the duty channel
    expect(text).not.toContain(FIXTURE_ANSWERS.full.referral!.reason!);
    expect(text).not.toContain(FIXTURE_ANSWERS.full.relationship!.details!);
    expect(text).toContain('Not yet acknowledged');
    const ack = elements(card).filter((e) => e.type === 'Action.Execute');
    expect(ack).toMatchObject([
      { verb: 'alert.ack', title: 'Acknowledge', data: { recordId: x.call.id, version: 0 } },
    ]);
    expect(cardProblems(card)).toEqual([]);
  });

  test('once acknowledged, says by whom and when, for everyone, with no button', () => {
    const x = w();
    x.act({ type: 'alert-acknowledged' }, LEAD_ACTOR);
    const card = x.render('safeguarding-alert', { reasons: ['Domestic abuse'] });
    expect(allText(card)).toContain('Acknowledged by Lee Lead, 23 November 2026, 10:01');
    expect(elements(card).filter((e) => e.type === 'Action.Execute')).toEqual([]);
    expect(cardProblems(card)).toEqual([]);
  });

  test('an escalation @mentions the configured on-call lead with a matching mention entity', () => {
    const x = w();
    x.act({ type: 'alert-escalated', round: 1 }, { id: 'bot', name: 'IMH duty bot' });
    const card = x.render('alert-escalation', { round: 1, alertDeliveryId: 'a' });
    expect(cardProblems(card)).toEqual([]);
    const entities = (card.msteams as { entities: { text: string; mentioned: unknown }[] }).entities;
    expect(entities).toEqual([
      { type: 'mention', text: `<at>${LEAD.name}</at>`, mentioned: { id: LEAD.id, name: LEAD.name } },
    ]);
    const mention = markdownTexts(card).find((t) => t.includes(entities[0]!.text));
    expect(mention).toBe(
      `<at>${LEAD.name}</at>: nobody has acknowledged this alert 30 minutes after it was posted (reminder 1).`,
    );
    expect(allText(card)).toContain('Reminded 1 time, last 23 November 2026, 10:01.');
    expect(elements(card).filter((e) => e.verb === 'alert.ack')).toMatchObject([{ data: { version: 1 } }]);
  });

  test('with no on-call lead configured, an escalation mentions nobody', () => {
    const x = w();
    const ctx = { ...x.ctx, oncallLead: undefined };
    const outbox = x.outbox;
    outbox.enqueue(
      {
        id: 'esc-1',
        recordId: x.call.id,
        kind: 'alert-escalation',
        target: { type: 'thread', of: 'a' },
        payload: { round: 1 },
      },
      NOW,
      60,
    );
    const card = (
      x.sql.transactNow(renderDelivery(outbox.get('esc-1')!, ctx)) as { attachments: { content: Card }[] }
    ).attachments[0]!.content;
    expect(JSON.stringify(card)).not.toContain('entities');
    expect(JSON.stringify(card)).not.toContain('<at>');
    expect(cardProblems(card)).toEqual([]);
  });
});

describe('notices to the referrer and the admin channel', () => {
  const w = () =>
    world(
      submitted(buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { id: 'rec-notice' }), TEST_PROFILE),
      TEST_PROFILE,
    );

  test('the confirmation says the call reached the duty team', () => {
    const x = w();
    expect(allText(x.render('referrer-confirmation'))).toContain(
      `Your call ${x.call.reference} has reached the IMH duty team`,
    );
  });

  test('the indication notice gives the indication of its event, by whom, with the reason', () => {
    const x = w();
    x.act({ type: 'indication-given', indication: 'not-eligible', reason: 'Family live out of area' }, DUTY);
    x.act({ type: 'indication-given', indication: 'eligible', reason: '' }, LEAD_ACTOR);
    const first = allText(x.render('indication-notice', { seq: 1 }));
    expect(first).toContain('**Not eligible**, given by Dana Duty on 23 November 2026, 10:01.');
    expect(first).toContain('Reason: Family live out of area');
    expect(first).toContain('No formal referral to the IMH service is needed.');
    const second = allText(x.render('indication-notice', { seq: 2 }));
    expect(second).toContain('**Eligible**, given by Lee Lead');
    expect(second).toContain('Please send your formal written referral');
  });

  test.each([
    ['accepted', /has been accepted.*allocated to a therapist, or put on the waiting list/],
    ['network-information', /more information from the professionals working with the family/],
    ['family-contact', /will contact the family first/],
    ['not-accepted', /has not been accepted: the team found it not eligible or not suitable/],
  ] as const)(
    '[HAZ-15] the allocation notice tells the referrer "%s" in plain words, by whom and when',
    (outcome, plain) => {
      const x = w();
      x.act({ type: 'referral-received' }, DUTY);
      x.act({ type: 'allocation-decided', outcome, note: 'Note for you' }, LEAD_ACTOR);
      const card = x.render('allocation-notice', { seq: 2 });
      const text = allText(card);
      expect(text).toContain(`The allocations meeting’s outcome for your referral ${x.call.reference}`);
      expect(text).toContain('recorded by Lee Lead on 23 November 2026, 10:02.');
      expect(text).toMatch(plain);
      expect(text).toContain('From the team: Note for you');
      expect(cardProblems(card)).toEqual([]);
    },
  );

  test('the delivery-failed notice names the delivery and the record, and no patient data', () => {
    const x = w();
    const card = x.render('delivery-failed', {
      failedId: 'd-1',
      failedKind: 'safeguarding-alert',
      reason: 'channel not set',
      attempts: 4,
      dependents: [{ id: 'd-2', kind: 'referrer-confirmation' }],
    });
    const text = allText(card);
    expect(text).toContain(`A delivery failed: record ${x.call.reference}`);
    expect(text).toContain('I could not post the safeguarding alert to the leads’ channel after 4 attempts');
    expect(text).toContain('Why: channel not set.');
    expect(text).toContain('Not sent either, as they waited on it: the confirmation to the referrer.');
    expect(text).toContain('Delivery d-1.');
    for (const patient of ['Baby Ada', '943 476 5919', 'Maria', 'Hannah Visitor'])
      expect(text).not.toContain(patient);
    expect(cardProblems(card)).toEqual([]);
  });
});

describe('user text on the channel cards is data', () => {
  const PAYLOADS = [
    '${$root.recordId}',
    '{{DATE(2026-01-01T00:00:00Z, SHORT)}}',
    '[click](https://evil.example)',
    `<at>${LEAD.name}</at>`,
    'All at once: **b** [x](https://evil.example) <at>A</at> ${1+1} {{TIME(2026-01-01T10:00:00Z)}}',
  ];

  test.each(PAYLOADS)('%j typed everywhere, as a reason and as a Teams display name', (payload) => {
    const call = submitted(
      buildDraft('full', everyTextIs(payload), WORST_PROFILE, { id: 'rec-text' }),
      WORST_PROFILE,
    );
    const x = world(call, WORST_PROFILE);
    x.act(
      { type: 'indication-given', indication: 'not-eligible', reason: payload },
      { id: 'a', name: payload },
    );
    x.act({ type: 'alert-escalated', round: 1 }, { id: 'bot', name: 'IMH duty bot' });
    // drawn while unacknowledged: once acknowledged, an escalation is redrawn without its mention
    const escalation = x.render('alert-escalation', { round: 1 });
    x.act({ type: 'alert-acknowledged' }, { id: 'b', name: payload });
    x.act({ type: 'referral-received' }, { id: 'c', name: payload });
    x.act({ type: 'allocation-decided', outcome: 'not-accepted', note: payload }, { id: 'd', name: payload });
    const cards = {
      duty: x.render('duty-summary'),
      alert: x.render('safeguarding-alert', { reasons: ['Domestic abuse'] }),
      escalation,
      notice: x.render('indication-notice', { seq: 1 }),
      allocation: x.render('allocation-notice', { seq: 5 }),
    };
    const escaped = escapeMarkdown(payload);
    for (const [name, card] of Object.entries(cards)) {
      // names and facts on the alert have any typed "<at>" broken with a zero-width space
      const noMention = escapeMarkdown(payload.replace(/<(\/?)at>/gi, '<$1\u200Bat>'));
      // a display name is cut at 80 characters on the duty card: the cut name is still the user's text
      const cutName = escapeMarkdown(truncate(payload, 80).replace(/<(\/?)at>/gi, '<$1\u200Bat>'));
      expect(
        cardProblems(card, [payload, escaped, escapeTextRun(payload), noMention, cutName]),
        name,
      ).toEqual([]);
      for (const text of markdownTexts(card)) {
        const where = `${name}: ${text.slice(0, 60)}`;
        if (escaped !== payload) expect(text, where).not.toContain(payload);
        expect(text, where).not.toMatch(/(?<!\\)\]\(/);
        expect(text, where).not.toContain('{{');
        expect(text, where).not.toContain('://');
      }
      for (const run of textRuns(card)) expect(run, name).not.toContain('{{');
    }
    // "${$root.recordId}" was not evaluated into the record's id where it was typed
    for (const s of strings(cards.duty).filter((s) => s.value.includes('$root')))
      expect(s.value).not.toContain('rec-text');
    // the only mention is the configured lead's, on the escalation; typed "<at>" never matches it
    const lead = `<at>${LEAD.name}</at>`;
    expect(markdownTexts(cards.escalation).filter((t) => t.includes(lead))).toHaveLength(1);
    for (const name of ['duty', 'alert', 'notice', 'allocation'] as const)
      expect(JSON.stringify(cards[name]), name).not.toContain('"entities"');
  });
});

describe.each(KINDS)('a worst-case %s call', (kind) => {
  test.each(FILL_NAMES)('every channel card fits a Teams message, in %s text', (fillName) => {
    const unit = FILLS[fillName];
    const call = submitted(
      buildDraft(kind, worstAnswers(unit), WORST_PROFILE, { id: `rec-worst-${kind}` }),
      WORST_PROFILE,
    );
    const x = world(call, WORST_PROFILE, { now: new Date(NOW.getTime() + 30 * 86_400_000) });
    const name = fill(200, unit);
    x.act(
      { type: 'indication-given', indication: 'more-information', reason: fill(REASON_MAX_LENGTH, unit) },
      { id: 'a', name },
    );
    x.act({ type: 'recorded-on-record' }, { id: 'b', name });
    x.act({ type: 'alert-escalated', round: 3 }, { id: 'bot', name: 'IMH duty bot' });
    const cards: [string, Card][] = [
      ['duty-summary', x.render('duty-summary')],
      [
        'safeguarding-alert',
        x.render('safeguarding-alert', { reasons: [fill(300, unit), 'Domestic abuse'] }),
      ],
      ['alert-escalation', x.render('alert-escalation', { round: 3 })],
      ['indication-notice', x.render('indication-notice', { seq: 1 })],
    ];
    for (const [label, card] of cards) {
      expect(cardProblems(card), label).toEqual([]);
      expect(cardJsonBytes(card), label).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(activityBytes(card), label).toBeLessThan(TEAMS_MESSAGE_BYTES);
      // a channel card names its delivery; the referrer's names the record only (issue 9)
      expect(lastText(card), label).toMatch(
        REFERRER_KINDS.has(label) ? /^Record \S+$/ : /· delivery [0-9a-f-]{36}$/,
      );
    }
    // the actions and the state survive the shortening
    const duty = cards[0]![1];
    if (kind === 'full') expect(allText(duty)).toContain('Awaited: overdue');
    // a display name is cut at 80 characters on the card (the event keeps it whole)
    expect(allText(duty)).toContain(
      `More information needed: given by ${escapeMarkdown(truncate(name, 80))}, `,
    );
    expect(
      elements(duty)
        .filter((e) => e.type === 'Action.Execute')
        .map((e) => e.verb),
    ).toEqual(kind === 'full' ? ['duty.indicate', 'duty.referral-received'] : ['duty.indicate']);
  });
});

describe.each(FILL_NAMES)('a worst-case full call after the allocations meeting, in %s text', (fillName) => {
  test('[HAZ-15] the duty card with the longest note, and the referrer’s notice, fit a Teams message', () => {
    const unit = FILLS[fillName];
    const call = submitted(
      buildDraft('full', worstAnswers(unit), WORST_PROFILE, { id: 'rec-worst-allocation' }),
      WORST_PROFILE,
    );
    const x = world(call, WORST_PROFILE);
    const name = fill(200, unit);
    x.act(
      { type: 'indication-given', indication: 'more-information', reason: fill(REASON_MAX_LENGTH, unit) },
      { id: 'a', name },
    );
    x.act({ type: 'recorded-on-record' }, { id: 'b', name });
    x.act({ type: 'referral-received' }, { id: 'c', name });
    x.act(
      { type: 'allocation-decided', outcome: 'network-information', note: fill(REASON_MAX_LENGTH, unit) },
      { id: 'd', name },
    );
    const cards: [string, Card][] = [
      ['duty-summary', x.render('duty-summary')],
      ['allocation-notice', x.render('allocation-notice', { seq: 4 })],
    ];
    for (const [label, card] of cards) {
      expect(cardProblems(card), label).toEqual([]);
      expect(cardJsonBytes(card), label).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(activityBytes(card), label).toBeLessThan(TEAMS_MESSAGE_BYTES);
      // a channel card names its delivery; the referrer's names the record only (issue 9)
      expect(lastText(card), label).toMatch(
        REFERRER_KINDS.has(label) ? /^Record \S+$/ : /· delivery [0-9a-f-]{36}$/,
      );
    }
    const duty = cards[0]![1];
    expect(allText(duty)).toContain(
      `More information needed from the network: recorded by ${escapeMarkdown(truncate(name, 80))}, `,
    );
    expect(
      elements(duty)
        .filter((e) => e.type === 'Action.Execute')
        .map((e) => e.verb),
    ).toEqual(['duty.indicate', 'duty.allocation']);
  });
});
