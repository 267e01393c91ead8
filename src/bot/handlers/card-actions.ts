import type { AdaptiveCard, Application, TurnState } from '@microsoft/teams-ai';
import { type Activity, ActivityTypes, type TurnContext } from 'botbuilder';
import { alertCardFor, deliveryOf, deliveryStamp, dutyCardFor } from '../../delivery/render';
import type { CallEventBody } from '../../domain/call-state';
import { type DutyAction, dutyActionEvent } from '../../domain/duty-actions';
import type { CallView } from '../../records/call-view';
import { inProgressAlertCard } from '../../views/alert-notices';
import { attachment } from '../../views/cards';
import type { CardNotice } from '../../views/duty-view';
import { AllocationData, CardRef, IndicateData, InProgressRef, parseActionData } from '../action-data';
import type { BotDeps } from '../deps';
import { actingUserId, mayActFor, type Refusal } from '../permissions';

export const CARD_VERBS = [
  'duty.indicate',
  'duty.recorded',
  'duty.referral-received',
  'duty.allocation',
  'alert.ack',
] as const;
type CardVerb = (typeof CARD_VERBS)[number];

const ROLE: Record<CardVerb, 'duty' | 'safeguarding'> = {
  'duty.indicate': 'duty',
  'duty.recorded': 'duty',
  'duty.referral-received': 'duty',
  'duty.allocation': 'duty',
  'alert.ack': 'safeguarding',
};

const TEAM_TEXT = {
  duty: 'Only members of the IMH duty team can act on duty summaries, from the IMH duty channel.',
  safeguarding:
    'Only members of the safeguarding leads’ team can acknowledge alerts, from the safeguarding channel.',
} as const;

const REFUSED: Record<Refusal, (role: 'duty' | 'safeguarding') => string> = {
  'no-channel': (role) =>
    `The ${role === 'duty' ? 'IMH duty' : 'safeguarding'} channel is not set up, so nobody can act on this card yet. Nothing was changed.`,
  'wrong-team': (role) => `${TEAM_TEXT[role]} Nothing was changed.`,
  'not-member': (role) => `${TEAM_TEXT[role]} Nothing was changed.`,
  'lookup-failed': () =>
    'I could not check your team membership with Teams just now, so nothing was changed. Please try again in a moment.',
};

const NOT_READABLE = 'I could not read that card, so nothing was changed.';
const NOT_FOUND = 'I cannot find the duty call this card is about, so nothing was changed.';
const UNKNOWN_BUTTON = 'I do not recognise that button, so nothing was changed.';

/** Universal Actions (Action.Execute) on the duty summary and the safeguarding alert. */
export function registerCardActions(app: Application<TurnState>, deps: BotDeps): void {
  for (const verb of CARD_VERBS) {
    app.adaptiveCards.actionExecute(verb, (context, _state, data) => onCardAction(context, deps, verb, data));
  }
  // any other Action.Execute: a card from elsewhere, or a forged verb. Only an adaptiveCard/action
  // invoke: teams-ai throws for anything else its actionExecute routes are given (a message whose
  // value merely looks like an Action.Execute would fail the turn)
  app.adaptiveCards.actionExecute(
    (context) =>
      Promise.resolve(
        context.activity.type === ActivityTypes.Invoke &&
          context.activity.name === 'adaptiveCard/action' &&
          context.activity.value?.action?.type === 'Action.Execute',
      ),
    async (context) => {
      await deps.audit.append({
        at: deps.now().toISOString(),
        actorId: actingUserId(context),
        action: 'card-action',
        outcome: 'refused',
        detail: { reason: 'unknown-verb' },
      });
      return UNKNOWN_BUTTON;
    },
  );
}

