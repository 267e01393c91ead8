import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { checklist, SCREENING_LIST } from '../../src/domain/checklist';
import { pagesOf } from '../../src/domain/pages';
import { assessRisk, possibleHarmFlagged } from '../../src/domain/risk';
import { askedInputs, validatePage, validateSection } from '../../src/domain/section-validation';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, TODAY, validated } from '../fixtures/calls';

const risk = checklist('full', PROFILE).find((s) => s.id === 'risk')!;
const QUESTIONS = SCREENING_LIST.map((q) => q.value);
const ctx = { today: TODAY, prompts: [], answers: {} };
const card = (values: Record<string, string>) => ({
  harmToBaby: 'no',
  harmToParent: 'no',
  level: 'none-or-low',
  ...values,
});

describe('the compact risk card (issue 9): one list, every question still answered', () => {
  test('[HAZ-21] no screening question is recorded "no" by omission: without an answer for the unticked ones the card is refused', () => {
    const result = validateSection(risk, card({ screenYes: 'domesticAbuse' }), ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.screenRest).toBe('For each one not ticked: say whether it is no or not known.');
  });

  test('[HAZ-21] every screening question is recorded yes, no or not known for every answer the card can give', () => {
    // all 256 sets of ticked questions, with each answer for the unticked ones
    for (let mask = 0; mask < 1 << QUESTIONS.length; mask++) {
      const yes = QUESTIONS.filter((_, i) => mask & (1 << i));
      for (const rest of ['no', 'not-known'] as const) {
        const result = validateSection(risk, card({ screenYes: yes.join(','), screenRest: rest }), ctx);
        expect(result.ok).toBe(true);
        if (!result.ok) continue;
        for (const q of QUESTIONS) {
          const expected = yes.includes(q)
            ? q === 'substanceMisuse'
              ? 'active'
              : 'yes'
            : rest === 'no'
              ? q === 'substanceMisuse'
                ? 'none'
                : 'no'
              : 'not-known';
          expect(result.answers[q], `${q} with ${yes.join('+') || 'none'} ticked, the rest ${rest}`).toBe(
            expected,
          );
        }
      }
    }
  });

  test('[HAZ-21] "some are not known" asks which, records those as not known, and is refused until it is said', () => {
    const missing = validateSection(
      risk,
      card({ screenYes: 'mentalHealth', screenRest: 'some-not-known' }),
      ctx,
    );
    expect(missing.ok).toBe(false);
    const result = validateSection(
      risk,
      card({
        screenYes: 'mentalHealth',
        screenRest: 'some-not-known',
        screenNotKnown: 'aggression,disclosures',
      }),
      ctx,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.answers.aggression).toBe('not-known');
    expect(result.answers.disclosures).toBe('not-known');
    expect(result.answers.domesticAbuse).toBe('no');
    expect(result.answers.mentalHealth).toBe('yes');
  });

  test('[HAZ-21] a question ticked both as there and as not known is refused, not guessed', () => {
    const result = validateSection(
      risk,
      card({ screenYes: 'domesticAbuse', screenRest: 'some-not-known', screenNotKnown: 'domesticAbuse' }),
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.screenNotKnown).toContain('Domestic abuse');
  });

  test('[HAZ-21] possible harm keeps its own yes / no / not known, and "not known" from the list is not safe', () => {
    const noHarmAnswer = validateSection(risk, { screenRest: 'no', level: 'none-or-low' }, ctx);
    expect(noHarmAnswer.ok).toBe(false);
    if (!noHarmAnswer.ok) {
      expect(Object.keys(noHarmAnswer.errors)).toEqual(
        expect.arrayContaining(['harmToBaby', 'harmToParent']),
      );
    }
    const result = validateSection(risk, card({ harmToParent: 'not-known', screenRest: 'not-known' }), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const q of QUESTIONS) expect(result.answers[q]).toBe('not-known');
    // possible harm "not known" is its own answer, and it flags (HAZ-04's rule is unchanged)
    expect(result.answers.harmToParent).toBe('not-known');
    expect(possibleHarmFlagged({ risk: result.answers } as Answers)).toBe(true);
    expect(assessRisk({ ...validated('full', FULL_CALL), risk: result.answers }, PROFILE).level).toBe(
      'harm-to-be-clarified',
    );
  });
});

describe('questions asked only when they apply (issue 9)', () => {
  const full = pagesOf('full');
  const page = (id: string) => full.find((p) => p.id === id)!;
  const pageCtx = (answers: Answers) => ({
    today: TODAY,
    prompts: [],
    answers,
    kind: 'full' as const,
    profile: PROFILE,
  });

  test('[HAZ-21] a required follow-up an answer calls for cannot be skipped: "Other" role without saying which is refused', () => {
    const values = {
      'referrer.name': 'A',
      'referrer.role': 'other',
      'referrer.organisation': 'B',
      'referrer.phone': '0116 555 0101',
      'family.stage': 'born',
    };
    expect(askedInputs(page('referrer'), values, pageCtx({}))).toContain('referrer.roleOther');
    const result = validatePage(page('referrer'), values, pageCtx({}));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(['referrer.roleOther']);
  });

  test('[HAZ-21] where a statutory agency is involved, or social care is not known, whether it will work with IMH is asked and required', () => {
    const answers = validated('full', FULL_CALL);
    for (const socialCare of ['early-help', 'child-in-need', 'child-protection', 'not-known']) {
      const values = {
        'services.socialCare': socialCare,
        'services.outOfArea': 'no',
        'services.hospital': 'no',
      };
      expect(askedInputs(page('services'), values, pageCtx(answers))).toContain(
        'services.statutoryCollaboration',
      );
      const result = validatePage(page('services'), values, pageCtx(answers));
      expect(result.ok, socialCare).toBe(false);
    }
    expect(askedInputs(page('services'), { 'services.socialCare': 'none' }, pageCtx(answers))).not.toContain(
      'services.statutoryCollaboration',
    );
  });
});
