import type { TurnContext } from 'botbuilder';
import { goTo, pageCount, pageOf, reissue, savePhonePage, saveSection, sectionsOf } from '../../domain/draft';
import { phonePrompts } from '../../domain/pick-up-the-phone';
import { validateSection } from '../../domain/section-validation';
import { checkCard, PROBLEM_TEXT } from '../card-check';
import { type CardExtras, currentCard } from '../current-card';
import type { BotDeps } from '../deps';
import { DraftConflictError, type Loaded } from '../draft-store';
import type { Envelope } from '../submission';
import { referrerOf, sendCard, today } from '../turn';
import { buttons } from '../views/common';
import { problemCard } from '../views/notice-view';

/** Save / Next / Back / Edit on a section or review card. */
export async function onStep(
  context: TurnContext,
  deps: BotDeps,
  e: Envelope,
  inputs: Record<string, unknown>,
) {
  const { key } = referrerOf(context);
  const loaded = await deps.drafts.load(key);
  const check = checkCard(loaded.state, e);
  if (!check.ok) return answerProblem(context, deps, loaded, check.problem, check.reference);
  const draft = check.draft;
  const now = deps.now();

  const lastPage = pageCount(phonePrompts(draft.answers).length) - 1;
  if (e.verb === 'call.back') {
    if (draft.at === 'pickUpThePhone' && (draft.page ?? 0) > 0) {
      return commit(context, deps, loaded, goTo(draft, draft.at, now, (draft.page ?? 0) - 1));
    }
    const ids = sectionsOf(draft, deps.profile).map((s) => s.id);
    const at =
      (draft.at === 'review' ? ids[ids.length - 1] : ids[Math.max(0, ids.indexOf(draft.at) - 1)]) ??
      'referrer';
    return commit(context, deps, loaded, goTo(draft, at, now, at === 'pickUpThePhone' ? lastPage : 0));
  }
  if (e.verb === 'call.edit') {
    const target = sectionsOf(draft, deps.profile).find((s) => s.id === inputs.target);
    if (draft.at !== 'review' || !target) return answerProblem(context, deps, loaded, 'stale');
    return commit(context, deps, loaded, goTo(draft, target.id, now));
  }

  // call.save: the section on screen is the one in the envelope (checkCard made sure)
  const section = sectionsOf(draft, deps.profile).find((s) => s.id === draft.at);
  if (!section) return answerProblem(context, deps, loaded, 'stale');
  const allPrompts = phonePrompts(draft.answers);
  const result = validateSection(section, inputs, {
    today: today(now, deps.profile),
    prompts: pageOf(allPrompts, draft.page ?? 0),
    answers: draft.answers,
  });
  if (!result.ok) {
    deps.logger.info({ event: 'validation-failed', section: section.id, fields: Object.keys(result.errors) });
    return commit(context, deps, loaded, reissue(draft, now), {
      typed: result.values,
      errors: result.errors,
    });
  }
  const move = e.move === 'next' ? 'next' : 'stay';
  const next =
    section.id === 'pickUpThePhone'
      ? savePhonePage(
          draft,
          { ...(draft.answers.pickUpThePhone ?? {}), ...result.answers },
          move,
          pageCount(allPrompts.length),
          deps.profile,
          now,
        )
      : saveSection(draft, section.id, result.answers, move, deps.profile, now);
  return commit(context, deps, loaded, next, move === 'stay' ? { notice: 'Saved.' } : {});
}

/** Stores the draft first, then sends its card: a card never shows a step that was not saved. */
export async function commit(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  draft: NonNullable<Loaded['state']['current']>,
  extras: CardExtras = {},
): Promise<void> {
  try {
    await deps.drafts.save(referrerOf(context).key, loaded, { ...loaded.state, current: draft });
  } catch (err) {
    if (!(err instanceof DraftConflictError)) throw err;
    deps.logger.warn({ event: 'draft-conflict' });
    const fresh = await deps.drafts.load(referrerOf(context).key);
    await sendCard(
      context,
      problemCard('Your draft changed at the same moment', [
        'Another action on this call was saved just before yours, so yours was not applied. Nothing saved has been lost.',
      ]),
    );
    if (fresh.state.current) await sendCurrent(context, deps, fresh);
    return;
  }
  deps.logger.info({ event: 'draft-saved', draft: draft.id, at: draft.at, step: draft.step });
  await sendCard(context, currentCard(draft, deps, extras));
}

/** Re-sends the card for where the draft is, under a new step so older copies stop working. */
export async function sendCurrent(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  extras: CardExtras = {},
) {
  const draft = loaded.state.current;
  if (!draft) return;
  await commit(context, deps, loaded, reissue(draft, deps.now()), extras);
}

export async function answerProblem(
  context: TurnContext,
  deps: BotDeps,
  loaded: Loaded,
  problem: keyof typeof PROBLEM_TEXT,
  reference?: string,
): Promise<void> {
  deps.logger.info({ event: 'card-refused', problem });
  const lines = [PROBLEM_TEXT[problem]];
  if (reference) lines.push(`Its reference is ${reference}.`);
  const current = loaded.state.current;
  if (!current) {
    await sendCard(context, problemCard('Nothing changed', lines, [buttons.start, buttons.advice]));
    return;
  }
  await sendCard(context, problemCard('Nothing changed', lines));
  await sendCurrent(context, deps, loaded);
}
