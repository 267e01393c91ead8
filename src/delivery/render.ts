import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { formatUkDate } from '../domain/age';
import { awaitsReferral, type Stamp } from '../domain/call-state';
import type { ServiceProfile } from '../domain/checklist';
import type { DeliveryKind } from '../domain/deliveries';
import { type AlertRule, alertReasons, DEFAULT_ALERT_RULES, frontDoorText } from '../domain/safeguarding';
import { type CallView, viewOf } from '../records/call-view';
import { type DraftAlert, draftAlertById, draftAlertByOutboxId } from '../records/draft-alerts';
import { type Delivery, deliveriesOfRecord, deliveryById } from '../records/outbox';
import type { Query } from '../storage/sql';
import { alertNoteCard, inProgressAlertCard, referrerNoticeCard } from '../views/alert-notices';
import { allocationNoticeCard } from '../views/allocation-view';
import { attachment, escapeMarkdown } from '../views/cards';
import { alertCard, type CardNotice, dutySummaryCard, formatWhen, indicationTitle } from '../views/duty-view';
import { noticeCard } from '../views/notice-view';

/**
 * The service's settings the cards are drawn with. What they are drawn from (the record as it is now, its
 * events, the in-progress alert, the alert's reasons as queued) is read by renderDelivery's query.
 */
export interface RenderContext {
  readonly profile: ServiceProfile;
  /** REFERRAL_REMINDER_DAYS: when a missing formal referral is shown as overdue (default 7). */
  readonly referralReminderDays?: number | undefined;
  /** ALERT_ESCALATION_MINUTES, to say how long an escalated alert has waited. */
  readonly escalationMinutes?: number | undefined;
  /** ONCALL_LEAD_AAD_ID and ONCALL_LEAD_NAME: mentioned on escalations. */
  readonly oncallLead?: { readonly id: string; readonly name: string } | undefined;
  readonly alertRules?: readonly AlertRule[] | undefined;
  readonly now?: (() => Date) | undefined;
  /** ALERT_DELIVERY_DEADLINE_SECONDS, to say how long an undelivered alert was tried. */
  readonly alertDeadlineSeconds?: number | undefined;
}

/** The last line of every posted card: a duplicate after a crash is recognisable by it. */
export function deliveryStamp(reference: string, deliveryId: string): string {
  return `Record ${reference} · delivery ${deliveryId}`;
}

/** The first delivery of a kind for a record: the message a refreshed card stands in for. */
export function* deliveryOf(recordId: string, kind: DeliveryKind): Query<Delivery | undefined> {
  return (yield* deliveriesOfRecord(recordId)).find((d) => d.kind === kind);
}

const Reasons = z.array(z.string().max(2000)).max(50);

/** The reasons the alert was raised for, as queued with it (`alert`: the record's alert delivery). */
export function alertReasonsFor(view: CallView, ctx: RenderContext, alert: Delivery | undefined): string[] {
  const stored = Reasons.safeParse(alert?.payload.reasons);
  return stored.success ? stored.data : alertReasons(view.call, ctx.alertRules ?? DEFAULT_ALERT_RULES);
}

/** The duty channel's card for a call, as it is now; `deliveryId` is the summary's own delivery. */
export function dutyCardFor(
  view: CallView,
  ctx: RenderContext,
  deliveryId: string,
  notice?: CardNotice,
): Record<string, unknown> {
  return dutySummaryCard(view, {
    profile: ctx.profile,
    stamp: deliveryStamp(view.call.reference, deliveryId),
    now: (ctx.now ?? (() => new Date()))(),
    referralReminderDays: ctx.referralReminderDays ?? 7,
    notice,
  });
}

/** `alert`: the record's alert delivery, whose payload keeps the reasons it was raised for. */
export function alertCardFor(
  view: CallView,
  ctx: RenderContext,
  delivery: Pick<Delivery, 'id' | 'kind' | 'payload'>,
  alert: Delivery | undefined,
  notice?: CardNotice,
): Record<string, unknown> {
  // once acknowledged, an escalation is redrawn as the alert it repeats: no "Not yet acknowledged"
  // title, no mention left calling for someone
  const escalation =
    delivery.kind === 'alert-escalation' && !view.state.acknowledged
      ? EscalationPayload.parse(delivery.payload ?? {})
      : undefined;
  return alertCard(view, {
    profile: ctx.profile,
    stamp: deliveryStamp(view.call.reference, delivery.id),
    reasons: alertReasonsFor(view, ctx, alert),
    notice,
    escalation: escalation && {
      round: escalation.round,
      afterMinutes: ctx.escalationMinutes && ctx.escalationMinutes * escalation.round,
      lead: ctx.oncallLead,
    },
  });
}

