import { serviceAnswer, text } from './answers';
import { OPEN_TO_SOCIAL_CARE, type ServiceProfile } from './checklist';
import type { SubmittedCall } from './submitted-call';

/** Reasons a call raises an alert to the safeguarding leads; a service chooses which apply. */
export const ALERT_RULES = [
  'possible-harm-baby',
  'possible-harm-parent',
  'open-to-social-care',
  'domestic-abuse',
  'could-not-reach',
  'active-substance-misuse',
  'aggression',
  'not-brought',
  'harm-not-known',
] as const;

export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * Harm to the baby or a parent, open to social care, domestic abuse, a contact not reached, and harm not
 * known: "not known" is not safe (issue 8), so it alerts the leads unless a service chooses otherwise.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [...ALERT_RULES.slice(0, 5), 'harm-not-known'];

/**
 * Rules no service may turn off: without them possible harm to the baby, or harm nobody could rule out,
 * would reach no safeguarding lead. The configuration refuses rules without them.
 */
export const REQUIRED_ALERT_RULES: readonly AlertRule[] = ['possible-harm-baby', 'harm-not-known'];

const risk = (call: SubmittedCall, field: string) => text(call.answers, 'risk', field);

const TESTS: Record<AlertRule, (call: SubmittedCall) => string | undefined> = {
  'possible-harm-baby': (c) => (c.risk.harmToBaby ? 'Possible harm to the baby' : undefined),
  'possible-harm-parent': (c) => (c.risk.harmToParent ? 'Possible harm to a parent' : undefined),
  'open-to-social-care': (c) => {
    const level = serviceAnswer(c.answers, 'socialCare');
    return OPEN_TO_SOCIAL_CARE.includes(level) ? 'Child open to children’s social care' : undefined;
  },
  'domestic-abuse': (c) => (risk(c, 'domesticAbuse') === 'yes' ? 'Domestic abuse' : undefined),
  'could-not-reach': (c) => {
    const missed = c.phone.filter((p) => p.outcome === 'could-not-reach').map((p) => p.prompt.title);
    return missed.length
      ? `Could not reach a professional to share concerns: ${missed.join('; ')}`
      : undefined;
  },
  'active-substance-misuse': (c) =>
    risk(c, 'substanceMisuse') === 'active' ? 'Active substance misuse' : undefined,
  aggression: (c) => (risk(c, 'aggression') === 'yes' ? 'Aggression disclosed or displayed' : undefined),
  'not-brought': (c) => (risk(c, 'notBrought') === 'yes' ? 'Child not brought to appointments' : undefined),
  'harm-not-known': (c) =>
    risk(c, 'harmToBaby') === 'not-known' || risk(c, 'harmToParent') === 'not-known'
      ? 'Possible harm not known'
      : undefined,
};

/** Why this call needs the safeguarding leads, under the service's rules; empty when it does not. */
export function alertReasons(call: SubmittedCall, rules: readonly AlertRule[]): string[] {
  return rules.map((r) => TESTS[r](call)).filter((r): r is string => r !== undefined);
}

/** The front door as a referrer is told to phone it: its name and, where set, its number. */
export function frontDoorText(p: ServiceProfile): string {
  return p.frontDoorNumber ? `${p.frontDoorName} on ${p.frontDoorNumber}` : p.frontDoorName;
}
