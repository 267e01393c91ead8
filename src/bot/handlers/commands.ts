import type { TurnContext } from 'botbuilder';
import type { CallKind } from '../../domain/checklist';
import { type Draft, progress, startDraft } from '../../domain/draft';
import { isGlossaryQuestion, lookupTerm } from '../../domain/glossary';
import { type Intent, matchIntent } from '../../domain/intents';
import { possibleHarmFlagged } from '../../domain/risk';
import { buttons } from '../../views/common';
import {
  confirmCancelCard,
  glossaryCard,
  helpCard,
  noticeCard,
  statusCard,
  welcomeCard,
} from '../../views/notice-view';
import { adviceLineCard, notUnderstoodCard, urgentCard } from '../../views/urgent-view';
import type { BotDeps } from '../deps';
import { DraftConflictError } from '../draft-store';
import { referrerOf, sendCard, teamsProfile, today } from '../turn';
import { commit, sendCurrent } from './steps';

export async function onStart(context: TurnContext, deps: BotDeps, kind: CallKind): Promise<void> {
  const { key } = referrerOf(context);
  const first = await deps.drafts.load(key);
  if (first.state.current) return alreadyInProgress(context, deps, first.state.current);
  // a returning referrer's last call already gives their name and email, and those win over the Teams
  // profile: Teams is asked only when it could add something (a round trip of up to 3 s saved)
  const remembered = first.state.lastReferrer;
  const known = Boolean(remembered?.name && remembered?.email);
  const profile = known ? {} : await teamsProfile(context);
  // the profile look-up waits on the network, so read again: a second Start may have saved a draft
  // meanwhile (and if one lands after this read, the store's eTag check refuses to overwrite it)
  const loaded = known ? first : await deps.drafts.load(key);
  if (loaded.state.current) return alreadyInProgress(context, deps, loaded.state.current);
  const now = deps.now();
  const prefill = { ...profile, ...(loaded.state.lastReferrer ?? {}) };
  const draft = startDraft(deps.newId(), kind, now, today(now, deps.profile), prefill);
  deps.logger.info({ event: 'draft-started', draft: draft.id, kind });
  await commit(context, deps, loaded, draft);
}

async function alreadyInProgress(context: TurnContext, deps: BotDeps, current: Draft): Promise<void> {
  await sendCard(
    context,
    noticeCard({
      title: 'You already have a call in progress',
      lines: [
        `${progress(current, deps.profile).text}.`,
        'Resume it, or cancel it first to start a new one.',
      ],
      buttons: [buttons.resume, buttons.cancel],
    }),
  );
}

export async function onResume(context: TurnContext, deps: BotDeps): Promise<void> {
  const loaded = await deps.drafts.load(referrerOf(context).key);
  if (!loaded.state.current) {
    await sendCard(
      context,
      noticeCard({
        title: 'Nothing to resume',
        lines: ['You have no duty call in progress.'],
        buttons: [buttons.start, buttons.advice],
      }),
    );
    return;
  }
  await sendCurrent(context, deps, loaded, { notice: 'Welcome back: here is where you left off.' });
}

export async function onStatus(context: TurnContext, deps: BotDeps): Promise<void> {
  const { key } = referrerOf(context);
  const loaded = await deps.drafts.load(key);
  const draft = loaded.state.current;
  const last = (await deps.drafts.closedCalls(key, loaded)).at(-1);
  await sendCard(context, statusCard(draft, draft ? progress(draft, deps.profile) : null, last));
}

export async function onCancel(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  if (!state.current) {
    await sendCard(
      context,
      noticeCard({
        title: 'Nothing to cancel',
        lines: ['You have no duty call in progress.'],
        buttons: [buttons.start, buttons.advice],
      }),
    );
    return;
  }
  // possible harm flagged: the confirmation says what discarding means for the alert (HAZ-14)
  const alert = await deps.draftAlerts.forDraft(state.current.id);
  const risk = alert !== undefined || possibleHarmFlagged(state.current.answers);
  await sendCard(
    context,
    confirmCancelCard(
      state.current,
      progress(state.current, deps.profile),
      risk ? { reference: alert?.reference } : undefined,
    ),
  );
}

