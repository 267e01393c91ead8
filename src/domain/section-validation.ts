import { addYears, compareIsoDates, daysBetween, parseIsoDate } from './age';
import type { Answers, SectionAnswers } from './answers';
import type { SectionDef } from './checklist';
import { type FieldDef, fieldSchema } from './fields';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number';
import { type PhonePrompt, promptFields } from './pick-up-the-phone';
import { isValidUkPostcode, normalisePostcode } from './postcode';

export interface ValidationContext {
  /** The practitioner's calendar date (ISO), for date-of-birth checks. */
  readonly today: string;
  /** Prompts that apply to this call, for the pick-up-the-phone section. */
  readonly prompts: readonly PhonePrompt[];
  readonly answers: Answers;
}

export type SectionResult =
  | { ok: true; answers: SectionAnswers }
  | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** The fields a section's card shows: fixed for most, built from the prompts for pick-up-the-phone. */
export function sectionFields(
  section: SectionDef,
  ctx: Pick<ValidationContext, 'prompts'>,
): readonly FieldDef[] {
  return section.id === 'pickUpThePhone' ? ctx.prompts.flatMap(promptFields) : section.fields;
}

/**
 * Validates a card submission for one section. Unknown keys are ignored; on failure every field's
 * error is returned with the submitted values so the card can be shown again as typed.
 */
export function validateSection(
  section: SectionDef,
  raw: Record<string, unknown>,
  ctx: ValidationContext,
): SectionResult {
  const fields = sectionFields(section, ctx);
  const errors: Record<string, string> = {};
  const out: Record<string, string | string[]> = {};
  for (const field of fields) {
    const parsed = fieldSchema(field).safeParse(raw[field.id]);
    if (parsed.success) out[field.id] = parsed.data as string | string[];
    else errors[field.id] = readable(field, parsed.error.issues[0]?.message);
  }
  // rules across fields run even when a field failed, so the referrer sees every problem at once
  const crossErrors: Record<string, string> = {};
  crossFieldRules(section, out, crossErrors, ctx);
  for (const [id, message] of Object.entries(crossErrors)) errors[id] ??= message;
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: echoValues(fields, raw) };
  return { ok: true, answers: out };
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
  ctx: Pick<ValidationContext, 'prompts' | 'answers'>,
): Record<string, string> | undefined {
  const fields = sectionFields(section, ctx);
  const typed = echoValues(fields, raw);
  const saved = asSubmitted(ctx.answers[section.id]);
  const same = fields.every((f) => (typed[f.id] ?? '').trim() === (saved[f.id] ?? '').trim());
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
  const need = (id: string, message: string) => {
    if (!a[id]) errors[id] = message;
  };
  switch (section.id) {
    case 'referrer':
      if (a.role === 'other') need('roleOther', 'If other, your role: tell us your role.');
      return;
    case 'family':
      familyRules(a, errors, ctx.today);
      return;
    case 'pickUpThePhone':
      for (const p of ctx.prompts) {
        if (a[`${p.id}.status`] === 'phoned') {
          for (const [k, label] of [
            ['name', 'who you spoke to'],
            ['organisation', 'their organisation'],
            ['number', 'the number you called'],
          ] as const) {
            need(`${p.id}.${k}`, `${p.title}: you phoned, so give ${label}.`);
          }
        }
        need(`${p.id}.notes`, `${p.title}: ${notesPrompt(String(a[`${p.id}.status`] ?? ''))}`);
      }
      return;
    default:
      return;
  }
}

function notesPrompt(status: string): string {
  if (status === 'phoned') return 'say what was shared and the outcome.';
  if (status === 'not-needed') return 'say why the call was not needed.';
  return 'say what you tried.';
}

function familyRules(
  a: Record<string, string | string[]>,
  errors: Record<string, string>,
  today: string,
): void {
  const born = a.stage === 'born';
  const dob = String(a.dateOfBirth ?? '');
  const edd = String(a.expectedDate ?? '');
  if (born) {
    if (!a.infantName) errors.infantName = 'Infant’s name: this is required when the baby is born.';
    if (!dob) errors.dateOfBirth = 'Date of birth: this is required when the baby is born.';
    else if (!parseIsoDate(dob)) errors.dateOfBirth = 'Date of birth: that is not a real date.';
    else if (compareIsoDates(dob, today) > 0) errors.dateOfBirth = 'Date of birth: this is in the future.';
    else if (compareIsoDates(dob, addYears(today, -18)) < 0)
      errors.dateOfBirth = 'Date of birth: this is more than 18 years ago; please check it.';
    a.expectedDate = '';
  } else {
    if (!edd) errors.expectedDate = 'Expected date of delivery: this is required for an antenatal referral.';
    else if (!parseIsoDate(edd)) errors.expectedDate = 'Expected date of delivery: that is not a real date.';
    else if (daysBetween(today, edd) > 44 * 7)
      errors.expectedDate = 'Expected date of delivery: this is more than 44 weeks away; please check it.';
    else if (daysBetween(edd, today) > 365)
      errors.expectedDate =
        'Expected date of delivery: this was over a year ago. If the baby is born, choose "Yes, the baby is born" and give the date of birth.';
    a.dateOfBirth = '';
  }
  const nhs = String(a.nhsNumber ?? '');
  if (nhs) {
    if (isValidNhsNumber(nhs)) a.nhsNumber = normaliseNhsNumber(nhs);
    else
      errors.nhsNumber = 'NHS number: this is not a valid NHS number (10 digits with a correct check digit).';
  }
  const postcode = String(a.postcode ?? '');
  if (postcode) {
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

export type DraftCheck =
  | { ok: true }
  | { ok: false; section: SectionDef; errors: Record<string, string>; values: Record<string, string> };

/**
 * Checks every section again before submission: a later answer can make an earlier one incomplete
 * (a new pick-up-the-phone prompt), and a day can pass between saving a date and submitting.
 */
export function validateDraft(
  sections: readonly SectionDef[],
  answers: Answers,
  ctx: Omit<ValidationContext, 'answers'>,
): DraftCheck {
  for (const section of sections) {
    const result = validateSection(section, asSubmitted(answers[section.id]), { ...ctx, answers });
    if (!result.ok) return { ok: false, section, errors: result.errors, values: result.values };
  }
  return { ok: true };
}

/**
 * How many answers a section still needs before the call can be submitted: its saved answers checked as
 * Submit would check them (a later answer can add a pick-up-the-phone prompt), for the review's list.
 */
export function answersStillNeeded(section: SectionDef, ctx: ValidationContext): number {
  const result = validateSection(section, asSubmitted(ctx.answers[section.id]), ctx);
  return result.ok ? 0 : Object.keys(result.errors).length;
}
