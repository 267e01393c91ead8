/**
 * The compact risk card (issue 9): the screening questions other than possible harm asked as one list,
 * each still recorded yes, no or not known. The card's form and the recorded form turn into each other
 * without losing an answer, a card sent before (one answer per question) is still read, and "not known"
 * is recorded as "not known" (unknown is not safe), never as "no".
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Answers, SectionAnswers } from '../../src/domain/answers';
import { checklist, SCREENING_LIST, type SectionDef } from '../../src/domain/checklist';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { assessRisk, possibleHarmFlagged } from '../../src/domain/risk';
import {
  isPerQuestionForm,
  type ScreeningCard,
  screeningFromCard,
  screeningToCard,
  tickedTwice,
} from '../../src/domain/screening';
import { cardValues, validateSection } from '../../src/domain/section-validation';
import { PROFILE, TODAY } from '../fixtures/calls';

const QUESTIONS = SCREENING_LIST.map((q) => q.value);
const RISK: SectionDef = checklist('full', PROFILE).find((s) => s.id === 'risk')!;
const YES = (q: string) => (q === 'substanceMisuse' ? 'active' : 'yes');
const NO = (q: string) => (q === 'substanceMisuse' ? 'none' : 'no');

/** Any recorded screening: each question yes, no or not known (substance misuse also "in the past"). */
const recorded = fc.record(
  Object.fromEntries(
    QUESTIONS.map((q) => [
      q,
      q === 'substanceMisuse'
        ? fc.constantFrom('none', 'past', 'active', 'not-known')
        : fc.constantFrom('yes', 'no', 'not-known'),
    ]),
  ) as Record<string, fc.Arbitrary<string>>,
);

/** Any card a referrer can submit without an error: nothing ticked both as there and as not known. */
const card: fc.Arbitrary<ScreeningCard> = fc
  .tuple(fc.subarray(QUESTIONS), fc.constantFrom('no', 'some-not-known', 'not-known'), fc.subarray(QUESTIONS))
  .map(([screenYes, screenRest, maybe]) => ({
    screenYes,
    screenRest,
    screenNotKnown: screenRest === 'some-not-known' ? maybe.filter((q) => !screenYes.includes(q)) : [],
  }));

const validate = (raw: Record<string, unknown>, answers: Answers = {}) =>
  validateSection(RISK, raw, { today: TODAY, prompts: [], answers });

function accepted(raw: Record<string, unknown>, answers: Answers = {}): SectionAnswers {
  const r = validate(raw, answers);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.answers;
}

const harmAndLevel = { harmToBaby: 'no', harmToParent: 'no', level: 'none-or-low', details: '' };

