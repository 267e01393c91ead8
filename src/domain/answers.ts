import { type CallKind, REFERRER_ROLES, type SectionId } from './checklist';

/** One section's validated answers: text and single choices as strings, multiple choices as arrays. */
export type SectionAnswers = Readonly<Record<string, string | readonly string[]>>;

export type Answers = Partial<Record<SectionId, SectionAnswers>>;

export function text(answers: Answers, section: SectionId, field: string): string {
  const v = answers[section]?.[field];
  return typeof v === 'string' ? v : '';
}

export function many(answers: Answers, section: SectionId, field: string): readonly string[] {
  const v = answers[section]?.[field];
  return Array.isArray(v) ? v : [];
}

/** Social care, out-of-area and hospital answers live in "services" for a full call and "advice" for advice-only. */
export function serviceAnswer(answers: Answers, field: string): string {
  return text(answers, 'services', field) || text(answers, 'advice', field);
}

/** The record the IMH practitioner writes the summary on: the mother's for an antenatal referral. */
export function recordTarget(kind: CallKind, answers: Answers): 'infant' | 'mother' | 'none' {
  if (kind === 'advice') return 'none';
  return text(answers, 'family', 'stage') === 'antenatal' ? 'mother' : 'infant';
}

/** The referrer's role as a person would say it: the option's title, or their own words for "Other". */
export function referrerRole(answers: Answers): string {
  const role = text(answers, 'referrer', 'role');
  if (role === 'other') return text(answers, 'referrer', 'roleOther');
  return REFERRER_ROLES.find((r) => r.value === role)?.title ?? role;
}

/** Referrers whose own team is one of the services involved (key point 5), not a universal service. */
const SPECIALIST_ROLES = ['perinatal-mental-health', 'midwife', 'social-care', 'talking-therapies'];

/**
 * A fact already given, offered as the first answer to a later question so it is not typed twice
 * (issue 9: ask once): a perinatal mental health, midwifery, social care or talking therapies referrer's
 * own team is one of the services involved. Shown in the input, to keep or change; undefined otherwise.
 */
export function suggestedAnswer(answers: Answers, section: SectionId, field: string): string | undefined {
  if (section !== 'services' || field !== 'involvement') return undefined;
  const role = text(answers, 'referrer', 'role');
  const organisation = text(answers, 'referrer', 'organisation');
  if (!SPECIALIST_ROLES.includes(role) || !organisation) return undefined;
  return `${referrerRole(answers)}: ${organisation} (the referrer).`;
}
