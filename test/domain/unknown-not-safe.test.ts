/**
 * Issue 8, "Unknown is not safe" and "Say who acts", on the real domain functions: harm "not known" is
 * its own level with a same-day call-back and an alert; social care "not known" is a check with the
 * front door, not a met criterion; answers that contradict each other are found; the actions are split
 * into the referrer's (now) and the IMH service's.
 */
import { describe, expect, test } from 'vitest';
import type { Answers } from '../../src/domain/answers';
import { contradictions } from '../../src/domain/contradictions';
import { assessEligibility } from '../../src/domain/eligibility';
import { assessRisk, possibleHarmFlagged } from '../../src/domain/risk';
import { alertReasons, DEFAULT_ALERT_RULES } from '../../src/domain/safeguarding';
import { FULL_CALL } from '../fixtures/answers';
import { PROFILE, submitted, TODAY } from '../fixtures/calls';

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

describe('harm "not known"', () => {
  test.each(['harmToBaby', 'harmToParent'])(
    '[HAZ-04] %s "not known" is its own level, "Possible harm: to be clarified today", not low to moderate',
    (field) => {
      const r = assessRisk(screening({ [field]: 'not-known' }), PROFILE);
      expect(r.level).toBe('harm-to-be-clarified');
      expect(r.levelText).toBe('Possible harm: to be clarified today');
      expect(r.actions.join('\n')).toMatch(/duty practitioner calls the referrer back today/);
      expect(r.actions.join('\n')).not.toMatch(/^Low to moderate|^No or low/m);
      expect(possibleHarmFlagged(screening({ [field]: 'not-known' }))).toBe(true);
    },
  );

  test('[HAZ-04] harm "not known" raises the alert under the default rules', () => {
    expect(DEFAULT_ALERT_RULES).toContain('harm-not-known');
    const calm = submitted('full', FULL_CALL);
    for (const field of ['harmToBaby', 'harmToParent']) {
      const answers = { ...calm.answers, risk: { ...calm.answers.risk, [field]: 'not-known' } };
      const call = { ...calm, answers, risk: assessRisk(answers, PROFILE) };
      expect(alertReasons(call, DEFAULT_ALERT_RULES)).toContain('Possible harm not known');
    }
  });

  test('[HAZ-04] known harm outranks "not known", and the call-back to clarify the other is still asked for', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes', harmToParent: 'not-known' }), PROFILE);
    expect(r.level).toBe('possible-harm');
    expect(r.levelText).toBe('Possible harm to the baby; possible harm to a parent to be clarified today');
    expect(r.actions[0]).toMatch(/^Possible harm to the baby/);
    expect(r.actions.join('\n')).toMatch(/calls the referrer back today/);
    expect(r.referrerActions!.join('\n')).toMatch(/will call you back today/);
  });

  test('[HAZ-04] no harm and no "not known" needs no action now', () => {
    expect(possibleHarmFlagged(screening())).toBe(false);
    expect(possibleHarmFlagged(screening({ domesticAbuse: 'yes' }))).toBe(false);
    expect(assessRisk(screening(), PROFILE).referrerActions).toEqual([]);
  });
});

describe('who acts', () => {
  test('[HAZ-02] possible harm: the referrer is told 999, the front door by name and number, and out of hours', () => {
    for (const harm of [
      { harmToBaby: 'yes' },
      { harmToParent: 'yes' },
      { harmToBaby: 'not-known' },
    ] as Record<string, string>[]) {
      const r = assessRisk(screening(harm), PROFILE);
      const now = r.referrerActions!.join('\n');
      expect(now).toMatch(/immediate danger.*999/);
      expect(now).toContain('safeguarding procedure');
      expect(now).toContain(`${PROFILE.frontDoorName} now on ${PROFILE.frontDoorNumber}`);
      expect(now).toContain(`${PROFILE.outOfHoursName} on ${PROFILE.outOfHoursNumber}`);
    }
  });

  test('[HAZ-02] without configured numbers (local mode) the referrer is still told where to find the front door', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes' }), {
      ...PROFILE,
      frontDoorNumber: undefined,
      outOfHoursNumber: undefined,
    });
    const now = r.referrerActions!.join('\n');
    expect(now).toMatch(/999/);
    expect(now).toMatch(/front door.*local authority/i);
  });

  test('[HAZ-03] the IMH service’s actions say the IMH practitioner acts, and are not the referrer’s', () => {
    const r = assessRisk(screening({ harmToBaby: 'yes', harmToParent: 'yes' }), PROFILE);
    expect(r.actions[0]).toMatch(/^Possible harm to the baby: the IMH practitioner acts in line with/);
    expect(r.actions[0]).toContain('Safeguarding Lead');
    expect(r.actions[1]).toMatch(/^Possible harm to a parent: the IMH practitioner contacts the GP/);
    for (const a of r.referrerActions!) expect(r.actions).not.toContain(a);
  });
});

