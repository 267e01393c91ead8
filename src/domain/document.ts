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
