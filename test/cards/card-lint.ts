/**
 * Checks a bound card the way Teams will see it: Microsoft's own renderer library (adaptivecards 3.0.6)
 * for parse and validation events, and a strict structural walk for what that library does not check
 * (empty text, unknown properties, wrong property types, inputs without labels, leftover `${`).
 */
import { createRequire } from 'node:module';
import type * as ACTypes from 'adaptivecards';
import { z } from 'zod';

// Plain require('adaptivecards') fails in Node (extensionless ESM imports); the UMD bundle works with no DOM.
const AC = createRequire(__filename)('adaptivecards/dist/adaptivecards.js') as typeof ACTypes;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Card = Record<string, unknown>;

export interface OfficialEvent {
  readonly phase: string;
  readonly event: string;
  readonly message: string;
}

/** Every event Microsoft's renderer reports while parsing at schema 1.5 and validating: errors and warnings alike. */
export function officialEvents(card: Card): OfficialEvent[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  // parse works on a copy: the renderer must not see (or change) our object
  parsed.parse(JSON.parse(JSON.stringify(card)), context);
  const events: OfficialEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({
      phase: AC.ValidationPhase[e.phase],
      event: AC.ValidationEvent[e.event],
      message: e.message,
    });
  }
  for (const e of parsed.validateProperties().validationEvents) {
    events.push({
      phase: AC.ValidationPhase[e.phase],
      event: AC.ValidationEvent[e.event],
      message: e.message,
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------
// A strict schema for the subset of Adaptive Cards 1.5 our templates use. Unknown properties fail, as do
// values of the wrong type (a "true" string where a boolean belongs) and enum values the schema lacks.

const ci = (...values: string[]) =>
  z.string().refine((v) => values.some((x) => x.toLowerCase() === v.toLowerCase()), {
    message: `expected one of ${values.join(', ')}`,
  });

/** Text a person will read: present, and not only white space. */
const visibleText = z.string().refine((s) => s.trim() !== '', { message: 'empty text' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const spacing = ci('None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding');
const containerStyle = ci('default', 'emphasis', 'good', 'attention', 'warning', 'accent');
const textColor = ci('Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention');
const textSize = ci('Small', 'Default', 'Medium', 'Large', 'ExtraLarge');
const textWeight = ci('Lighter', 'Default', 'Bolder');

const elementCommon = {
  id: z.string().min(1).optional(),
  isVisible: z.boolean().optional(),
  separator: z.boolean().optional(),
  spacing: spacing.optional(),
};

const submitAction = z.strictObject({
  type: z.literal('Action.Submit'),
  id: z.string().min(1).optional(),
  title: visibleText,
  style: ci('default', 'positive', 'destructive').optional(),
  associatedInputs: ci('auto', 'none').optional(),
  isEnabled: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** A Universal Action (Teams routes it to the bot as an adaptiveCard/action invoke). */
const executeAction = z.strictObject({
  type: z.literal('Action.Execute'),
  id: z.string().min(1).optional(),
  verb: z.string().min(1),
  title: visibleText,
  style: ci('default', 'positive', 'destructive').optional(),
  associatedInputs: ci('auto', 'none').optional(),
  isEnabled: z.boolean().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** Shows or hides elements on the card itself (Show/Hide): nothing is sent to the bot. */
const toggleAction = z.strictObject({
  type: z.literal('Action.ToggleVisibility'),
  id: z.string().min(1).optional(),
  title: visibleText,
  style: ci('default', 'positive', 'destructive').optional(),
  targetElements: z.array(z.string().min(1)).min(1),
});

const textRun = z.strictObject({
  type: z.literal('TextRun'),
  text: visibleText,
  color: textColor.optional(),
  size: textSize.optional(),
  weight: textWeight.optional(),
  isSubtle: z.boolean().optional(),
  italic: z.boolean().optional(),
});

const fact = z.strictObject({ title: visibleText, value: visibleText });
const choice = z.strictObject({ title: visibleText, value: z.string().min(1) });

const inputCommon = {
  ...elementCommon,
  id: z.string().min(1),
  label: visibleText,
  isRequired: z.boolean().optional(),
  errorMessage: visibleText.optional(),
};

// biome-ignore lint/suspicious/noExplicitAny: zod's recursive types need an explicit annotation
const element: z.ZodType<any> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('TextBlock'),
      ...elementCommon,
      text: visibleText,
      color: textColor.optional(),
      size: textSize.optional(),
      weight: textWeight.optional(),
      isSubtle: z.boolean().optional(),
      wrap: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('RichTextBlock'),
      ...elementCommon,
      inlines: z.array(textRun).min(1),
    }),
    z.strictObject({
      type: z.literal('Container'),
      ...elementCommon,
      style: containerStyle.optional(),
      bleed: z.boolean().optional(),
      items: z.array(element).min(1),
    }),
    z.strictObject({
      type: z.literal('ColumnSet'),
      ...elementCommon,
      columns: z
        .array(
          z.strictObject({
            type: z.literal('Column'),
            width: ci('auto', 'stretch'),
            items: z.array(element).min(1),
          }),
        )
        .min(1),
    }),
    z.strictObject({ type: z.literal('FactSet'), ...elementCommon, facts: z.array(fact).min(1) }),
    z.strictObject({
      type: z.literal('ActionSet'),
      ...elementCommon,
      actions: z.array(z.union([submitAction, toggleAction])).min(1),
    }),
    z.strictObject({
      type: z.literal('Input.Text'),
      ...inputCommon,
      value: z.string().optional(),
      placeholder: z.string().optional(),
      maxLength: z.number().int().positive().optional(),
      isMultiline: z.boolean().optional(),
      style: ci('Text', 'Tel', 'Url', 'Email', 'Password').optional(),
      regex: z.string().min(1).optional(),
    }),
    z.strictObject({
      type: z.literal('Input.Date'),
      ...inputCommon,
      value: z.union([z.literal(''), isoDate]).optional(),
      min: isoDate.optional(),
      max: isoDate.optional(),
    }),
    z.strictObject({
      type: z.literal('Input.ChoiceSet'),
      ...inputCommon,
      value: z.string().optional(),
      isMultiSelect: z.boolean().optional(),
      style: ci('compact', 'expanded', 'filtered').optional(),
      wrap: z.boolean().optional(),
      choices: z.array(choice).min(1),
    }),
  ]),
);

/** The card an Action.ShowCard opens: no schema or version of its own. */
// biome-ignore lint/suspicious/noExplicitAny: zod's recursive types need an explicit annotation
const shownCard: z.ZodType<any> = z.lazy(() =>
  z.strictObject({
    type: z.literal('AdaptiveCard'),
    body: z.array(element).min(1),
    actions: z.array(z.union([submitAction, executeAction])).optional(),
  }),
);

const showCardAction = z.strictObject({
  type: z.literal('Action.ShowCard'),
  id: z.string().min(1).optional(),
  title: visibleText,
  style: ci('default', 'positive', 'destructive').optional(),
  card: shownCard,
});

/** A Teams @mention in a card: the entity's text must appear in a TextBlock as is. */
const mentionEntity = z.strictObject({
  type: z.literal('mention'),
  text: z.string().regex(/^<at>[^<>]+<\/at>$/),
  mentioned: z.strictObject({ id: z.string().min(1), name: visibleText }),
});

const cardSchema = z.strictObject({
  type: z.literal('AdaptiveCard'),
  $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
  version: z.literal('1.5'),
  msteams: z
    .strictObject({ width: z.literal('Full'), entities: z.array(mentionEntity).min(1).optional() })
    .optional(),
  body: z.array(element).min(1),
  actions: z.array(z.union([submitAction, executeAction, showCardAction])).optional(),
});

/** Structural problems the official library does not report, as "path: message" lines. */
export function schemaProblems(card: Card): string[] {
  const r = cardSchema.safeParse(card);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

// ---------------------------------------------------------------------------------------------------------
// Walking a bound card

export interface Found {
  readonly path: string;
  readonly value: string;
}

/** Every string in the card (property values, not keys), with where it is. */
export function strings(node: unknown, path = '$'): Found[] {
  if (typeof node === 'string') return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((n, i) => strings(n, `${path}[${i}]`));
  if (node && typeof node === 'object')
    return Object.entries(node).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

/** Every object with a "type" property (elements, inlines, actions), depth first. */
export function elements(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const self = typeof o.type === 'string' ? [o] : [];
  // action data is ours to read back, not card structure
  return [...self, ...Object.entries(o).flatMap(([k, v]) => (k === 'data' ? [] : elements(v)))];
}

export type Input = Record<string, unknown> & { id: string; type: string };

export function inputs(card: Card): Input[] {
  return elements(card).filter((e) => String(e.type).startsWith('Input.')) as Input[];
}

/** Where text is rendered as Markdown (and Teams date functions): TextBlock text and FactSet titles and values. */
export function markdownTexts(card: Card): string[] {
  return elements(card).flatMap((e) => {
    if (e.type === 'TextBlock') return [String(e.text)];
    if (e.type === 'FactSet')
      return (e.facts as { title: string; value: string }[]).flatMap((f) => [f.title, f.value]);
    return [];
  });
}

export function textRuns(card: Card): string[] {
  return elements(card)
    .filter((e) => e.type === 'TextRun')
    .map((e) => String(e.text));
}

export function factValues(card: Card): string[] {
  return elements(card)
    .filter((e) => e.type === 'FactSet')
    .flatMap((e) => (e.facts as { value: string }[]).map((f) => f.value));
}

/** Strings still holding a template expression, other than the user strings allowed to contain one. */
export function unexpanded(card: Card, userText: readonly string[] = []): Found[] {
  return strings(card).filter((s) => s.value.includes('${') && !userText.some((u) => s.value.includes(u)));
}

/** Inputs without a label, and required inputs without an error message. */
export function inputProblems(card: Card): string[] {
  const problems: string[] = [];
  for (const i of inputs(card)) {
    if (typeof i.label !== 'string' || i.label.trim() === '') problems.push(`${i.id}: no label`);
    if (i.isRequired === true && (typeof i.errorMessage !== 'string' || i.errorMessage.trim() === ''))
      problems.push(`${i.id}: required without an error message`);
  }
  return problems;
}

export function cardJsonBytes(card: Card): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** The message activity the bot sends: Teams' 28 KB limit applies to all of it, not only the card. */
export function activityBytes(card: Card): number {
  const activity = {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
  return Buffer.byteLength(JSON.stringify(activity), 'utf8');
}

export const TEAMS_MESSAGE_BYTES = 28 * 1024;

/** Strings holding half an emoji (a lone surrogate), which JSON writes as an escape and Teams shows as �. */
export function brokenText(card: Card): Found[] {
  return strings(card).filter((s) =>
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s.value),
  );
}

/** Element ids used twice, and Show/Hide targets that are not on the card. */
export function idProblems(card: Card): string[] {
  const ids = elements(card)
    .map((e) => e.id)
    .filter((id): id is string => typeof id === 'string');
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `id ${id} used twice`);
  const missing = elements(card)
    .filter((e) => e.type === 'Action.ToggleVisibility')
    .flatMap((e) => e.targetElements as string[])
    .filter((t) => !ids.includes(t))
    .map((t) => `Show/Hide target ${t} is not on the card`);
  return [...new Set(twice), ...missing];
}

/** Everything a card must satisfy, as one list (empty means good) so a failure shows it all at once. */
export function cardProblems(card: Card, userText: readonly string[] = []): string[] {
  return [
    ...officialEvents(card).map((e) => `renderer ${e.phase}/${e.event}: ${e.message}`),
    ...schemaProblems(card).map((p) => `schema ${p}`),
    ...unexpanded(card, userText).map((f) => `unexpanded template at ${f.path}: ${f.value.slice(0, 80)}`),
    ...inputProblems(card),
    ...idProblems(card),
    ...brokenText(card).map((f) => `half an emoji at ${f.path}`),
  ];
}