describe('social care "not known"', () => {
  test('[HAZ-05] social care "not known" is not a met criterion: check with the children’s social care front door', () => {
    const e = assessEligibility(
      {
        ...submitted('full', FULL_CALL).answers,
        services: { ...FULL_CALL.services, socialCare: 'not-known' },
      },
      TODAY,
      PROFILE,
    );
    const r = e.reasons.find((x) => x.criterion === 'social-care')!;
    expect(r.status).toBe('check');
    expect(r.text).toContain(`check with the ${PROFILE.frontDoorName}`);
    expect(e.outcome).not.toBe('likely-eligible');
  });
});

describe('answers that contradict each other', () => {
  // the answers as the bot stores them, with some changed (multiple choices as arrays)
  const base = submitted('full', FULL_CALL).answers;
  const full = (changes: Record<string, Record<string, string>>): Answers => {
    const out: Record<string, Record<string, string | readonly string[]>> = { ...base };
    for (const [section, fields] of Object.entries(changes)) {
      const values = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, k === 'problems' ? v.split(',') : v]),
      );
      out[section] = { ...base[section as keyof Answers], ...values };
    }
    return out as Answers;
  };

  test('[HAZ-05] the fixture call has no contradictions', () => {
    expect(contradictions(submitted('full', FULL_CALL).answers)).toEqual([]);
  });

  test.each<[string, Record<string, Record<string, string>>, string]>([
    [
      'child at risk / in need with social care "none"',
      { context: { problems: 'systemic-child-at-risk' }, services: { socialCare: 'none' } },
      'child-at-risk-not-known-to-social-care',
    ],
    [
      'child at risk / in need with Early Help only',
      { context: { problems: 'systemic-child-at-risk' }, services: { socialCare: 'early-help' } },
      'child-at-risk-not-known-to-social-care',
    ],
    [
      'domestic violence problem with domestic abuse "no"',
      { context: { problems: 'relationship-couple' }, risk: { domesticAbuse: 'no' } },
      'domestic-violence-problem-abuse-not-confirmed',
    ],
    [
      'domestic violence problem with domestic abuse "not known"',
      { context: { problems: 'relationship-couple' }, risk: { domesticAbuse: 'not-known' } },
      'domestic-violence-problem-abuse-not-confirmed',
    ],
    [
      'domestic abuse with social care "none"',
      { risk: { domesticAbuse: 'yes' }, services: { socialCare: 'none' } },
      'domestic-abuse-not-known-to-social-care',
    ],
    [
      'a child protection plan with no possible harm to the baby',
      { services: { socialCare: 'child-protection' }, risk: { harmToBaby: 'no' } },
      'protection-plan-but-no-harm',
    ],
    [
      'open to social care with "no statutory agency involved"',
      { services: { socialCare: 'child-in-need', statutoryCollaboration: 'not-applicable' } },
      'open-to-social-care-but-no-statutory-agency',
    ],
  ])('[HAZ-05] %s is flagged', (_name, changes, id) => {
    const found = contradictions(full(changes));
    expect(found.map((c) => c.id)).toContain(id);
    for (const c of found) expect(c.text.length).toBeGreaterThan(20);
  });

  test('[HAZ-05] advice calls are checked too (social care is asked in the advice section)', () => {
    const answers: Answers = {
      advice: { socialCare: 'child-protection' },
      risk: { ...CALM },
    };
    expect(contradictions(answers).map((c) => c.id)).toEqual(['protection-plan-but-no-harm']);
  });
});
