/**
 * Every card the bot builds for a call, from the same view builders the handlers call, in every state the
 * handlers show it in: a section as saved, a section re-shown with what was typed and an error on every
 * field, the review (with and without errors), the summary and the draft referral.
 */

import type { ServiceProfile } from '../../src/domain/checklist';
import { type Draft, goTo, pageCount, pageOf } from '../../src/domain/draft';
import { inputId, pagesOf, partsOf } from '../../src/domain/pages';
import { type PhonePrompt, phonePrompts } from '../../src/domain/pick-up-the-phone';
import { referralDoc } from '../../src/domain/referral';
import { askedFields, pageValues } from '../../src/domain/section-validation';
import { summaryDoc } from '../../src/domain/summary';
import type { CardName } from '../../src/views/cards';
import { confirmationCard } from '../../src/views/confirmation-view';
import { documentCard } from '../../src/views/document-view';
import { reviewCard } from '../../src/views/review-view';
import { sectionCard } from '../../src/views/section-view';
import type { Card } from './card-lint';
import { NOW, submitted, TODAY } from './scenarios';

export interface BuiltCard {
  readonly label: string;
  readonly template: CardName;
  readonly card: Card;
}

/** The notice a handler shows above a section sent back from the review, the longest it uses. */
export const LONGEST_NOTICE = 'Before submitting, this card needs another look.';

/** An error for every field, in the form validation words its longest generic error. */
export function errorForEveryField(fields: readonly { id: string; label: string }[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((f) => [f.id, `${f.label}: this answer could not be read; please enter it again.`]),
  );
}

/**
 * Each card of the call as saved, and as re-shown after a failed save with an error on every input.
 * Pick up the phone is shown a page of prompts at a time, as the bot shows it, unless `only` names prompts.
 */
export function sectionCards(
  draft: Draft,
  profile: ServiceProfile,
  only?: readonly PhonePrompt[],
): BuiltCard[] {
  const all = phonePrompts(draft.answers);
  return pagesOf(draft.kind).flatMap((p) => {
    const pages =
      p.id !== 'pickUpThePhone' || only
        ? [{ page: 0, prompts: only ?? all }]
        : Array.from({ length: pageCount(all.length) }, (_, page) => ({ page, prompts: pageOf(all, page) }));
    return pages.flatMap(({ page, prompts }) => {
      const at = goTo(draft, p.id, NOW, page);
      const fields = partsOf(p, draft.kind, profile).flatMap(({ part, section }) =>
        askedFields(section, part, draft.answers, prompts).map((f) => ({
          id: inputId(section.id, f.id),
          label: f.label,
        })),
      );
      const typed = pageValues(p, { answers: draft.answers, kind: draft.kind, profile });
      const name = pages.length > 1 ? `section ${p.id} page ${page + 1}` : `section ${p.id}`;
      const common = { draft: at, page: p, prompts, anyPrompts: all.length > 0, today: TODAY };
      return [
        {
          label: `${name}, saved`,
          template: 'section' as const,
          card: sectionCard({ ...common, notice: 'Saved.' }, profile),
        },
        {
          label: `${name}, errors on every field`,
          template: 'section' as const,
          card: sectionCard(
            {
              ...common,
              typed: Object.fromEntries(fields.map((f) => [f.id, typed[f.id] ?? ''])),
              errors: errorForEveryField(fields),
              notice: LONGEST_NOTICE,
            },
            profile,
          ),
        },
      ];
    });
  });
}

export function reviewCards(draft: Draft, profile: ServiceProfile): BuiltCard[] {
  const review = goTo(draft, 'review', NOW);
  return [
    { label: 'review', template: 'review', card: reviewCard(review, profile) },
    {
      label: 'review with errors',
      template: 'review',
      card: reviewCard(review, profile, [
        'Pick up the phone: a new prompt applies since you saved this section; please record what happened.',
        'Date of birth: this is more than 18 years ago; please check it.',
      ]),
    },
  ];
}

export function documentCards(draft: Draft, profile: ServiceProfile): BuiltCard[] {
  const call = submitted(draft, profile);
  const referral = referralDoc(call, profile);
  return [
    {
      label: 'summary',
      template: 'document',
      card: documentCard(
        summaryDoc(call, profile),
        call.risk.level === 'possible-harm' ? 'attention' : 'accent',
      ),
    },
    ...(referral
      ? [{ label: 'referral', template: 'document' as const, card: documentCard(referral, 'default') }]
      : []),
  ];
}

/** The referrer's one card after Submit, with no channels set and with both set and an alert raised. */
export function confirmationCards(draft: Draft, profile: ServiceProfile): BuiltCard[] {
  const call = submitted(draft, profile);
  const docs = { call, profile, summary: summaryDoc(call, profile), referral: referralDoc(call, profile) };
  return [
    { dutyChannel: false, alert: undefined },
    { dutyChannel: true, alert: { raisedDuringCall: true, channel: true } },
  ].map((o, i) => ({
    label: `confirmation ${i + 1}`,
    template: 'confirmation' as const,
    card: confirmationCard({ ...docs, ...o, referralReminderDays: 7 }).card,
  }));
}

/** Every card of a call that has reached the review. */
export function callCards(draft: Draft, profile: ServiceProfile): BuiltCard[] {
  return [
    ...sectionCards(draft, profile),
    ...reviewCards(draft, profile),
    ...documentCards(draft, profile),
    ...confirmationCards(draft, profile),
  ];
}
