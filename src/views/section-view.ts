import { type SectionAnswers, suggestedAnswer } from '../domain/answers';
import type { SectionDef, ServiceProfile } from '../domain/checklist';
import { INFORMATION_SHARING, needsSharingStatement } from '../domain/consent';
import { type Draft, progress } from '../domain/draft';
import type { FieldDef } from '../domain/fields';
import { inputId, onPart, type PageDef, pagesOf, partsOf, sectionInputs } from '../domain/pages';
import { type PhonePrompt, promptNumbers } from '../domain/pick-up-the-phone';
import { askedFields, cardValues, factsWith, sectionFields } from '../domain/section-validation';
import { infantDateEcho } from '../domain/summary';
import { bindCard, escapeMarkdown } from './cards';
import { footer } from './common';

export interface SectionView {
  readonly draft: Draft;
  readonly page: PageDef;
  /** The pick-up-the-phone prompts on this page of the card. */
  readonly prompts: readonly PhonePrompt[];
  readonly anyPrompts?: boolean;
  /** More pick-up-the-phone prompts follow on the next page of this section. */
  readonly morePages?: boolean;
  readonly today: string;
  /** Values to show instead of the saved answers, by input id: what was typed and not saved. */
  readonly typed?: Record<string, string> | undefined;
  readonly errors?: Record<string, string> | undefined;
  readonly notice?: string | undefined;
  /** The reply to saving consent as "no" or "not yet asked": sharing a concern does not wait on it (HAZ-12). */
  readonly sharing?: boolean | undefined;
}

/** Referrer details that can stand as one confirm-or-change line instead of inputs (issue 9: ask once). */
const CONFIRMABLE = ['name', 'role', 'roleOther', 'organisation', 'phone', 'email'];

export function sectionCard(v: SectionView, profile: ServiceProfile): Record<string, unknown> {
  const pages = pagesOf(v.draft.kind);
  const index = pages.findIndex((p) => p.id === v.page.id);
  const p = progress(v.draft, profile);
  const errors = v.errors ?? {};
  const typed = v.typed ?? {};
  const parts = partsOf(v.page, v.draft.kind, profile);
  const sharing =
    v.sharing || (parts.some((x) => x.section.id === 'consent') && needsSharingStatement(v.draft.answers));
  const single = parts.length === 1 ? parts[0]?.section : undefined;

  const fields: ReturnType<typeof fieldView>[] = [];
  const confirmed: { label: string; value: string }[] = [];
  let factsForEcho = v.draft.answers;
  for (const { part, section } of parts) {
    const facts = factsWith(v.draft.answers, section, sectionInputs(typed, section.id));
    if (section.id === 'family') factsForEcho = facts;
    const saved = cardValues(section, v.draft.answers[section.id]);
    // an answer typed and not saved stays in sight even where it no longer applies (nothing typed is
    // hidden: a draft from before a question became a follow-up can hold one)
    const applying = askedFields(section, part, facts, v.prompts);
    const applies = new Set(applying.map((f) => f.id));
    const asked = sectionFields(section, { prompts: v.prompts }).filter(
      (f) => applies.has(f.id) || (onPart(part, f.id) && (typed[inputId(section.id, f.id)] ?? '') !== ''),
    );
    asked.forEach((f, i) => {
      const id = inputId(section.id, f.id);
      const given =
        typed[id] ??
        saved[f.id] ??
        prefillOf(section, f, v.draft.prefill) ??
        (v.draft.saved.includes(v.page.id)
          ? undefined
          : suggestedAnswer(v.draft.answers, section.id, f.id)) ??
        '';
      // a choice from an earlier version of the question shows as today's ("0-19 service" is "health visitor")
      const value = f.aliases?.[given] ?? given;
      // a detail already known (Teams profile, last call, saved) is a line to confirm, not an input to fill
      const hidden =
        section.id === 'referrer' &&
        CONFIRMABLE.includes(f.id) &&
        value !== '' &&
        typed[id] === undefined &&
        !Object.keys(errors).some((e) => e.startsWith('referrer.'));
      if (hidden) confirmed.push({ label: f.label, value: shownValue(f, value) });
      // one object per field, not three spread into a fourth: every card turn builds dozens (issue 10)
      fields.push(
        fieldView(
          f,
          id,
          value,
          errors[id] ?? '',
          hidden,
          i === 0 && !single && !part.only ? partHeader(section) : noHeader,
          // only pick-up-the-phone fields open a prompt's group
          section.id === 'pickUpThePhone' ? groupHeader(f, v.prompts, profile) : noGroup,
        ),
      );
    });
  }
  const heading =
    single?.keyPoint !== undefined ? `Key point ${single.keyPoint} of 6: ${single.title}` : v.page.title;
  return bindCard('section', {
    serviceName: profile.serviceName,
    heading,
    progress: p.text,
    intro: single ? single.intro : '',
    notice: v.notice ?? '',
    // issue 9 item 4: the family card and the card after it read the infant's date back in words
    echo:
      v.page.id === 'family'
        ? infantDateEcho(factsForEcho, v.today, 'below')
        : pages[index - 1]?.id === 'family'
          ? infantDateEcho(v.draft.answers, v.today)
          : '',
    sharing: sharing ? { headline: INFORMATION_SHARING.heading, lines: INFORMATION_SHARING.lines } : null,
    errors: fields.filter((f) => f.error !== '').map((f) => f.error),
    noPrompts: v.page.id === 'pickUpThePhone' && !v.anyPrompts,
    confirm:
      confirmed.length > 0
        ? {
            line: escapeMarkdown(confirmed.map((c) => c.value).join(' · ')),
            targets: fields.filter((f) => f.hidden).map((f) => f.containerId),
          }
        : null,
    fields,
    footer: footer(profile),
    draftId: v.draft.id,
    step: v.draft.step,
    section: v.page.id,
    isFirst: index === 0,
    nextTitle:
      !v.morePages && (index === pages.length - 1 || v.draft.saved.length >= pages.length)
        ? 'Save and review'
        : 'Next',
  });
}

