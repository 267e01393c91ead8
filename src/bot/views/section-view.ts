import type { SectionAnswers } from '../../domain/answers';
import type { SectionDef, ServiceProfile } from '../../domain/checklist';
import { INFORMATION_SHARING, needsSharingStatement } from '../../domain/consent';
import { type Draft, progress, sectionsOf } from '../../domain/draft';
import type { FieldDef } from '../../domain/fields';
import { type PhonePrompt, promptNumbers } from '../../domain/pick-up-the-phone';
import { sectionFields } from '../../domain/section-validation';
import { infantDateEcho } from '../../domain/summary';
import { bindCard, escapeMarkdown } from '../cards';
import { footer } from './common';

export interface SectionView {
  readonly draft: Draft;
  readonly section: SectionDef;
  /** The pick-up-the-phone prompts on this page of the card. */
  readonly prompts: readonly PhonePrompt[];
  readonly anyPrompts?: boolean;
  /** More pick-up-the-phone prompts follow on the next page of this section. */
  readonly morePages?: boolean;
  readonly today: string;
  /** Values to show instead of the saved answers: what was typed into a card that failed validation. */
  readonly typed?: Record<string, string> | undefined;
  readonly errors?: Record<string, string> | undefined;
  readonly notice?: string | undefined;
  /** The reply to saving consent as "no" or "not yet asked": sharing a concern does not wait on it (HAZ-12). */
  readonly sharing?: boolean | undefined;
}

export function sectionCard(v: SectionView, profile: ServiceProfile): Record<string, unknown> {
  const sections = sectionsOf(v.draft, profile);
  const index = sections.findIndex((s) => s.id === v.section.id);
  const p = progress(v.draft, profile);
  const saved = v.draft.answers[v.section.id];
  const fields = sectionFields(v.section, { prompts: v.prompts });
  const errors = v.errors ?? {};
  const sharing = v.sharing || (v.section.id === 'consent' && needsSharingStatement(v.draft.answers));
  return bindCard('section', {
    serviceName: profile.serviceName,
    heading: v.section.keyPoint
      ? `Key point ${v.section.keyPoint} of 6: ${v.section.title}`
      : v.section.title,
    progress: p.text,
    intro: v.section.intro,
    notice: v.notice ?? '',
    // issue 9 item 4: the card after the family section reads the infant's date back in words
    echo: sections[index - 1]?.id === 'family' ? infantDateEcho(v.draft.answers, v.today) : '',
    sharing: sharing ? { headline: INFORMATION_SHARING.heading, lines: INFORMATION_SHARING.lines } : null,
    errors: fields.filter((f) => errors[f.id]).map((f) => errors[f.id]),
    noPrompts: v.section.id === 'pickUpThePhone' && !v.anyPrompts,
    fields: fields.map((f) => ({
      ...fieldView(f, value(f, v.typed, saved, v.draft.prefill), errors[f.id] ?? ''),
      ...groupHeader(f, v.prompts, profile),
    })),
    footer: footer(profile),
    draftId: v.draft.id,
    step: v.draft.step,
    section: v.section.id,
    isFirst: index === 0,
    nextTitle:
      !v.morePages && (index === sections.length - 1 || v.draft.saved.length >= sections.length)
        ? 'Save and review'
        : 'Next',
  });
}

function value(
  f: FieldDef,
  typed: Record<string, string> | undefined,
  saved: SectionAnswers | undefined,
  prefill: SectionAnswers | undefined,
): string {
  const t = typed?.[f.id];
  if (t !== undefined) return t;
  const v = saved?.[f.id] ?? prefill?.[f.id];
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : (v as string);
}

function fieldView(f: FieldDef, value: string, error: string) {
  return {
    id: f.id,
    kind: f.kind,
    // required answers are checked on the server at Next and Submit (a client-side isRequired would make
    // Teams refuse Save on a partly filled card), so the label says it
    label: f.required ? `${f.label} (required)` : f.label,
    errorMessage: f.errorMessage ?? `${f.label}: ${f.required ? 'this is required' : 'please check this'}.`,
    maxLength: f.maxLength ?? (f.kind === 'text' ? 100 : 1000),
    placeholder: '',
    help: f.help ?? '',
    error,
    value,
    choices: f.choices ?? [],
  };
}

/** Pick-up-the-phone fields come in groups of six per prompt; the first carries the prompt's text. */
function groupHeader(f: FieldDef, prompts: readonly PhonePrompt[], profile: ServiceProfile) {
  const prompt = prompts.find((p) => f.id === `${p.id}.status`);
  if (!prompt) return { groupTitle: '', groupBecause: '', groupFacts: [], startsGroup: false };
  return {
    groupTitle: prompt.title,
    groupBecause: escapeMarkdown(prompt.because),
    groupFacts: [
      { label: 'Who to phone', value: prompt.whoToPhone },
      { label: 'Finding the number', value: prompt.findTheNumber },
      ...promptNumbers(prompt, profile),
    ],
    startsGroup: true,
  };
}
