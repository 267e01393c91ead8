// From their own files, not the package index: the index also loads the AI models and tokenizers (openai,
// gpt-tokenizer), which this bot never uses: about 150 ms at every start (npm run bench:startup).
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { matchIntent } from '../domain/intents';
import { buttons } from '../views/common';
import { problemCard } from '../views/notice-view';
import type { BotDeps } from './deps';
import { registerCardActions } from './handlers/card-actions';
import { channelCommand, isChannelConversation, onChannelCommand, onTeamInstalled } from './handlers/channel';
import {
  onCancel,
  onForgetMe,
  onHelp,
  onOtherText,
  onResume,
  onStart,
  onStatus,
  onUrgent,
  onWelcome,
} from './handlers/commands';
import { onStep, sendCurrent } from './handlers/steps';
import { onCancelConfirm, onSubmit } from './handlers/submit';
import { parseSubmission } from './submission';
import { referrerOf, sendCard } from './turn';

const COMMANDS: Record<string, (context: TurnContext, deps: BotDeps) => Promise<void>> = {
  start: (c, d) => onStart(c, d, 'full'),
  'start a duty call': (c, d) => onStart(c, d, 'full'),
  advice: (c, d) => onStart(c, d, 'advice'),
  'advice only': (c, d) => onStart(c, d, 'advice'),
  resume: onResume,
  continue: onResume,
  status: onStatus,
  cancel: onCancel,
  help: onHelp,
  'forget me': onForgetMe,
  hi: onWelcome,
  hello: onWelcome,
};

function command(text: string | undefined): string {
  return (text ?? '')
    .trim()
    .toLowerCase()
    .replace(/[.!?\s]+$/, '')
    .replace(/\s+/g, ' ');
}

export function createApp(adapter: TeamsAdapter, botAppId: string, deps: BotDeps) {
  // No storage for Teams AI's own turn state: nothing reads it (drafts are in deps.drafts, saved with
  // an eTag before each card), and loading it cost two storage reads on every turn.
  const app = new Application<TurnState>({
    adapter,
    botAppId,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    turnStateFactory: () => new TurnState(),
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (!added.some((m) => m.id === botId)) return;
    if (referrerOf(context).personal) await onWelcome(context, deps);
    else if (context.activity.channelData?.team?.id)
      await onTeamInstalled(context, deps, { introduce: true });
  });
  // Teams also says so with an installationUpdate, and tells the bot when a team's channels change
  app.activity(
    (context) =>
      Promise.resolve(
        context.activity.type === ActivityTypes.InstallationUpdate &&
          /^add/.test(context.activity.action ?? '') &&
          typeof context.activity.channelData?.team?.id === 'string',
      ),
    async (context) => onTeamInstalled(context, deps, { introduce: false }),
  );
  app.conversationUpdate('channelCreated', async (c) => onTeamInstalled(c, deps, { introduce: false }));
  app.conversationUpdate('channelRenamed', async (c) => onTeamInstalled(c, deps, { introduce: false }));
  app.conversationUpdate('channelDeleted', async (c) => onTeamInstalled(c, deps, { introduce: false }));

  // Universal Actions on the duty summary and the safeguarding alert (invokes, routed first)
  registerCardActions(app, deps);

  // card submissions carry a value; route them before text so a value is never read as a command
  app.activity(
    (context) =>
      Promise.resolve(
        context.activity.type === ActivityTypes.Message && context.activity.value !== undefined,
      ),
    async (context) => onCardAction(context, deps),
  );

  // in a channel (the bot hears only messages that @mention it): set up where it posts, and status
  app.message(
    (context) =>
      Promise.resolve(
        isChannelConversation(context) && channelCommand(command(context.activity.text)) !== undefined,
      ),
    async (context) => onChannelCommand(context, deps, command(context.activity.text)),
  );

  app.message(
    (context) => Promise.resolve(COMMANDS[command(context.activity.text)] !== undefined),
    async (context) => {
      if (!referrerOf(context).personal) return personalOnly(context);
      await COMMANDS[command(context.activity.text)]!(context, deps);
    },
  );

  // free text: what it most likely asks for (src/domain/intents.ts); urgent words are answered
  // wherever they are typed, since what to do now holds nothing about a family
  app.activity(ActivityTypes.Message, async (context) => {
    if (!referrerOf(context).personal) {
      if (matchIntent(context.activity.text ?? '') === 'urgent') return onUrgent(context, deps);
      return personalOnly(context);
    }
    await onOtherText(context, deps);
  });

  return app;
}

async function personalOnly(context: TurnContext): Promise<void> {
  await context.sendActivity(
    'Duty calls hold details about a family, so I only take them in a personal chat: open a chat with me to start one.',
  );
}

async function onCardAction(context: TurnContext, deps: BotDeps): Promise<void> {
  if (!referrerOf(context).personal) return personalOnly(context);
  const parsed = parseSubmission(context.activity.value);
  if (!parsed.ok) {
    deps.logger.info({ event: 'card-action-refused', reason: parsed.reason });
    const why = {
      'too-large': 'That card sent more than I can accept, so nothing was saved.',
      malformed: 'I could not read that card, so nothing was saved.',
      'unknown-action': 'I do not recognise that button, so nothing was changed.',
    }[parsed.reason];
    // answer with the card to carry on from, as for any other card that cannot be applied
    const loaded = await deps.drafts.load(referrerOf(context).key);
    if (!loaded.state.current) {
      await sendCard(
        context,
        problemCard(
          'Nothing changed',
          [why, 'You have no duty call in progress.'],
          [buttons.start, buttons.advice, buttons.help],
        ),
      );
      return;
    }
    await sendCard(
      context,
      problemCard('Nothing changed', [why, 'Your saved draft is untouched: here is where you are.']),
    );
    await sendCurrent(context, deps, loaded);
    return;
  }
  const { envelope: e, inputs } = parsed;
  switch (e.verb) {
    case 'call.start':
      return onStart(context, deps, e.kind ?? 'full');
    case 'call.resume':
      return onResume(context, deps);
    case 'call.status':
      return onStatus(context, deps);
    case 'call.help':
      return onHelp(context, deps);
    case 'call.cancel':
      return onCancel(context, deps);
    case 'call.cancel.confirm':
      return onCancelConfirm(context, deps, e);
    case 'call.submit':
      return onSubmit(context, deps, e);
    case 'call.save':
    case 'call.back':
    case 'call.edit':
      return onStep(context, deps, e, inputs);
  }
}
