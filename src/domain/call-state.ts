import { addDays, daysBetween } from './age';

/** The eligibility indication the IMH duty practitioner gives (seed 000: at the end of the call). */
export const INDICATIONS = [
  { value: 'eligible', title: 'Eligible' },
  { value: 'not-eligible', title: 'Not eligible' },
  { value: 'advice-only', title: 'Advice only' },
  { value: 'more-information', title: 'More information needed' },
] as const;

export type Indication = (typeof INDICATIONS)[number]['value'];

/**
 * Seed 001's four outcomes of the weekly allocations meeting, where the formal referral is discussed.
 * `referrer` is what the referrer is told, in plain words (HAZ-15).
 */
export const ALLOCATION_OUTCOMES = [
  {
    value: 'accepted',
    title: 'Accepted (allocated, or on the waiting list)',
    referrer:
      'The referral has been accepted. The family will be allocated to a therapist, or put on the waiting list until one is free. The therapist will contact the family, and may contact you too.',
  },
  {
    value: 'network-information',
    title: 'More information needed from the network',
    referrer:
      'The team need more information from the professionals working with the family before they can decide whether the service is right for them. They may contact you.',
  },
  {
    value: 'family-contact',
    title: 'Further contact with the family needed',
    referrer:
      'The team will contact the family first, to understand whether they want to come: the family may not have had the chance to talk the referral through.',
  },
  {
    value: 'not-accepted',
    title: 'Not accepted (not eligible or suitable)',
    referrer:
      'The referral has not been accepted: the team found it not eligible or not suitable for the service.',
  },
] as const;

export type AllocationOutcome = (typeof ALLOCATION_OUTCOMES)[number]['value'];

/** What can happen to a submitted call; each is stored as an event and never changed. */
export type CallEventBody =
  | { type: 'indication-given'; indication: Indication; reason: string }
  | { type: 'recorded-on-record' }
  | { type: 'referral-received' }
  | { type: 'alert-acknowledged' }
  | { type: 'alert-escalated'; round: number }
  | { type: 'reminder-sent' }
  | { type: 'allocation-decided'; outcome: AllocationOutcome; note: string };

export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** The bot itself, as the actor of what it does on a record (an escalation, a reminder). */
export const BOT_ACTOR: Actor = { id: 'bot', name: 'IMH duty bot' };

export type CallEvent = CallEventBody & { readonly seq: number; readonly at: string; readonly actor: Actor };

export interface Stamp {
  readonly by: Actor;
  readonly at: string;
}

export interface CallState {
  /** The number of events so far: a card shows the version it was drawn from. */
  readonly version: number;
  readonly indication?: Stamp & { readonly value: Indication; readonly reason: string };
  readonly recorded?: Stamp;
  readonly referralReceived?: Stamp;
  readonly acknowledged?: Stamp;
  readonly escalations: number;
  readonly lastEscalatedAt?: string;
  readonly remindersSent: number;
  readonly lastReminderAt?: string;
  /** The allocations meeting's latest outcome: "more information" or "contact the family" can be followed by another. */
  readonly allocation?: Stamp & { readonly value: AllocationOutcome; readonly note: string };
}

export const EMPTY_STATE: CallState = { version: 0, escalations: 0, remindersSent: 0 };

export function foldEvents(events: readonly CallEvent[]): CallState {
  let s: CallState = EMPTY_STATE;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) s = { ...apply(s, e), version: e.seq };
  return s;
}

function apply(s: CallState, e: CallEvent): CallState {
  const stamp = { by: e.actor, at: e.at };
  switch (e.type) {
    case 'indication-given':
      return { ...s, indication: { ...stamp, value: e.indication, reason: e.reason } };
    case 'recorded-on-record':
      return { ...s, recorded: stamp };
    case 'referral-received':
      return { ...s, referralReceived: stamp };
    case 'alert-acknowledged':
      return { ...s, acknowledged: stamp };
    case 'alert-escalated':
      return { ...s, escalations: e.round, lastEscalatedAt: e.at };
    case 'reminder-sent':
      return { ...s, remindersSent: s.remindersSent + 1, lastReminderAt: e.at };
    case 'allocation-decided':
      return { ...s, allocation: { ...stamp, value: e.outcome, note: e.note } };
  }
}