/** What the scheduler puts on an escalation: which round it is. */
const EscalationPayload = z.object({ round: z.number().int().min(1).catch(1) }).catch({ round: 1 });

/** What the worker puts on an 'alert-undelivered' row: which alert, and whether it was given up. */
const UndeliveredPayload = z
  .object({
    alertId: z.string().max(100).optional(),
    // refused: the safeguarding channel refused it (403/404); it is still tried there (HAZ-07)
    why: z.enum(['deadline', 'failed', 'refused']).catch('deadline'),
  })
  .catch({ why: 'deadline' });

/** Teams turns "<at>name</at>" into a mention (and a notification) only with this entity on the card. */
function mentionLead(
  card: Record<string, unknown>,
  lead: RenderContext['oncallLead'],
): Record<string, unknown> {
  if (!lead) return card;
  return {
    ...card,
    msteams: {
      width: 'Full',
      entities: [
        { type: 'mention', text: `<at>${lead.name}</at>`, mentioned: { id: lead.id, name: lead.name } },
      ],
    },
  };
}

function ackLine(ack: Stamp | undefined, ctx: RenderContext): string {
  if (!ack) return 'Not yet acknowledged by a safeguarding lead.';
  const name = escapeMarkdown((ack.by.name || 'someone').replace(/<(\/?)at>/gi, '<$1\u200Bat>'));
  return `Acknowledged by ${name}, ${formatWhen(ack.at, ctx.profile.timeZone)}.`;
}

/**
 * An alert that has not reached the leads' channel (past its deadline, given up, or escalated while
 * still undelivered), as posted to the duty channel (the alert itself: the duty team see the full
 * summary anyway) or the admin channel (ids only: no patient data there). Both mention the on-call lead
 * until it is acknowledged. No Acknowledge button: only the leads' channel can acknowledge, and a lead
 * pressing it here would be refused.
 */
function undeliveredAlertCopy(
  d: Delivery,
  view: CallView | undefined,
  ctx: RenderContext,
  reference: string,
  stamp: string,
  alert: Delivery | undefined,
  inProgress?: DraftAlert,
): Record<string, unknown> {
  const role = d.target.type === 'channel' ? d.target.role : 'admin';
  // an alert with no record yet is acknowledged on its draft_alerts row
  const ack = view ? view.state.acknowledged : inProgress?.acknowledged;
  const acknowledged = ack !== undefined;
  const lead = acknowledged ? undefined : ctx.oncallLead;
  const round = d.kind === 'alert-escalation' ? EscalationPayload.parse(d.payload ?? {}).round : undefined;
  const why = UndeliveredPayload.parse(d.payload ?? {}).why;
  const what =
    round !== undefined
      ? `Reminder ${round}: this safeguarding alert has still not reached the safeguarding leads’ channel${ctx.escalationMinutes ? ` ${ctx.escalationMinutes * round} minutes after it was raised` : ''}, and nobody has acknowledged it.`
      : why === 'refused'
        ? 'The safeguarding leads’ channel refused this safeguarding alert (it may have been deleted, or I was removed from its team). I keep trying; setting the safeguarding channel again (@mention me with **set safeguarding channel**) sends it there.'
        : why === 'failed'
          ? // given up by an earlier build: alerts are no longer given up
            'This safeguarding alert could not be posted to the safeguarding leads’ channel, and I have stopped trying there.'
          : `This safeguarding alert has not reached the safeguarding leads’ channel within ${ctx.alertDeadlineSeconds ?? 120} seconds; I am still trying.`;
  const told = `The referrer has been told to phone ${frontDoorText(ctx.profile)} and the IMH advice line now.`;
  const callLead = lead ? `<at>${lead.name}</at>: please make sure a safeguarding lead acts on it now.` : '';
  const notice = acknowledged
    ? undefined
    : { text: [callLead, what, told].filter(Boolean).join(' '), color: 'Attention' as const };
  if (role === 'duty' && (view || inProgress)) {
    const card = view
      ? alertCardFor(view, ctx, { id: d.id, kind: 'safeguarding-alert', payload: {} }, alert, notice)
      : inProgressAlertCard(inProgress!, ctx.profile, stamp, notice);
    delete card.actions;
    return mentionLead(card, lead);
  }
  return mentionLead(
    noticeCard({
      title: acknowledged
        ? `Safeguarding alert ${reference}: acknowledged`
        : `Safeguarding alert ${reference} has not reached the leads`,
      lines: [
        ...(acknowledged ? [] : [callLead, what, told]).filter(Boolean),
        role === 'duty' ? '' : 'The alert is posted in the IMH duty channel too.',
        ackLine(ack, ctx),
        'Check where I post (@mention me with **status**) and the logs.',
      ].filter(Boolean),
      color: acknowledged ? 'Good' : 'Attention',
      footer: stamp,
    }),
    lead,
  );
}

