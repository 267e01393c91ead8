/**
 * The worst a call can be: every field at the longest its definition allows, every optional field
 * filled, every list full (all twelve pick-up-the-phone prompts a call can raise at once, every problem type, every exclusion), in
 * the text that costs the most bytes. Every card the bot builds for it must still be a card Teams
 * accepts: no renderer errors or warnings, schema 1.5, and small enough to send.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { PROBLEM_TEXT } from '../../src/bot/card-check';
import type { CallKind } from '../../src/domain/checklist';
import { type Draft, progress } from '../../src/domain/draft';
import { GLOSSARY } from '../../src/domain/glossary';
import { type PhonePrompt, phonePrompts } from '../../src/domain/pick-up-the-phone';
import { type CardName, MAX_CARD_BYTES } from '../../src/views/cards';
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
import { type BuiltCard, callCards, sectionCards } from '../fixtures/card-catalogue';
import {
  buildDraft,
  FILL_NAMES,
  FILLS,
  type FillName,
  KINDS,
  WORST_PROFILE,
  worstAnswers,
} from '../fixtures/card-scenarios';
import { activityBytes, type Card, cardJsonBytes, cardProblems, TEAMS_MESSAGE_BYTES } from './card-lint';

const largest = new Map<CardName, { bytes: number; label: string }>();

function record(c: BuiltCard, what: string): number {
  const bytes = cardJsonBytes(c.card);
  const was = largest.get(c.template);
  if (!was || bytes > was.bytes) largest.set(c.template, { bytes, label: `${c.label} (${what})` });
  return bytes;
}

afterAll(() => {
  const rows = [...largest].map(([template, { bytes, label }]) => `  ${template}: ${bytes} bytes, ${label}`);
  console.log(`Largest worst-case cards (limit ${MAX_CARD_BYTES}):\n${rows.join('\n')}`);
});

const drafts = new Map<string, Draft>();
function worstDraft(kind: CallKind, fill: FillName): Draft {
  const key = `${kind}/${fill}`;
  let d = drafts.get(key);
  if (!d) {
    d = buildDraft(kind, worstAnswers(FILLS[fill]), WORST_PROFILE);
    drafts.set(key, d);
  }
  return d;
}

function problems(cards: readonly BuiltCard[]): { label: string; problems: string[] }[] {
  return cards
    .map((c) => ({ label: c.label, problems: cardProblems(c.card) }))
    .filter((r) => r.problems.length);
}

const isPhoneCard = (c: BuiltCard) => c.label.startsWith('section pickUpThePhone');

/** The prompts in the order that costs most: out of area first (its reason quotes the referrer's text). */
function costliestFirst(prompts: readonly PhonePrompt[]): PhonePrompt[] {
  return [...prompts].sort((a, b) => Number(b.id === 'out-of-area') - Number(a.id === 'out-of-area'));
}

/**
 * How many pick-up-the-phone prompts one card holds in the worst case (each prompt's two inputs filled to
 * their limits in 3-byte characters, and an error shown on every field). See the known problem below.
 */
const PROMPTS_PER_CARD = 3;

