// biome-ignore-all lint/suspicious/noTemplateCurlyInString: template expressions in plain strings are the data under test
/**
 * escapeMarkdown (TextBlock and FactSet text) and escapeTextRun (TextRun text) make user text inert:
 * what the renderer shows is exactly what was typed, with no link, emphasis, list, mention or date.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { escapeMarkdown, escapeTextRun } from '../../src/views/cards';

const ZWSP = '\u200B';

/** What CommonMark shows for text: a backslash before ASCII punctuation shows only the punctuation. */
function shown(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1').replaceAll(ZWSP, '');
}

/** The text with every backslash escape taken out: what is left must have no Markdown in it. */
function unescapedPart(markdown: string): string {
  return markdown.replace(/\\[!-/:-@[-`{-~]/g, '');
}

/** The renderer's own date and time formatting, which TextBlocks, facts and TextRuns all go through. */
async function rendererFormat(text: string): Promise<string> {
  const { formatText } = await import('adaptivecards/lib/text-formatters.js');
  return formatText('en-GB', text) ?? '';
}

/** What Adaptive Cards' Markdown acts on; everything else is left alone so no backslash shows. */
const SPECIAL = /[`*_[\]]/;

describe('escapeMarkdown', () => {
  test.each([
    ['plain words, kept as they are', 'plain words, kept as they are'],
    ['é 中 👶 "quoted"', 'é 中 👶 "quoted"'],
    ['**bold**', '\\*\\*bold\\*\\*'],
    ['_italic_', '\\_italic\\_'],
    ['[click](https://evil.example)', `\\[click\\](https:${ZWSP}//evil.example)`],
    ['see https://evil.example now', `see https:${ZWSP}//evil.example now`],
    ['<at>Someone</at>', '<at>Someone</at>'],
    ['{{DATE(2026-01-01T00:00:00Z, SHORT)}}', `{${ZWSP}{DATE(2026-01-01T00:00:00Z, SHORT)}}`],
    ['{{{TIME(2026-01-01T00:00:00Z)}}}', `{${ZWSP}{${ZWSP}{TIME(2026-01-01T00:00:00Z)}}}`],
    ['${$root.draftId}', '${$root.draftId}'],
    ['${1+1}', '${1+1}'],
    ['back\\slash, C:\\path', 'back\\slash, C:\\path'],
    ['\\*not bold\\*', '\\\\\\*not bold\\\\\\*'],
    ['ends with \\', 'ends with \\\\'],
    ['![image](https://x.example/a.png)', `!\\[image\\](https:${ZWSP}//x.example/a.png)`],
    ['`code`', '\\`code\\`'],
    [
      '(parentheses), #hash, > angle, ~tilde | pipe !bang',
      '(parentheses), #hash, > angle, ~tilde | pipe !bang',
    ],
    ['- not a list\n+ nor this\n  - nor this', '\\- not a list\n\\+ nor this\n  \\- nor this'],
    ['1. not a list\n22. nor this\n3.', '1\\. not a list\n22\\. nor this\n3\\.'],
    ['3.5 kg at 10.30', '3.5 kg at 10.30'],
    ['text\n===\nmore\n---\n-- two', 'text\n\\===\nmore\n\\---\n-- two'],
    ['well-known, e-mail, 10-12', 'well-known, e-mail, 10-12'],
  ])('%j becomes %j', (input, escaped) => {
    expect(escapeMarkdown(input)).toBe(escaped);
  });

  const samples = [
    '**bold** and _italic_ with [a link](https://evil.example) <at>Someone</at>',
    '{{DATE(2026-01-01T00:00:00Z, SHORT)}} {{TIME(2026-01-01T10:00:00Z)}} {{{{',
    '- one\n1. two\n# three\n> four\n\\*five\\*',
    '${$root.draftId} ${1+1} é中👶 "q" \\\\ ~|!&`',
  ];

  test.each(samples)('shows exactly what was typed, once escaped: %j', (input) => {
    expect(shown(escapeMarkdown(input))).toBe(input);
  });

  test.each(samples)('leaves no Markdown outside its escapes: %j', (input) => {
    const rest = unescapedPart(escapeMarkdown(input));
    expect(rest).not.toMatch(SPECIAL);
    expect(rest).not.toContain('{{');
    expect(rest).not.toContain('://');
    expect(rest).not.toMatch(/^\s*([-+=]|\d+\.(\s|$))/m);
  });

  test.each(samples.filter((input) => SPECIAL.test(input)))(
    'shows its own backslashes if applied twice, so it must be applied exactly once: %j',
    (input) => {
      // the card tests hold each value to one escape
      expect(shown(escapeMarkdown(escapeMarkdown(input)))).not.toBe(input);
    },
  );

  test('Teams date functions are not formatted once escaped', async () => {
    const input = 'Seen {{DATE(2026-01-01T00:00:00Z, SHORT)}} at {{TIME(2026-01-01T10:00:00Z)}}';
    expect(await rendererFormat(input)).not.toBe(input);
    const escaped = escapeMarkdown(input);
    expect(await rendererFormat(escaped)).toBe(escaped);
  });
});

describe('escapeTextRun', () => {
  test.each([
    [
      '**bold** [click](https://evil.example) <at>Someone</at> ${1+1} \\',
      '**bold** [click](https://evil.example) <at>Someone</at> ${1+1} \\',
    ],
    ['{{DATE(2026-01-01T00:00:00Z, SHORT)}}', `{${ZWSP}{DATE(2026-01-01T00:00:00Z, SHORT)}}`],
    ['{{{x}}}', `{${ZWSP}{${ZWSP}{x}}}`],
    ['{ {single} }', '{ {single} }'],
  ])('%j becomes %j', (input, escaped) => {
    expect(escapeTextRun(input)).toBe(escaped);
  });

  test.each([
    'Seen {{DATE(2026-01-01T00:00:00Z, SHORT)}} and {{DATE(2026-01-01T00:00:00+01:00)}}',
    'At {{TIME(2026-01-01T10:00:00Z)}}, {{{TIME(2026-01-01T10:00:00Z)}}}',
  ])('the renderer shows %j as typed (apart from invisible spaces)', async (input) => {
    expect(await rendererFormat(input)).not.toBe(input);
    const run = escapeTextRun(input);
    expect(await rendererFormat(run)).toBe(run);
    expect(run.replaceAll(ZWSP, '')).toBe(input);
  });
});

// escapeMarkdown skips the rules that cannot apply to a text (issue 10): it must give what running every
// rule always gives, which is this, the function as it was before.
function everyRule(s: string): string {
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

describe('escapeMarkdown skipping rules that cannot apply', () => {
  test('gives what running every rule gives, for any text made of the characters the rules look at', () => {
    const char = fc.constantFrom(...'\\`*_[]-+=.:/{} \n\t1a9Z'.split(''), '\u00e9', '\u{1F476}');
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 40 }).map((cs) => cs.join('')),
        (s) => {
          expect(escapeMarkdown(s)).toBe(everyRule(s));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('and for text as people type it', () => {
    for (const s of [
      'Dana said: see https://example.org/a_b [here]',
      '1. first\n- second\n+ third\n===\n---',
      'plain words only',
      '{{DATE(2026-11-30)}} and \\ at the end\\',
      '  2. indented\n\t* star',
    ]) {
      expect(escapeMarkdown(s)).toBe(everyRule(s));
    }
  });
});
