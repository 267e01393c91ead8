import type { TurnContext } from 'botbuilder';
import type { CallKind } from '../../domain/checklist';
import { type Draft, progress, startDraft } from '../../domain/draft';
import { isGlossaryQuestion, lookupTerm } from '../../domain/glossary';
import type { BotDeps } from '../deps';
import { referrerOf, sendCard, teamsProfile, today } from '../turn';
import { buttons } from '../views/common';
import {
  confirmCancelCard,
  glossaryCard,
  helpCard,
  noticeCard,
  statusCard,
  welcomeCard,
} from '../views/notice-view';
import { commit, sendCurrent } from './steps';

export async function onStart(context: TurnContext, deps: BotDeps, kind: CallKind): Promise<void> {
  const { key } = referrerOf(context);
  const first = await deps.drafts.load(key);
  if (first.state.current) return alreadyInProgress(context, deps, first.state.current);
  const profile = await teamsProfile(context);
  // the profile look-up waits on the network, so read again: a second Start may have saved a draft
  // meanwhile (and if one lands after this read, the store's eTag check refuses to overwrite it)
  const loaded = await deps.drafts.load(key);
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
  const { state } = await deps.drafts.load(referrerOf(context).key);
  const draft = state.current;
  await sendCard(
    context,
    statusCard(draft, draft ? progress(draft, deps.profile) : null, state.closed.at(-1)),
  );
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
  await sendCard(context, confirmCancelCard(state.current, progress(state.current, deps.profile)));
}

export async function onHelp(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, helpCard(deps.profile, state.current !== null));
}

export async function onWelcome(context: TurnContext, deps: BotDeps): Promise<void> {
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(context, welcomeCard(deps.profile, state.current !== null));
}

/** Free text: a glossary question, or something the bot does not understand. */
export async function onOtherText(context: TurnContext, deps: BotDeps): Promise<void> {
  const text = context.activity.text ?? '';
  const entry = isGlossaryQuestion(text) ? lookupTerm(text) : undefined;
  if (entry) {
    await sendCard(context, glossaryCard(entry));
    return;
  }
  const { state } = await deps.drafts.load(referrerOf(context).key);
  await sendCard(
    context,
    noticeCard({
      title: 'I did not understand that',
      lines: [
        'I answer to a few words: **start**, **advice**, **resume**, **status**, **cancel** and **help**, or a question such as **what is attunement?**',
        state.current
          ? 'Your call in progress is saved: type **resume** to carry on.'
          : 'Type **start** to begin a duty call.',
      ],
      buttons: state.current ? [buttons.resume, buttons.help] : [buttons.start, buttons.advice, buttons.help],
    }),
  );
}
