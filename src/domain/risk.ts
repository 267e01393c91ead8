import { type Answers, text } from './answers';
import type { ServiceProfile } from './checklist';

/**
 * "harm-to-be-clarified": possible harm to the baby or a parent answered "not known". Not knowing is not
 * safe (issue 8, HAZ-04): it is its own level, above anything the referrer's view can give, below harm
 * that is known to be possible.
 */
export type RiskLevel = 'none-or-low' | 'low-to-moderate' | 'harm-to-be-clarified' | 'possible-harm';

export interface RiskAssessment {
  readonly level: RiskLevel;
  readonly levelText: string;
  readonly harmToBaby: boolean;
  readonly harmToParent: boolean;
  /** Possible harm answered "not known" (absent on records submitted before issue 8). */
  readonly harmNotKnown?: { readonly baby: boolean; readonly parent: boolean } | undefined;
  /** What raised the level above the referrer's own view, if anything. */
  readonly raisedBecause: readonly string[];
  /**
   * What the IMH service will do: the IMH practitioner's duties for this level (seed 001, "Action plan
   * with regards to risk"), never the referrer's.
   */
  readonly actions: readonly string[];
  /**
   * What the referrer should do now (999, the children's social care front door, out of hours), when harm
   * is possible or not known; empty otherwise. Frozen with the record, so it shows what the referrer was
   * told. Absent on records submitted before issue 8.
   */
  readonly referrerActions?: readonly string[] | undefined;
}

/** The headings that say who acts (issue 8, "Say who acts"). */
export const WHO_ACTS = {
  referrer: 'What you should do now',
  referrerForDuty: 'What the referrer was told to do now',
  service: 'What the IMH service will do',
} as const;

const LEVEL_TEXT: Record<RiskLevel, string> = {
  'none-or-low': 'No or low risk',
  'low-to-moderate': 'Low to moderate risk',
  'harm-to-be-clarified': 'Possible harm: to be clarified today',
  'possible-harm': 'Possible harm',
};

/** Concerns that make "no or low risk" an understatement, so the suggestion is raised to low to moderate. */
const RAISERS: readonly [field: string, value: string, why: string][] = [
  ['domesticAbuse', 'yes', 'domestic abuse'],
  ['substanceMisuse', 'active', 'active substance misuse'],
  ['aggression', 'yes', 'aggression disclosed or displayed'],
];

const harm = (answers: Answers, field: 'harmToBaby' | 'harmToParent') => text(answers, 'risk', field);

/**
 * Possible harm to the baby or a parent answered "yes" or "not known" (unknown is not safe): the
 * referrer is told what to do now, and the safeguarding leads are alerted the moment the risk section
 * is saved, whether or not the call is ever submitted.
 */
export function possibleHarmFlagged(answers: Answers): boolean {
  return (['harmToBaby', 'harmToParent'] as const).some((f) => harmFlagged(harm(answers, f)));
}

/** One harm answer that flags possible harm: "yes", or "not known" (unknown is not safe). */
export function harmFlagged(answer: string): boolean {
  return answer === 'yes' || answer === 'not-known';
}

/**
 * The saved answers with the harm questions as typed on a risk card that is not complete yet, where
 * what was typed is one of the card's own answers: possible harm typed is acted on at once (the rest of
 * the screening can wait, the alert cannot), so an unfinished card must not hide it.
 */
export function withTypedHarm(answers: Answers, typed: Readonly<Record<string, unknown>>): Answers {
  const harmAnswers: Record<string, string> = {};
  for (const field of ['harmToBaby', 'harmToParent'] as const) {
    const v = typed[field];
    if (v === 'yes' || v === 'no' || v === 'not-known') harmAnswers[field] = v;
  }
  return { ...answers, risk: { ...(answers.risk ?? {}), ...harmAnswers } };
}

