import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { assessRisk } from '../../src/domain/risk';
import { PROFILE } from '../fixtures/calls';

/** A screening with nothing of concern and the referrer's view "no or low risk". */
const CALM: Record<string, string> = {
  harmToBaby: 'no',
  harmToParent: 'no',
  domesticAbuse: 'no',
  substanceMisuse: 'none',
  mentalHealth: 'no',
  aggression: 'no',
  nonCompliance: 'no',
  notBrought: 'no',
  earlyHelpRefused: 'no',
  disclosures: 'no',
  level: 'none-or-low',
};

const screening = (changes: Record<string, string> = {}): Answers => ({ risk: { ...CALM, ...changes } });

// What each seed 001 level requires ("Action plan with regards to risk"): the IMH therapist's duties, said
// as such (issue 8, "Say who acts").
const NONE_OR_LOW_ACTION =
  /^No or low risk: no immediate action with allied agencies; the IMH therapist discusses the concerns with the family/;
const LOW_TO_MODERATE_ACTION =
  /^Low to moderate risk: the IMH therapist manages it within the work, raises it with the family early and records it under the action plan\.$/;

describe('levels and the actions policy requires', () => {
  test('no or low risk: discuss with the family, nothing else', () => {
    const r = assessRisk(screening(), PROFILE);
    expect(r.level).toBe('none-or-low');
    expect(r.levelText).toBe('No or low risk');
    expect(r.raisedBecause).toEqual([]);
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatch(NONE_OR_LOW_ACTION);
  });

  test('low to moderate risk: managed within the work with an action plan', () => {
    const r = assessRisk(screening({ level: 'low-to-moderate' }), PROFILE);
    expect(r.level).toBe('low-to-moderate');
    expect(r.levelText).toBe('Low to moderate risk');
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatch(LOW_TO_MODERATE_ACTION);
  });

  test('possible harm to the baby: Child Protection policy, GP/HV and/or the front door, Safeguarding Lead', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes' }), PROFILE);
    expect(r.level).toBe('possible-harm');
    expect(r.levelText).toBe('Possible harm to the baby');
    expect(r.harmToBaby).toBe(true);
    expect(r.harmToParent).toBe(false);
    expect(r.actions).toHaveLength(1);
    const action = r.actions[0]!;
    expect(action).toContain('Child Protection policy');
    expect(action).toContain(
      'GP/health visitor and/or children’s social care (Testshire Children’s Front Door)',
    );
    expect(action).toContain('reported to the Safeguarding Lead');
    // the number is the referrer's to ring now, in their own list
    expect(r.referrerActions!.join('\n')).toContain('Testshire Children’s Front Door now on 0116 555 0999');
    expect(action).not.toMatch(NONE_OR_LOW_ACTION);
  });

  test('without a configured front door number the front door is still named, and where to find its number', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes' }), { ...PROFILE, frontDoorNumber: undefined });
    expect(r.actions[0]).toContain('(Testshire Children’s Front Door)');
    expect(r.referrerActions!.join('\n')).toContain(
      'Testshire Children’s Front Door for the family’s area now (its number is on the local authority’s website)',
    );
  });

  test('possible harm to a parent: contact the GP, the statutory service for the adult', () => {
    const r = assessRisk(screening({ harmToParent: 'yes' }), PROFILE);
    expect(r.level).toBe('possible-harm');
    expect(r.levelText).toBe('Possible harm to a parent');
    expect(r.harmToParent).toBe(true);
    expect(r.harmToBaby).toBe(false);
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatch(/^Possible harm to a parent: the IMH practitioner contacts the GP/);
    expect(r.actions[0]).toContain('Child Protection policy');
    // the front door and the Safeguarding Lead are the baby's route, not the parent's
    expect(r.actions[0]).not.toContain('Front Door');
    expect(r.actions[0]).not.toContain('Safeguarding Lead');
  });

  test('possible harm to the baby and a parent at once: both actions, the baby’s first', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes', harmToParent: 'yes' }), PROFILE);
    expect(r.level).toBe('possible-harm');
    expect(r.levelText).toBe('Possible harm to the baby and a parent');
    expect(r.actions).toHaveLength(2);
    expect(r.actions[0]).toMatch(/^Possible harm to the baby/);
    expect(r.actions[1]).toMatch(/^Possible harm to a parent/);
  });

  test('possible harm is never reported with the “no or low risk” action', () => {
    for (const harm of [{ harmToBaby: 'yes' }, { harmToParent: 'yes' }] as Record<string, string>[]) {
      const r = assessRisk(screening(harm), PROFILE);
      expect(r.actions.some((a) => NONE_OR_LOW_ACTION.test(a))).toBe(false);
    }
  });

  test('no answers at all is treated as no or low risk, not as harm', () => {
    const r = assessRisk({}, PROFILE);
    expect(r.level).toBe('none-or-low');
    expect(r.harmToBaby).toBe(false);
  });
});

describe('raising “no or low risk” to low to moderate', () => {
  test.each([
    // harm "not known" is no longer merely raised to low to moderate: it is its own level
    // (unknown-not-safe.test.ts, HAZ-04)
    ['domesticAbuse', 'yes', 'domestic abuse'],
    ['substanceMisuse', 'active', 'active substance misuse'],
    ['aggression', 'yes', 'aggression disclosed or displayed'],
  ])('%s = %s raises it', (field, value, why) => {
    const r = assessRisk(screening({ [field]: value }), PROFILE);
    expect(r.level).toBe('low-to-moderate');
    expect(r.levelText).toBe('Low to moderate risk');
    expect(r.raisedBecause).toEqual([why]);
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]).toMatch(LOW_TO_MODERATE_ACTION);
    expect(r.harmToBaby).toBe(false);
    expect(r.harmToParent).toBe(false);
  });

  test.each([
    ['domesticAbuse', 'not-known'],
    ['substanceMisuse', 'past'],
    ['substanceMisuse', 'not-known'],
    ['aggression', 'not-known'],
    ['mentalHealth', 'yes'],
    ['nonCompliance', 'yes'],
    ['notBrought', 'yes'],
    ['earlyHelpRefused', 'yes'],
    ['disclosures', 'yes'],
  ])('%s = %s does not raise it', (field, value) => {
    const r = assessRisk(screening({ [field]: value }), PROFILE);
    expect(r.level).toBe('none-or-low');
    expect(r.raisedBecause).toEqual([]);
  });

  test('every raiser is listed, in order', () => {
    const r = assessRisk(
      screening({
        aggression: 'yes',
        domesticAbuse: 'yes',
        substanceMisuse: 'active',
      }),
      PROFILE,
    );
    expect(r.level).toBe('low-to-moderate');
    expect(r.raisedBecause).toEqual([
      'domestic abuse',
      'active substance misuse',
      'aggression disclosed or displayed',
    ]);
  });

  test('a referrer who already said low to moderate has nothing raised', () => {
    const r = assessRisk(screening({ level: 'low-to-moderate', domesticAbuse: 'yes' }), PROFILE);
    expect(r.level).toBe('low-to-moderate');
    expect(r.raisedBecause).toEqual([]);
  });

  test('possible harm outranks a raised level', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes', domesticAbuse: 'yes' }), PROFILE);
    expect(r.level).toBe('possible-harm');
    expect(r.levelText).toBe('Possible harm to the baby');
    expect(r.actions[0]).toMatch(/^Possible harm to the baby/);
  });
});
