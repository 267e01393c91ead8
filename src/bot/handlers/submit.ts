import type { TurnContext } from 'botbuilder';
import { goTo, PROMPTS_PER_PAGE } from '../../domain/draft';
import { phonePrompts } from '../../domain/pick-up-the-phone';
import { referralDoc } from '../../domain/referral';
import { validateDraft } from '../../domain/section-validation';
import { type SubmittedCall, submitCall } from '../../domain/submitted-call';
import { summaryDoc } from '../../domain/summary';
import type { DraftAlert } from '../../records/draft-alerts';
import { DuplicateDutyCallError } from '../../records/duty-calls';
import { buttons } from '../../views/common';
import { confirmationCard } from '../../views/confirmation-view';
import { noticeCard, problemCard } from '../../views/notice-view';
import { checkCard, otherCallProblem } from '../card-check';
import type { BotDeps } from '../deps';
import { DraftConflictError } from '../draft-store';
import type { Envelope } from '../submission';
import { referrerOf, replyContact, sendCard, today } from '../turn';
import { answerProblem, commit } from './steps';

export async function onSubmit(context: TurnContext, deps: BotDeps, e: Envelope): Promise<void> {
  const who = referrerOf(context);
  const loaded = await deps.drafts.load(who.key);
  const check = await checkCard(deps.drafts, who.key, loaded, e);
  if (!check.ok) return answerProblem(context, deps, loaded, check.problem, check.reference);
  const draft = check.draft;
  const now = deps.now();
  if (draft.at !== 'review') return answerProblem(context, deps, loaded, 'stale');

  const verdict = validateDraft({
    today: today(now, deps.profile),
    prompts: phonePrompts(draft.answers),
    answers: draft.answers,
    kind: draft.kind,
    profile: deps.profile,
  });
  if (!verdict.ok) {
    // show the page of pick-up-the-phone prompts where the first problem is
    const prompts = phonePrompts(draft.answers);
    const firstBad = prompts.findIndex((p) =>
      Object.keys(verdict.errors).some((k) => k.startsWith(`pickUpThePhone.${p.id}.`)),
    );
    const page =
      verdict.page.id === 'pickUpThePhone' && firstBad > 0 ? Math.floor(firstBad / PROMPTS_PER_PAGE) : 0;
    return commit(context, deps, loaded, goTo(draft, verdict.page.id, now, page), {
      typed: verdict.values,
      errors: verdict.errors,
      notice: 'Before submitting, this card needs another look.',
    });
  }

  // a call whose risk save alerted the leads keeps the reference they were given
  const inProgressAlert = await deps.draftAlerts.forDraft(draft.id);
  const call = submitCall(
    draft,
    inProgressAlert?.reference ?? (await deps.newReference()),
    deps.profile,
    now,
  );
  let alerted = false;
  try {
    // the record and its deliveries go in first, keyed by the draft id: a repeated submit cannot
    // create a second record, and a crash cannot leave a record that nobody is told about
    alerted =
      (
        await deps.submissions.record(
          {
            id: call.id,
            kind: call.kind,
            tenantId: who.tenantId,
            referrerAadId: who.userId,
            conversationId: context.activity.conversation.id,
            startedAt: call.startedAt,
            submittedAt: call.submittedAt,
            record: call,
          },
          { recordId: call.id, ...replyContact(context) },
          now,
        )
      ).alertDeliveryId !== undefined;
  } catch (err) {
    if (!(err instanceof DuplicateDutyCallError)) throw err;
    // the draft is that call, recorded: never sent again (the card would be saved as a fresh step, over
    // the clearing the first Submit is about to write)
    return answerProblem(
      context,
      deps,
      { ...loaded, state: { ...loaded.state, current: null } },
      'submitted',
    );
  }
  deps.logger.info({ event: 'call-submitted', draft: call.id, kind: call.kind, risk: call.risk.level });
  deps.wakeDelivery();

  try {
    await deps.drafts.save(
      who.key,
      loaded,
      { current: null, lastReferrer: draft.answers.referrer ?? loaded.state.lastReferrer },
      { add: { id: draft.id, status: 'submitted', reference: call.reference, at: call.submittedAt } },
      // the record is stored, and waited for: this clear, lost to a power cut, brings the draft back,
      // and its Submit then answers that the call was already submitted
      'soon',
    );
  } catch (err) {
    // the record is stored; a clash here only means the draft is cleared on the next attempt
    if (!(err instanceof DraftConflictError)) throw err;
    deps.logger.warn({ event: 'draft-conflict-after-submit', draft: call.id });
  }
  await sendResults(
    context,
    deps,
    call,
    alerted ? { raisedDuringCall: inProgressAlert !== undefined } : undefined,
  );
}

