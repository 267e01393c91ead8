/**
 * Every card the bot builds for the realistic calls in test/fixtures/answers.ts, in every state a
 * handler shows it in, and every notice card: each must pass Microsoft's renderer with no errors or
 * warnings at schema 1.5, pass the strict schema walk, label every input and fit in a Teams message.
 */
import { describe, expect, test } from 'vitest';
import { PROBLEM_TEXT } from '../../src/bot/card-check';
import { SCREENING_LIST } from '../../src/domain/checklist';
import { type Draft, progress } from '../../src/domain/draft';
import { GLOSSARY } from '../../src/domain/glossary';
import { pagesOf } from '../../src/domain/pages';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { validatePage } from '../../src/domain/section-validation';
import { MAX_CARD_BYTES } from '../../src/views/cards';
import { buttons } from '../../src/views/common';
import {
  confirmCancelCard,
  glossaryCard,
  helpCard,
  noticeCard,
  problemCard,
  statusCard,
  welcomeCard,
} from '../../src/views/notice-view';
import { sectionCard } from '../../src/views/section-view';
import { type BuiltCard, callCards } from '../fixtures/card-catalogue';
import { buildDraft, FIXTURE_ANSWERS, KINDS, TEST_PROFILE, TODAY } from '../fixtures/card-scenarios';
import { type Card, cardJsonBytes, cardProblems, elements, inputs } from './card-lint';