/**
 * What the delivery worker puts on a 'delivery-failed' row for the admin channel: which delivery gave up.
 * Ids and kinds only: the admin channel sees no patient data beyond the reference.
 */
export const DeliveryFailedPayload = z.object({
  failedId: z.string().max(100).optional(),
  failedKind: z.string().max(40).optional(),
  /** The worker's own words: a status or "channel not set", never message content. */
  reason: z.string().max(300).optional(),
  attempts: z.number().int().min(0).optional(),
  dependents: z
    .array(z.object({ kind: z.string().max(40) }).loose())
    .max(20)
    .optional(),
});
export type DeliveryFailedPayload = z.infer<typeof DeliveryFailedPayload>;

const KIND_TEXT: Record<DeliveryKind, string> = {
  'duty-summary': 'the duty summary to the IMH duty channel',
  'safeguarding-alert': 'the safeguarding alert to the leads’ channel',
  'referrer-confirmation': 'the confirmation to the referrer',
  'indication-notice': 'the indication to the referrer',
  'allocation-notice': 'the allocations meeting’s outcome to the referrer',
  'referral-reminder': 'the referral reminder to the referrer',
  'alert-escalation': 'the alert reminder to the leads’ channel',
  'delivery-failed': 'a delivery-failure notice',
  'summary-undelivered': 'the undelivered-summary notice to the referrer',
  'alert-undelivered': 'a notice that a safeguarding alert has not reached the leads',
  'alert-update': 'an update of a safeguarding alert message (acknowledged)',
  'alert-note': 'a note in a safeguarding alert’s thread',
  'referrer-notice': 'a notice to the referrer about their safeguarding alert',
};

/** The in-progress alert a delivery belongs to: its own (draftAlertId), or the alert it reports on. */
function* draftAlertOf(d: Delivery): Query<DraftAlert | undefined> {
  if (typeof d.payload.draftAlertId === 'string') return yield* draftAlertById(d.payload.draftAlertId);
  return typeof d.payload.alertId === 'string' ? yield* draftAlertByOutboxId(d.payload.alertId) : undefined;
}

/** The kinds drawn as (or with) the record's alert, whose reasons its delivery keeps. */
const WITH_ALERT: ReadonlySet<DeliveryKind> = new Set([
  'safeguarding-alert',
  'alert-escalation',
  'alert-note',
  'alert-undelivered',
]);

/**
 * The message a delivery posts, drawn from the record as it is now (read in one transaction, so the card
 * is of one moment). Every message names the record and the delivery, so a duplicate after a crash is
 * recognisable.
 */
