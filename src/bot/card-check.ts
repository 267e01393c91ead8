import type { Draft } from '../domain/draft';
import type { DraftStore, Loaded } from './draft-store';
import type { Envelope } from './submission';

export type CardCheck =
  | { ok: true; draft: Draft }
  | {
      ok: false;
      problem: 'no-draft' | 'submitted' | 'cancelled' | 'other-draft' | 'stale';
      reference?: string;
    };

type Problem = Extract<CardCheck, { ok: false }>;

/**
 * Whether a card action belongs to the draft as it is now. A card from a finished or replaced draft,
 * or from an earlier step of this one, must not change anything.
 */
export async function checkCard(
  drafts: DraftStore,
  key: string,
  loaded: Loaded,
  e: Envelope,
): Promise<CardCheck> {
  const draft = loaded.state.current;
  if (!draft || e.draftId !== draft.id) return otherCallProblem(drafts, key, loaded, e.draftId);
  if (e.step !== draft.step) return { ok: false, problem: 'stale' };
  if (e.section !== undefined && e.section !== draft.at) return { ok: false, problem: 'stale' };
  return { ok: true, draft };
}

/**
 * What to say of a card that is not the current draft's: the referrer's recent calls (read only here,
 * issue 10) say whether its call was submitted or cancelled.
 */
export async function otherCallProblem(
  drafts: DraftStore,
  key: string,
  loaded: Loaded,
  draftId: string | undefined,
): Promise<Problem> {
  const ended = draftId ? (await drafts.closedCalls(key, loaded)).find((c) => c.id === draftId) : undefined;
  if (ended)
    return { ok: false, problem: ended.status, ...(ended.reference ? { reference: ended.reference } : {}) };
  return { ok: false, problem: loaded.state.current ? 'other-draft' : 'no-draft' };
}

export const PROBLEM_TEXT: Record<Exclude<CardCheck, { ok: true }>['problem'], string> = {
  'no-draft': 'That card belongs to a duty call that is no longer in progress, so nothing was changed.',
  submitted: 'That duty call has already been submitted, so nothing was changed.',
  cancelled: 'That duty call was cancelled, so nothing was changed.',
  'other-draft':
    'That card is from an earlier duty call, so nothing was changed. Your current call is below.',
  stale:
    'That card is out of date (you have moved on since), so nothing was changed. Here is where you are now.',
};
