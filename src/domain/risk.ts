import { type Answers, text } from './answers';
import type { ServiceProfile } from './checklist';

export type RiskLevel = 'none-or-low' | 'low-to-moderate' | 'possible-harm';

export interface RiskAssessment {
  readonly level: RiskLevel;
  readonly levelText: string;
  readonly harmToBaby: boolean;
  readonly harmToParent: boolean;
  /** What raised the level above the referrer's own view, if anything. */
  readonly raisedBecause: readonly string[];
  /** The actions the operational policy requires for this level (seed 001, "Action plan with regards to risk"). */
  readonly actions: readonly string[];
}

const LEVEL_TEXT: Record<RiskLevel, string> = {
  'none-or-low': 'No or low risk',
  'low-to-moderate': 'Low to moderate risk',
  'possible-harm': 'Possible harm',
};

/** Concerns that make "no or low risk" an understatement, so the suggestion is raised to low to moderate. */
const RAISERS: readonly [field: string, value: string, why: string][] = [
  ['harmToBaby', 'not-known', 'possible harm to the baby is not known'],
  ['harmToParent', 'not-known', 'possible harm to a parent is not known'],
  ['domesticAbuse', 'yes', 'domestic abuse'],
  ['substanceMisuse', 'active', 'active substance misuse'],
  ['aggression', 'yes', 'aggression disclosed or displayed'],
];

/** Suggests the risk level and the actions policy requires for it; the practitioner decides. */
export function assessRisk(answers: Answers, profile: ServiceProfile): RiskAssessment {
  const harmToBaby = text(answers, 'risk', 'harmToBaby') === 'yes';
  const harmToParent = text(answers, 'risk', 'harmToParent') === 'yes';
  const stated = text(answers, 'risk', 'level') === 'low-to-moderate' ? 'low-to-moderate' : 'none-or-low';
  const raisedBecause =
    stated === 'none-or-low'
      ? RAISERS.filter(([f, v]) => text(answers, 'risk', f) === v).map(([, , why]) => why)
      : [];
  const level: RiskLevel =
    harmToBaby || harmToParent ? 'possible-harm' : raisedBecause.length > 0 ? 'low-to-moderate' : stated;

  const actions: string[] = [];
  if (harmToBaby) {
    const mash = profile.mashNumber ? ` (MASH: ${profile.mashNumber})` : '';
    actions.push(
      `Possible harm to the baby: act in line with the service’s Child Protection policy. This generally means contacting the GP/health visitor and/or Children’s Social Care (MASH)${mash}. Document the actions as the policy guides and report them to the Safeguarding Lead.`,
    );
  }
  if (harmToParent) {
    actions.push(
      'Possible harm to a parent: contact the GP, the statutory service responsible for the adult. Document the actions as the Child Protection policy guides.',
    );
  }
  if (level === 'low-to-moderate') {
    actions.push(
      'Low to moderate risk: can be managed within the work; raise it with the family early and record it under the action plan.',
    );
  }
  if (level === 'none-or-low') {
    actions.push(
      'No or low risk: no immediate action with allied agencies; discuss the concerns with the family in the work.',
    );
  }
  const levelText =
    level === 'possible-harm'
      ? `Possible harm to ${[harmToBaby && 'the baby', harmToParent && 'a parent'].filter(Boolean).join(' and ')}`
      : LEVEL_TEXT[level];
  return { level, levelText, harmToBaby, harmToParent, raisedBecause, actions };
}