async function onCardAction(
  context: TurnContext,
  deps: BotDeps,
  verb: CardVerb,
  raw: unknown,
): Promise<AdaptiveCard | string> {
  const now = deps.now();
  const actorId = actingUserId(context);
  const a = context.activity;
  const actor = { id: actorId, name: (a.from?.name ?? '').slice(0, 200) || 'Unknown name' };
  // the message the button was on, so an acknowledgement can update every message of the alert
  const on =
    a.replyToId && a.conversation?.id
      ? { conversationId: a.conversation.id, activityId: a.replyToId }
      : undefined;
  const ref = CardRef.safeParse(raw);
  const recordId = ref.success ? ref.data.recordId : undefined;
  const refuse = async (
    reason: string,
    answer: AdaptiveCard | string,
    extra: Record<string, unknown> = {},
  ): Promise<AdaptiveCard | string> => {
    await deps.audit.append({
      at: now.toISOString(),
      actorId,
      action: verb,
      recordId,
      outcome: 'refused',
      detail: { reason, ...(ref.success ? { cardVersion: ref.data.version } : {}), ...extra },
    });
    deps.logger.info({ event: 'card-action-refused', verb, reason });
    return answer;
  };

  const parsed =
    verb === 'duty.indicate'
      ? parseActionData(IndicateData, raw)
      : verb === 'duty.allocation'
        ? parseActionData(AllocationData, raw)
        : parseActionData(CardRef, raw);
  if (!parsed.ok) return refuse('malformed', NOT_READABLE);
  const data = parsed.data;

  const role = ROLE[verb];
  const permission = await mayActFor(context, role, deps.channels, deps.membership);
  if (!permission.ok) return refuse(permission.reason, REFUSED[permission.reason](role));

  let view = await deps.calls.load(data.recordId);
  const inProgress = verb === 'alert.ack' ? InProgressRef.safeParse(raw) : undefined;
  if (!view && inProgress?.success) {
    // an alert raised while the call was in progress: no record yet, so the acknowledgement is recorded
    // against the alert itself (the record takes it over at submit). The card carries the draft id as its
    // recordId, which is the record's id once submitted: a press after the submit goes to the record.
    const alert = await deps.draftAlerts.get(inProgress.data.alertId);
    if (!alert || alert.draftId !== data.recordId) return refuse('not-found', NOT_FOUND);
    const r = await deps.draftAlerts.acknowledge(alert.id, actor, now, on);
    deps.logger.info({ event: 'card-action', verb, alert: alert.id, inProgress: true, outcome: r.outcome });
    if (r.outcome === 'not-found') return NOT_FOUND;
    if (r.outcome === 'submitted') view = await deps.calls.load(r.recordId);
    else {
      if (r.outcome === 'done') deps.wakeDelivery();
      // every message of the alert (this one too) is updated through the outbox, in the acknowledgement's
      // transaction, as for a record's alert: a direct update here could land after it and draw the wrong one
      return inProgressAlertCard(
        r.alert,
        deps.profile,
        deliveryStamp(r.alert.reference, r.alert.outboxId),
        NOTICES[r.outcome](verb),
      ) as unknown as AdaptiveCard;
    }
  }
  if (!view) return refuse('not-found', NOT_FOUND);
  const cardFor = (v: CallView, notice?: CardNotice) => card(verb, v, deps, notice);
  // refused with the card as it is, and why in its notice
  const refuseOnCard = async (reason: string, text: string, extra?: Record<string, unknown>) =>
    refuse(reason, await cardFor(view, { text, color: 'Attention' }), extra);

  const action: DutyAction =
    verb === 'duty.indicate'
      ? { verb, indication: (data as IndicateData).indication, reason: (data as IndicateData).reason }
      : verb === 'duty.allocation'
        ? {
            verb,
            allocation: (data as AllocationData).allocation,
            note: (data as AllocationData).allocationNote,
          }
        : verb === 'alert.ack'
          ? {
              verb,
              alertRaised:
                (await deps.sql.transact(deliveryOf(view.row.id, 'safeguarding-alert'))) !== undefined,
            }
          : { verb };
  const verdict = dutyActionEvent(action, view.call, view.state);
  if (!verdict.ok) {
    // an alert's card is not this call's duty card: refused in words, the card left as it is
    if (verb === 'alert.ack') return refuse(verdict.reason, verdict.text);
    return refuseOnCard(verdict.reason, verdict.text, verdict.detail);
  }
  const body = verdict.body;

  const result = await deps.callActions.apply({
    recordId: data.recordId,
    cardVersion: data.version,
    body,
    actor,
    action: verb,
    now,
    ...(verb === 'alert.ack' && on ? { on } : {}),
  });
  deps.logger.info({ event: 'card-action', verb, record: data.recordId, outcome: result.outcome });
  if (result.outcome === 'not-found') return NOT_FOUND;
  const acknowledged = result.outcome === 'done' && body.type === 'alert-acknowledged';
  // what tells someone (the referrer, the alert's messages) goes through the outbox
  if (result.outcome === 'done' && WAKES.has(body.type)) deps.wakeDelivery();

  // everyone sees the card as the record now is; the person who pressed also sees what happened. An
  // acknowledgement updates every message of the alert through the outbox (retried, each drawn as
  // itself), this one included: a direct update here could land after it and draw the wrong message
  if (!acknowledged) await updateForEveryone(context, deps, await cardFor(result.view));
  return cardFor(result.view, NOTICES[result.outcome](verb));
}

