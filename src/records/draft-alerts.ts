import { type Answers, recordTarget, type SectionAnswers } from '../domain/answers';
import { type Actor, BOT_ACTOR, nextEscalationAt, type Stamp } from '../domain/call-state';
import type { CallKind, ServiceProfile } from '../domain/checklist';
import { escalationDeliveries, type PressedOn } from '../domain/deliveries';
import type { Draft } from '../domain/draft';
import { assessRisk, possibleHarmFlagged, type RiskAssessment } from '../domain/risk';
import { type AlertRule, alertReasons } from '../domain/safeguarding';
import type { SubmittedCall } from '../domain/submitted-call';
import { perStore, type Query, type SqlStore, select, selectOne, write } from '../storage/sql';
import { appendAudit } from './audit';
import {
  alertMessageUpdates,
  deliveriesOfDraftAlert,
  deliveryById,
  enqueueDelivery,
  linkDeliveries,
  type NewDelivery,
  setDeliveryPayload,
} from './outbox';
import { appendEvent } from './record-events';

/**
 * Why the leads are told, from what is known so far: the service's rules applied to the answers saved
 * up to the risk section, and possible harm (yes or not known) always, whatever the rules say: that is
 * what raised the alert.
 */
export function inProgressReasons(answers: Answers, rules: readonly AlertRule[], profile: ServiceProfile) {
  // the rules read the answers, the risk assessment and the phone record; there is no phone record yet
  const partial = { answers, risk: assessRisk(answers, profile), phone: [] } as unknown as SubmittedCall;
  const reasons = alertReasons(partial, rules);
  const harm = (field: string, who: string) => {
    const v = answers.risk?.[field];
    if (v === 'yes') return `Possible harm to ${who}`;
    if (v === 'not-known') return `Possible harm to ${who}: not known`;
    return undefined;
  };
  for (const r of [harm('harmToBaby', 'the baby'), harm('harmToParent', 'a parent')]) {
    if (r && !reasons.some((x) => x.startsWith(r.split(':')[0]!))) reasons.unshift(r);
  }
  return reasons;
}

/**
 * What an in-progress alert shows: the same minimum as a submitted call's alert card (why, the suggested
 * risk and its actions, the identifiers to find the record with, the referrer's contact) and nothing
 * more: no free text, no address, no other answers.
 */
export interface AlertSnapshot {
  readonly kind: CallKind;
  readonly callDate: string;
  readonly startedAt: string;
  readonly reasons: readonly string[];
  readonly risk: RiskAssessment;
  readonly recordTarget: 'infant' | 'mother' | 'none';
  readonly answers: Answers;
}

const pick = (a: SectionAnswers | undefined, keys: readonly string[]): SectionAnswers =>
  Object.fromEntries(keys.flatMap((k) => (a?.[k] === undefined ? [] : [[k, a[k]!]])));

export function snapshotOf(
  draft: Draft,
  rules: readonly AlertRule[],
  profile: ServiceProfile,
): AlertSnapshot {
  const a = draft.answers;
  return {
    kind: draft.kind,
    callDate: draft.callDate,
    startedAt: draft.startedAt,
    reasons: inProgressReasons(a, rules, profile),
    risk: assessRisk(a, profile),
    recordTarget: recordTarget(draft.kind, a),
    answers: {
      referrer: pick(a.referrer, ['name', 'role', 'roleOther', 'organisation', 'phone']),
      // the alert card's identifiers (infantFacts' first four): infant, date of birth or due date,
      // NHS number, mother or primary caregiver
      ...(draft.kind === 'full'
        ? {
            family: pick(a.family, [
              'stage',
              'infantName',
              'dateOfBirth',
              'expectedDate',
              'nhsNumber',
              'caregiverName',
            ]),
          }
        : {}),
      risk: pick(a.risk, ['harmToBaby', 'harmToParent']),
    },
  };
}

export interface DraftAlert {
  readonly id: string;
  readonly draftId: string;
  readonly reference: string;
  /** The delivery that starts the alert's thread in the safeguarding channel. */
  readonly outboxId: string;
  readonly tenantId: string;
  readonly referrerAadId: string;
  readonly contact: { readonly serviceUrl: string; readonly conversationId: string; readonly userId: string };
  readonly snapshot: AlertSnapshot;
  readonly raisedAt: string;
  readonly riskFlagged: boolean;
  readonly acknowledged: Stamp | undefined;
  /** Escalation rounds made while the alert had no record, and when the last was made. */
  readonly escalations: number;
  readonly lastEscalatedAt: string | undefined;
  /** The submitted record that took the alert over, once the call is submitted. */
  readonly recordId: string | undefined;
  readonly closedAs: 'submitted' | 'discarded' | undefined;
  readonly closedAt: string | undefined;
}