/** Suggests the risk level and who does what about it; the practitioner decides. */
export function assessRisk(answers: Answers, profile: ServiceProfile): RiskAssessment {
  const harmToBaby = harm(answers, 'harmToBaby') === 'yes';
  const harmToParent = harm(answers, 'harmToParent') === 'yes';
  const notKnown = {
    baby: harm(answers, 'harmToBaby') === 'not-known',
    parent: harm(answers, 'harmToParent') === 'not-known',
  };
  const stated = text(answers, 'risk', 'level') === 'low-to-moderate' ? 'low-to-moderate' : 'none-or-low';
  const raisedBecause =
    stated === 'none-or-low'
      ? RAISERS.filter(([f, v]) => text(answers, 'risk', f) === v).map(([, , why]) => why)
      : [];
  const level: RiskLevel =
    harmToBaby || harmToParent
      ? 'possible-harm'
      : notKnown.baby || notKnown.parent
        ? 'harm-to-be-clarified'
        : raisedBecause.length > 0
          ? 'low-to-moderate'
          : stated;

  const actions: string[] = [];
  if (harmToBaby) {
    actions.push(
      `Possible harm to the baby: the IMH practitioner acts in line with the service’s Child Protection policy. This generally means contacting the GP/health visitor and/or children’s social care (${profile.frontDoorName}). The actions are documented as the policy guides and reported to the Safeguarding Lead.`,
    );
  }
  if (harmToParent) {
    actions.push(
      'Possible harm to a parent: the IMH practitioner contacts the GP, the statutory service responsible for the adult, and documents the actions as the Child Protection policy guides.',
    );
  }
  if (notKnown.baby) {
    actions.push(
      'Possible harm to the baby not known: the IMH duty practitioner calls the referrer back today to clarify it; if harm is possible, the practitioner acts in line with the service’s Child Protection policy and reports to the Safeguarding Lead.',
    );
  }
  if (notKnown.parent) {
    actions.push(
      'Possible harm to a parent not known: the IMH duty practitioner calls the referrer back today to clarify it; if harm is possible, the practitioner contacts the parent’s GP.',
    );
  }
  if (level === 'low-to-moderate') {
    actions.push(
      'Low to moderate risk: the IMH therapist manages it within the work, raises it with the family early and records it under the action plan.',
    );
  }
  if (level === 'none-or-low') {
    actions.push(
      'No or low risk: no immediate action with allied agencies; the IMH therapist discusses the concerns with the family in the work.',
    );
  }
  return {
    level,
    levelText: levelText(level, harmToBaby, harmToParent, notKnown),
    harmToBaby,
    harmToParent,
    harmNotKnown: notKnown,
    raisedBecause,
    actions,
    referrerActions: referrerActionsNow(answers, profile),
  };
}

function levelText(
  level: RiskLevel,
  baby: boolean,
  parent: boolean,
  notKnown: { baby: boolean; parent: boolean },
): string {
  if (level !== 'possible-harm') return LEVEL_TEXT[level];
  const known = `Possible harm to ${[baby && 'the baby', parent && 'a parent'].filter(Boolean).join(' and ')}`;
  // known harm to one and "not known" for the other: both are said, so the call-back is not lost
  const unknown = [notKnown.baby && 'the baby', notKnown.parent && 'a parent'].filter(Boolean);
  return unknown.length ? `${known}; possible harm to ${unknown.join(' and ')} to be clarified today` : known;
}

/** The first thing a referrer who may be facing harm is told: 999 in immediate danger. */
export const IMMEDIATE_DANGER_LINE =
  'If the baby, a parent or anyone else is in immediate danger, call 999 now.';

/**
 * What anyone worried about harm should do now, whatever they answered: 999 in immediate danger,
 * otherwise the children's social care front door (out of hours, its out-of-hours service). Told after
 * a risk screening that flags possible harm, and at once to a referrer who types an urgent word.
 */
export function immediateDangerActions(profile: ServiceProfile): string[] {
  const frontDoor = profile.frontDoorNumber
    ? `the ${profile.frontDoorName} now on ${profile.frontDoorNumber}`
    : `the ${profile.frontDoorName} for the family’s area now (its number is on the local authority’s website)`;
  const outOfHours = profile.outOfHoursNumber
    ? `the ${profile.outOfHoursName} on ${profile.outOfHoursNumber}`
    : `the ${profile.outOfHoursName} of the family’s local authority (its number is on the local authority’s website)`;
  return [
    IMMEDIATE_DANGER_LINE,
    `Otherwise, follow your organisation’s safeguarding procedure and contact ${frontDoor}.`,
    `Out of hours (evenings, weekends and bank holidays): ${outOfHours}.`,
  ];
}

/**
 * What the referrer should do now, in their own organisation, when harm is possible or not known: the IMH
 * service's actions do not replace the referrer's own safeguarding duty (issue 8, "Act when the answer is
 * given"). Without a configured number (local mode only) the referrer is told where to find it.
 */
export function referrerActionsNow(answers: Answers, profile: ServiceProfile): string[] {
  if (!possibleHarmFlagged(answers)) return [];
  const lines = immediateDangerActions(profile);
  const parent = harmFlagged(harm(answers, 'harmToParent'));
  if (parent) lines.push('For a parent who may be at risk, make sure their GP knows today.');
  if (harm(answers, 'harmToBaby') === 'not-known' || harm(answers, 'harmToParent') === 'not-known') {
    lines.push(
      'Where possible harm is not known, the IMH duty practitioner will call you back today to clarify it. Do not wait for that call if you are worried now.',
    );
  }
  return lines;
}

/** Levels shown with the attention colour: harm possible, or not known (it is not safe until clarified). */
export function isHarmLevel(level: RiskLevel): boolean {
  return level === 'possible-harm' || level === 'harm-to-be-clarified';
}
