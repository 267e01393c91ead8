import type { Doc } from '../../domain/document';
import { bindCard, cardBytes, escapeMarkdown, MAX_CARD_BYTES } from '../cards';

const SHORTENED = ' … [shortened here: the plain-text copy has it in full]';

/**
 * The summary or referral as a card. Free text goes into TextRuns, which Teams shows as typed;
 * if the longest answers would push the card past Teams' size limit, the longest are shortened
 * on the card only (the plain-text copy that follows is complete).
 */
export function documentCard(
  doc: Doc,
  style: 'default' | 'attention' | 'accent' = 'accent',
): Record<string, unknown> {
  let current = doc;
  for (let i = 0; i < 50; i++) {
    const card = bind(current, style);
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
    current = shortenLongest(current);
  }
  throw new Error('document card cannot be made small enough');
}

function bind(doc: Doc, style: string): Record<string, unknown> {
  return bindCard('document', {
    headerStyle: style,
    title: doc.title,
    subtitle: doc.subtitle,
    footer: doc.footer,
    blocks: doc.blocks.map((b) => ({
      heading: escapeMarkdown(b.heading),
      facts: b.facts.map((f) => ({ label: f.label, value: escapeMarkdown(f.value) })),
      paragraphs: b.paragraphs,
      bullets: b.bullets,
    })),
  });
}

function shortenLongest(doc: Doc): Doc {
  let longest = { b: -1, p: -1, len: 0 };
  doc.blocks.forEach((b, bi) => {
    b.paragraphs.forEach((p, pi) => {
      if (p.text.length > longest.len) longest = { b: bi, p: pi, len: p.text.length };
    });
  });
  if (longest.b < 0) return doc;
  return {
    ...doc,
    blocks: doc.blocks.map((b, bi) =>
      bi !== longest.b
        ? b
        : {
            ...b,
            paragraphs: b.paragraphs.map((p, pi) =>
              pi !== longest.p
                ? p
                : {
                    ...p,
                    text: p.text.replace(SHORTENED, '').slice(0, Math.floor(longest.len * 0.7)) + SHORTENED,
                  },
            ),
          },
    ),
  };
}

/** Teams caps a message at about 28 KB too: long plain text goes in several messages. */
export function plainTextChunks(text: string, maxChars = 8000): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const cut = rest.lastIndexOf('\n', maxChars);
    const at = cut > maxChars / 2 ? cut : maxChars;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  chunks.push(rest);
  return chunks;
}