function prefillOf(
  section: SectionDef,
  f: FieldDef,
  prefill: SectionAnswers | undefined,
): string | undefined {
  if (section.id !== 'referrer') return undefined;
  const v = prefill?.[f.id];
  return typeof v === 'string' ? v : undefined;
}

function shownValue(f: FieldDef, value: string): string {
  const v = f.aliases?.[value] ?? value;
  return f.choices?.find((c) => c.value === v)?.title ?? value;
}

function fieldView(
  f: FieldDef,
  id: string,
  value: string,
  error: string,
  hidden: boolean,
  header: { readonly partTitle: string; readonly partIntro: string },
  group: ReturnType<typeof groupHeader>,
) {
  return {
    id,
    containerId: `field-${id}`,
    hidden,
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
    choiceStyle: f.compact ? 'compact' : 'expanded',
    choices: f.choices ?? [],
    partTitle: header.partTitle,
    partIntro: header.partIntro,
    groupTitle: group.groupTitle,
    groupBecause: group.groupBecause,
    groupFacts: group.groupFacts,
    startsGroup: group.startsGroup,
  };
}

const noHeader = { partTitle: '', partIntro: '' };

/** On a card of several sections, each starts with its heading (and key point) and why it is asked. */
function partHeader(section: SectionDef) {
  return {
    partTitle: section.keyPoint ? `Key point ${section.keyPoint}: ${section.title}` : section.title,
    partIntro: section.intro,
  };
}

/** Pick-up-the-phone fields come in groups per prompt; the first carries the prompt's text. */
const noGroup = {
  groupTitle: '',
  groupBecause: '',
  groupFacts: [] as readonly { readonly label: string; readonly value: string }[],
  startsGroup: false,
};

function groupHeader(f: FieldDef, prompts: readonly PhonePrompt[], profile: ServiceProfile) {
  const prompt = prompts.find((p) => f.id === `${p.id}.status`);
  if (!prompt) return noGroup;
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
