import type { ServiceProfile } from '../../domain/checklist';
import { type Draft, progress, sectionsOf } from '../../domain/draft';
import { assessEligibility, PRACTITIONER_DECIDES } from '../../domain/eligibility';
import { phonePrompts, promptFields } from '../../domain/pick-up-the-phone';
import { assessRisk } from '../../domain/risk';
import { answersPreview } from '../../domain/summary';
import { bindCard, escapeMarkdown } from '../cards';
import { footer, truncate } from './common';

/** Long answers are cut on the review: it is for checking and editing, the summary carries the full text. */
const PREVIEW_CHARS = 160;

export function reviewCard(
  draft: Draft,
  profile: ServiceProfile,
  errors: string[] = [],
): Record<string, unknown> {
  const sections = sectionsOf(draft, profile);
  const eligibility =
    draft.kind === 'full' ? assessEligibility(draft.answers, draft.callDate, profile) : null;
  const risk = assessRisk(draft.answers, profile);
  const prompts = phonePrompts(draft.answers);
  return bindCard('review', {
    serviceName: profile.serviceName,
    heading: draft.kind === 'advice' ? 'Check your advice call' : 'Check your duty call',
    progress: progress(draft, profile).text,
    intro:
      draft.kind === 'advice'
        ? 'Check your answers, edit any section, then submit. The duty team gets the summary (marked advice only).'
        : 'Check your answers, edit any section, then submit. The duty team gets the summary; you get it too, with a draft of your referral.',
    errors,
    eligibility: eligibility && {
      style:
        eligibility.outcome === 'likely-eligible'
          ? 'good'
          : eligibility.outcome === 'likely-not-eligible'
            ? 'attention'
            : 'warning',
      headline: `Suggested eligibility: ${eligibility.headline}`,
      reasons: [
        ...eligibility.reasons.filter((r) => r.status !== 'met').map((r) => escapeMarkdown(r.text)),
        PRACTITIONER_DECIDES,
      ],
    },
    risk: {
      style: risk.level === 'possible-harm' ? 'attention' : 'default',
      headline: `Suggested risk level: ${risk.levelText}`,
      actions: risk.actions,
    },
    sections: sections.map((s) => {
      const facts =
        s.id === 'pickUpThePhone'
          ? prompts.flatMap((p) =>
              promptFields(p)
                .map((f) => ({ label: f.label, value: draft.answers.pickUpThePhone?.[f.id] }))
                .filter(
                  (f): f is { label: string; value: string } => typeof f.value === 'string' && f.value !== '',
                ),
            )
          : answersPreview({ answers: draft.answers, kind: draft.kind }, s);
      return {
        id: s.id,
        title: s.keyPoint ? `Key point ${s.keyPoint}: ${s.title}` : s.title,
        facts: facts.map((f) => ({
          label: f.label,
          value: escapeMarkdown(truncate(f.value, PREVIEW_CHARS)),
        })),
      };
    }),
    footer: footer(profile),
    draftId: draft.id,
    step: draft.step,
    submitTitle: draft.kind === 'advice' ? 'Submit the advice call' : 'Submit the duty call',
  });
}