/** The in-progress alert drawn as a call, so the alert card is drawn by the same code as a record's. */
export function snapshotCall(a: DraftAlert): SubmittedCall {
  const s = a.snapshot;
  return {
    id: a.draftId,
    reference: a.reference,
    kind: s.kind,
    callDate: s.callDate,
    startedAt: s.startedAt,
    submittedAt: a.raisedAt,
    minutesUsed: 0,
    answers: s.answers,
    recordTarget: s.recordTarget,
    eligibility: null,
    risk: s.risk,
    phone: [],
  };
}

export type AlertNote = 'submitted' | 'risk-withdrawn' | 'risk-flagged-again' | 'discarded' | 'unsubmitted';

export interface RiskSaveOutcome {
  /** The call's alert, if it has one (raised now or before). */
  readonly alert?: DraftAlert | undefined;
  readonly raised: boolean;
  /** A note posted in the alert's thread because the answers changed since the last save. */
  readonly note?: AlertNote | undefined;
  /** Where the alert is, for what the referrer is told now. */
  readonly leads?: 'being-alerted' | 'alerted' | 'acknowledged' | undefined;
  /** When the alert reached the leads' channel, if it has. */
  readonly deliveredAt?: string | undefined;
}

export type InProgressAck =
  | { readonly outcome: 'done'; readonly alert: DraftAlert; readonly updates: readonly string[] }
  | { readonly outcome: 'already'; readonly alert: DraftAlert }
  | { readonly outcome: 'submitted'; readonly recordId: string }
  | { readonly outcome: 'not-found' };

export interface DraftAlertOptions {
  readonly alertRules: readonly AlertRule[];
  readonly profile: ServiceProfile;
  readonly giveUpMinutes: number;
  readonly newId: () => string;
  /**
   * The alert's call reference: reserved in the alert's own transaction (reserveReference), or fixed
   * (tests).
   */
  readonly newReference: () => string | Query<string>;
  /** ALERT_ESCALATION_MINUTES: when an alert nobody has acknowledged is first looked at for escalation. */
  readonly escalationMinutes?: number;
}

interface Who {
  readonly tenantId: string;
  readonly userId: string;
}

type Row = Record<string, string | number | null>;

function toAlert(r: Row): DraftAlert {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? undefined : String(r[k]));
  return {
    id: String(r.id),
    draftId: String(r.draft_id),
    reference: String(r.reference),
    outboxId: String(r.outbox_id),
    tenantId: String(r.tenant_id),
    referrerAadId: String(r.referrer_aad_id),
    contact: {
      serviceUrl: String(r.service_url),
      conversationId: String(r.conversation_id),
      userId: String(r.user_id),
    },
    snapshot: JSON.parse(String(r.snapshot_json)) as AlertSnapshot,
    raisedAt: String(r.raised_at),
    riskFlagged: Number(r.risk_flagged) === 1,
    acknowledged:
      r.ack_at && r.ack_by_id
        ? { by: { id: String(r.ack_by_id), name: String(r.ack_by_name ?? '') }, at: String(r.ack_at) }
        : undefined,
    escalations: Number(r.escalations ?? 0),
    lastEscalatedAt: s('last_escalated_at'),
    recordId: s('record_id'),
    closedAs: s('closed_as') as DraftAlert['closedAs'],
    closedAt: s('closed_at'),
  };
}

/** An alert raised while a call was in progress, by its id. */
export function* draftAlertById(id: string): Query<DraftAlert | undefined> {
  const r = yield* selectOne<Row>('SELECT * FROM draft_alerts WHERE id = ?', [id]);
  return r && toAlert(r);
}

/** The in-progress alert whose first post is this delivery. */
export function* draftAlertByOutboxId(outboxId: string): Query<DraftAlert | undefined> {
  const r = yield* selectOne<Row>('SELECT * FROM draft_alerts WHERE outbox_id = ?', [outboxId]);
  return r && toAlert(r);
}

