import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { type Attachment, CardFactory } from 'botbuilder';

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
const templates = new Map<CardName, Template>();

function template(name: CardName): Template {
  let t = templates.get(name);
  if (!t) {
    t = new Template(JSON.parse(fs.readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')));
    templates.set(name, t);
  }
  return t;
}

/**
 * Binds a card template. Templating evaluates expressions in the template only, never in the data,
 * so user text bound here is shown as typed (tests hold it to that).
 */
export function bindCard(name: CardName, data: object): Record<string, unknown> {
  return template(name).expand({ $root: data }) as Record<string, unknown>;
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
  return escapeTextRun(
    s
      .replace(/\\(?=[\\`*_[\]]|$)/g, '\\\\')
      .replace(/[`*_[\]]/g, (c) => `\\${c}`)
      .replace(/^(\s*)([-+])(?=\s|$)/gm, '$1\\$2')
      .replace(/^(\s*)([-=])(?=[-=]+\s*$)/gm, '$1\\$2')
      .replace(/^(\s*\d+)\.(?=\s|$)/gm, '$1\\.')
      .replace(/:\/\//g, ':\u200B//'),
  );
}

/**
 * Makes user text inert in a TextRun. TextRuns render no Markdown, but the renderer still turns
 * `{{DATE(...)}}` and `{{TIME(...)}}` into dates: a zero-width space between braces stops that.
 */
export function escapeTextRun(s: string): string {
  return s.replace(/\{(?=\{)/g, '{\u200B');
}