/**
 * Whether an action changes anything: giving the same indication twice, or marking something already
 * marked, is refused so the card and the audit log say so instead of recording it again.
 */
export function alreadyDone(state: CallState, action: CallEventBody): boolean {
  switch (action.type) {
    case 'indication-given':
      return state.indication?.value === action.indication && state.indication.reason === action.reason;
    case 'recorded-on-record':
      return state.recorded !== undefined;
    case 'referral-received':
      return state.referralReceived !== undefined;
    case 'alert-acknowledged':
      return state.acknowledged !== undefined;
    case 'allocation-decided':
      return state.allocation?.value === action.outcome && state.allocation.note === action.note;
    default:
      return false;
  }
}

/** A full call waits for the formal written referral; advice calls and calls found not eligible do not. */
export function awaitsReferral(kind: 'full' | 'advice', state: CallState): boolean {
  if (kind !== 'full' || state.referralReceived) return false;
  const v = state.indication?.value;
  return v !== 'not-eligible' && v !== 'advice-only';
}

/**
 * The allocations meeting discusses the formal referral (seed 001), so its outcome can be recorded only once
 * the referral is received; an advice call has none.
 */
export function canRecordAllocation(kind: 'full' | 'advice', state: CallState): boolean {
  return kind === 'full' && state.referralReceived !== undefined;
}

/** The two-step process: a referral not received within the configured days is overdue. */
export function referralOverdue(
  kind: 'full' | 'advice',
  state: CallState,
  submittedOn: string,
  today: string,
  days: number,
): boolean {
  return awaitsReferral(kind, state) && daysBetween(submittedOn, today) >= days;
}

/**
 * The date a full call's next referral reminder falls due: one each full period the referral is late
 * (after N days, 2N days, ...), so that referralOverdue(kind, state, submittedOn, today, N * (sent + 1))
 * is true exactly from this date on; and at least half a period after the last reminder was sent
 * (`lastReminderOn`, in the service's time zone), so that periods missed while the bot was down are
 * not made up one per tick (HAZ-23, as nextEscalationAt). Undefined while the call awaits no referral.
 */
export function nextReminderOn(
  kind: 'full' | 'advice',
  state: CallState,
  submittedOn: string,
  days: number,
  lastReminderOn?: string,
): string | undefined {
  if (!awaitsReferral(kind, state)) return undefined;
  let period = state.remindersSent + 1;
  let due = addDays(submittedOn, days * period);
  if (lastReminderOn !== undefined) {
    const earliest = addDays(lastReminderOn, Math.ceil(days / 2));
    while (due < earliest) due = addDays(submittedOn, days * ++period);
  }
  return due;
}

/**
 * When an alert nobody has acknowledged is next escalated: at each interval from when it was raised,
 * after the rounds already made, and at least half an interval after the last round was made. Rounds
 * missed while the bot was down are not made up one per tick (an @mention of the on-call lead every 30 s
 * until caught up, and two at once from two instances): the round made on coming back is followed by the
 * next slot of the usual schedule. Undefined once acknowledged.
 */
export function nextEscalationAt(
  raisedAt: string,
  state: Pick<CallState, 'acknowledged' | 'escalations' | 'lastEscalatedAt'>,
  minutes: number,
): Date | undefined {
  if (state.acknowledged) return undefined;
  const interval = minutes * 60_000;
  const raised = Date.parse(raisedAt);
  let slot = state.escalations + 1;
  if (state.lastEscalatedAt !== undefined) {
    const earliest = Date.parse(state.lastEscalatedAt) + interval / 2;
    slot = Math.max(slot, Math.ceil((earliest - raised) / interval));
  }
  return new Date(raised + slot * interval);
}
