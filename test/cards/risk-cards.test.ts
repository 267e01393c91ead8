/**
 * The cards issue 8 adds or grows, at their worst: the risk notice (what to do now) for the longest service
 * settings, and the review and summary of a call whose answers contradict each other as much as they can
 * while harm is possible and not known. Each must pass the renderer and fit in a Teams message.
 */
import { describe, expect, test } from 'vitest';
import { SCREENING_LIST } from '../../src/domain/checklist';
import { contradictions } from '../../src/domain/contradictions';
import { goTo } from '../../src/domain/draft';
import { summaryDoc } from '../../src/domain/summary';
import { MAX_CARD_BYTES } from '../../src/views/cards';
import { documentCard } from '../../src/views/document-view';
import { reviewCard } from '../../src/views/review-view';
import { riskNoticeCard } from '../../src/views/risk-notice-view';
import {
  type AnswerSource,
  buildDraft,
  FILL_NAMES,
  FILLS,
  fill,
  fullSection,
  NOW,
  submitted,
  WORST_PROFILE,
} from '../fixtures/card-scenarios';
import { type Card, cardJsonBytes, cardProblems } from './card-lint';

/** The worst case's answers, with the choices that give the most contradictions and "not known" harm. */
const contradictory =
  (unit: string): AnswerSource =>
  (section, draft) => {
    const raw = fullSection(section, draft, (max) => fill(max, unit));
    if (section.id === 'context') raw.problems = 'systemic-child-at-risk,relationship-couple';
    if (section.id === 'services') {
      raw.socialCare = 'child-protection';
      raw.statutoryCollaboration = 'not-applicable';
    }
    if (section.id === 'risk') {
      raw.harmToBaby = 'no';
      raw.harmToParent = 'not-known';
      // the compact card: domestic abuse not ticked, and the unticked ones are "no"
      raw.screenYes = SCREENING_LIST.map((q) => q.value)
        .filter((q) => q !== 'domesticAbuse')
        .join(',');
      raw.screenRest = 'no';
    }
    return raw;
  };

const fits = (card: Card) => {
  expect(cardProblems(card)).toEqual([]);
  expect(card.version).toBe('1.5');
  expect(cardJsonBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
};

describe.each(FILL_NAMES)('a worst-case call with contradictions and harm not known, in %s text', (name) => {
  const draft = buildDraft('full', contradictory(FILLS[name]), WORST_PROFILE);

  test('[HAZ-05] has three contradictions', () => {
    expect(contradictions(draft.answers).map((c) => c.id)).toEqual([
      'domestic-violence-problem-abuse-not-confirmed',
      'protection-plan-but-no-harm',
      'open-to-social-care-but-no-statutory-agency',
    ]);
    expect(draft.answers.risk).toMatchObject({ domesticAbuse: 'no', harmToParent: 'not-known' });
  });

  test('[HAZ-05] its review passes the renderer and fits, with the contradictions and both lists of actions', () => {
    const card = reviewCard(goTo(draft, 'review', NOW), WORST_PROFILE);
    fits(card);
    const json = JSON.stringify(card);
    expect(json).toContain('Some answers do not fit together');
    expect(json).toContain('What you should do now');
    expect(json).toContain('What the IMH service will do');
  });

  test('[HAZ-05] its summary passes the renderer and fits, for the referrer and the duty channel', () => {
    const call = submitted(draft, WORST_PROFILE);
    for (const audience of ['referrer', 'duty'] as const)
      fits(documentCard(summaryDoc(call, WORST_PROFILE, audience)));
  });
});

describe('the risk notice', () => {
  const draft = buildDraft('full', contradictory(FILLS.cjk), WORST_PROFILE);
  const both = {
    ...draft.answers,
    risk: { ...draft.answers.risk, harmToBaby: 'not-known', harmToParent: 'yes' },
  };

  test.each([false, true])(
    '[HAZ-02] for the longest settings passes the renderer and fits (leads alerted: %s)',
    (leadsAlerted) => {
      const card = riskNoticeCard(both, WORST_PROFILE, { leadsAlerted });
      expect(card).toBeDefined();
      fits(card as Card);
    },
  );

  test('[HAZ-02] is not shown when no harm is possible or unknown', () => {
    const calm = { ...draft.answers, risk: { ...draft.answers.risk, harmToBaby: 'no', harmToParent: 'no' } };
    expect(riskNoticeCard(calm, WORST_PROFILE, { leadsAlerted: false })).toBeUndefined();
  });
});