describe.each(KINDS)('a worst-case %s call', (kind) => {
  test('fills every list: all twelve pick-up-the-phone prompts apply (admission and discharge exclude each other)', () => {
    expect(phonePrompts(worstDraft(kind, 'ascii').answers)).toHaveLength(12);
  });

  describe.each(FILL_NAMES)('in %s text', (fill) => {
    test('every card passes the renderer and the schema, with every input labelled', () => {
      const cards = callCards(worstDraft(kind, fill), WORST_PROFILE);
      // each card but pick up the phone twice (saved, errors), pick up the phone's four pages twice, the
      // review twice, the summary (and the referral), the confirmation twice
      expect(cards).toHaveLength(kind === 'full' ? 6 * 2 + 8 + 2 + 2 + 2 : 3 * 2 + 8 + 2 + 1 + 2);
      expect(problems(cards)).toEqual([]);
      for (const c of cards) expect(c.card.version).toBe('1.5');
    });

    test('every card but pick up the phone fits in a Teams message', () => {
      const cards = callCards(worstDraft(kind, fill), WORST_PROFILE).filter((c) => !isPhoneCard(c));
      const over = cards
        .map((c) => ({
          label: c.label,
          bytes: record(c, `${kind}, ${fill}`),
          activity: activityBytes(c.card),
        }))
        .filter((c) => c.bytes > MAX_CARD_BYTES || c.activity >= TEAMS_MESSAGE_BYTES);
      expect(over).toEqual([]);
    });

    test(`pick up the phone fits with up to ${PROMPTS_PER_CARD} prompts on the card`, () => {
      const draft = worstDraft(kind, fill);
      const prompts = costliestFirst(phonePrompts(draft.answers)).slice(0, PROMPTS_PER_CARD);
      const cards = sectionCards(draft, WORST_PROFILE, prompts).filter(isPhoneCard);
      expect(cards).toHaveLength(2);
      expect(problems(cards)).toEqual([]);
      const over = cards
        .map((c) => ({ label: c.label, bytes: record(c, `${kind}, ${fill}, ${PROMPTS_PER_CARD} prompts`) }))
        .filter((c) => c.bytes > MAX_CARD_BYTES);
      expect(over).toEqual([]);
    });

    test('pick up the phone is shown in pages, and every page fits with all twelve prompts at their limits', () => {
      const cards = sectionCards(worstDraft(kind, fill), WORST_PROFILE).filter(isPhoneCard);
      // twelve prompts, three a page: four pages, each as saved and with an error on every field
      expect(cards).toHaveLength(8);
      expect(problems(cards)).toEqual([]);
      const over = cards
        .map((c) => ({ label: c.label, bytes: record(c, `${kind}, ${fill}, paged`) }))
        .filter((c) => c.bytes > MAX_CARD_BYTES);
      expect(over).toEqual([]);
    });
  });
});

describe('notice cards for a worst-case service and call', () => {
  const draft = worstDraft('full', 'cjk');
  const p = progress({ ...draft, activeMs: 240 * 60_000 }, WORST_PROFILE);
  const last = {
    id: 'old',
    status: 'submitted' as const,
    reference: 'IMH-ABC234',
    at: '2026-11-22T10:00:00Z',
  };
  const notices: [string, Card][] = [
    ['welcome', welcomeCard(WORST_PROFILE, false)],
    ['welcome with a draft', welcomeCard(WORST_PROFILE, true)],
    ['help', helpCard(WORST_PROFILE, false)],
    ['help with a draft', helpCard(WORST_PROFILE, true)],
    ['status', statusCard(draft, p, last)],
    ['status with no draft', statusCard(null, null, last)],
    ['confirm cancel', confirmCancelCard(draft, p)],
    ...Object.values(PROBLEM_TEXT).map((text): [string, Card] => [
      `problem: ${text.slice(0, 30)}`,
      problemCard('Nothing changed', [text, 'Its reference is IMH-ABC234.'], [buttons.start, buttons.advice]),
    ]),
    ...GLOSSARY.map((entry): [string, Card] => [`glossary: ${entry.term}`, glossaryCard(entry)]),
    // every button, in the most a card may carry (the renderer allows 5 actions)
    ...[Object.values(buttons).slice(0, 5), Object.values(buttons).slice(5)].map((set, i): [string, Card] => [
      `every button, part ${i + 1}`,
      noticeCard({
        title: 'You already have a call in progress',
        lines: [`${p.text}.`, 'Resume it, or cancel it first to start a new one.'],
        buttons: set,
        color: 'Warning',
        footer: 'Footer',
      }),
    ]),
  ];

  test.each(notices)('%s passes every check and fits', (label, card) => {
    expect(cardProblems(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(record({ label, template: 'notice', card }, 'worst-case service')).toBeLessThanOrEqual(
      MAX_CARD_BYTES,
    );
  });
});

test('the card limit leaves room for the message around the card within Teams’ 28 KB', () => {
  const padding = activityBytes({}) - cardJsonBytes({});
  expect(MAX_CARD_BYTES + padding).toBeLessThan(TEAMS_MESSAGE_BYTES);
});