const lockedBy = (by: 'id' | 'draft_id') =>
  perStore((d) => `SELECT * FROM draft_alerts WHERE ${by} = ?${d.postgresOnly(' FOR UPDATE')}`);
const LOCKED_BY = { id: lockedBy('id'), draft_id: lockedBy('draft_id') };

/**
 * Safeguarding alerts raised while a call is in progress (issue 8, "act when the answer is given").
 *
 * A draft has no duty_calls row, which the outbox's record_id must name, so each alert is a draft_alerts
 * row keyed by its own id and by the draft id; its deliveries carry `draftAlertId` in their payload and
 * no record. Records take the draft's id at submit, so the submit finds the alert by draft id, makes its
 * deliveries the record's own, carries an acknowledgement over as the record's event, and posts the call
 * as submitted in the same thread: one alert per call, however it ends.
 *
 * Written once for both stores (the SQL seam, issue 11): each method is a query, to run as one
 * transaction or as part of the caller's (a Submit's record, a draft's save).
 */
export class DraftAlertQueries {
  constructor(private readonly o: DraftAlertOptions) {}

  *get(id: string): Query<DraftAlert | undefined> {
    return yield* draftAlertById(id);
  }

  /** The in-progress alert whose first post is this delivery. */
  *byOutboxId(outboxId: string): Query<DraftAlert | undefined> {
    return yield* draftAlertByOutboxId(outboxId);
  }

  *forDraft(draftId: string): Query<DraftAlert | undefined> {
    const r = yield* selectOne<Row>('SELECT * FROM draft_alerts WHERE draft_id = ?', [draftId]);
    return r && toAlert(r);
  }

  /**
   * An alert read to be changed: on PostgreSQL its row is locked until the transaction ends, so what is
   * decided from it (acknowledged yet? taken over yet?) still holds when it is written, whatever another
   * instance does meanwhile (it waits, then reads what this one wrote). SQLite's transaction holds the
   * write lock from its start (IMMEDIATE), which does the same for the whole file.
   */
  private *locked(by: 'id' | 'draft_id', value: string): Query<DraftAlert | undefined> {
    const r = yield* selectOne<Row>(LOCKED_BY[by], [value]);
    return r && toAlert(r);
  }

  /**
   * After the risk section is saved: raises the alert if possible harm is flagged and the call has none
   * yet; with one already raised, a change of answer is noted in its thread (a withdrawn answer never
   * cancels an alert: the leads decide). Saving the same answers again does nothing.
   */
  *onRiskSaved(draft: Draft, who: Who, contact: DraftAlert['contact'], now: Date): Query<RiskSaveOutcome> {
    const flagged = possibleHarmFlagged(draft.answers);
    const existing = yield* this.locked('draft_id', draft.id);
    if (!existing) {
      if (!flagged) return { raised: false };
      const alert = yield* this.raise(draft, who, contact, now);
      return { alert, raised: true, leads: 'being-alerted' };
    }
    let note: AlertNote | undefined;
    if (!existing.closedAt && existing.riskFlagged !== flagged) {
      note = flagged ? 'risk-flagged-again' : 'risk-withdrawn';
      yield* write('UPDATE draft_alerts SET risk_flagged = ? WHERE id = ?', [flagged ? 1 : 0, existing.id]);
      yield* this.note(existing, note, now, {
        reasons: inProgressReasons(draft.answers, this.o.alertRules, this.o.profile),
      });
      yield* appendAudit({
        at: now.toISOString(),
        actorId: who.userId,
        action: 'draft-alert-noted',
        recordId: draft.id,
        outcome: note,
        detail: { alertId: existing.id },
      });
    }
    const root = yield* deliveryById(existing.outboxId);
    const deliveredAt = root?.status === 'delivered' ? root.deliveredAt : undefined;
    return {
      alert: yield* this.get(existing.id),
      raised: false,
      note,
      leads: existing.acknowledged ? 'acknowledged' : deliveredAt ? 'alerted' : 'being-alerted',
      deliveredAt,
    };
  }

