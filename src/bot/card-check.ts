import type { Draft } from '../domain/draft';
import type { ReferrerState } from './draft-store';
import type { Envelope } from './submission';

export type CardCheck =
  | { ok: true; draft: Draft }
  | {
      ok: false;
      problem: 'no-draft' | 'submitted' | 'cancelled' | 'other-draft' | 'stale';
      reference?: string;
    };

/**
 * Whether a card action belongs to the draft as it is now. A card from a finished or replaced draft,
 * or from an earlier step of this one, must not change anything.
 */
export function checkCard(state: ReferrerState, e: Envelope): CardCheck {
  const draft = state.current;
  if (!draft || e.draftId !== draft.id) {
    const closed = e.draftId ? state.closed.find((c) => c.id === e.draftId) : undefined;
    if (closed)
      return {
        ok: false,
        problem: closed.status,
        ...(closed.reference ? { reference: closed.reference } : {}),
      };
    return { ok: false, problem: draft ? 'other-draft' : 'no-draft' };
  }
  if (e.step !== draft.step) return { ok: false, problem: 'stale' };
  if (e.section !== undefined && e.section !== draft.at) return { ok: false, problem: 'stale' };
  return { ok: true, draft };
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
