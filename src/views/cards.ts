import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Attachment, CardFactory } from 'botbuilder';
import { type CompiledTemplate, compileTemplate } from './card-template';

export type CardName =
  | 'section'
  | 'review'
  | 'document'
  | 'notice'
  | 'duty-summary'
  | 'alert'
  | 'confirmation';

/** Teams refuses a message over about 28 KB; leave room for the activity around the card. */
export const MAX_CARD_BYTES = 27_000;

// src/bot under tsx, dist/src/bot when built with tsc, dist/ in the bundle (dist/bot.cjs): the card
// templates stay at the repository root.
const CARDS_DIR =
  [
    path.resolve(__dirname, '..', '..', 'cards'),
    path.resolve(__dirname, '..', '..', '..', 'cards'),
    path.resolve(__dirname, '..', 'cards'),
  ].find((d) => fs.existsSync(path.join(d, 'notice.json'))) ?? path.resolve('cards');
const templates = new Map<CardName, CompiledTemplate>();
let crossCheck = false;

export function cardTemplate(name: CardName): CompiledTemplate {
  let t = templates.get(name);
  if (!t) {
    t = compileTemplate(readTemplate(name));
    templates.set(name, t);
  }
  return t;
}

function readTemplate(name: CardName): unknown {
  return JSON.parse(fs.readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8'));
}

/**
 * Binds a card template (src/views/card-template.ts: compiled once, adaptivecards-templating's semantics).
 * Templating evaluates expressions in the template only, never in the data, so user text bound here
 * is shown as typed (tests hold it to that).
 */
export function bindCard(name: CardName, data: object): Record<string, unknown> {
  const template = cardTemplate(name);
  const card = template.expand(data) as Record<string, unknown>;
  if (crossCheck) {
    const reference = template.expandByReference(data);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(card)), JSON.parse(JSON.stringify(reference)))) {
      throw new Error(
        `card template "${name}": the compiled binding differs from adaptivecards-templating's`,
      );
    }
  }
  return card;
}

/**
 * Tests turn this on (test/harness/card-cross-check.ts): every card any test renders is bound by
 * adaptivecards-templating as well, and a difference fails that test.
 */
export function crossCheckCardTemplates(on: boolean): void {
  crossCheck = on;
}

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export function attachment(card: Record<string, unknown>): Attachment {
  return CardFactory.adaptiveCard(card);
}

/**
 * Makes user text inert in TextBlock and FactSet, which render Markdown: no links, emphasis or lists it
 * did not intend, and no Teams date functions. Only what Adaptive Cards' Markdown acts on is escaped,
 * because some Teams clients show the backslashes: brackets (links, images), emphasis, code, list
 * markers at a line start, and a backslash before any of those. Addresses lose their autolink.
 */
export function escapeMarkdown(s: string): string {
  // each group runs only on text that holds what it looks for (a test compares with every rule run
  // always): most labels and answers hold none of it, and every card turn escapes dozens (issue 10)
  let out = s;
  if (/[\\`*_[\]]/.test(out)) {
    out = out.replace(/\\(?=[\\`*_[\]]|$)/g, '\\\\').replace(/[`*_[\]]/g, (c) => `\\${c}`);
  }
  if (/[-+=]|\d\./.test(out)) {
    out = out
      .replace(/^(\s*)([-+])(?=\s|$)/gm, '$1\\$2')
      .replace(/^(\s*)([-=])(?=[-=]+\s*$)/gm, '$1\\$2')
      .replace(/^(\s*\d+)\.(?=\s|$)/gm, '$1\\.');
  }
  if (out.includes('://')) out = out.replace(/:\/\//g, ':\u200B//');
  return out.includes('{{') ? escapeTextRun(out) : out;
}

/**
 * Makes user text inert in a TextRun. TextRuns render no Markdown, but the renderer still turns
 * `{{DATE(...)}}` and `{{TIME(...)}}` into dates: a zero-width space between braces stops that.
 */
export function escapeTextRun(s: string): string {
  return s.replace(/\{(?=\{)/g, '{\u200B');
}
