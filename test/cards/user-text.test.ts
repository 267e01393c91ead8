// biome-ignore-all lint/suspicious/noTemplateCurlyInString: template expressions in plain strings are the data under test
/**
 * User text is data. Whatever a referrer types (template expressions, Teams date functions, Markdown
 * links, mentions, emphasis) is bound as data and never evaluated: it comes back verbatim in input
 * values, as typed in TextRuns (where only Teams' date functions need breaking), and only escaped,
 * exactly once, in TextBlocks and facts, which render Markdown.
 */
import { describe, expect, test } from 'vitest';
import { inputId, pagesOf, partsOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { askedFields } from '../../src/domain/section-validation';
import { escapeMarkdown, escapeTextRun } from '../../src/views/cards';
import { callCards } from '../fixtures/card-catalogue';
import { buildDraft, everyTextIs, KINDS, WORST_PROFILE } from '../fixtures/card-scenarios';
import { cardProblems, factValues, inputs, markdownTexts, strings, textRuns } from './card-lint';

const ZWSP = '\u200B';

const PAYLOADS = [
  '${$root.draftId}',
  '${1+1}',
  '{{DATE(2026-01-01T00:00:00Z, SHORT)}}',
  '[click](https://evil.example)',
  '<at>Someone</at>',
  '**bold**',
  'All at once: **b** [x](https://evil.example) <at>A</at> ${1+1} {{TIME(2026-01-01T10:00:00Z)}}',
  'Escaped already: \\*not bold\\* \\[x\\]',
];

/** The renderer's own date and time formatting, which every TextBlock, fact and TextRun goes through. */
async function rendererFormat(text: string): Promise<string> {
  const { formatText } = await import('adaptivecards/lib/text-formatters.js');
  return formatText('en-GB', text) ?? '';
}

describe.each(KINDS)('in a %s call', (kind) => {
  describe.each(PAYLOADS)('every free-text answer %j', (payload) => {
    const draft = buildDraft(kind, everyTextIs(payload), WORST_PROFILE, { id: 'draft-secret-id' });
    const cards = callCards(draft, WORST_PROFILE);
    const card = (label: string) => cards.find((c) => c.label === label)!.card;
    const escaped = escapeMarkdown(payload);
    const run = escapeTextRun(payload);
    // the record text on the confirmation is wrapped at 64 characters: the payload's own expressions
    // are what remain of it whole
    const userForms = [payload, escaped, run, ...(payload.match(/\$\{[^}]*\}/g) ?? [])];

    test('leaves every card valid, with no template expression but the user’s own', () => {
      for (const c of cards) expect(cardProblems(c.card, userForms), c.label).toEqual([]);
      // and "${$root.draftId}" was not evaluated into the draft's id anywhere it was typed
      for (const c of cards)
        for (const s of strings(c.card).filter((s) => s.path.endsWith('.value') || s.path.endsWith('.text')))
          expect(s.value, `${c.label} ${s.path}`).not.toContain('draft-secret-id');
    });

    test('is the value of every text input, as typed and as re-shown after an error', () => {
      const prompts = phonePrompts(draft.answers);
      for (const page of pagesOf(kind)) {
        const free = partsOf(page, kind, WORST_PROFILE).flatMap(({ part, section }) =>
          askedFields(section, part, draft.answers, prompts)
            .filter(
              (f) =>
                (f.kind === 'text' || f.kind === 'longtext') && !['nhsNumber', 'postcode'].includes(f.id),
            )
            .map((f) => inputId(section.id, f.id)),
        );
        expect(free.length, page.id).toBeGreaterThan(0);
        for (const state of ['saved', 'errors on every field']) {
          // pick up the phone comes a page of prompts at a time: gather its pages
          const pages = cards.filter(
            (c) =>
              c.label === `section ${page.id}, ${state}` ||
              (c.label.startsWith(`section ${page.id} page `) && c.label.endsWith(`, ${state}`)),
          );
          expect(pages.length, `${page.id} ${state}`).toBeGreaterThan(0);
          const values = pages
            .flatMap((c) => inputs(c.card))
            .filter((i) => free.includes(i.id))
            .map((i) => i.value);
          expect(values, `${page.id} ${state}`).toHaveLength(free.length);
          for (const v of values) expect(v).toBe(payload);
        }
      }
    });

    test('is in the review’s facts escaped exactly once', () => {
      const facts = factValues(card('review'));
      expect(facts.filter((v) => v === escaped).length).toBeGreaterThan(kind === 'full' ? 10 : 3);
      if (escaped !== payload) {
        expect(facts).not.toContain(payload);
        if (escapeMarkdown(escaped) !== escaped) expect(facts).not.toContain(escapeMarkdown(escaped));
      }
    });

    test('is in the summary and referral as typed in TextRuns, and escaped once in their facts', async () => {
      for (const label of kind === 'full' ? ['summary', 'referral'] : ['summary']) {
        const runs = textRuns(card(label));
        expect(runs.filter((t) => t === run).length, label).toBeGreaterThan(0);
        for (const t of runs.filter((t) => t.includes(run))) {
          expect(await rendererFormat(t)).toBe(t);
          expect(t.replaceAll(ZWSP, '')).toContain(payload);
        }
        expect(factValues(card(label)), label).toContain(escaped);
      }
    });

    test('never becomes a mention: no card carries mention entities', () => {
      for (const c of cards) expect(JSON.stringify(c.card), c.label).not.toContain('"entities"');
    });

    test('never reaches Markdown text unescaped', () => {
      for (const c of cards) {
        for (const text of markdownTexts(c.card)) {
          const where = `${c.label}: ${text.slice(0, 60)}`;
          if (escaped !== payload) expect(text, where).not.toContain(payload);
          expect(text, where).not.toMatch(/(?<!\\)\]\(/);
          // "<at>" is only a mention with an msteams mention entity, which no card carries (checked below)
          expect(text, where).not.toContain('**');
          expect(text, where).not.toContain('{{');
          expect(text, where).not.toContain('://');
        }
      }
    });
  });
});

test('the out-of-area prompt quotes the referrer’s words escaped in its explanation', () => {
  const payload = '[click](https://evil.example)';
  const draft = buildDraft('full', everyTextIs(payload), WORST_PROFILE);
  const cards = callCards(draft, WORST_PROFILE);
  const pages = cards.filter(
    (c) => c.label.startsWith('section pickUpThePhone') && c.label.endsWith(', saved'),
  );
  expect(pages.length).toBeGreaterThan(1);
  expect(pages.flatMap((c) => markdownTexts(c.card))).toContain(
    `Involved out of area: ${escapeMarkdown(payload)}`,
  );
});
