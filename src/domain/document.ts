/** A rendered summary or referral, independent of how it is shown (card or plain text). */
export interface Doc {
  readonly title: string;
  readonly subtitle: string;
  readonly blocks: readonly Block[];
  readonly footer: string;
}

export interface Block {
  readonly heading: string;
  readonly facts: readonly Fact[];
  /** Free text shown verbatim, each under its own label. */
  readonly paragraphs: readonly { readonly label: string; readonly text: string }[];
  readonly bullets: readonly string[];
}

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export function block(heading: string, parts: Partial<Omit<Block, 'heading'>>): Block {
  return {
    heading,
    facts: (parts.facts ?? []).filter((f) => f.value !== ''),
    paragraphs: (parts.paragraphs ?? []).filter((p) => p.text !== ''),
    bullets: parts.bullets ?? [],
  };
}

/** Plain text for pasting into a clinical record system: no markup, stable layout. */
export function toPlainText(doc: Doc): string {
  const out: string[] = [doc.title, doc.subtitle, ''];
  for (const b of doc.blocks) {
    out.push(b.heading.toUpperCase());
    for (const f of b.facts) out.push(`${f.label}: ${f.value}`);
    for (const p of b.paragraphs) out.push(`${p.label}:`, p.text);
    for (const item of b.bullets) out.push(`- ${item}`);
    out.push('');
  }
  out.push(doc.footer);
  return out.join('\n');
}

/**
 * Plain text wrapped so that no line is longer than `width` characters (a code block does not wrap, and
 * a long line runs off the screen). Lines break between words; a word longer than a line is broken
 * where the line ends, never inside an emoji. A list item's following lines are indented under its text.
 */
export function wrapPlainText(text: string, width = 64): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const hang = line.startsWith('- ') ? '  ' : '';
  const out: string[] = [];
  let current = '';
  for (let word of line.split(/\s+/).filter(Boolean)) {
    if (current !== '' && current.length + 1 + word.length <= width) {
      current += ` ${word}`;
      continue;
    }
    if (current !== '') out.push(current);
    current = out.length ? hang : '';
    while (current.length + word.length > width) {
      const piece = firstChars(word, width - current.length);
      out.push(current + piece);
      word = word.slice(piece.length);
      current = hang;
    }
    current += word;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}

/** At most `n` UTF-16 code units of `s`, never half an emoji, and never nothing. */
function firstChars(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  const at = n > 1 && code >= 0xd800 && code <= 0xdbff ? n - 1 : n;
  return s.slice(0, Math.max(at, s.codePointAt(0)! > 0xffff ? 2 : 1));
}