export function* renderDelivery(d: Delivery, ctx: RenderContext): Query<Partial<Activity>> {
  if (d.kind === 'alert-update') {
    // the message is redrawn as the delivery that posted it, from the record as it is now; by id: an
    // in-progress alert's messages have no record to list them by
    const of = d.target.type === 'update' ? yield* deliveryById(d.target.of) : undefined;
    if (!of || of.kind === 'alert-update') throw new Error('update of an unknown message');
    return yield* renderDelivery(of, ctx);
  }
  const inProgress = yield* draftAlertOf(d);
  // a delivery queued while its call was in progress has no record, or had none when it was read
  const recordId = d.recordId ?? inProgress?.recordId;
  const view = recordId ? yield* viewOf(recordId) : undefined;
  const alert =
    view && WITH_ALERT.has(d.kind) ? yield* deliveryOf(view.row.id, 'safeguarding-alert') : undefined;
  const alertDelivery =
    d.kind === 'referrer-notice' && typeof d.payload.alertDeliveryId === 'string'
      ? yield* deliveryById(d.payload.alertDeliveryId)
      : undefined;
  const reference = view?.call.reference ?? inProgress?.reference ?? d.recordId ?? '-';
  const stamp = deliveryStamp(reference, d.id);
  const card = (() => {
    switch (d.kind) {
      case 'duty-summary':
        if (!view) throw new Error('duty summary without a record');
        return dutyCardFor(view, ctx, d.id);
      case 'safeguarding-alert':
      case 'alert-escalation':
        // an escalation of an alert never delivered goes to the duty and admin channels instead
        if (d.target.type === 'channel' && d.target.role !== 'safeguarding') {
          return undeliveredAlertCopy(d, view, ctx, reference, stamp, alert, inProgress);
        }
        if (!view && inProgress) {
          // raised while the call is in progress; once submitted it is drawn from the record (above)
          const round = d.kind === 'alert-escalation' ? EscalationPayload.parse(d.payload ?? {}).round : 0;
          return inProgressAlertCard(
            inProgress,
            ctx.profile,
            stamp,
            undefined,
            round
              ? {
                  round,
                  afterMinutes: ctx.escalationMinutes && ctx.escalationMinutes * round,
                  lead: ctx.oncallLead,
                }
              : undefined,
          );
        }
        if (!view) throw new Error('alert without a record');
        return alertCardFor(view, ctx, d, alert);
      case 'alert-note':
        if (d.payload.note === 'submitted' && view) {
          return alertCardFor(view, ctx, d, alert, {
            text: 'The referrer has submitted the call: this is the alert as submitted. The full summary is in the IMH duty channel.',
            color: 'Good',
          });
        }
        return alertNoteCard(d.payload, reference, ctx.profile, stamp);
      case 'referrer-notice':
        return referrerNoticeCard(d.payload, reference, alertDelivery?.deliveredAt, ctx.profile, stamp);
      case 'alert-undelivered':
        if (d.target.type === 'channel')
          return undeliveredAlertCopy(d, view, ctx, reference, stamp, alert, inProgress);
        return noticeCard({
          title: `Please phone now: your safeguarding concern (${reference}) has not reached the safeguarding leads`,
          lines: [
            'If anyone is in immediate danger, call 999.',
            `Phone ${frontDoorText(ctx.profile)} now, and the IMH advice line on ${ctx.profile.adviceLineNumber}, and give the reference ${reference}.`,
            ...(ctx.profile.outOfHoursNumber
              ? [`Out of hours: ${ctx.profile.outOfHoursName} on ${ctx.profile.outOfHoursNumber}.`]
              : []),
            'I could not post the alert to the safeguarding leads’ channel in time. I have told the IMH duty team, and I keep trying.',
          ],
          color: 'Attention',
          footer: stamp,
        });
      case 'summary-undelivered':
        return noticeCard({
          title: `Your call ${reference} has not reached the IMH duty team`,
          lines: [
            'I could not post your summary to the duty team’s channel, and have told the bot’s administrators.',
            `Please phone the IMH advice line on ${ctx.profile.adviceLineNumber} and give the reference ${reference}.`,
          ],
          color: 'Attention',
          footer: stamp,
        });
      case 'referrer-confirmation':
        return noticeCard({
          title: `Your call ${reference} has reached the IMH duty team`,
          lines: [
            'The duty practitioner will give the eligibility indication; I will tell you here when they do.',
            ...(view?.call.kind === 'full'
              ? [
                  'Please send your formal written referral in your own words: your draft is earlier in this chat.',
                ]
              : []),
          ],
          color: 'Good',
          footer: stamp,
        });
      case 'allocation-notice': {
        const seq = z.object({ seq: z.number().int() }).safeParse(d.payload);
        return allocationNoticeCard(
          view,
          seq.success ? seq.data.seq : undefined,
          ctx.profile,
          reference,
          stamp,
        );
      }
      case 'indication-notice':
        return indicationNotice(d, view, ctx, reference, stamp);
      case 'referral-reminder':
        return noticeCard({
          title: `Reminder: the formal referral for ${reference}`,
          lines:
            view && !awaitsReferral(view.call.kind, view.state)
              ? ['The IMH duty team no longer need a formal referral for this call: nothing more to do.']
              : [
                  `The IMH duty team have not yet received your formal written referral following the duty call${view ? ` on ${formatUkDate(view.call.callDate)}` : ''} (reference ${reference}).`,
                  'Please send it in your own words: your draft referral is earlier in this chat. If you have sent it already, the duty team will mark it received.',
                ],
          color: 'Warning',
          footer: stamp,
        });
      case 'delivery-failed': {
        const p = DeliveryFailedPayload.catch({}).parse(d.payload ?? {});
        const what = (p.failedKind && KIND_TEXT[p.failedKind as DeliveryKind]) ?? 'a message';
        return noticeCard({
          title: `A delivery failed: record ${reference}`,
          lines: [
            `I could not post ${what}${p.attempts ? ` after ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}` : ''}, and have stopped trying.`,
            ...(p.reason ? [`Why: ${escapeMarkdown(p.reason)}.`] : []),
            ...(p.dependents?.length
              ? [
                  `Not sent either, as they waited on it: ${p.dependents
                    .map((x) => KIND_TEXT[x.kind as DeliveryKind] ?? 'a message')
                    .join('; ')}.`,
                ]
              : []),
            `Delivery ${p.failedId ?? 'unknown'}. Check where I post (@mention me with **status**) and the logs.`,
          ],
          color: 'Attention',
          footer: stamp,
        });
      }
    }
  })();
  const shown = d.target.type === 'referrer' ? forReferrer(card, stamp, reference, d.id) : card;
  return { type: 'message', attachments: [attachment(shown)] } as Partial<Activity>;
}

