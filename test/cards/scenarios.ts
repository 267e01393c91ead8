/**
 * Drafts and submitted calls for the card tests, built the way the bot builds them: every section's
 * answers go through validateSection (so they are answers the bot would really store) and savePage.
 *
 * The worst cases fill every field to the limit its definition allows, choose every option that adds
 * text or a pick-up-the-phone prompt, and use text that costs the most bytes once bound and serialised:
 * multibyte characters, and characters JSON or Markdown escaping doubles.
 */
import { addYears } from '../../src/domain/age';
import type { CallKind, SectionDef, SectionId, ServiceProfile } from '../../src/domain/checklist';
import { type Draft, savePage, startDraft } from '../../src/domain/draft';
import { type FieldDef, LIMITS } from '../../src/domain/fields';
import { inputId, pageOfSection, pagesOf, partsOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { sectionFields, validatePage } from '../../src/domain/section-validation';
import { type SubmittedCall, submitCall } from '../../src/domain/submitted-call';
import { ADVICE_CALL, FULL_CALL } from '../fixtures/answers';

export const NOW = new Date('2026-11-23T10:00:00Z');
export const TODAY = '2026-11-23';

/** As env/.env.test configures the bot for the other tests. */
export const TEST_PROFILE: ServiceProfile = {
  serviceName: 'Test IMH Service',
  areaName: 'Testshire',
  postcodeDistricts: ['LE1', 'LE2', 'LE11'],
  localAuthorities: ['Testshire County Council'],
  adviceLineNumber: '0116 111 2222',
  frontDoorName: 'Children’s social care front door',
  frontDoorNumber: '0116 333 4444',
  outOfHoursName: 'Emergency Duty Team',
  outOfHoursNumber: '0116 333 5555',
  callMinutes: 45,
  timeZone: 'Europe/London',
};

/**
 * Fills exactly `n` UTF-16 code units (what maxLength and zod count) with `unit` repeated, never splitting
 * a surrogate pair: a leftover unit is padded with "x".
 */
export function fill(n: number, unit: string): string {
  const points = [...unit];
  let s = '';
  for (let i = 0; s.length < n; i++) {
    const next = points[i % points.length]!;
    s += s.length + next.length <= n ? next : 'x';
  }
  return s;
}

/** Text patterns, each the most expensive for some place a value can land on a card. */
export const FILLS = {
  /** 1 byte a character: the baseline. */
  ascii: 'Lorem ipsum dolor sit amet',
  /** 2 bytes in UTF-8. */
  accented: 'é',
  /** 3 bytes in UTF-8 for 1 code unit: the most bytes per character in an input value or a TextRun. */
  cjk: '中',
  /** 4 bytes for 2 code units. */
  emoji: '👶',
  /** JSON writes it as 2 bytes. */
  quote: '"',
  /** JSON doubles it and Markdown escaping doubles it again: 4 bytes a character in a TextBlock or fact. */
  backslash: '\\',
  /** Every character Markdown escaping adds a backslash to. */
  markdown: '*_[]()<>#~|!`',
  /** A bit of everything, as pasted from a letter. */
  mixed: 'é中👶"\\*_<>',
} as const;

export type FillName = keyof typeof FILLS;
export const FILL_NAMES = Object.keys(FILLS) as FillName[];

/** The longest telephone number a card accepts (20 characters; the card's maxLength). */
export const LONGEST_PHONE = '+44 (0) 116 496-0000';
/** An email address of 254 characters, the longest the field allows, that zod accepts. */
export const LONGEST_EMAIL = `${fill(64, 'a_')}@${fill(63, 'b')}.${fill(63, 'c')}.${fill(53, 'd')}.nhs.net`;

/** A service configured at the limits the config schema allows, with a long list of local authorities. */
export const WORST_PROFILE: ServiceProfile = {
  serviceName: fill(80, 'Infant Mental Health Service é '),
  areaName: fill(120, 'Leicester, Leicestershire and Rutland é '),
  postcodeDistricts: ['LE1', 'LE2', 'LE3', 'LE4', 'LE5', 'LE11', 'LE12', 'LE13', 'LE15', 'LE16', 'LE17'],
  localAuthorities: [
    'Leicester City Council (Children’s Services)',
    'Leicestershire County Council (Children and Family Services)',
    'Rutland County Council (People Directorate)',
    'North West Leicestershire District Council',
    'Hinckley and Bosworth Borough Council',
    'Oadby and Wigston Borough Council',
  ],
  adviceLineNumber: LONGEST_PHONE,
  // the longest names the config schema allows (80 characters), in the costliest text
  frontDoorName: fill(80, 'Children’s Services Front Door é '),
  frontDoorNumber: LONGEST_PHONE,
  outOfHoursName: fill(80, 'Emergency Duty Team é '),
  outOfHoursNumber: LONGEST_PHONE,
  callMinutes: 240,
  timeZone: 'Europe/London',
};

/** Raw card values for a section, keyed by section id, as a card would submit them. */
export type RawAnswers = Partial<Record<SectionId, Record<string, string>>>;

/** The options that add the most: every risk answer that prompts a call, every exclusion to explain. */
const WORST_CHOICES: Record<string, string> = {
  'referrer.role': 'other',
  'family.stage': 'born',
  'family.localAuthority': 'not-known',
  'consent.consent': 'not-asked',
  'services.socialCare': 'child-protection',
  'services.statutoryCollaboration': 'refused',
  'services.outOfArea': 'yes',
  'advice.socialCare': 'child-protection',
  'advice.outOfArea': 'yes',
  'risk.substanceMisuse': 'active',
  // with "no or low" stated, the summary also lists why the suggestion was raised
  'risk.level': 'none-or-low',
};

function worstValue(section: SectionId, f: FieldDef, text: (max: number) => string): string {
  const key = `${section}.${f.id}`;
  if (f.id.endsWith('.status')) return 'could-not-reach';
  switch (key) {
    case 'family.nhsNumber':
      return '943-476-5919';
    case 'family.postcode':
      return 'SW1A 1AA';
    case 'family.dateOfBirth':
      // over 2: an exclusion the review explains
      return addYears(TODAY, -3);
    case 'family.expectedDate':
      return '';
  }
  switch (f.kind) {
    case 'text':
    case 'longtext':
      return text(f.maxLength ?? (f.kind === 'text' ? LIMITS.short : LIMITS.long));
    case 'phone':
      return LONGEST_PHONE;
    case 'email':
      return LONGEST_EMAIL;
    case 'date':
      return TODAY;
    case 'multichoice':
      return (f.choices ?? []).map((c) => c.value).join(',');
    case 'choice': {
      const choices = f.choices ?? [];
      const wanted = WORST_CHOICES[key] ?? (choices.some((c) => c.value === 'yes') ? 'yes' : undefined);
      if (wanted) return wanted;
      return [...choices].sort((a, b) => b.title.length - a.title.length)[0]!.value;
    }
  }
}

/**
 * Raw answers for one section with every option that adds text or a prompt chosen, and free text from
 * `text` (given the field's limit); the answers so far decide the pick-up-the-phone prompts.
 */
export function fullSection(
  section: SectionDef,
  draft: Draft,
  text: (max: number) => string,
): Record<string, string> {
  const fields = sectionFields(section, { prompts: phonePrompts(draft.answers) });
  return Object.fromEntries(fields.map((f) => [f.id, worstValue(section.id, f, text)]));
}

export type AnswerSource = RawAnswers | ((section: SectionDef, draft: Draft) => Record<string, string>);

/**
 * Walks a draft through every card as the bot does: validate each section's part of the card, save the
 * card, move on. Stops at the card that asks `stopAt` (leaving the draft there) or goes on to the review.
 */
export function buildDraft(
  kind: CallKind,
  answers: AnswerSource,
  profile: ServiceProfile,
  opts: { stopAt?: SectionId; id?: string; prefill?: Record<string, string> } = {},
): Draft {
  let draft = startDraft(opts.id ?? `draft-${kind}`, kind, NOW, TODAY, opts.prefill);
  const stopAt = opts.stopAt && pageOfSection(kind, opts.stopAt)?.id;
  let minute = 0;
  for (const page of pagesOf(kind)) {
    if (page.id === stopAt) break;
    // the card's values as it submits them ("section.field"), checked as the bot checks a card
    const raw: Record<string, string> = {};
    for (const { section } of partsOf(page, kind, profile)) {
      const given = typeof answers === 'function' ? answers(section, draft) : (answers[section.id] ?? {});
      for (const [k, v] of Object.entries(given)) raw[inputId(section.id, k)] = v;
    }
    const result = validatePage(page, raw, {
      today: TODAY,
      prompts: phonePrompts(draft.answers),
      answers: draft.answers,
      kind,
      profile,
    });
    if (!result.ok) throw new Error(`${kind}/${page.id} does not validate: ${JSON.stringify(result.errors)}`);
    minute += 4;
    draft = savePage(draft, page.id, result.answers, 'next', new Date(NOW.getTime() + minute * 60_000));
  }
  return draft;
}

/** Every free-text field at its limit, in `unit` repeated. */
export const worstAnswers =
  (unit: string): AnswerSource =>
  (section, draft) =>
    fullSection(section, draft, (max) => fill(max, unit));

/** Every free-text field holding exactly `text`, with the options of the worst case (all prompts apply). */
export const everyTextIs =
  (text: string): AnswerSource =>
  (section, draft) =>
    fullSection(section, draft, () => text);

export const FIXTURE_ANSWERS: Record<CallKind, RawAnswers> = {
  full: FULL_CALL as RawAnswers,
  advice: ADVICE_CALL as RawAnswers,
};

export function submitted(draft: Draft, profile: ServiceProfile): SubmittedCall {
  return submitCall(draft, 'IMH-ABC234', profile, new Date(NOW.getTime() + 60 * 60_000));
}

export const KINDS: readonly CallKind[] = ['full', 'advice'];
