import type { Answers, SectionAnswers } from './answers';
import {
  type CallKind,
  checklist,
  KEY_POINTS,
  type SectionDef,
  type SectionId,
  type ServiceProfile,
} from './checklist';
import { phonePrompts } from './pick-up-the-phone';

/** A duty call in progress: saved after every step so the referrer can stop and resume. */
export interface Draft {
  readonly id: string;
  readonly kind: CallKind;
  /** The ISO calendar date the call started: "on the day of the call" for the age rule. */
  readonly callDate: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Time actively spent, so a call resumed next day does not count the night. */
  readonly activeMs: number;
  /** The section on screen, or 'review' once every section has been saved. */
  readonly at: SectionId | 'review';
  /** Bumped every time a card is sent; a card carrying another number is stale. */
  readonly step: number;
  readonly answers: Answers;
  readonly saved: readonly SectionId[];
  /** Which page of pick-up-the-phone prompts is on screen: a card holds at most PROMPTS_PER_PAGE. */
  readonly page?: number;
  /** Suggested referrer details (Teams profile, the referrer's last call), shown until the section is saved. */
  readonly prefill?: SectionAnswers;
  /**
   * What was typed on a section's card and not (yet) saved as its answers, valid or not: kept by Back,
   * Save, Edit and resume so nothing typed is lost, and cleared once the section is saved valid.
   */
  readonly typed?: Partial<Record<SectionId, Record<string, string>>>;
}

/** Gaps longer than this between two steps are a break, not time spent on the call. */
const MAX_STEP_GAP_MS = 10 * 60_000;

export function startDraft(
  id: string,
  kind: CallKind,
  now: Date,
  callDate: string,
  prefill?: SectionAnswers,
): Draft {
  const t = now.toISOString();
  return {
    id,
    kind,
    callDate,
    startedAt: t,
    updatedAt: t,
    activeMs: 0,
    at: 'referrer',
    step: 1,
    answers: {},
    saved: [],
    ...(prefill ? { prefill } : {}),
  };
}

export function sectionsOf(draft: Pick<Draft, 'kind'>, profile: ServiceProfile): readonly SectionDef[] {
  return checklist(draft.kind, profile);
}

function touch(draft: Draft, now: Date): Pick<Draft, 'updatedAt' | 'activeMs' | 'step'> {
  const gap = Math.max(0, now.getTime() - Date.parse(draft.updatedAt));
  return {
    updatedAt: now.toISOString(),
    activeMs: draft.activeMs + Math.min(gap, MAX_STEP_GAP_MS),
    step: draft.step + 1,
  };
}

/** Stores a section's validated answers and moves on, back, or stays, as the referrer asked. */
export function saveSection(
  draft: Draft,
  section: SectionId,
  answers: SectionAnswers,
  move: 'next' | 'back' | 'stay',
  profile: ServiceProfile,
  now: Date,
): Draft {
  const saved = draft.saved.includes(section) ? draft.saved : [...draft.saved, section];
  const next: Draft = {
    ...withoutTyped(draft, section),
    ...touch(draft, now),
    answers: { ...draft.answers, [section]: answers },
    saved,
  };
  return { ...next, at: move === 'stay' ? section : neighbour(next, section, move, profile) };
}

/**
 * Keeps what was typed on a section's card without saving it as answers (Back, Save or Next with answers
 * missing or invalid). Pick-up-the-phone pages merge, as each page holds other prompts' inputs.
 */
export function keepTyped(draft: Draft, section: SectionId, typed: Record<string, string>): Draft {
  const before = section === 'pickUpThePhone' ? (draft.typed?.[section] ?? {}) : {};
  return { ...draft, typed: { ...draft.typed, [section]: { ...before, ...typed } } };
}

/** Forgets what was typed on a section's card (saved valid, or typed back to the saved answers). */
export function withoutTyped(draft: Draft, section: SectionId): Draft {
  if (!draft.typed?.[section]) return draft;
  const { [section]: _gone, ...rest } = draft.typed;
  const { typed: _all, ...others } = draft;
  return Object.keys(rest).length > 0 ? { ...others, typed: rest } : others;
}

