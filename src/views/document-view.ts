import type { Doc } from '../domain/document';
import { bindCard, cardBytes, escapeMarkdown, escapeTextRun, MAX_CARD_BYTES } from './cards';
import { cut } from './common';

export const SHORTENED = ' … [shortened here: the plain-text copy has it in full]';

/**
 * The summary or referral as a card. Free text goes into TextRuns, which Teams shows as typed;
 * if the answers would push the card past Teams' size limit, the longest free texts (paragraphs and
 * list items) are shortened on the card only, all to the same length, as little as needed (the
 * plain-text copy that follows is complete).
 */
export function documentCard(
  doc: Doc,
  style: 'default' | 'attention' | 'accent' = 'accent',
): Record<string, unknown> {
  return fitCard((keep) => bind(doc, style, keep), longestFreeText(doc), 'document card');
}

/**
 * The card drawn with every free text kept whole if it fits Teams' limit, else with the longest length
 * every free text can keep and the card still fit (a binary search over `bindWith(keep)`).
 */
export function fitCard(
  bindWith: (keep: number) => Record<string, unknown>,
  longest: number,
  what: string,
): Record<string, unknown> {
  const whole = bindWith(Number.POSITIVE_INFINITY);
  if (cardBytes(whole) <= MAX_CARD_BYTES) return whole;
  let fits = -1;
  let tooLong = longest;
  let best: Record<string, unknown> | undefined;
  while (tooLong - fits > 1) {
    const keep = Math.floor((fits + tooLong) / 2);
    const card = bindWith(keep);
    if (cardBytes(card) <= MAX_CARD_BYTES) {
      fits = keep;
      best = card;
    } else tooLong = keep;
  }
  if (!best) throw new Error(`${what} cannot be made small enough`);
  return best;
}

/**
 * The summary or referral as elements for another card to hold (the confirmation's Show summary), drawn
 * as `documentCard` draws them, with free texts shortened to `keep` characters.
 */
export function documentElements(
  doc: Doc,
  style: 'default' | 'attention' | 'accent',
  keep = Number.POSITIVE_INFINITY,
): unknown[] {
  return bind(doc, style, keep).body as unknown[];
}

export function longestFreeText(doc: Doc): number {
  return Math.max(
    0,
    ...doc.blocks.flatMap((b) => [...b.paragraphs.map((p) => p.text), ...b.bullets]).map((t) => t.length),
  );
}

export function shorten(text: string, keep: number): string {
  return text.length <= keep ? text : `${cut(text, keep).trimEnd()}${SHORTENED}`;
}

function bind(doc: Doc, style: string, keep: number): Record<string, unknown> {
  const run = (text: string) => escapeTextRun(shorten(text, keep));
  return bindCard('document', {
    headerStyle: style,
    title: doc.title,
    subtitle: doc.subtitle,
    footer: doc.footer,
    blocks: doc.blocks.map((b) => ({
      heading: b.heading,
      facts: b.facts.map((f) => ({ label: f.label, value: escapeMarkdown(f.value) })),
      paragraphs: b.paragraphs.map((p) => ({ label: p.label, text: run(p.text) })),
      bullets: b.bullets.map(run),
    })),
  });
}

/**
 * Teams caps a message at about 28 KB too: long plain text goes in several messages, each at most
 * `maxChars` long. A chunk ends at the last line break within the limit, which is dropped (each message
 * shows as a block of its own); a line longer than half the limit is cut at the limit itself, never
 * inside an emoji. So the chunks joined back, with a "\n" wherever the text had one at the join,
 * give the text exactly.
 */
export function plainTextChunks(text: string, maxChars = 8000): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const newline = rest.lastIndexOf('\n', maxChars);
    const at = newline > maxChars / 2 ? newline : Math.max(1, cut(rest, maxChars).length);
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  chunks.push(rest);
  return chunks;
}
