import { addYears, compareIsoDates, daysBetween, parseIsoDate } from './age';
import { type Answers, type SectionAnswers, text } from './answers';
import {
  type CallKind,
  SCREENING_LIST,
  type SectionDef,
  type SectionId,
  type ServiceProfile,
} from './checklist';
import { applies, type FieldDef, parseField } from './fields';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number';
import { inputId, onPart, type PageDef, type PagePart, pagesOf, partsOf, sectionInputs } from './pages';
import { type PhonePrompt, promptFields } from './pick-up-the-phone';
import { isValidUkPostcode, normalisePostcode, postcodeIn } from './postcode';
import { isPerQuestionForm, screeningFromCard, screeningToCard, tickedTwice } from './screening';

export interface ValidationContext {
  /** The practitioner's calendar date (ISO), for date-of-birth checks. */
  readonly today: string;
  /** Prompts that apply to this call, for the pick-up-the-phone section. */
  readonly prompts: readonly PhonePrompt[];
  readonly answers: Answers;
  /** The part of the section on the card; the whole section when absent. */
  readonly part?: PagePart;
}

export type SectionResult =
  | { ok: true; answers: SectionAnswers }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/**
 * Every input a section's card can ask, before asking which apply: built from the prompts for
 * pick-up-the-phone, the compact list for the risk screening.
 */
export function sectionFields(
  section: SectionDef,
  ctx: Pick<ValidationContext, 'prompts'>,
): readonly FieldDef[] {
  if (section.id === 'pickUpThePhone') return ctx.prompts.flatMap(promptFields);
  return (section.card ?? section.fields).filter((f) => !f.retired);
}

/** The inputs a card asks for a section's part, given the answers so far (issue 9: only what applies). */
export function askedFields(
  section: SectionDef,
  part: PagePart | undefined,
  facts: Answers,
  prompts: readonly PhonePrompt[],
): FieldDef[] {
  return sectionFields(section, { prompts }).filter(
    (f) => (!part || onPart(part, f.id)) && applies(f, facts),
  );
}

/**
 * What the questions depend on: the saved answers, with this section's saved answers in the card's form
 * and what is typed on the card over them.
 */
export function factsWith(
  answers: Answers,
  section: SectionDef,
  typed: Readonly<Record<string, unknown>>,
): Answers {
  // a loop rather than entries/filter/fromEntries: three times per section on every card turn (issue 10)
  const strings: Record<string, string> = {};
  for (const k in typed) {
    const v = typed[k];
    // no field is called __proto__; assigning it would set the prototype rather than copy a value
    if (typeof v === 'string' && k !== '__proto__' && Object.hasOwn(typed, k)) strings[k] = v;
  }
  return {
    ...answers,
    [section.id]: { ...answers[section.id], ...cardForm(section.id, answers[section.id]), ...strings },
  };
}

/** A section's saved answers in its card's form (the risk card's list), as card values. */
export function cardValues(section: SectionDef, saved: SectionAnswers | undefined): Record<string, string> {
  return asSubmitted({ ...saved, ...cardForm(section.id, saved) });
}

function cardForm(id: SectionId, saved: SectionAnswers | undefined): SectionAnswers {
  if (id !== 'risk' || !saved) return {};
  const card = screeningToCard(saved);
  return card.screenRest === '' ? {} : (card as unknown as SectionAnswers);
}

/**
 * Validates a card submission for one section (or the part of it on the card). Unknown keys and inputs
 * that do not apply are ignored; on failure every field's error is returned with the submitted values
 * so the card can be shown again as typed. The answers returned are in the recorded form.
 */
