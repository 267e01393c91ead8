import type { Answers, SectionAnswers } from './answers';
import {
  type CallKind,
  checklist,
  KEY_POINTS,
  type SectionDef,
  type SectionId,
  type ServiceProfile,
} from './checklist';
import { type PageDef, type PageId, pageOfField, pageOfSection, pagesOf, pagesOfSection } from './pages';
import { phonePrompts } from './pick-up-the-phone';

/** How a draft ended, kept so a card from it can be answered plainly rather than as an error. */
export interface ClosedDraft {
  readonly id: string;
  readonly status: 'submitted' | 'cancelled';
  readonly reference?: string;
  readonly at: string;
}

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
  /** The card (page) on screen, or 'review'. */
  readonly at: PageId | 'review';
  /** Bumped every time a card is sent; a card carrying another number is stale. */
  readonly step: number;
  readonly answers: Answers;
  /** The cards (pages) saved valid at least once. */
  readonly saved: readonly PageId[];
  /** Which page of pick-up-the-phone prompts is on screen: a card holds at most PROMPTS_PER_PAGE. */
  readonly page?: number;
  /** Suggested referrer details (Teams profile, the referrer's last call), shown until the section is saved. */
  readonly prefill?: SectionAnswers;
  /**
   * What was typed on a card and not (yet) saved as answers, valid or not, by page and input id
   * ("section.field"): kept by Back, Save, Edit and resume so nothing typed is lost, and cleared once the
   * page is saved valid.
   */
  readonly typed?: Partial<Record<PageId, Record<string, string>>>;
  /** 2: pages of several sections (issue 9). Drafts saved before are read by normaliseDraft. */
  readonly layout?: 2;
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
    layout: 2,
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

/** Stores a page's validated answers and moves on, back, or stays, as the referrer asked. */
export function savePage(
  draft: Draft,
  page: PageId,
  answers: Answers,
  move: 'next' | 'back' | 'stay',
  now: Date,
): Draft {
  const saved = draft.saved.includes(page) ? draft.saved : [...draft.saved, page];
  const next: Draft = {
    ...withoutTyped(draft, page),
    ...touch(draft, now),
    answers: { ...draft.answers, ...answers },
    saved,
  };
  return { ...next, at: move === 'stay' ? page : neighbour(next, page, move) };
}

/**
 * Keeps what was typed on a card without saving it as answers (Back, Save or Next with answers missing
 * or invalid). Pick-up-the-phone pages merge, as each page holds other prompts' inputs.
 */
export function keepTyped(draft: Draft, page: PageId, typed: Record<string, string>): Draft {
  const before = page === 'pickUpThePhone' ? (draft.typed?.[page] ?? {}) : {};
  return { ...draft, typed: { ...draft.typed, [page]: { ...before, ...typed } } };
}

/** Forgets what was typed on a card (saved valid, or typed back to the saved answers). */
export function withoutTyped(draft: Draft, page: PageId): Draft {
  if (!draft.typed?.[page]) return draft;
  const { [page]: _gone, ...rest } = draft.typed;
  const { typed: _all, ...others } = draft;
  return Object.keys(rest).length > 0 ? { ...others, typed: rest } : others;
}

/** Whether a section's questions are all saved (a section can be split over two cards). */
export function sectionSaved(draft: Pick<Draft, 'kind' | 'saved'>, section: SectionId): boolean {
  const pages = pagesOfSection(draft.kind, section);
  return pages.length > 0 && pages.every((p) => draft.saved.includes(p.id));
}

/** Whether what was typed and not saved includes a section's inputs (for the review's "not saved yet"). */
export function sectionTyped(draft: Pick<Draft, 'typed'>, section: SectionId): boolean {
  return Object.values(draft.typed ?? {}).some((t) =>
    Object.keys(t ?? {}).some((k) => k.startsWith(`${section}.`)),
  );
}

/**
 * A draft saved before cards held several sections (issue 9) in today's form: its place is the card
 * that now asks that section, its saved sections the cards whose sections were all saved, and what was
 * typed keyed as today's inputs. Nothing typed or saved is dropped.
 */