  /**
   * The referrer discarded the draft: the leads are told in the alert's thread (a draft with possible
   * harm flagged but, for whatever reason, no alert yet raises it first: discarding must not be silent).
   */
  *onDiscarded(
    draft: Draft,
    who: Who,
    contact: DraftAlert['contact'],
    now: Date,
  ): Query<DraftAlert | undefined> {
    let alert = yield* this.locked('draft_id', draft.id);
    if (!alert && possibleHarmFlagged(draft.answers)) alert = yield* this.raise(draft, who, contact, now);
    if (!alert || alert.closedAt) return undefined;
    yield* write(`UPDATE draft_alerts SET closed_as = 'discarded', closed_at = ? WHERE id = ?`, [
      now.toISOString(),
      alert.id,
    ]);
    yield* this.note(alert, 'discarded', now);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: who.userId,
      action: 'draft-alert-noted',
      recordId: draft.id,
      outcome: 'discarded',
      detail: { alertId: alert.id },
    });
    return yield* this.get(alert.id);
  }

  /**
   * At submit, inside the submit's transaction, after the record is inserted: the record takes the
   * alert over. Its deliveries become the record's; the alert's first post, if not yet made, is drawn
   * from the record (so it goes out once, complete); if it has been made, or is being made, the call as
   * submitted follows in its thread. An acknowledgement already given becomes the record's event.
   */
  *takeOver(call: SubmittedCall, recordReasons: readonly string[], now: Date): Query<DraftAlert | undefined> {
    const alert = yield* this.locked('draft_id', call.id);
    if (!alert || alert.recordId) return undefined;
    const root = yield* deliveryById(alert.outboxId);
    const reasons = [...new Set([...alert.snapshot.reasons, ...recordReasons])];
    // every row queued about the alert carries its id (the worker's notices and copies too: migration 5)
    const ids = (yield* deliveriesOfDraftAlert(alert.id)).map((d) => d.id);
    yield* linkDeliveries(ids, call.id);
    // the leads keep what they were told, and see what the whole call adds
    if (root) yield* setDeliveryPayload(root.id, { ...root.payload, reasons });
    // the rounds already made become the record's, so the scheduler carries on from the next round at
    // the same times (from when the alert was raised) rather than starting again: no double escalation
    let version = 0;
    if (alert.escalations > 0) {
      yield* appendEvent(
        call.id,
        version++,
        { type: 'alert-escalated', round: alert.escalations },
        BOT_ACTOR,
        alert.lastEscalatedAt ?? now.toISOString(),
      );
    }
    if (alert.acknowledged) {
      yield* appendEvent(
        call.id,
        version++,
        { type: 'alert-acknowledged' },
        alert.acknowledged.by,
        alert.acknowledged.at,
      );
    }
    yield* write(
      `UPDATE draft_alerts SET record_id = ?, closed_as = 'submitted', closed_at = ?, next_escalation_at = NULL
       WHERE id = ?`,
      [call.id, now.toISOString(), alert.id],
    );
    // An alert whose first post failed has no thread to add to: it stays the call's alert, failed, which
    // the worker has already reported (the referrer told to phone, copies to the duty and admin
    // channels) and which escalation covers as an alert never delivered; a second alert would only
    // fail the same way.
    const posted =
      root?.status === 'delivered' || (root?.status === 'pending' && root.inFlightAt !== undefined);
    if (posted) yield* this.note({ ...alert, recordId: call.id }, 'submitted', now);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: alert.referrerAadId,
      action: 'draft-alert-noted',
      recordId: call.id,
      outcome: 'submitted',
      detail: {
        alertId: alert.id,
        followUp: posted,
        acknowledged: alert.acknowledged !== undefined,
        escalations: alert.escalations,
      },
    });
    return yield* this.get(alert.id);
  }

  /**
   * A lead acknowledges an in-progress alert. Recorded against the alert (and audited with the draft id,
   * which becomes the record's id); once the call is submitted the record holds it as an event, and an
   * acknowledgement pressed after that goes to the record instead ('submitted').
   */
  *acknowledge(alertId: string, actor: Actor, now: Date, on?: PressedOn): Query<InProgressAck> {
    const alert = yield* this.locked('id', alertId);
    if (!alert) return { outcome: 'not-found' };
    if (alert.recordId) return { outcome: 'submitted', recordId: alert.recordId };
    const audit = (outcome: string, detail: Record<string, unknown> = {}) =>
      appendAudit({
        at: now.toISOString(),
        actorId: actor.id,
        action: 'alert.ack',
        recordId: alert.draftId,
        outcome,
        detail: { alertId, inProgress: true, ...detail },
      });
    if (alert.acknowledged) {
      yield* audit('already');
      return { outcome: 'already', alert };
    }
    // acknowledged: escalation stops (out of the scheduler's index)
    yield* write(
      'UPDATE draft_alerts SET ack_by_id = ?, ack_by_name = ?, ack_at = ?, next_escalation_at = NULL WHERE id = ?',
      [actor.id, actor.name, now.toISOString(), alertId],
    );
    const noticeId = yield* this.tellReferrer(alert, 'acknowledged', now, {
      by: actor.name,
      at: now.toISOString(),
    });
    const updates = yield* this.updateMessages(alert, now, on);
    yield* audit('done', { deliveryId: noticeId, updates });
    return { outcome: 'done', alert: (yield* this.get(alertId))!, updates };
  }

  /**
   * Alerts whose call is still neither submitted nor discarded `minutes` after the alert, found by index,
   * oldest first, a bounded batch: each to be told to the leads once (noteUnsubmitted).
   */
  *unsubmittedDue(now: Date, minutes: number, limit: number): Query<DraftAlert[]> {
    const before = new Date(now.getTime() - minutes * 60_000).toISOString();
    const rows = yield* select<Row>(
      `SELECT * FROM draft_alerts WHERE closed_at IS NULL AND unsubmitted_noted_at IS NULL AND raised_at <= ?
       ORDER BY raised_at LIMIT ?`,
      [before, limit],
    );
    return rows.map(toAlert);
  }

  /** The leads are told the call of `r` (from unsubmittedDue) was not submitted; false if that is done. */
  *noteUnsubmitted(r: DraftAlert, now: Date, minutes: number): Query<boolean> {
    const { changes } = yield* write(
      'UPDATE draft_alerts SET unsubmitted_noted_at = ? WHERE id = ? AND unsubmitted_noted_at IS NULL AND closed_at IS NULL',
      [now.toISOString(), r.id],
    );
    if (changes === 0) return false;
    const id = yield* this.note(r, 'unsubmitted', now, { minutes });
    yield* appendAudit({
      at: now.toISOString(),
      actorId: 'bot',
      action: 'draft-alert-noted',
      recordId: r.draftId,
      outcome: 'unsubmitted',
      detail: { alertId: r.id, deliveryId: id, minutes },
    });
    return true;
  }

  /** Alerts with a round of escalation due, found by index (next_escalation_at), a bounded batch. */
  *escalationsDue(now: Date, limit: number): Query<DraftAlert[]> {
    const rows = yield* select<Row>(
      `SELECT * FROM draft_alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ?
       ORDER BY next_escalation_at LIMIT ?`,
      [now.toISOString(), limit],
    );
    return rows.map(toAlert);
  }

  /**
   * The next round of escalation of `a` (from escalationsDue) if it is due: claimed only as read, so a
   * submit or an acknowledgement that landed first wins. One round per run: a bot that was down for
   * hours posts once, not once per missed interval. True if a round was made.
   */
  *escalate(a: DraftAlert, now: Date, minutes: number): Query<boolean> {
    const interval = minutes * 60_000;
    const rounds = Math.floor((now.getTime() - Date.parse(a.raisedAt)) / interval);
    // when the round after `round` (the last made at `at`, or as stored) falls due: the same rule as a
    // record's alert (call-state.ts), so rounds missed while the bot was down are not made up one per run
    const next = (round: number, at: string | null) => {
      const last = at ?? a.lastEscalatedAt;
      return nextEscalationAt(
        a.raisedAt,
        { escalations: round, ...(last ? { lastEscalatedAt: last } : {}) },
        minutes,
      )!.toISOString();
    };
    const claim = function* (round: number, at: string | null): Query<boolean> {
      const { changes } = yield* write(
        `UPDATE draft_alerts SET escalations = ?, last_escalated_at = COALESCE(?, last_escalated_at),
           next_escalation_at = ?
         WHERE id = ? AND escalations = ? AND record_id IS NULL AND ack_at IS NULL`,
        [round, at, next(round, at), a.id, a.escalations],
      );
      return changes === 1;
    };
    if (rounds <= a.escalations) {
      // not due yet (e.g. raised by an earlier build, or ALERT_ESCALATION_MINUTES changed): look again then
      yield* claim(a.escalations, null);
      return false;
    }
    const round = a.escalations + 1;
    if (!(yield* claim(round, now.toISOString()))) return false;
    const root = yield* deliveryById(a.outboxId);
    const deliveries = escalationDeliveries(
      { id: a.outboxId, delivered: root?.status === 'delivered' },
      { round, alertDeliveryId: a.outboxId, draftAlertId: a.id },
    ).map((d) => ({ id: this.o.newId(), ...d }));
    for (const d of deliveries) yield* this.enqueue(d, now);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: BOT_ACTOR.id,
      action: 'alert-escalated',
      recordId: a.draftId,
      outcome: 'done',
      detail: {
        alertId: a.id,
        round,
        inProgress: true,
        deliveryId: deliveries[0]!.id,
        ...(deliveries.length > 1 ? { deliveryIds: deliveries.map((d) => d.id) } : {}),
      },
    });
    return true;
  }

  /**
   * Inside the acknowledgement's transaction: one update (PUT, through the outbox, retried like any
   * delivery) for every message of the alert: its first post, each escalation (in its thread, or in the
   * duty and admin channels), each copy of it as undelivered, and the message pressed if the outbox does
   * not know it (a duplicate whose answer was lost). A message still to be posted is updated after its
   * post. Returns the update ids. The same as CallActions does for a record's alert.
   */
  private *updateMessages(alert: DraftAlert, now: Date, on: PressedOn | undefined): Query<string[]> {
    const deliveries = yield* deliveriesOfDraftAlert(alert.id);
    const ids: string[] = [];
    for (const { target, afterId } of alertMessageUpdates(deliveries, on)) {
      const id = this.o.newId();
      // draftAlertId: found with the alert's other rows (hand-over at submit, retention)
      yield* this.enqueue(
        { id, kind: 'alert-update', target, payload: { draftAlertId: alert.id }, afterId },
        now,
      );
      ids.push(id);
    }
    return ids;
  }

  /** The referrer's notices queued for an in-progress alert (no record yet: its rows carry its id). */
  private *tellReferrer(
    alert: Pick<DraftAlert, 'id' | 'outboxId' | 'recordId' | 'contact'>,
    notice: 'alerted' | 'acknowledged',
    now: Date,
    extra: Record<string, unknown> = {},
  ): Query<string> {
    const id = this.o.newId();
    const alerted =
      notice === 'acknowledged'
        ? (yield* deliveriesOfDraftAlert(alert.id)).find(
            (d) => d.kind === 'referrer-notice' && d.payload.notice === 'alerted' && d.status !== 'failed',
          )?.id
        : alert.outboxId;
    yield* this.enqueue(
      {
        id,
        recordId: alert.recordId,
        kind: 'referrer-notice',
        target: { type: 'referrer' },
        // the referrer's chat travels with a notice sent before the call has a record (see the worker)
        payload: {
          notice,
          draftAlertId: alert.id,
          alertDeliveryId: alert.outboxId,
          contact: alert.contact,
          ...extra,
        },
        // in the order they happened: "alerted" once the alert is posted, "acknowledged" after it
        afterId: alerted,
      },
      now,
    );
    return id;
  }

  private *raise(draft: Draft, who: Who, contact: DraftAlert['contact'], now: Date): Query<DraftAlert> {
    const issued = this.o.newReference();
    const reference = typeof issued === 'string' ? issued : yield* issued;
    const id = this.o.newId();
    const outboxId = this.o.newId();
    const snapshot = snapshotOf(draft, this.o.alertRules, this.o.profile);
    yield* this.enqueue(
      {
        id: outboxId,
        kind: 'safeguarding-alert',
        target: { type: 'channel', role: 'safeguarding' },
        // contact: the referrer's chat, for the worker's notice to them if this alert is not delivered
        payload: {
          draftAlertId: id,
          inProgress: true,
          reasons: snapshot.reasons,
          contact: { serviceUrl: contact.serviceUrl, conversationId: contact.conversationId },
        },
      },
      now,
    );
    yield* write(
      `INSERT INTO draft_alerts (id, draft_id, reference, outbox_id, tenant_id, referrer_aad_id, service_url,
         conversation_id, user_id, snapshot_json, raised_at, risk_flagged, next_escalation_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      [
        id,
        draft.id,
        reference,
        outboxId,
        who.tenantId,
        who.userId,
        contact.serviceUrl,
        contact.conversationId,
        contact.userId,
        JSON.stringify(snapshot),
        now.toISOString(),
        // the first escalation's time; the scheduler works out each round from raised_at
        new Date(now.getTime() + (this.o.escalationMinutes ?? 0) * 60_000).toISOString(),
      ],
    );
    const noticeId = yield* this.tellReferrer({ id, outboxId, recordId: undefined, contact }, 'alerted', now);
    yield* appendAudit({
      at: now.toISOString(),
      actorId: who.userId,
      action: 'draft-alert-raised',
      recordId: draft.id,
      outcome: 'queued',
      detail: { alertId: id, deliveryId: outboxId, noticeId, reasons: snapshot.reasons.length },
    });
    return (yield* this.get(id))!;
  }

  private *note(
    alert: DraftAlert,
    note: AlertNote,
    now: Date,
    extra: Record<string, unknown> = {},
  ): Query<string> {
    const id = this.o.newId();
    yield* this.enqueue(
      {
        id,
        recordId: alert.recordId,
        kind: 'alert-note',
        target: { type: 'thread', of: alert.outboxId },
        payload: { note, draftAlertId: alert.id, at: now.toISOString(), ...extra },
        // a note is not due before the alert's first post is made (the worker would otherwise look again
        // only after its wait for a thread). Only once the record owns both: a failed first post then
        // fails its dependents too; before that the note waits on its thread and fails with it.
        afterId: alert.recordId ? alert.outboxId : undefined,
      },
      now,
    );
    return id;
  }

  private enqueue(d: NewDelivery, now: Date): Query<void> {
    return enqueueDelivery(d, now, this.o.giveUpMinutes);
  }
}

/**
 * The in-progress alerts' queries, each run as one transaction. What must commit with a draft's save (a
 * risk save's alert, a discard's note) goes through DraftStore.saveWith as the query itself (`queries`).
 */
export class DraftAlerts {
  readonly queries: DraftAlertQueries;

  constructor(
    private readonly sql: SqlStore,
    o: DraftAlertOptions,
  ) {
    this.queries = new DraftAlertQueries(o);
  }

  get(id: string): Promise<DraftAlert | undefined> {
    return this.sql.transact(this.queries.get(id));
  }

  byOutboxId(outboxId: string): Promise<DraftAlert | undefined> {
    return this.sql.transact(this.queries.byOutboxId(outboxId));
  }

  forDraft(draftId: string): Promise<DraftAlert | undefined> {
    return this.sql.transact(this.queries.forDraft(draftId));
  }

  onRiskSaved(draft: Draft, who: Who, contact: DraftAlert['contact'], now: Date): Promise<RiskSaveOutcome> {
    return this.sql.transact(this.queries.onRiskSaved(draft, who, contact, now));
  }

  onDiscarded(
    draft: Draft,
    who: Who,
    contact: DraftAlert['contact'],
    now: Date,
  ): Promise<DraftAlert | undefined> {
    return this.sql.transact(this.queries.onDiscarded(draft, who, contact, now));
  }

  acknowledge(alertId: string, actor: Actor, now: Date, on?: PressedOn): Promise<InProgressAck> {
    return this.sql.transact(this.queries.acknowledge(alertId, actor, now, on));
  }

  /**
   * Alerts whose call is still neither submitted nor discarded `minutes` after the alert: the leads are
   * told, once. Found by index, oldest first, a bounded batch per run; each in a transaction of its own.
   */
  async noteUnsubmitted(now: Date, minutes: number, limit = 50): Promise<number> {
    let noted = 0;
    for (const r of await this.sql.transact(this.queries.unsubmittedDue(now, minutes, limit))) {
      if (await this.sql.transact(this.queries.noteUnsubmitted(r, now, minutes))) noted += 1;
    }
    return noted;
  }

  /**
   * Alerts with no record that nobody has acknowledged, escalated at each `minutes` from when they were
   * raised, as a record's are (the scheduler): in the alert's thread once its first post is made; until
   * then to the duty and admin channels, where it can be seen; each mentioning the on-call lead (render).
   * Discarded or never-submitted calls' alerts included: the leads were told about this infant. Found by
   * index (next_escalation_at), a bounded batch per run; one round per alert per run, each in a
   * transaction of its own.
   */
  async escalateDue(now: Date, minutes: number, limit = 50): Promise<number> {
    let escalated = 0;
    for (const a of await this.sql.transact(this.queries.escalationsDue(now, limit))) {
      if (await this.sql.transact(this.queries.escalate(a, now, minutes))) escalated += 1;
    }
    return escalated;
  }
}