/**
 * "forget me": deletes at once what the bot keeps about the referrer in their chat (the details it
 * offers again from their last call, and the list of their recent calls). A call in progress is kept,
 * and the reply says so: discarding it is what "cancel" is for, with its own confirmation, and a draft
 * lost to a mistyped command could be a referral that never gets made.
 */
export async function onForgetMe(context: TurnContext, deps: BotDeps): Promise<void> {
  const who = referrerOf(context);
  const loaded = await deps.drafts.load(who.key);
  const { current, lastReferrer } = loaded.state;
  try {
    if (current) await deps.drafts.save(who.key, loaded, { current, lastReferrer: undefined }, 'clear');
    else await deps.drafts.forget(who.key);
  } catch (err) {
    if (!(err instanceof DraftConflictError)) throw err;
    await sendCard(
      context,
      noticeCard({
        title: 'Nothing was deleted',
        lines: ['Your call changed at the same moment; please type **forget me** again.'],
      }),
    );
    return;
  }
  deps.scrubDeleted();
  await deps.audit.append({
    at: deps.now().toISOString(),
    actorId: who.userId,
    action: 'forget-me',
    outcome: 'done',
    detail: { profile: lastReferrer !== undefined, draftKept: current !== null },
  });
  deps.logger.info({ event: 'referrer-forgotten', draftKept: current !== null });
  const { draftDays, profileDays, recordYears } = deps.retention;
  await sendCard(
    context,
    noticeCard({
      title: 'Your details are deleted',
      lines: [
        lastReferrer
          ? 'I have deleted the details I remembered from your last call (your name, role, team and contact details) and the list of your recent calls. Your next call starts without them.'
          : 'I had no details of yours remembered from a previous call. The list of your recent calls is deleted.',
        current
          ? `Your call in progress is kept, with what you have entered in it: type **cancel** to discard it too. A call left untouched for ${draftDays} days is deleted anyway.`
          : `Without this, I forget them by myself ${profileDays} days after you last use me.`,
        `Calls you have submitted are part of the IMH service's records and are not affected: they are kept for ${recordYears} years, as the NHS records code requires for children. To ask about them, call the advice line on ${deps.profile.adviceLineNumber}.`,
      ],
      buttons: current ? [buttons.resume, buttons.cancel] : [buttons.start, buttons.advice],
    }),
  );
}

export async function onHelp(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, helpCard(deps.profile, state.current !== null));
}

export async function onWelcome(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, welcomeCard(deps.profile, state.current !== null));
}

/** Free text: a glossary question, words that ask for something (intents.ts), or not understood. */
export async function onOtherText(context: TurnContext, deps: BotDeps): Promise<void> {
  const text = context.activity.text ?? '';
  const entry = isGlossaryQuestion(text) ? lookupTerm(text) : undefined;
  if (entry) {
    await sendCard(context, glossaryCard(entry));
    return;
  }
  const intent = matchIntent(text);
  if (intent) {
    // the intent only, never the text: free text may hold details about a family
    deps.logger.info({ event: 'free-text-intent', intent });
    return INTENT_HANDLERS[intent](context, deps);
  }
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, notUnderstoodCard(deps.profile, state.current !== null));
}

const INTENT_HANDLERS: Record<Intent, (context: TurnContext, deps: BotDeps) => Promise<void>> = {
  urgent: onUrgent,
  speak: onSpeakToSomeone,
  resume: onResume,
  help: onHelp,
  advice: (c, d) => onStart(c, d, 'advice'),
  start: (c, d) => onStart(c, d, 'full'),
};

/**
 * Anything urgent ("urgent", "emergency", "baby is in danger", "need help now"): what to do now, at once
 * (HAZ-02). Answered in a channel too, where calls are not taken: it holds nothing about a family.
 */
export async function onUrgent(context: TurnContext, deps: BotDeps): Promise<void> {
  const who = referrerOf(context);
  if (!who.personal) {
    await sendCard(context, urgentCard(deps.profile, undefined));
    return;
  }
  const { state } = await deps.drafts.load(who.key);
  await sendCard(context, urgentCard(deps.profile, state.current !== null));
}

/** "I need to speak to someone", "can I talk to a person", "phone": the advice line. */
async function onSpeakToSomeone(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, adviceLineCard(deps.profile, state.current !== null));
}