function expectGood(card: Card): void {
  expect(cardProblems(card)).toEqual([]);
  expect(card.version).toBe('1.5');
  expect(cardJsonBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
}

const PREFILL = { name: 'Hannah Visitor', email: 'hannah.visitor@nhs.net' };

/** The card a referrer first sees for each page: the draft walked up to it with the fixture answers. */
function freshCards(kind: (typeof KINDS)[number]): BuiltCard[] {
  return pagesOf(kind).map((page) => {
    const draft = buildDraft(kind, FIXTURE_ANSWERS[kind], TEST_PROFILE, {
      stopAt: page.parts.find((p) => !p.only)!.section,
      prefill: PREFILL,
    });
    expect(draft.at).toBe(page.id);
    return {
      label: `section ${page.id}, first shown`,
      template: 'section' as const,
      card: sectionCard({ draft, page, prompts: phonePrompts(draft.answers), today: TODAY }, TEST_PROFILE),
    };
  });
}

/** Each page sent back after saving it empty: validation's real errors, what was typed (nothing). */
function emptySaveCards(draft: Draft): BuiltCard[] {
  const prompts = phonePrompts(draft.answers);
  return pagesOf(draft.kind).map((page) => {
    const result = validatePage(
      page,
      { verb: 'call.save' },
      { today: TODAY, prompts, answers: draft.answers, kind: draft.kind, profile: TEST_PROFILE },
    );
    const failed = result.ok ? { errors: {}, values: {} } : result;
    return {
      label: `section ${page.id}, saved empty`,
      template: 'section' as const,
      card: sectionCard(
        { draft, page, prompts, today: TODAY, typed: failed.values, errors: failed.errors },
        TEST_PROFILE,
      ),
    };
  });
}

/** The compact risk card's answers for the fixtures' screening (one question "yes" in the full call). */
const RISK_CARD: Record<(typeof KINDS)[number], Record<string, string>> = {
  full: { screenYes: 'mentalHealth', screenRest: 'no' },
  advice: { screenYes: '', screenRest: 'no' },
};
const SCREENING = new Set<string>(SCREENING_LIST.map((q) => q.value));

describe.each(KINDS)('the fixture %s call', (kind) => {
  const draft = buildDraft(kind, FIXTURE_ANSWERS[kind], TEST_PROFILE);
  const cards = [...freshCards(kind), ...emptySaveCards(draft), ...callCards(draft, TEST_PROFILE)];

  test('builds a card for every page, the review, the summary and (full calls) the referral', () => {
    const pages = pagesOf(kind).length;
    expect(pages).toBe(kind === 'full' ? 7 : 4);
    expect(cards.filter((c) => c.template === 'section')).toHaveLength(pages * 4);
    expect(cards.filter((c) => c.template === 'review')).toHaveLength(2);
    expect(cards.filter((c) => c.template === 'document')).toHaveLength(kind === 'full' ? 2 : 1);
  });

  test.each(cards.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expectGood(c.card);
  });

  test('the cards show what was saved in their inputs, each once, keyed "section.field"', () => {
    const all = cards
      .filter((c) => c.template === 'section' && c.label.endsWith(', saved'))
      .flatMap((c) => inputs(c.card));
    const ids = all.map((i) => i.id);
    expect(new Set(ids).size, 'no input is asked on two cards').toBe(ids.length);
    const shown = Object.fromEntries(all.map((i) => [i.id, i.value]));
    let checked = 0;
    for (const [section, answers] of Object.entries(FIXTURE_ANSWERS[kind])) {
      for (const [id, value] of Object.entries(answers)) {
        if (section === 'family' && id === 'nhsNumber') continue; // stored normalised
        if (section === 'risk' && SCREENING.has(id)) continue; // asked as one list: below
        expect.soft(shown[`${section}.${id}`], `${section}.${id}`).toBe(value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(kind === 'full' ? 30 : 10);
    for (const [id, value] of Object.entries(RISK_CARD[kind])) expect(shown[`risk.${id}`], id).toBe(value);
    for (const q of SCREENING) expect(shown).not.toHaveProperty(`risk.${q}`);
  });

  test('an empty save shows the errors, and every required input keeps its error message', () => {
    for (const c of cards.filter((c) => c.label.endsWith('saved empty'))) {
      // required is checked on the server (Save always saves) and said in the label (issue 9)
      expect(
        inputs(c.card).filter((i) => i.isRequired === true),
        c.label,
      ).toEqual([]);
      const required = inputs(c.card).filter((i) =>
        String((i as { label?: string }).label).endsWith('(required)'),
      );
      if (required.length === 0) continue;
      const text = elements(c.card)
        .filter((e) => e.type === 'TextBlock')
        .map((e) => e.text);
      expect(text, c.label).toContain('Please check these answers:');
    }
  });
});

test('pick up the phone with no prompt that applies says so', () => {
  const answers = { ...FIXTURE_ANSWERS.full, risk: { ...FIXTURE_ANSWERS.full.risk, mentalHealth: 'no' } };
  const draft = buildDraft(
    'full',
    { ...answers, context: { ...answers.context, problems: '' } },
    TEST_PROFILE,
    {
      stopAt: 'pickUpThePhone',
    },
  );
  const page = pagesOf('full').find((p) => p.id === 'pickUpThePhone')!;
  expect(phonePrompts(draft.answers)).toEqual([]);
  const card = sectionCard({ draft, page, prompts: [], today: TODAY }, TEST_PROFILE);
  expectGood(card);
  expect(inputs(card)).toEqual([]);
  expect(JSON.stringify(card)).toContain('No information-sharing prompt applies');
});

describe('notice cards', () => {
  const draft = buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE);
  const p = progress(draft, TEST_PROFILE);
  const last = {
    id: 'old',
    status: 'submitted' as const,
    reference: 'IMH-ABC234',
    at: '2026-11-22T10:00:00Z',
  };
  const cards: [string, Card][] = [
    ['welcome', welcomeCard(TEST_PROFILE, false)],
    ['welcome with a draft', welcomeCard(TEST_PROFILE, true)],
    ['help', helpCard(TEST_PROFILE, false)],
    ['help with a draft', helpCard(TEST_PROFILE, true)],
    ['status with a draft', statusCard(draft, p, undefined)],
    ['status after a submitted call', statusCard(null, null, last)],
    ['status with nothing', statusCard(null, null, undefined)],
    ['confirm cancel', confirmCancelCard(draft, p)],
    ...Object.entries(PROBLEM_TEXT).map(([problem, text]): [string, Card] => [
      `problem ${problem}`,
      problemCard('Nothing changed', [text]),
    ]),
    ['problem with buttons', problemCard('Nothing changed', ['x'], [buttons.resume, buttons.help])],
    ...GLOSSARY.map((entry): [string, Card] => [`glossary ${entry.term}`, glossaryCard(entry)]),
    ['a notice with no buttons and no footer', noticeCard({ title: 'Draft discarded', lines: ['Deleted.'] })],
  ];

  test.each(cards)('%s', (_label, card) => {
    expectGood(card);
  });

  test('buttons carry their verb, and only the notice’s own buttons appear', () => {
    const card = welcomeCard(TEST_PROFILE, false) as { actions: { title: string; data: { verb: string } }[] };
    expect(card.actions.map((a) => [a.title, a.data.verb])).toEqual([
      ['Start a duty call', 'call.start'],
      ['Advice only', 'call.start'],
      ['Help', 'call.help'],
    ]);
  });
});
