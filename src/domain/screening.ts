import type { SectionAnswers } from './answers';
import { SCREENING_LIST } from './checklist';

/**
 * The compact risk card (issue 9) asks the screening questions other than possible harm as one list:
 * "which of these are there", then what the unticked ones are ("no", "not known", or "some are not
 * known: which"). Each question is still recorded yes, no or not known, as the risk rules, the phone
 * prompts and the summary read it; this file turns one form into the other.
 */

const QUESTIONS: readonly string[] = SCREENING_LIST.map((q) => q.value);

/** Substance misuse keeps its own values: "active" is its "yes"; "past" (older cards) is not "yes". */
const YES: Readonly<Record<string, string>> = { substanceMisuse: 'active' };
const NO: Readonly<Record<string, string>> = { substanceMisuse: 'none' };

const isYes = (q: string, v: unknown) => v === (YES[q] ?? 'yes');
const isNo = (q: string, v: unknown) => v === (NO[q] ?? 'no') || (q === 'substanceMisuse' && v === 'past');

export interface ScreeningCard {
  readonly screenYes: readonly string[];
  readonly screenRest: string;
  readonly screenNotKnown: readonly string[];
}

/** The card's answers for recorded answers; screenRest is '' while any question has no answer. */
export function screeningToCard(stored: SectionAnswers | undefined): ScreeningCard {
  const a = stored ?? {};
  const screenYes = QUESTIONS.filter((q) => isYes(q, a[q]));
  const notKnown = QUESTIONS.filter((q) => a[q] === 'not-known');
  const answered = QUESTIONS.every((q) => isYes(q, a[q]) || isNo(q, a[q]) || a[q] === 'not-known');
  const rest = QUESTIONS.filter((q) => !screenYes.includes(q));
  const screenRest = !answered
    ? ''
    : notKnown.length === 0
      ? 'no'
      : notKnown.length === rest.length
        ? 'not-known'
        : 'some-not-known';
  return { screenYes, screenRest, screenNotKnown: screenRest === 'some-not-known' ? notKnown : [] };
}

/**
 * The recorded answer to each question from the card. A question ticked as there and as not known is
 * an error the card reports (see section-validation), never silently one or the other. `before` keeps
 * "in the past" substance misuse from an older card when the card says no.
 */
export function screeningFromCard(
  card: ScreeningCard,
  before: SectionAnswers | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const q of QUESTIONS) {
    const yes = card.screenYes.includes(q);
    const notKnown =
      card.screenRest === 'not-known' ||
      (card.screenRest === 'some-not-known' && card.screenNotKnown.includes(q));
    if (yes) out[q] = YES[q] ?? 'yes';
    else if (notKnown) out[q] = 'not-known';
    else if (q === 'substanceMisuse' && before?.[q] === 'past') out[q] = 'past';
    else out[q] = NO[q] ?? 'no';
  }
  return out;
}

/** Whether a submission is the older risk card's form (one answer per question), from a card sent before. */
export function isPerQuestionForm(raw: Readonly<Record<string, unknown>>): boolean {
  return raw.screenRest === undefined && QUESTIONS.some((q) => typeof raw[q] === 'string');
}

/** The questions ticked both as there and as not known. */
export function tickedTwice(card: ScreeningCard): string[] {
  return card.screenRest === 'some-not-known'
    ? card.screenYes.filter((q) => card.screenNotKnown.includes(q))
    : [];
}
