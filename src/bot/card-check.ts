import type { ClosedDraft, Draft } from '../domain/draft';
import type { DraftStore, Loaded, ReferrerState } from './draft-store';
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
 * or from an earlier step of this one, must not change anything. `closed`, the referrer's recent calls,
 * says which it was; it is needed only for a card that is not the current draft's.
 */
export function checkCard(state: ReferrerState, e: Envelope, closed: readonly ClosedDraft[] = []): CardCheck {
  const draft = state.current;
  if (!draft || e.draftId !== draft.id) {
    const ended = e.draftId ? closedCall(closed, e.draftId) : undefined;
    if (ended)
      return {
        ok: false,
        problem: ended.status,
        ...(ended.reference ? { reference: ended.reference } : {}),
      };
    return { ok: false, problem: draft ? 'other-draft' : 'no-draft' };
  }
  if (e.step !== draft.step) return { ok: false, problem: 'stale' };
  if (e.section !== undefined && e.section !== draft.at) return { ok: false, problem: 'stale' };
  return { ok: true, draft };
}

/** checkCard, reading the referrer's recent calls only when the card is not the current draft's. */
export async function checkCardAction(
  drafts: DraftStore,
  key: string,
  loaded: Loaded,
  e: Envelope,
): Promise<CardCheck> {
  const current = loaded.state.current;
  const other = e.draftId !== undefined && e.draftId !== current?.id;
  return checkCard(loaded.state, e, other ? await drafts.closedCalls(key, loaded) : []);
}

/** The call a card came from, if it has ended. */
export function closedCall(closed: readonly ClosedDraft[], draftId: string): ClosedDraft | undefined {
  return closed.find((c) => c.id === draftId);
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
