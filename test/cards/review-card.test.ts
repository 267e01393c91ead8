/**
 * The review (issue 9): what still needs doing first, then one line per section (done, or what is
 * missing) with Show/Hide for that section's answers, cut to a preview, and "Edit <section>". When the
 * answers are long enough to push the card past its budget, the previews get shorter rather than the card
 * too big.
 */
import { describe, expect, test } from 'vitest';
import { goTo, sectionsOf } from '../../src/domain/draft';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { escapeMarkdown, MAX_CARD_BYTES } from '../../src/views/cards';
import { REVIEW_BUDGET_BYTES, reviewCard } from '../../src/views/review-view';
import {
  buildDraft,
  FILL_NAMES,
  FILLS,
  FIXTURE_ANSWERS,
  NOW,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from '../fixtures/card-scenarios';
import { type Card, cardJsonBytes, cardProblems, elements, factValues } from './card-lint';

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
        // who, their number and the outcome are in the notes, as the referrer wrote them
        value: escapeMarkdown(`Phoned - ${phone['mental-health.notes']}`),
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

  test('fits with room to spare, even with errors shown, and keeps at least 25 characters of every long answer', () => {
    expect(cardJsonBytes(card)).toBeLessThanOrEqual(REVIEW_BUDGET_BYTES);
    expect(REVIEW_BUDGET_BYTES).toBeLessThanOrEqual(MAX_CARD_BYTES - 4_000);
    const withErrors = reviewCard(draft, WORST_PROFILE, [
      'Pick up the phone: a new prompt applies since you saved this section; please record what happened.',
    ]);
    expect(cardJsonBytes(withErrors)).toBeLessThanOrEqual(REVIEW_BUDGET_BYTES);
    const cut = factValues(card)
      .map(shown)
      .filter((v) => v.endsWith('…'));
    expect(cut.length).toBeGreaterThan(20);
    for (const v of cut) {
      expect(v.length).toBeGreaterThanOrEqual(25 - 1);
      expect(v.length).toBeLessThanOrEqual(400);
    }
  });

  test('still has one line per section with its Show/Hide and Edit', () => {
    expect(lines(card).map((l) => l.target)).toEqual(sectionsOf(draft, WORST_PROFILE).map((s) => s.id));
  });
});

/** Each section's line: its Edit button's target and title, and its Show/Hide action's targets. */
function lines(card: Card): { target: string; edit: string; toggles: string[] }[] {
  return elements(card)
    .filter((e) => e.type === 'ActionSet')
    .map((set) => {
      const actions = set.actions as Record<string, unknown>[];
      const edit = actions.find((a) => (a.data as { verb?: string } | undefined)?.verb === 'call.edit');
      const toggle = actions.find((a) => a.type === 'Action.ToggleVisibility');
      return {
        target: String((edit?.data as { target?: string } | undefined)?.target),
        edit: String(edit?.title),
        toggles: (toggle?.targetElements as string[] | undefined) ?? [],
      };
    });
}

describe('the review’s lines', () => {
  const draft = goTo(buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE), 'review', NOW);
  const card = reviewCard(draft, TEST_PROFILE);
  const sections = sectionsOf(draft, TEST_PROFILE);

  test('passes every check, Show/Hide targets included', () => {
    expect(cardProblems(card)).toEqual([]);
  });

  test('one per section, in order, each with "Edit <section>" sending its section id as now', () => {
    expect(lines(card).map((l) => [l.target, l.edit])).toEqual(
      sections.map((s) => [s.id, `Edit ${s.title}`]),
    );
    const edit = elements(card).find((e) => e.title === `Edit ${sections[0]!.title}`)!;
    expect(edit).toMatchObject({
      type: 'Action.Submit',
      associatedInputs: 'none',
      data: { verb: 'call.edit', draftId: draft.id, step: draft.step, target: sections[0]!.id },
    });
  });

  test('each says Done when nothing is missing; Show/Hide opens a hidden container of that section’s answers', () => {
    const ids = new Map(
      elements(card).flatMap((e) => (typeof e.id === 'string' ? [[e.id, e] as const] : [])),
    );
    for (const line of lines(card)) {
      expect(line.toggles).toHaveLength(1);
      const detail = ids.get(line.toggles[0]!);
      expect(detail).toMatchObject({ type: 'Container', isVisible: false });
    }
    expect(sectionFacts(card, 'Consent').length).toBeGreaterThan(0);
    const statuses = elements(card).filter((e) => e.type === 'TextBlock' && e.text === 'Done');
    expect(statuses.length).toBeGreaterThanOrEqual(sections.length - 1);
  });
});

describe('a review with answers still needed and errors', () => {
  const draft = goTo(
    buildDraft('full', FIXTURE_ANSWERS.full, TEST_PROFILE, { stopAt: 'availability' }),
    'review',
    NOW,
  );
  const card = reviewCard(draft, TEST_PROFILE, ['Please check the infant’s date of birth.']);
  const body = card.body as Record<string, unknown>[];
  const text = (e: unknown) =>
    elements(e)
      .flatMap((x) =>
        x.type === 'TextBlock'
          ? [String(x.text)]
          : x.type === 'FactSet'
            ? (x.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`)
            : [],
      )
      .join('\n');

  test('shows the problems first: the errors, then what is still needed, before the intro and the sections', () => {
    expect(text(body[1])).toContain('Please check the infant’s date of birth.');
    const pending = text(body[2]);
    expect(pending).toContain('Still to do before you submit');
    expect(pending).toMatch(/Key point \d: [^:]+: Still needed: \d+ answers?\. Edit to add them\./);
    const intro = body.findIndex((e) => String(e.text ?? '').startsWith('Check your answers'));
    expect(intro).toBeGreaterThan(2);
  });

  test('the section’s own line says how many answers it still needs', () => {
    expect(text(card)).toMatch(/\d+ answers? still needed/);
  });
});