export function validateSection(
  section: SectionDef,
  raw: Record<string, unknown>,
  ctx: ValidationContext,
): SectionResult {
  // a risk card sent before the compact list answers each question: read it as the list would, keeping
  // what the list cannot say ("in the past" substance misuse)
  const perQuestion = section.id === 'risk' && isPerQuestionForm(raw);
  const input = perQuestion
    ? { ...raw, ...asSubmitted(screeningToCard(raw as SectionAnswers) as unknown as SectionAnswers) }
    : raw;
  const facts = factsWith(ctx.answers, section, input);
  const fields = askedFields(section, ctx.part, facts, ctx.prompts);
  const errors: Record<string, string> = {};
  const out: Record<string, string | string[]> = {};
  for (const field of fields) {
    const parsed = parseField(field, input[field.id]);
    if (parsed.success) out[field.id] = parsed.data as string | string[];
    else errors[field.id] = readable(field, parsed.error.issues[0]?.message);
  }
  // rules across fields run even when a field failed, so the referrer sees every problem at once
  const crossErrors: Record<string, string> = {};
  crossFieldRules(section, out, crossErrors, { ...ctx, answers: facts });
  for (const [id, message] of Object.entries(crossErrors)) errors[id] ??= message;
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: echoValues(fields, input) };
  const before = perQuestion
    ? { ...ctx.answers, risk: { ...ctx.answers.risk, ...(raw as SectionAnswers) } }
    : ctx.answers;
  return { ok: true, answers: recorded(section, out, before) };
}

/** The card's answers as recorded: the risk list as one answer per question, facts given once reused. */
function recorded(
  section: SectionDef,
  out: Record<string, string | string[]>,
  answers: Answers,
): SectionAnswers {
  if (section.id === 'risk' && 'screenRest' in out) {
    const { screenYes, screenRest, screenNotKnown, ...rest } = out;
    const card = {
      screenYes: (screenYes as string[] | undefined) ?? [],
      screenRest: String(screenRest ?? ''),
      screenNotKnown: (screenNotKnown as string[] | undefined) ?? [],
    };
    return { ...rest, ...screeningFromCard(card, answers.risk) };
  }
  if (section.id === 'family') return { ...out, ...reuseFacts(answers, out) };
  return out;
}

/**
 * Facts already given are not asked again (issue 9): a health visitor or 0-19 referrer is the infant's
 * health visitor, a GP referrer the GP, unless the card says otherwise.
 */
function reuseFacts(answers: Answers, family: Record<string, string | string[]>): Record<string, string> {
  const role = text(answers, 'referrer', 'role');
  const who = [text(answers, 'referrer', 'name'), text(answers, 'referrer', 'organisation')]
    .filter(Boolean)
    .join(', ');
  if (!who) return {};
  if (role === 'health-visitor' && !family.healthVisitor) return { healthVisitor: who };
  if (role === 'gp' && !family.gp) return { gp: who };
  return {};
}

/** A part of a section saved: its fields replace the part's old ones (answers that no longer apply go). */
export function mergePart(
  part: PagePart | undefined,
  saved: SectionAnswers | undefined,
  fresh: SectionAnswers,
): SectionAnswers {
  if (!part || (!part.only && !part.except)) return fresh;
  const kept = Object.entries(saved ?? {}).filter(([k]) => !onPart(part, k));
  return { ...Object.fromEntries(kept), ...fresh };
}

function readable(field: FieldDef, message: string | undefined): string {
  if (message?.startsWith(field.label) || (message && message === field.errorMessage)) return message;
  return `${field.label}: this answer could not be read; please enter it again.`;
}

/**
 * What a card submission typed into a section's fields (as strings), or undefined when it is the same as
 * the section's saved answers: Back keeps it in the draft so nothing typed is lost.
 */
export function typedChanges(
  section: SectionDef,
  raw: Record<string, unknown>,
  ctx: Pick<ValidationContext, 'prompts' | 'answers' | 'part'>,
): Record<string, string> | undefined {
  const fields = sectionFields(section, ctx).filter((f) => !ctx.part || onPart(ctx.part, f.id));
  const typed = echoValues(fields, raw);
  const saved = cardValues(section, ctx.answers[section.id]);
  const same = fields.every((f) => (typed[f.id] ?? saved[f.id] ?? '').trim() === (saved[f.id] ?? '').trim());
  return same ? undefined : typed;
}