const WAKES: ReadonlySet<CallEventBody['type']> = new Set([
  'indication-given',
  'allocation-decided',
  'alert-acknowledged',
]);

const DONE_TEXT: Record<CardVerb, string> = {
  'duty.indicate': 'Indication saved: the referrer will be told.',
  'duty.recorded': 'Marked as recorded on the clinical record.',
  'duty.referral-received': 'Formal referral marked as received.',
  'duty.allocation': 'Allocations meeting’s outcome saved: the referrer will be told.',
  'alert.ack': 'Alert acknowledged.',
};

const NOTICES: Record<'done' | 'already' | 'stale', (verb: CardVerb) => CardNotice> = {
  done: (verb) => ({ text: DONE_TEXT[verb], color: 'Good' }),
  already: () => ({
    text: 'Already done (see who and when below), so nothing was changed.',
    color: 'Warning',
  }),
  stale: () => ({
    text: 'This card was out of date: here it is as it is now. Nothing was changed; check it and try again if you still need to.',
    color: 'Warning',
  }),
};

async function card(
  verb: CardVerb,
  view: CallView,
  deps: BotDeps,
  notice?: CardNotice,
): Promise<AdaptiveCard> {
  if (verb === 'alert.ack') {
    const alert = await deps.sql.transact(deliveryOf(view.row.id, 'safeguarding-alert'));
    return alertCardFor(
      view,
      deps.render,
      alert ?? { id: '-', kind: 'safeguarding-alert', payload: {} },
      alert,
      notice,
    ) as unknown as AdaptiveCard;
  }
  const summary = await deps.sql.transact(deliveryOf(view.row.id, 'duty-summary'));
  return dutyCardFor(view, deps.render, summary?.id ?? '-', notice) as unknown as AdaptiveCard;
}

/**
 * The message the button was on, updated for everyone; Teams may refuse (too old, deleted): that is fine.
 * Teams wants the invoke answered within about five seconds, so the update gets a short time.
 */
async function updateForEveryone(context: TurnContext, deps: BotDeps, content: AdaptiveCard): Promise<void> {
  const id = context.activity.replyToId;
  if (!id) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      context.updateActivity({
        id,
        type: 'message',
        attachments: [attachment(content as unknown as Record<string, unknown>)],
      } as Partial<Activity>),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 1_500);
      }),
    ]);
  } catch {
    deps.logger.warn({ event: 'card-update-failed' });
  } finally {
    clearTimeout(timer);
  }
}