/**
 * The referrer never sees internal ids (issue 9): their card's last line names the record only. The
 * delivery stays recognisable as the footer's element id (never shown), so a duplicate is still known.
 */
export function forReferrer(
  card: Record<string, unknown>,
  stamp: string,
  reference: string,
  deliveryId: string,
): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextBlock' && n.text === stamp) {
      return { ...n, id: `delivery-${deliveryId}`, text: `Record ${reference}` };
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v)]));
  };
  return walk(card) as Record<string, unknown>;
}

function indicationNotice(
  d: Delivery,
  view: CallView | undefined,
  ctx: RenderContext,
  reference: string,
  stamp: string,
): Record<string, unknown> {
  const seq = z.object({ seq: z.number().int() }).safeParse(d.payload);
  const event = seq.success ? view?.events.find((e) => e.seq === seq.data.seq) : undefined;
  const given =
    event?.type === 'indication-given'
      ? { value: event.indication, reason: event.reason, by: event.actor, at: event.at }
      : view?.state.indication;
  if (!given) {
    return noticeCard({
      title: `The IMH duty team have looked at your call ${reference}`,
      lines: ['The duty team will be in touch.'],
      footer: stamp,
    });
  }
  const next: Record<string, string> = {
    eligible:
      'Please send your formal written referral in your own words, if you have not already: your draft is earlier in this chat. The referral then goes to the service’s allocation meeting.',
    'more-information':
      'The duty team need more information before they can decide: they may contact you. Please send your formal written referral too, if you have not already.',
    'not-eligible': 'No formal referral to the IMH service is needed.',
    'advice-only': 'This call is taken as advice only: no formal referral is needed.',
  };
  return noticeCard({
    title: `The IMH duty team’s indication for your call ${reference}`,
    lines: [
      `**${indicationTitle(given.value)}**, given by ${escapeMarkdown(given.by.name)} on ${formatWhen(given.at, ctx.profile.timeZone)}.`,
      ...(given.reason ? [`Reason: ${escapeMarkdown(given.reason)}`] : []),
      next[given.value] ?? '',
    ].filter(Boolean),
    color: given.value === 'not-eligible' ? 'Warning' : 'Good',
    footer: stamp,
  });
}