describe('screeningToCard and screeningFromCard', () => {
  test('recorded answers go to the card and back unchanged, "in the past" included', () => {
    fc.assert(
      fc.property(recorded, (stored) => {
        const c = screeningToCard(stored);
        expect(c.screenRest).not.toBe('');
        expect(screeningFromCard(c, stored)).toEqual(stored);
      }),
      { numRuns: 500 },
    );
  });

  test('a card’s answers, recorded and shown again, record the same answers', () => {
    fc.assert(
      fc.property(card, (c) => {
        const once = screeningFromCard(c, undefined);
        expect(Object.keys(once).sort()).toEqual([...QUESTIONS].sort());
        expect(screeningFromCard(screeningToCard(once), once)).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  test('every card answer is recorded for every question: ticked yes, unticked no or not known', () => {
    fc.assert(
      fc.property(card, (c) => {
        const out = screeningFromCard(c, undefined);
        for (const q of QUESTIONS) {
          const want = c.screenYes.includes(q)
            ? YES(q)
            : c.screenRest === 'not-known' || c.screenNotKnown.includes(q)
              ? 'not-known'
              : NO(q);
          expect(out[q], q).toBe(want);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('the card for recorded answers: ticked, then what the rest are', () => {
    const all = (v: 'yes' | 'no' | 'not-known') =>
      Object.fromEntries(QUESTIONS.map((q) => [q, v === 'yes' ? YES(q) : v === 'no' ? NO(q) : v]));
    expect(screeningToCard(all('no'))).toEqual({ screenYes: [], screenRest: 'no', screenNotKnown: [] });
    expect(screeningToCard(all('not-known'))).toEqual({
      screenYes: [],
      screenRest: 'not-known',
      screenNotKnown: [],
    });
    expect(
      screeningToCard({
        ...all('no'),
        domesticAbuse: 'yes',
        substanceMisuse: 'active',
        notBrought: 'not-known',
      }),
    ).toEqual({
      screenYes: ['domesticAbuse', 'substanceMisuse'],
      screenRest: 'some-not-known',
      screenNotKnown: ['notBrought'],
    });
    // everything ticked: nothing is left to be no or not known
    expect(screeningToCard(all('yes')).screenRest).toBe('no');
  });

  test('with a question not answered yet (a draft), the card has no answer for the rest', () => {
    expect(screeningToCard(undefined).screenRest).toBe('');
    expect(screeningToCard({ domesticAbuse: 'yes' })).toEqual({
      screenYes: ['domesticAbuse'],
      screenRest: '',
      screenNotKnown: [],
    });
  });

  test('substance misuse "in the past" from an older card is kept when the card says no, and only then', () => {
    const before = { substanceMisuse: 'past' };
    expect(
      screeningFromCard({ screenYes: [], screenRest: 'no', screenNotKnown: [] }, before).substanceMisuse,
    ).toBe('past');
    expect(
      screeningFromCard({ screenYes: ['substanceMisuse'], screenRest: 'no', screenNotKnown: [] }, before)
        .substanceMisuse,
    ).toBe('active');
    expect(
      screeningFromCard({ screenYes: [], screenRest: 'not-known', screenNotKnown: [] }, before)
        .substanceMisuse,
    ).toBe('not-known');
    expect(
      screeningFromCard({ screenYes: [], screenRest: 'no', screenNotKnown: [] }, undefined).substanceMisuse,
    ).toBe('none');
    // through validation, with the saved answers as they were
    const saved: Answers = {
      risk: {
        ...harmAndLevel,
        ...Object.fromEntries(QUESTIONS.map((q) => [q, NO(q)])),
        substanceMisuse: 'past',
      },
    };
    expect(accepted({ ...harmAndLevel, screenRest: 'no' }, saved).substanceMisuse).toBe('past');
    // and the card shows "past" as not ticked
    expect(cardValues(RISK, saved.risk).screenYes).toBe('');
    expect(cardValues(RISK, saved.risk).screenRest).toBe('no');
  });
});

describe('tickedTwice', () => {
  test('a question ticked as there and as not known is reported, never silently one or the other', () => {
    const c = {
      screenYes: ['aggression', 'domesticAbuse'],
      screenRest: 'some-not-known',
      screenNotKnown: ['aggression', 'notBrought'],
    };
    expect(tickedTwice(c)).toEqual(['aggression']);
    expect(tickedTwice({ ...c, screenRest: 'no' })).toEqual([]);
    expect(tickedTwice({ ...c, screenRest: 'not-known' })).toEqual([]);
    const r = validate({
      ...harmAndLevel,
      screenYes: 'aggression,domesticAbuse',
      screenRest: 'some-not-known',
      screenNotKnown: 'aggression,notBrought',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.screenNotKnown).toBe(
        'Ticked as there and as not known: The parents have disclosed or displayed aggression. Untick one of the two.',
      );
      expect(r.values.screenYes).toBe('aggression,domesticAbuse');
    }
  });

  test('"some are not known" needs at least one ticked as not known; the other answers do not ask which', () => {
    const r = validate({ ...harmAndLevel, screenRest: 'some-not-known' });
    expect(!r.ok && r.errors.screenNotKnown).toBe(
      'Which of them are not known: tick at least one, or choose another answer above.',
    );
    const rest = validate({ ...harmAndLevel, screenYes: 'aggression' });
    expect(!rest.ok && rest.errors.screenRest).toBe(
      'For each one not ticked: say whether it is no or not known.',
    );
    // a "which are not known" left over from before choosing "no" is not read
    expect(accepted({ ...harmAndLevel, screenRest: 'no', screenNotKnown: 'aggression' }).aggression).toBe(
      'no',
    );
  });
});

describe('a risk card sent before the compact list (one answer per question)', () => {
  test('is recognised by its answers and the absence of the list', () => {
    expect(isPerQuestionForm({ domesticAbuse: 'yes' })).toBe(true);
    expect(isPerQuestionForm({ domesticAbuse: 'yes', screenRest: 'no' })).toBe(false);
    expect(isPerQuestionForm({ harmToBaby: 'yes', level: 'none-or-low' })).toBe(false);
  });

  test('gives the same answers as the same answers on the compact card', () => {
    fc.assert(
      fc.property(
        recorded,
        fc.constantFrom('yes', 'no', 'not-known'),
        fc.constantFrom('yes', 'no', 'not-known'),
        (stored, harmToBaby, harmToParent) => {
          const common = { harmToBaby, harmToParent, level: 'low-to-moderate', details: 'Seen.' };
          // the answers saved before the older card was sent back are the same answers
          const perQuestion = accepted({ ...common, ...stored }, { risk: stored });
          const c = screeningToCard(stored);
          const compact = accepted(
            {
              ...common,
              screenYes: c.screenYes.join(','),
              screenRest: c.screenRest,
              screenNotKnown: c.screenNotKnown.join(','),
            },
            { risk: stored },
          );
          expect(perQuestion).toEqual(compact);
          expect(perQuestion).toEqual({ ...common, ...stored });
        },
      ),
      { numRuns: 200 },
    );
  });

  test('an older card’s "in the past" substance misuse is recorded as given, even with nothing saved before', () => {
    const stored = { ...Object.fromEntries(QUESTIONS.map((q) => [q, NO(q)])), substanceMisuse: 'past' };
    expect(accepted({ ...harmAndLevel, ...stored }).substanceMisuse).toBe('past');
  });

  test('with a question left unanswered, it is refused rather than read as "no"', () => {
    const stored = Object.fromEntries(QUESTIONS.map((q) => [q, NO(q)]));
    const { disclosures: _missing, ...partial } = stored;
    const r = validate({ ...harmAndLevel, ...partial, domesticAbuse: 'yes' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['screenRest']);
  });
});

describe('"not known" is recorded as not known (unknown is not safe)', () => {
  const screening = (rest: string, extra: Record<string, string> = {}) =>
    accepted({ ...harmAndLevel, screenYes: 'domesticAbuse', screenRest: rest, ...extra });

  test('"Not known: not asked yet" makes every unticked question not known', () => {
    const a = screening('not-known');
    expect(a.domesticAbuse).toBe('yes');
    for (const q of QUESTIONS.filter((q) => q !== 'domesticAbuse')) expect(a[q], q).toBe('not-known');
  });

  test('"Some are not known" makes only those not known, the rest no', () => {
    const a = screening('some-not-known', { screenNotKnown: 'aggression,substanceMisuse' });
    expect(a).toMatchObject({
      domesticAbuse: 'yes',
      aggression: 'not-known',
      substanceMisuse: 'not-known',
      mentalHealth: 'no',
    });
  });

  test('the risk rules, the alert and the phone prompts read the card’s answers as the per-question answers', () => {
    for (const [harmToBaby, harmToParent] of [
      ['not-known', 'no'],
      ['no', 'not-known'],
      ['no', 'no'],
      ['yes', 'not-known'],
    ] as const) {
      const common = { ...harmAndLevel, harmToBaby, harmToParent };
      const perQuestion = accepted({
        ...common,
        ...Object.fromEntries(QUESTIONS.map((q) => [q, 'not-known'])),
        domesticAbuse: 'yes',
      });
      const compact = accepted({ ...common, screenYes: 'domesticAbuse', screenRest: 'not-known' });
      expect(compact).toEqual(perQuestion);
      const answers = { risk: compact };
      expect(assessRisk(answers, PROFILE)).toEqual(assessRisk({ risk: perQuestion }, PROFILE));
      expect(possibleHarmFlagged(answers)).toBe(harmToBaby !== 'no' || harmToParent !== 'no');
      expect(phonePrompts(answers)).toEqual(phonePrompts({ risk: perQuestion }));
    }
    // harm not known is still its own level, not "no or low"
    expect(assessRisk({ risk: screening('not-known', { harmToBaby: 'not-known' }) }, PROFILE).level).toBe(
      'harm-to-be-clarified',
    );
  });
});
