import type { SectionDef, ServiceProfile } from '../domain/checklist';
import { INFORMATION_SHARING, needsSharingStatement, referralStillNeeds } from '../domain/consent';
import { CONTRADICTIONS_HEADING, contradictions } from '../domain/contradictions';
import { type Draft, progress, sectionsOf, sectionTyped } from '../domain/draft';
import { PRACTITIONER_WILL_CONSIDER_BRIEFLY } from '../domain/eligibility';
import { PHONE_OUTCOMES, type PhoneRecord, phonePrompts, phoneRecords } from '../domain/pick-up-the-phone';
import { assessRisk, isHarmLevel, WHO_ACTS } from '../domain/risk';
import { answersStillNeeded, type ValidationContext } from '../domain/section-validation';
import { answersPreview } from '../domain/summary';
import { bindCard, cardBytes, escapeMarkdown, MAX_CARD_BYTES } from './cards';
import { footer, truncate } from './common';

/**
 * Long answers are cut on the review: it is for checking and editing, the summary carries the full text.
 * When a call's answers are long enough to push the card past the budget, the cut comes sooner.
 */
const PREVIEW_CHARS = [400, 250, 160, 120, 90, 75, 60, 50, 40, 30, 25, 0] as const;

/** The review aims under Teams' limit with room to spare (for a longer error or notice). */
export const REVIEW_BUDGET_BYTES = MAX_CARD_BYTES - 4_000;

/**
 * The review (issue 9): what still needs doing first, then one line per section (done, or what is
 * missing) with Show/Hide for that section's answers and "Edit <section>".
 */
export function reviewCard(
  draft: Draft,
  profile: ServiceProfile,
  errors: string[] = [],
): Record<string, unknown> {
  let card: Record<string, unknown> = {};
  for (const chars of PREVIEW_CHARS) {
    card = bind(draft, profile, errors, chars);
    if (cardBytes(card) <= REVIEW_BUDGET_BYTES) return card;
  }
  // past the budget even with the answers left out: still sent if Teams takes it
  if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  throw new Error('review card cannot be made small enough');
}

function bind(
  draft: Draft,
  profile: ServiceProfile,
  errors: string[],
  previewChars: number,
): Record<string, unknown> {
  const sections = sectionsOf(draft, profile);
  const full = draft.kind === 'full';
  const risk = assessRisk(draft.answers, profile);
  const calls = phoneRecords(draft.answers);
  // each section's saved answers checked as Submit would check them
  const stillNeeded = {
    today: draft.updatedAt.slice(0, 10),
    prompts: phonePrompts(draft.answers),
    answers: draft.answers,
  };
  const lines = sections.map((s) => ({ s, title: sectionTitle(s), gaps: missing(draft, s, stillNeeded) }));
  return bindCard('review', {
    serviceName: profile.serviceName,
    heading: draft.kind === 'advice' ? 'Check your advice call' : 'Check your duty call',
    progress: progress(draft, profile).text,
    intro:
      draft.kind === 'advice'
        ? 'Check your answers (Show/Hide), edit any section, then submit. The duty team gets the summary (marked advice only).'
        : 'Check your answers (Show/Hide), edit any section, then submit. The duty team gets the summary; you get it and your draft referral.',
    errors,
    // what stops Submit or would lose typing, first (issue 9)
    pending: {
      headline: 'Still to do before you submit',
      items: lines.flatMap(({ title, gaps }) => gaps.map((g) => ({ title, value: g.text }))),
    },
    // what the referrer should do now, before anything else on the card (HAZ-02, HAZ-03)
    riskNow: { headline: WHO_ACTS.referrer, items: risk.referrerActions ?? [] },
    // no eligibility verdict for the referrer, only what the practitioner will consider (HAZ-13); the
    // summary lists it in full, the review says it in a sentence (paragraphs in one block) to leave room
    // for the answers
    needs: full
      ? {
          headline: 'What the referral still needs',
          text: [...referralStillNeeds(draft.answers), PRACTITIONER_WILL_CONSIDER_BRIEFLY].join('\n\n'),
        }
      : null,
    sharing:
      full && needsSharingStatement(draft.answers)
        ? { headline: INFORMATION_SHARING.heading, text: INFORMATION_SHARING.lines.join('\n\n') }
        : null,
    // answers that do not fit together, for the referrer to check while they can still edit (HAZ-05)
    contradictions: {
      headline: CONTRADICTIONS_HEADING.referrer,
      items: contradictions(draft.answers).map((c) => c.text),
      note: CONTRADICTIONS_HEADING.reviewNote,
    },
    // who acts (HAZ-03): the referrer's actions now (above), apart from the IMH service's
    risk: {
      style: isHarmLevel(risk.level) ? 'attention' : 'default',
      headline: `Suggested risk level: ${risk.levelText}`,
      serviceHeading: WHO_ACTS.service,
      actions: risk.actions,
    },
    sections: lines.map(({ s, title, gaps }) => {
      const facts =
        s.id === 'pickUpThePhone'
          ? calls.map(phoneFact).filter((f) => f.value !== '')
          : answersPreview({ answers: draft.answers, kind: draft.kind, callDate: draft.callDate }, s);
      return {
        id: s.id,
        detailId: `answers-${s.id}`,
        title,
        status: gaps.length
          ? gaps.map((g) => g.short).join('; ')
          : facts.length
            ? 'Done'
            : 'Done: nothing recorded',
        statusColor: gaps.length ? 'Attention' : 'Good',
        editTitle: `Edit ${s.title}`,
        // user text is data: escaped, and cut shorter when the card would be too big (0: left out)
        facts:
          previewChars > 0
            ? facts.map((f) => ({ label: f.label, value: escapeMarkdown(truncate(f.value, previewChars)) }))
            : [],
      };
    }),
    footer: footer(profile),
    draftId: draft.id,
    step: draft.step,
    submitTitle: draft.kind === 'advice' ? 'Submit the advice call' : 'Submit the duty call',
  });
}

function sectionTitle(s: SectionDef): string {
  return s.keyPoint ? `Key point ${s.keyPoint}: ${s.title}` : s.title;
}

interface Gap {
  /** On the section's line. */
  readonly short: string;
  /** In the list at the top. */
  readonly text: string;
}

/** What a section still needs before Submit, and typed changes not saved yet (issue 9: nothing typed is lost). */
function missing(draft: Draft, s: SectionDef, ctx: ValidationContext): Gap[] {
  const n = answersStillNeeded(s, ctx);
  const answers = `${n} ${n === 1 ? 'answer' : 'answers'}`;
  return [
    ...(n > 0
      ? [{ short: `${answers} still needed`, text: `Still needed: ${answers}. Edit to add them.` }]
      : []),
    ...(sectionTyped(draft, s.id)
      ? [{ short: 'Not saved yet', text: 'Not saved yet: what you typed is kept; Edit to finish it.' }]
      : []),
  ];
}

/** One line per information-sharing prompt: what happened, with whom, and the notes. */
function phoneFact(r: PhoneRecord): { label: string; value: string } {
  const outcome = PHONE_OUTCOMES.find((o) => o.value === r.outcome)?.title ?? '';
  const who = [r.name, r.role, r.organisation, r.number].filter(Boolean).join(', ');
  const value = [outcome, who && `(${who})`, r.notes && `- ${r.notes}`].filter(Boolean).join(' ');
  return { label: r.prompt.title, value };
}