/** Values typed into the card, kept as strings so an invalid card can be re-sent without losing them. */
function echoValues(fields: readonly FieldDef[], raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of fields) {
    const v = raw[f.id];
    if (typeof v === 'string') values[f.id] = v.slice(0, (f.maxLength ?? 1000) * 2);
  }
  return values;
}

function crossFieldRules(
  section: SectionDef,
  a: Record<string, string | string[]>,
  errors: Record<string, string>,
  ctx: ValidationContext,
): void {
  switch (section.id) {
    case 'family':
      familyRules(a, errors, ctx.today, text(ctx.answers, 'family', 'stage'));
      return;
    case 'risk': {
      const twice = tickedTwice({
        screenYes: (a.screenYes as string[] | undefined) ?? [],
        screenRest: String(a.screenRest ?? ''),
        screenNotKnown: (a.screenNotKnown as string[] | undefined) ?? [],
      });
      if (twice.length > 0) {
        const titles = SCREENING_LIST.filter((q) => twice.includes(q.value)).map((q) => q.title);
        errors.screenNotKnown = `Ticked as there and as not known: ${titles.join('; ')}. Untick one of the two.`;
      }
      return;
    }
    default:
      return;
  }
}

function familyRules(
  a: Record<string, string | string[]>,
  errors: Record<string, string>,
  today: string,
  stage: string,
): void {
  const dob = String(a.dateOfBirth ?? '');
  const edd = String(a.expectedDate ?? '');
  if (stage === 'born' && dob) {
    if (!parseIsoDate(dob)) errors.dateOfBirth = 'Date of birth: that is not a real date.';
    else if (compareIsoDates(dob, today) > 0) errors.dateOfBirth = 'Date of birth: this is in the future.';
    else if (compareIsoDates(dob, addYears(today, -18)) < 0)
      errors.dateOfBirth = 'Date of birth: this is more than 18 years ago; please check it.';
  } else if (stage === 'antenatal' && edd) {
    if (!parseIsoDate(edd)) errors.expectedDate = 'Expected date of delivery: that is not a real date.';
    else if (daysBetween(today, edd) > 44 * 7)
      errors.expectedDate = 'Expected date of delivery: this is more than 44 weeks away; please check it.';
    else if (daysBetween(edd, today) > 365)
      errors.expectedDate =
        'Expected date of delivery: this was over a year ago. If the baby is born, go Back, choose "Yes, the baby is born" and give the date of birth.';
  }
  const nhs = String(a.nhsNumber ?? '');
  if (nhs) {
    if (isValidNhsNumber(nhs)) a.nhsNumber = normaliseNhsNumber(nhs);
    else
      errors.nhsNumber = 'NHS number: this is not a valid NHS number (10 digits with a correct check digit).';
  }
  // the postcode is read from the address when it ends with one (asked once)
  const found = typeof a.address === 'string' ? postcodeIn(a.address) : undefined;
  if (found) a.postcode = found;
  const postcode = String(a.postcode ?? '');
  if (postcode && !found) {
    if (isValidUkPostcode(postcode)) a.postcode = normalisePostcode(postcode);
    else errors.postcode = 'Postcode: enter a UK postcode such as LE1 6TH.';
  }
}

/** Saved answers as a card would submit them, to check them again against the rules of today. */
export function asSubmitted(answers: SectionAnswers | undefined): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(answers ?? {})) raw[k] = Array.isArray(v) ? v.join(',') : (v as string);
  return raw;
}

export interface PageContext {
  readonly today: string;
  readonly prompts: readonly PhonePrompt[];
  readonly answers: Answers;
  readonly kind: CallKind;
  readonly profile: ServiceProfile;
}

