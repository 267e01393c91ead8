/**
 * The summary and referral cards shorten free text only when the card would not fit, on the card only:
 * the plain-text copy stays complete, and goes out in chunks Teams accepts.
 */
import { describe, expect, test } from 'vitest';
import { type Doc, toPlainText } from '../../src/domain/document';
import { referralDoc } from '../../src/domain/referral';
import { summaryDoc } from '../../src/domain/summary';
import { escapeMarkdown, escapeTextRun, MAX_CARD_BYTES } from '../../src/views/cards';
import { documentCard, plainTextChunks, SHORTENED } from '../../src/views/document-view';
import {
  buildDraft,
  FIXTURE_ANSWERS,
  fill,
  submitted,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from '../fixtures/card-scenarios';
import { cardJsonBytes, cardProblems, factValues, textRuns } from './card-lint';

function freeTexts(doc: Doc): string[] {
  return doc.blocks.flatMap((b) => [...b.paragraphs.map((p) => p.text), ...b.bullets]);
}

/** A TextRun as the card shows a free text: bullets carry their bullet sign. */
function asRun(text: string, doc: Doc): string {
  const bullet = doc.blocks.some((b) => b.bullets.includes(text));
  return `${bullet ? '• ' : ''}${escapeTextRun(text)}`;
}

describe('a summary too long for one card', () => {
  const call = submitted(buildDraft('full', worstAnswers('中'), WORST_PROFILE), WORST_PROFILE);
  const doc = summaryDoc(call, WORST_PROFILE);
  const card = documentCard(doc, 'attention');
  const runs = textRuns(card);

  test('would not fit unshortened', () => {
    const bytes = freeTexts(doc).reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(bytes).toBeGreaterThan(MAX_CARD_BYTES);
  });

  test('fits, passes every check, and says where it was shortened', () => {
    expect(cardProblems(card)).toEqual([]);
    expect(cardJsonBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(runs.filter((r) => r.endsWith(SHORTENED)).length).toBeGreaterThan(0);
  });

  test('is shortened no more than it must be', () => {
    expect(cardJsonBytes(card)).toBeGreaterThan(MAX_CARD_BYTES * 0.98);
  });

  test('keeps the start of each shortened text, and every short text whole', () => {
    const cut = runs.filter((r) => r.endsWith(SHORTENED)).map((r) => r.slice(0, -SHORTENED.length));
    const keep = Math.max(...cut.map((r) => r.replace(/^• /, '').length));
    for (const text of freeTexts(doc)) {
      const whole = asRun(text, doc);
      if (runs.includes(whole)) continue;
      // shortened: its TextRun is a start of it, no longer than any other shortened text's
      const shown = cut.find((c) => whole.startsWith(c) && c.length > 2);
      expect(shown, text.slice(0, 40)).toBeDefined();
      expect(text.length).toBeGreaterThan(keep);
    }
    // facts are never shortened
    for (const f of doc.blocks.flatMap((b) => b.facts))
      expect(factValues(card)).toContain(escapeMarkdown(f.value));
  });

  test('the plain text has every answer in full and no shortening marker', () => {
    const plain = toPlainText(doc);
    for (const text of freeTexts(doc)) expect(plain.includes(text), text.slice(0, 40)).toBe(true);
    expect(plain).not.toContain(SHORTENED.trim());
    // every long answer the summary reports (the referral's own answers go in the referral)
    const { referral: _, ...reported } = call.answers;
    for (const [section, answers] of Object.entries(reported))
      for (const [id, v] of Object.entries(answers ?? {}))
        if (typeof v === 'string' && v.length > 200) expect(plain.includes(v), `${section}.${id}`).toBe(true);
  });

  test('never cuts an emoji in half', () => {
    const emoji = summaryDoc(
      submitted(buildDraft('full', worstAnswers('a👶'), WORST_PROFILE), WORST_PROFILE),
      WORST_PROFILE,
    );
    const shortened = documentCard(emoji);
    expect(textRuns(shortened).some((r) => r.endsWith(SHORTENED))).toBe(true);
    expect(cardProblems(shortened)).toEqual([]);
  });
});

describe('documents that fit', () => {
  test.each([
    ['full', 'summary'],
    ['full', 'referral'],
    ['advice', 'summary'],
  ] as const)('the fixture %s call’s %s is shown whole', (kind, which) => {
    const call = submitted(buildDraft(kind, FIXTURE_ANSWERS[kind], TEST_PROFILE), TEST_PROFILE);
    const doc = which === 'summary' ? summaryDoc(call, TEST_PROFILE) : referralDoc(call, TEST_PROFILE)!;
    const card = documentCard(doc);
    const runs = textRuns(card);
    expect(runs.some((r) => r.includes(SHORTENED))).toBe(false);
    for (const text of freeTexts(doc)) expect(runs).toContain(asRun(text, doc));
  });

  test('the worst-case referral is shown whole: its answers fit without shortening', () => {
    const call = submitted(buildDraft('full', worstAnswers('中'), WORST_PROFILE), WORST_PROFILE);
    const doc = referralDoc(call, WORST_PROFILE)!;
    const runs = textRuns(documentCard(doc, 'default'));
    for (const text of freeTexts(doc)) expect(runs).toContain(asRun(text, doc));
  });
});

test('a document whose facts alone are too big is refused, not sent oversize', () => {
  const doc: Doc = {
    title: 'Too big',
    subtitle: 'x',
    footer: 'x',
    blocks: [
      {
        heading: 'Facts',
        facts: [{ label: 'Everything', value: fill(10_000, '中') }],
        paragraphs: [],
        bullets: [],
      },
    ],
  };
  expect(() => documentCard(doc)).toThrow('cannot be made small enough');
});

// ---------------------------------------------------------------------------------------------------------

/**
 * The chunks joined back as the function promises: with a "\n" wherever the text has one at the join.
 * Equal to the text means nothing was lost, added or reordered, and only the line breaks split at dropped.
 */
function rejoin(text: string, chunks: readonly string[]): string {
  return chunks.reduce(
    (acc, chunk, i) => (i === 0 ? chunk : acc + (text[acc.length] === '\n' ? '\n' : '') + chunk),
    '',
  );
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function expectGoodChunks(text: string, chunks: readonly string[], max: number): void {
  expect(rejoin(text, chunks)).toBe(text);
  chunks.forEach((chunk, i) => {
    expect(chunk.length).toBeLessThanOrEqual(max);
    expect(isHigh(chunk.charCodeAt(chunk.length - 1))).toBe(false);
    expect(isLow(chunk.charCodeAt(0))).toBe(false);
    // every chunk but the last takes more than half the room: the text goes in few messages
    if (i < chunks.length - 1) expect(chunk.length).toBeGreaterThan(max / 2);
  });
}

describe('plainTextChunks', () => {
  test.each([
    ['empty text', '', ['']],
    ['short text', 'short', ['short']],
    ['exactly the limit', 'exactly10!', ['exactly10!']],
    ['one over, no line break: cut at the limit', 'abcdefghijk', ['abcdefghij', 'k']],
    [
      'lines: cut at the last line break within the limit',
      'line one\nline two\nthree',
      ['line one', 'line two', 'three'],
    ],
    ['a line break right at the limit', 'abcdefghij\nklm', ['abcdefghij', 'klm']],
    [
      'a line break in the first half only: cut at the limit',
      'ab\ncdefghijklmnop',
      ['ab\ncdefghi', 'jklmnop'],
    ],
    ['a blank line: one of its two breaks is dropped', 'abcdefgh\n\nijklmnop', ['abcdefgh\n', 'ijklmnop']],
    ['an emoji across the limit goes whole into the next chunk', 'abcdefghi👶xyz', ['abcdefghi', '👶xyz']],
    // toPlainText never ends with a line break; a text that does can end with an empty chunk
    ['a final line break at the limit', 'abcdefghij\n', ['abcdefghij', '']],
  ])('%s', (_what, text, expected) => {
    const chunks = plainTextChunks(text, 10);
    expect(chunks).toEqual(expected);
    expect(rejoin(text, chunks)).toBe(text);
  });

  test('random texts of lines, blank lines, long lines and emoji', () => {
    let seed = 20261123;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['word ', 'é', '中', '👶', '\n', '\n\n', 'x'.repeat(37), '"\\'];
    for (let run = 0; run < 300; run++) {
      const max = [3, 7, 10, 64, 500][run % 5]!;
      let text = '';
      const length = Math.floor(random() * max * 6);
      while (text.length < length) text += pieces[Math.floor(random() * pieces.length)];
      expectGoodChunks(text, plainTextChunks(text, max), max);
    }
  });

  test('the worst-case summary and referral go out in chunks of at most 8,000 characters', () => {
    const call = submitted(buildDraft('full', worstAnswers('中'), WORST_PROFILE), WORST_PROFILE);
    const plain = [
      toPlainText(summaryDoc(call, WORST_PROFILE)),
      toPlainText(referralDoc(call, WORST_PROFILE)!),
    ].join('\n\n');
    const chunks = plainTextChunks(plain);
    expect(chunks.length).toBeGreaterThan(2);
    expectGoodChunks(plain, chunks, 8000);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThan(25_000);
  });
});