/** One card (issue 9): the reference, what happens next, who was told, the documents and the record text. */
async function sendResults(
  context: TurnContext,
  deps: BotDeps,
  call: SubmittedCall,
  alert: { raisedDuringCall: boolean } | undefined,
): Promise<void> {
  const { card, followUp } = confirmationCard({
    call,
    profile: deps.profile,
    summary: summaryDoc(call, deps.profile),
    referral: referralDoc(call, deps.profile),
    dutyChannel: (await deps.channels.get('duty')) !== undefined,
    alert: alert && { ...alert, channel: (await deps.channels.get('safeguarding')) !== undefined },
    referralReminderDays: deps.render.referralReminderDays ?? 7,
  });
  await sendCard(context, card);
  // the record text when the card could not hold it: a code block keeps its lines and has a Copy button
  for (const chunk of followUp) {
    await context.sendActivity({ type: 'message', textFormat: 'markdown', text: codeBlock(chunk) });
  }
}

/** A code block shows text as typed (no links, no formatting) and Teams gives it a Copy button. */
export function codeBlock(text: string): string {
  return `\`\`\`\n${text.replace(/`{3,}/g, (m) => m.split('').join('\u200B'))}\n\`\`\``;
}

export async function onCancelConfirm(context: TurnContext, deps: BotDeps, e: Envelope): Promise<void> {
  const { key } = referrerOf(context);
  const loaded = await deps.drafts.load(key);
  const draft = loaded.state.current;
  if (!draft || draft.id !== e.draftId) {
    const other = await otherCallProblem(deps.drafts, key, loaded, e.draftId);
    return answerProblem(context, deps, loaded, other.problem, other.reference);
  }
  const now = deps.now();
  const who = referrerOf(context);
  const contact = replyContact(context);
  let toldLeads: DraftAlert | undefined;
  try {
    // a draft with possible harm flagged is never discarded silently: the leads are told in the alert's
    // thread, in the same transaction as the discard (HAZ-14)
    toldLeads = await deps.drafts.saveWith(
      key,
      loaded,
      { ...loaded.state, current: null },
      deps.draftAlerts.queries.onDiscarded(draft, who, contact, now),
      { add: { id: draft.id, status: 'cancelled', at: now.toISOString() } },
    );
  } catch (err) {
    if (!(err instanceof DraftConflictError)) throw err;
    await sendCard(
      context,
      problemCard(
        'Not cancelled',
        ['The draft changed at the same moment; please try again.'],
        [buttons.cancel],
      ),
    );
    return;
  }
  deps.scrubDeleted();
  deps.logger.info({
    event: 'draft-cancelled',
    draft: draft.id,
    ...(toldLeads ? { alert: toldLeads.id } : {}),
  });
  if (toldLeads) deps.wakeDelivery();
  await sendCard(
    context,
    noticeCard({
      title: 'Draft discarded',
      lines: [
        'The duty call you started has been deleted.',
        ...(toldLeads
          ? [
              `The safeguarding leads were alerted about this call (reference ${toldLeads.reference}) and I have told them you discarded the draft. The alert stays with them. If anyone is in immediate danger, call 999.`,
            ]
          : []),
      ],
      color: toldLeads ? 'Warning' : 'Default',
      buttons: [buttons.start, buttons.advice],
    }),
  );
}