export type PageResult =
  | { ok: true; answers: Partial<Record<SectionId, SectionAnswers>> }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/**
 * Validates a card (a page of one or more sections) as submitted, inputs keyed "section.field". The
 * answers returned are each section's whole answers with this page's part replaced.
 */
export function validatePage(
  page: PageDef,
  raw: Readonly<Record<string, unknown>>,
  ctx: PageContext,
): PageResult {
  let answers = ctx.answers;
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const fresh: Partial<Record<SectionId, SectionAnswers>> = {};
  for (const { part, section } of partsOf(page, ctx.kind, ctx.profile)) {
    const result = validateSection(section, sectionInputs(raw, section.id), {
      today: ctx.today,
      prompts: ctx.prompts,
      answers,
      part,
    });
    if (!result.ok) {
      for (const [k, v] of Object.entries(result.errors)) errors[inputId(section.id, k)] = v;
      for (const [k, v] of Object.entries(result.values)) values[inputId(section.id, k)] = v;
      continue;
    }
    const merged = mergePart(part, answers[section.id], result.answers);
    fresh[section.id] = merged;
    answers = { ...answers, [section.id]: merged };
  }
  if (Object.keys(errors).length > 0) {
    // the values of the parts that passed go back too, so the card is re-sent as typed
    for (const { part, section } of partsOf(page, ctx.kind, ctx.profile)) {
      const typed = sectionInputs(raw, section.id);
      for (const f of sectionFields(section, ctx).filter((f) => onPart(part, f.id))) {
        const v = typed[f.id];
        if (typeof v === 'string')
          values[inputId(section.id, f.id)] ??= v.slice(0, (f.maxLength ?? 1000) * 2);
      }
    }
    return { ok: false, errors, values };
  }
  return { ok: true, answers: fresh };
}

/** The inputs a page asks, given the answers so far and what is typed on it: a new follow-up shows here. */
export function askedInputs(
  page: PageDef,
  raw: Readonly<Record<string, unknown>>,
  ctx: Omit<PageContext, 'today'>,
): string[] {
  return partsOf(page, ctx.kind, ctx.profile).flatMap(({ part, section }) =>
    askedFields(
      section,
      part,
      factsWith(ctx.answers, section, sectionInputs(raw, section.id)),
      ctx.prompts,
    ).map((f) => inputId(section.id, f.id)),
  );
}

/** A page's saved answers as its card would submit them. */
export function pageValues(
  page: PageDef,
  ctx: Pick<PageContext, 'answers' | 'kind' | 'profile'>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { part, section } of partsOf(page, ctx.kind, ctx.profile)) {
    for (const [k, v] of Object.entries(cardValues(section, ctx.answers[section.id]))) {
      if (onPart(part, k)) out[inputId(section.id, k)] = v;
    }
  }
  return out;
}

export type DraftCheck =
  | { ok: true }
  | { ok: false; page: PageDef; errors: Record<string, string>; values: Record<string, string> };

/**
 * Checks every card again before submission: a later answer can make an earlier one incomplete
 * (a new pick-up-the-phone prompt), and a day can pass between saving a date and submitting.
 */
export function validateDraft(ctx: PageContext): DraftCheck {
  for (const page of pagesOf(ctx.kind)) {
    const result = validatePage(page, pageValues(page, ctx), ctx);
    if (!result.ok) return { ok: false, page, errors: result.errors, values: result.values };
  }
  return { ok: true };
}

/**
 * How many answers a section still needs before the call can be submitted: its saved answers checked as
 * Submit would check them (a later answer can add a pick-up-the-phone prompt), for the review's list.
 */
export function answersStillNeeded(section: SectionDef, ctx: ValidationContext): number {
  const result = validateSection(section, cardValues(section, ctx.answers[section.id]), ctx);
  return result.ok ? 0 : Object.keys(result.errors).length;
}