/** Moves without saving (Back on an unsaved card, Edit from the review). */
export function goTo(draft: Draft, at: SectionId | 'review', now: Date, page = 0): Draft {
  return { ...draft, ...touch(draft, now), at, page };
}

/** Six inputs a prompt: three prompts keep the card within Teams' size limit with the longest answers. */
export const PROMPTS_PER_PAGE = 3;

export function pageCount(items: number): number {
  return Math.max(1, Math.ceil(items / PROMPTS_PER_PAGE));
}

export function pageOf<T>(items: readonly T[], page: number): T[] {
  return items.slice(page * PROMPTS_PER_PAGE, (page + 1) * PROMPTS_PER_PAGE);
}

/**
 * Saves one page of pick-up-the-phone answers (merged with the other pages') and turns the page;
 * the section counts as saved once its last page is.
 */
export function savePhonePage(
  draft: Draft,
  merged: SectionAnswers,
  move: 'next' | 'stay',
  pages: number,
  profile: ServiceProfile,
  now: Date,
): Draft {
  const page = Math.min(draft.page ?? 0, pages - 1);
  if (move === 'next' && page + 1 < pages) {
    return {
      ...draft,
      ...touch(draft, now),
      answers: { ...draft.answers, pickUpThePhone: merged },
      page: page + 1,
    };
  }
  const saved = saveSection(draft, 'pickUpThePhone', merged, move, profile, now);
  return { ...saved, page: move === 'stay' ? page : 0 };
}

/** Counts the card on screen as sent again (resume, status) so older copies become stale. */
export function reissue(draft: Draft, now: Date): Draft {
  return { ...draft, ...touch(draft, now) };
}

function neighbour(
  draft: Draft,
  from: SectionId,
  move: 'next' | 'back',
  profile: ServiceProfile,
): SectionId | 'review' {
  const ids = sectionsOf(draft, profile).map((s) => s.id);
  const i = ids.indexOf(from);
  if (move === 'back') return ids[Math.max(0, i - 1)] ?? from;
  // Next goes to the next section in order; once everything is saved the button says "Save and review"
  // and goes to the review, which lists what is still missing per section
  if (ids.every((id) => draft.saved.includes(id))) return 'review';
  return ids[i + 1] ?? 'review';
}

export interface Progress {
  readonly index: number;
  readonly count: number;
  readonly minutesUsed: number;
  readonly minutesTotal: number;
  /** null for advice-only calls, which do not walk through the six key points. */
  readonly keyPointsCovered: number | null;
  readonly keyPointsTotal: number;
  readonly text: string;
}

export function progress(draft: Draft, profile: ServiceProfile): Progress {
  const sections = sectionsOf(draft, profile);
  const index = draft.at === 'review' ? sections.length : sections.findIndex((s) => s.id === draft.at) + 1;
  const minutesUsed = Math.round(draft.activeMs / 60_000);
  const keyPointsCovered =
    draft.kind === 'advice' ? null : sections.filter((s) => s.keyPoint && draft.saved.includes(s.id)).length;
  const prompts = draft.at === 'pickUpThePhone' ? phonePrompts(draft.answers).length : 0;
  const first = (draft.page ?? 0) * PROMPTS_PER_PAGE + 1;
  const pageText =
    prompts > PROMPTS_PER_PAGE
      ? ` (prompts ${first}-${Math.min(prompts, first + PROMPTS_PER_PAGE - 1)} of ${prompts})`
      : '';
  const where = draft.at === 'review' ? 'Review' : `Section ${index} of ${sections.length}${pageText}`;
  const points =
    keyPointsCovered === null ? 'advice only' : `key points covered ${keyPointsCovered} of ${KEY_POINTS}`;
  return {
    index,
    count: sections.length,
    minutesUsed,
    minutesTotal: profile.callMinutes,
    keyPointsCovered,
    keyPointsTotal: KEY_POINTS,
    text: `${where} · ${minutesUsed} of ${profile.callMinutes} minutes · ${points}`,
  };
}

export function isComplete(draft: Draft, profile: ServiceProfile): boolean {
  return sectionsOf(draft, profile).every((s) => draft.saved.includes(s.id));
}