export function normaliseDraft(draft: Draft): Draft {
  if (draft.layout === 2) return draft;
  const oldSaved = draft.saved as readonly string[];
  const pages = pagesOf(draft.kind);
  const saved = pages
    .filter((p) => p.parts.every((part) => oldSaved.includes(part.section)))
    .map((p) => p.id);
  const at = draft.at === 'review' ? 'review' : (pageOfSection(draft.kind, draft.at)?.id ?? 'referrer');
  const typed: Partial<Record<PageId, Record<string, string>>> = {};
  for (const [section, values] of Object.entries(draft.typed ?? {}) as [string, Record<string, string>][]) {
    for (const [field, value] of Object.entries(values)) {
      // each value goes to the card that asks it now (the stage moved to the first card)
      const page = pageOfField(draft.kind, section, field.split('.')[0] ?? field)?.id;
      if (page) typed[page] = { ...typed[page], [`${section}.${field}`]: value };
    }
  }
  const { typed: _old, ...rest } = draft;
  return {
    ...rest,
    at,
    saved,
    layout: 2,
    ...(Object.keys(typed).length > 0 ? { typed } : {}),
  };
}

/** Moves without saving (Back on an unsaved card, Edit from the review). */
export function goTo(draft: Draft, at: PageId | 'review', now: Date, page = 0): Draft {
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
  const saved = savePage(draft, 'pickUpThePhone', { pickUpThePhone: merged }, move, now);
  return { ...saved, page: move === 'stay' ? page : 0 };
}

/** Counts the card on screen as sent again (resume, status) so older copies become stale. */
export function reissue(draft: Draft, now: Date): Draft {
  return { ...draft, ...touch(draft, now) };
}

function neighbour(draft: Draft, from: PageId, move: 'next' | 'back'): PageId | 'review' {
  const ids = pagesOf(draft.kind).map((p) => p.id);
  const i = ids.indexOf(from);
  if (move === 'back') return ids[Math.max(0, i - 1)] ?? from;
  // Next goes to the next card in order; once everything is saved the button says "Save and review"
  // and goes to the review, which lists what is still missing per section
  if (ids.every((id) => draft.saved.includes(id))) return 'review';
  return ids[i + 1] ?? 'review';
}

/** The card a draft is on. */
export function pageAt(draft: Pick<Draft, 'kind' | 'at'>): PageDef | undefined {
  return pagesOf(draft.kind).find((p) => p.id === draft.at);
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
  const pages = pagesOf(draft.kind);
  const sections = sectionsOf(draft, profile);
  const index = draft.at === 'review' ? pages.length : pages.findIndex((p) => p.id === draft.at) + 1;
  const minutesUsed = Math.round(draft.activeMs / 60_000);
  const keyPointsCovered =
    draft.kind === 'advice' ? null : sections.filter((s) => s.keyPoint && sectionSaved(draft, s.id)).length;
  const prompts = draft.at === 'pickUpThePhone' ? phonePrompts(draft.answers).length : 0;
  const first = (draft.page ?? 0) * PROMPTS_PER_PAGE + 1;
  const pageText =
    prompts > PROMPTS_PER_PAGE
      ? ` (prompts ${first}-${Math.min(prompts, first + PROMPTS_PER_PAGE - 1)} of ${prompts})`
      : '';
  const where = draft.at === 'review' ? 'Review' : `Step ${index} of ${pages.length}${pageText}`;
  const points =
    keyPointsCovered === null ? 'advice only' : `key points covered ${keyPointsCovered} of ${KEY_POINTS}`;
  return {
    index,
    count: pages.length,
    minutesUsed,
    minutesTotal: profile.callMinutes,
    keyPointsCovered,
    keyPointsTotal: KEY_POINTS,
    text: `${where} · ${minutesUsed} of ${profile.callMinutes} minutes · ${points}`,
  };
}

export function isComplete(draft: Draft): boolean {
  return pagesOf(draft.kind).every((p) => draft.saved.includes(p.id));
}
