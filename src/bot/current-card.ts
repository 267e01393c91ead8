import type { Draft } from '../domain/draft';
import { pageAt, pageCount, pageOf } from '../domain/draft';
import { phonePrompts } from '../domain/pick-up-the-phone';
import { reviewCard } from '../views/review-view';
import { sectionCard } from '../views/section-view';
import type { BotDeps } from './deps';
import { today } from './turn';

export interface CardExtras {
  readonly typed?: Record<string, string>;
  readonly errors?: Record<string, string>;
  readonly notice?: string;
  readonly reviewErrors?: string[];
  /**
   * Cards sent in the same reply, once the draft is saved and before the card for where it is now: the
   * risk notice (what to do now) that a risk save with possible harm must never wait behind (HAZ-02).
   */
  readonly before?: readonly Record<string, unknown>[];
  /** Show the information-sharing statement (the reply to saving consent as "no" or "not yet asked"). */
  readonly sharing?: boolean;
}

/** The card for where the draft is now: a page of the call, or the review. */
export function currentCard(draft: Draft, deps: BotDeps, extras: CardExtras = {}): Record<string, unknown> {
  if (draft.at === 'review') return reviewCard(draft, deps.profile, extras.reviewErrors);
  const page = pageAt(draft);
  if (!page) throw new Error('draft points at an unknown page');
  return sectionCard(
    {
      draft,
      page,
      prompts: pageOf(phonePrompts(draft.answers), draft.page ?? 0),
      anyPrompts: phonePrompts(draft.answers).length > 0,
      morePages:
        draft.at === 'pickUpThePhone' &&
        (draft.page ?? 0) < pageCount(phonePrompts(draft.answers).length) - 1,
      today: today(deps.now(), deps.profile),
      // what was typed and not saved (kept in the draft), over the values a check sent back
      typed:
        extras.typed || draft.typed?.[page.id] ? { ...extras.typed, ...draft.typed?.[page.id] } : undefined,
      errors: extras.errors,
      notice: extras.notice,
      sharing: extras.sharing,
    },
    deps.profile,
  );
}
