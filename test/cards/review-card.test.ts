/**
 * The review lists every section's answers, cut to a preview; when the answers are long enough to push
 * the card past Teams' limit, the previews get shorter rather than the card too big.
 */
import { describe, expect, test } from 'vitest';
import { escapeMarkdown, MAX_CARD_BYTES } from '../../src/bot/cards';
import { reviewCard } from '../../src/bot/views/review-view';
import { goTo } from '../../src/domain/draft';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { type Card, cardJsonBytes, elements, factValues } from './card-lint';
import {
  buildDraft,
  FILL_NAMES,
  FILLS,
  FIXTURE_ANSWERS,
  NOW,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from './scenarios';

/** What a fact shows once Markdown has taken out the escapes. */
const shown = (v: string) => v.replace(/\\([!-/:-@[-`{-~])/g, '$1').replaceAll('\u200B', '');

function sectionFacts(card: Card, title: string): { title: string; value: string }[] {
  const container = elements(card).find(
    (e) =>
      e.type === 'Container' &&
      elements(e).some((t) => t.type === 'TextBlock' && t.text === title) &&
      elements(e).some((t) => t.type === 'FactSet'),
  );
  const facts = elements(container).find((e) => e.type === 'FactSet');
  return (facts?.facts as { title: string; value: string }[]) ?? [];
}

describe('the fixture full call’s review', () => {
  const draft = goTo(buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE), 'review', NOW);
  const card = reviewCard(draft, TEST_PROFILE);

  test('shows short answers whole', () => {
    const facts = factValues(card);
    expect(facts).toContain(escapeMarkdown(FIXTURE_ANSWERS.full.relationship!.details!));
    expect(facts).toContain(escapeMarkdown(FIXTURE_ANSWERS.full.referrer!.organisation!));
    expect(facts.some((v) => v.endsWith('…'))).toBe(false);
  });

  test('gives each pick-up-the-phone prompt one line: what happened, with whom, and the notes', () => {
    const phone = FIXTURE_ANSWERS.full.pickUpThePhone!;
    expect(sectionFacts(card, 'Pick up the phone')).toEqual([
      {
        title: 'Parental mental health',
        value: escapeMarkdown(
          `Phoned (${phone['mental-health.name']}, ${phone['mental-health.role']}, ${phone['mental-health.organisation']}, ${phone['mental-health.number']}) - ${phone['mental-health.notes']}`,
        ),
      },
    ]);
  });
});

describe.each(FILL_NAMES)('the worst-case full call’s review in %s text', (fill) => {
  const draft = goTo(buildDraft('full', worstAnswers(FILLS[fill]), WORST_PROFILE), 'review', NOW);
  const card = reviewCard(draft, WORST_PROFILE);

  test('lists all twelve prompts, one line each', () => {
    const facts = sectionFacts(card, 'Pick up the phone');
    expect(facts.map((f) => f.title)).toEqual(phonePrompts(draft.answers).map((p) => p.title));
  });

  test('keeps at least 90 characters of every long answer, and previews of at most 160', () => {
    expect(cardJsonBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    const cut = factValues(card)
      .map(shown)
      .filter((v) => v.endsWith('…'));
    expect(cut.length).toBeGreaterThan(20);
    for (const v of cut) {
      expect(v.length).toBeGreaterThanOrEqual(90 - 1);
      expect(v.length).toBeLessThanOrEqual(160);
    }
  });
});
