import type { ServiceProfile } from './checklist';
import { type Draft, goTo, keepTyped, pageAt, pageCount, pageOf, withoutTyped } from './draft';
import { pagesOf, partsOf, sectionInputs } from './pages';
import { phonePrompts } from './pick-up-the-phone';
import { typedChanges } from './section-validation';

/**
 * Back on a card: where it goes, and what of the card's typed answers stays (issue 9: nothing typed is
 * lost, and nothing is saved by going back).
 */

/**
 * The previous page of pick-up-the-phone prompts; otherwise the card before this one, on its last page
 * of prompts if it is pick up the phone. From the review, the last card; from the first card, itself.
 */
export function goBack(draft: Draft, now: Date): Draft {
  const page = draft.page ?? 0;
  if (draft.at === 'pickUpThePhone' && page > 0) return goTo(draft, draft.at, now, page - 1);
  const ids = pagesOf(draft.kind).map((p) => p.id);
  const at =
    (draft.at === 'review' ? ids[ids.length - 1] : ids[Math.max(0, ids.indexOf(draft.at) - 1)]) ?? 'referrer';
  const lastPage = pageCount(phonePrompts(draft.answers).length) - 1;
  return goTo(draft, at, now, at === 'pickUpThePhone' ? lastPage : 0);
}

/**
 * What was typed on the card left by Back, where it differs from the saved answers, stays in the draft
 * as typed (valid or not, never as saved answers). Typed back to what was saved, an older typed copy of
 * the card must not come back instead.
 */
export function keepTypedOnBack(
  draft: Draft,
  profile: ServiceProfile,
  inputs: Record<string, unknown>,
): Draft {
  const page = pageAt(draft);
  if (!page) return draft;
  const typed: Record<string, string> = {};
  const prompts = pageOf(phonePrompts(draft.answers), draft.page ?? 0);
  for (const { part, section } of partsOf(page, draft.kind, profile)) {
    const changed = typedChanges(section, sectionInputs(inputs, section.id), {
      prompts,
      answers: draft.answers,
      part,
    });
    for (const [k, v] of Object.entries(changed ?? {})) typed[`${section.id}.${k}`] = v;
  }
  if (Object.keys(typed).length > 0) return keepTyped(draft, page.id, typed);
  return page.id === 'pickUpThePhone' ? draft : withoutTyped(draft, page.id);
}
