import type { ServiceProfile } from '../domain/checklist';
import { IMMEDIATE_DANGER_LINE, immediateDangerActions } from '../domain/risk';
import { buttons, FOOTER } from './common';
import { noticeCard } from './notice-view';

function nextSteps(hasDraft: boolean) {
  return hasDraft ? [buttons.resume, buttons.help] : [buttons.start, buttons.advice, buttons.help];
}

/**
 * Anything urgent typed in the chat: what to do now, at once, before anything else (HAZ-02). The same
 * actions as after a risk screening that flags possible harm (the rule lives once, in the domain).
 */
export function urgentCard(profile: ServiceProfile, hasDraft: boolean | undefined): Record<string, unknown> {
  return noticeCard({
    title: 'If someone may be in danger, act now',
    color: 'Attention',
    lines: [
      ...immediateDangerActions(profile),
      `For advice from the IMH duty team, call the IMH advice line on ${profile.adviceLineNumber}.`,
      'This chat is not watched for emergencies: do not wait for a reply here.',
      ...(hasDraft === undefined
        ? []
        : [
            hasDraft
              ? 'Your call in progress is saved: type **resume** to carry on.'
              : 'To make a referral, type **start**.',
          ]),
    ],
    buttons: hasDraft === undefined ? [] : nextSteps(hasDraft),
    footer: FOOTER,
  });
}

/** "I need to speak to someone": the advice line, and 999 in immediate danger. */
export function adviceLineCard(profile: ServiceProfile, hasDraft: boolean): Record<string, unknown> {
  return noticeCard({
    title: 'Speak to the IMH duty team',
    lines: [
      `To speak to someone, call the IMH advice line on ${profile.adviceLineNumber}.`,
      IMMEDIATE_DANGER_LINE,
      hasDraft
        ? 'Your call in progress is saved: type **resume** to carry on.'
        : 'I can also walk you through the duty call here: type **start**, or **advice** for advice only.',
    ],
    buttons: nextSteps(hasDraft),
    footer: FOOTER,
  });
}

/** Free text the bot does not understand: what it answers to, and where to phone. */
export function notUnderstoodCard(profile: ServiceProfile, hasDraft: boolean): Record<string, unknown> {
  return noticeCard({
    title: 'I did not understand that',
    lines: [
      'I answer to a few words: **start**, **advice**, **resume**, **status**, **cancel**, **help** and **forget me**, or a question such as **what is attunement?**',
      hasDraft
        ? 'Your call in progress is saved: type **resume** to carry on.'
        : 'Type **start** to begin a duty call.',
      `To speak to the duty team, call the IMH advice line on ${profile.adviceLineNumber}. ${IMMEDIATE_DANGER_LINE}`,
    ],
    buttons: nextSteps(hasDraft),
  });
}
