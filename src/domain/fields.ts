import { z } from 'zod';
import type { Answers } from './answers';

/** How a question is answered; the Teams layer maps each kind to an Adaptive Card input. */
export type FieldKind = 'text' | 'longtext' | 'date' | 'choice' | 'multichoice' | 'phone' | 'email';

export interface Choice {
  readonly value: string;
  readonly title: string;
}

export interface FieldDef {
  readonly id: string;
  readonly kind: FieldKind;
  readonly label: string;
  readonly help?: string;
  readonly required: boolean;
  readonly maxLength?: number;
  readonly choices?: readonly Choice[];
  /** Shown in the card when the client-side check fails. */
  readonly errorMessage?: string;
  /**
   * Asked only when the answers so far (with what is typed on the card) call for it: a follow-up such as
   * "if other, your role". A field that does not apply is neither shown nor checked (issue 9: ask only
   * what applies).
   */
  readonly appliesWhen?: (facts: Answers) => boolean;
  /**
   * No longer asked (issue 9: asked once elsewhere), still shown in summaries of calls that answered it.
   */
  readonly retired?: boolean;
  /** Choice values from earlier versions of the question, read as today's (e.g. two roles merged). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Teams draws long choice lists as a drop-down: the default lists every option. */
  readonly compact?: boolean;
}

/** Whether a field is asked on a card, given the answers so far. */
export function applies(field: FieldDef, facts: Answers): boolean {
  return !field.retired && (field.appliesWhen?.(facts) ?? true);
}

export const LIMITS = { short: 100, medium: 200, long: 1000, ownWords: 3000 } as const;

// Control characters other than tab and newline have no place in a clinical note and break some renderers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what it removes
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;

export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
/** A UK or international number, with an extension if it has one ("0116 555 0101 ext 234", "x234"). */
const phone = /^\+?[0-9 ()-]{6,20}( ?(ext\.?|extension|[Xx]) ?[0-9]{1,6})?$/i;

const schemas = new WeakMap<FieldDef, z.ZodType>();

/**
 * One field's card value checked and cleaned. A missing value (no input sent, or null) is an empty
 * input, so a required field says it is required and an optional one records ''.
 */
export function parseField(field: FieldDef, raw: unknown): z.ZodSafeParseResult<unknown> {
  return fieldSchema(field).safeParse(raw === undefined || raw === null ? '' : raw);
}

/**
 * The zod schema for one field's card value (cards send every value as a string). Built once per field
 * definition: every card turn validates every field (issue 10).
 */
function fieldSchema(field: FieldDef): z.ZodType {
  let schema = schemas.get(field);
  if (!schema) {
    schema = buildSchema(field);
    schemas.set(field, schema);
  }
  return schema;
}

/**
 * One string schema per field, its checks in a row: every card turn validates dozens of fields and each
 * pipe, union or preprocess layer costs as much again (issue 10: half the time zod took). Anything
 * that is not a string is refused by `z.string()`.
 */
function buildSchema(field: FieldDef): z.ZodType {
  const label = field.label;
  let schema: z.ZodType;
  switch (field.kind) {
    case 'text':
    case 'longtext': {
      const max = field.maxLength ?? (field.kind === 'text' ? LIMITS.short : LIMITS.long);
      schema = z.string().overwrite(cleanText).max(max, `${label}: keep this to ${max} characters or fewer.`);
      break;
    }
    case 'phone':
      schema = z
        .string()
        .trim()
        .refine((v) => v === '' || phone.test(v), `${label}: enter a telephone number.`);
      break;
    case 'email':
      schema = z
        .string()
        .trim()
        .max(254, `${label}: that email address is too long.`)
        .refine(
          (v) => v === '' || z.regexes.email.test(v),
          `${label}: enter an email address like name@nhs.net.`,
        );
      break;
    case 'date':
      schema = z
        .string()
        .trim()
        .refine((v) => v === '' || isoDate.test(v), `${label}: enter a date.`);
      break;
    case 'choice': {
      const values = (field.choices ?? []).map((c) => c.value);
      const aliases = field.aliases ?? {};
      schema = z
        .string()
        .trim()
        .overwrite((v) => aliases[v] ?? v)
        .refine((v) => v === '' || values.includes(v), `${label}: choose one of the options.`);
      break;
    }
    case 'multichoice': {
      const values = (field.choices ?? []).map((c) => c.value);
      schema = z
        .string()
        .max(2000)
        .transform((v) => [
          ...new Set(
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
        ])
        .refine((vs) => vs.every((v) => values.includes(v)), `${label}: choose from the options shown.`);
      break;
    }
  }
  if (!field.required) return schema;
  return schema.refine(
    (v) => (Array.isArray(v) ? v.length > 0 : v !== ''),
    field.errorMessage ?? `${label}: this is required.`,
  );
}

export function choiceTitle(field: FieldDef, value: string): string {
  return field.choices?.find((c) => c.value === value)?.title ?? value;
}
