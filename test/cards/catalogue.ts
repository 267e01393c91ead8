/**
 * Every card the bot builds for a call, from the same view builders the handlers call, in every state the
 * handlers show it in: a section as saved, a section re-shown with what was typed and an error on every
 * field, the review (with and without errors), the summary and the draft referral.
 */
import type { CardName } from '../../src/bot/cards';
import { documentCard } from '../../src/bot/views/document-view';
import { reviewCard } from '../../src/bot/views/review-view';
import { sectionCard } from '../../src/bot/views/section-view';
import type { ServiceProfile } from '../../src/domain/checklist';
import { type Draft, goTo, pageCount, pageOf, sectionsOf } from '../../src/domain/draft';
import { type PhonePrompt, phonePrompts } from '../../src/domain/pick-up-the-phone';
import { referralDoc } from '../../src/domain/referral';
import { asSubmitted, sectionFields } from '../../src/domain/section-validation';
import { summaryDoc } from '../../src/domain/summary';
import type { Card } from './card-lint';
import { NOW, submitted, TODAY } from './scenarios';

export interface BuiltCard {
  readonly label: string;
  readonly template: CardName;
  readonly card: Card;
}

/** The notice a handler shows above a section sent back from the review, the longest it uses. */
export const LONGEST_NOTICE = 'Before submitting, this section needs another look.';

/** An error for every field, in the form validation words its longest generic error. */
export function errorForEveryField(fields: readonly { id: string; label: string }[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((f) => [f.id, `${f.label}: this answer could not be read; please enter it again.`]),
  );
}

/**
 * The section card as saved, and as re-shown after a failed save with an error on every field.
 * Pick up the phone is shown a page of prompts at a time, as the bot shows it, unless `only` names prompts.
 */
export function sectionCards(
  draft: Draft,
  profile: ServiceProfile,
  only?: readonly PhonePrompt[],
): BuiltCard[] {
  const all = phonePrompts(draft.answers);
  return sectionsOf(draft, profile).flatMap((section) => {
    const pages =
      section.id !== 'pickUpThePhone' || only
        ? [{ page: 0, prompts: only ?? all }]
        : Array.from({ length: pageCount(all.length) }, (_, page) => ({ page, prompts: pageOf(all, page) }));
    return pages.flatMap(({ page, prompts }) => {
      const at = goTo(draft, section.id, NOW, page);
      const fields = sectionFields(section, { prompts });
      const typed = asSubmitted(draft.answers[section.id]);
      const name = pages.length > 1 ? `section ${section.id} page ${page + 1}` : `section ${section.id}`;
      const common = { draft: at, section, prompts, anyPrompts: all.length > 0, today: TODAY };
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
        'Infant’s date of birth (required once born): this is more than 18 years ago; please check it.',
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

/** Every card of a call that has reached the review. */
export function callCards(draft: Draft, profile: ServiceProfile): BuiltCard[] {
  return [...sectionCards(draft, profile), ...reviewCards(draft, profile), ...documentCards(draft, profile)];
}
