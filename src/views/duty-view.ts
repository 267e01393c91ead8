import { formatUkDate, todayInTimeZone } from '../domain/age';
import { referrerRole, text } from '../domain/answers';
import {
  ALLOCATION_OUTCOMES,
  type AllocationOutcome,
  awaitsReferral,
  type CallState,
  canRecordAllocation,
  INDICATIONS,
  type Indication,
  referralOverdue,
  type Stamp,
} from '../domain/call-state';
import type { ServiceProfile } from '../domain/checklist';
import type { Block, Doc, Fact } from '../domain/document';
import { referralDoc } from '../domain/referral';
import { isHarmLevel, WHO_ACTS } from '../domain/risk';
import type { SubmittedCall } from '../domain/submitted-call';
import { infantFacts, summaryDoc } from '../domain/summary';
import { bindCard, escapeMarkdown, escapeTextRun } from './cards';
import { truncate } from './common';
import { fitCard, longestFreeText, shorten } from './document-view';

/** The longest reason a practitioner can give with an indication (the card's maxLength, checked again on receipt). */
export const REASON_MAX_LENGTH = 1000;

export interface CardNotice {
  readonly text: string;
  readonly color: 'Attention' | 'Warning' | 'Good';
}

export interface CallCardInput {
  readonly call: SubmittedCall;
  readonly state: CallState;
}

export interface DutyCardOptions {
  readonly profile: ServiceProfile;
  /** "Record <reference> · delivery <id>": every posted card names its record and delivery. */
  readonly stamp: string;
  readonly now: Date;
  /** Days after the call when a missing formal referral is overdue. */
  readonly referralReminderDays: number;
  readonly notice?: CardNotice | undefined;
}

export function indicationTitle(value: Indication): string {
  return INDICATIONS.find((i) => i.value === value)?.title ?? value;
}

export function allocationTitle(value: AllocationOutcome): string {
  return ALLOCATION_OUTCOMES.find((o) => o.value === value)?.title ?? value;
}

/** One formatter per time zone: building one is far dearer than using it, and a card shows several stamps. */
const WHEN_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** "23 November 2026, 10:05" on the service's clock. */
export function formatWhen(iso: string, timeZone: string): string {
  let format = WHEN_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    WHEN_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(iso));
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('day')} ${p('month')} ${p('year')}, ${p('hour')}:${p('minute')}`;
}

/**
 * Who and when, for a TextBlock or fact: the name is Teams' display name, so it is escaped. A card shows
 * up to four such stamps; a display name is cut at 80 characters on the card so that they cannot crowd
 * out the record itself (the event keeps the name in full).
 */
function byWhom(s: Stamp, profile: ServiceProfile): string {
  const name = truncate(s.by.name || 'someone', 80);
  return `${escapeMarkdown(notAMention(name))}, ${formatWhen(s.at, profile.timeZone)}`;
}

/** Whether the formal referral is overdue, and by the service's count of days. */
export function overdueReferral(
  input: CallCardInput,
  now: Date,
  profile: ServiceProfile,
  days: number,
): boolean {
  const submittedOn = todayInTimeZone(new Date(input.call.submittedAt), profile.timeZone);
  return referralOverdue(
    input.call.kind,
    input.state,
    submittedOn,
    todayInTimeZone(now, profile.timeZone),
    days,
  );
}

/** The state of a call as facts: the indication, the clinical record, the formal referral. */
export function stateFacts(input: CallCardInput, o: DutyCardOptions): Fact[] {
  const { call, state } = input;
  const p = o.profile;
  const indication = state.indication
    ? `${indicationTitle(state.indication.value)}: given by ${byWhom(state.indication, p)}`
    : 'Not yet given';
  const recorded = state.recorded ? `Recorded by ${byWhom(state.recorded, p)}` : 'Not yet recorded';
  let referral: string;
  if (call.kind === 'advice') referral = 'Not expected: advice-only call';
  else if (state.referralReceived) referral = `Received: marked by ${byWhom(state.referralReceived, p)}`;
  else if (awaitsReferral(call.kind, state))
    referral = overdueReferral(input, o.now, p, o.referralReminderDays) ? 'Awaited: overdue' : 'Awaited';
  else referral = `Not expected: the indication is ${indicationTitle(state.indication!.value).toLowerCase()}`;
  const facts = [
    { label: 'Eligibility indication', value: indication },
    { label: 'On the clinical record', value: recorded },
    { label: 'Formal written referral', value: referral },
  ];
  // seed 001: the formal referral goes to the weekly allocations meeting, which has four outcomes
  if (call.kind === 'full') {
    const allocation = state.allocation
      ? `${allocationTitle(state.allocation.value)}: recorded by ${byWhom(state.allocation, p)}`
      : state.referralReceived
        ? 'Awaited'
        : 'After the formal referral is received';
    facts.push({ label: 'Allocations meeting', value: allocation });
  }
  return facts;
}

/**
 * The duty summary for the IMH duty channel: where the call is, the structured summary (with the suggested
 * eligibility, risk and pick-up-the-phone record), the draft referral behind a button, and the actions.
 * Like the referrer's summary card, the longest free texts are shortened (all to the same length, as
 * little as needed) if the card would pass Teams' size limit.
 */
export function dutySummaryCard(input: CallCardInput, o: DutyCardOptions): Record<string, unknown> {
  const doc = summaryDoc(input.call, o.profile, 'duty');
  const referral = referralDoc(input.call, o.profile);
  return fitCard(
    (keep) => bindDuty(input, o, doc, referral, keep),
    Math.max(longestFreeText(doc), referral ? longestFreeText(referral) : 0, REASON_MAX_LENGTH),
    'duty summary card',
  );
}

function blockData(b: Block, keep: number) {
  const run = (s: string) => escapeTextRun(shorten(s, keep));
  return {
    heading: b.heading,
    facts: b.facts.map((f) => ({ label: f.label, value: escapeMarkdown(f.value) })),
    paragraphs: b.paragraphs.map((p) => ({ label: p.label, text: run(p.text) })),
    bullets: b.bullets.map(run),
  };
}

/** The referral's own words and consent; the referrer and family facts are on the summary already. */
const ALREADY_IN_SUMMARY = new Set(['Referrer', 'Infant, family and professionals']);

function bindDuty(
  input: CallCardInput,
  o: DutyCardOptions,
  doc: Doc,
  referral: Doc | null,
  keep: number,
): Record<string, unknown> {
  const { call, state } = input;
  const overdue = call.kind === 'full' && overdueReferral(input, o.now, o.profile, o.referralReminderDays);
  return bindCard('duty-summary', {
    headerStyle: isHarmLevel(call.risk.level) ? 'attention' : 'accent',
    title: doc.title,
    subtitle: doc.subtitle,
    notice: o.notice?.text ?? '',
    noticeColor: o.notice?.color ?? 'Default',
    stateFacts: stateFacts(input, o),
    indicationReason: state.indication?.reason ? escapeTextRun(shorten(state.indication.reason, keep)) : '',
    allocationNote: state.allocation?.note ? escapeTextRun(shorten(state.allocation.note, keep)) : '',
    overdue: overdue
      ? `The formal written referral is overdue: none received ${o.referralReminderDays} or more days after the call on ${formatUkDate(call.callDate)}.`
      : '',
    blocks: doc.blocks.map((b) => blockData(b, keep)),
    docFooter: doc.footer,
    stamp: o.stamp,
    recordId: call.id,
    version: state.version,
    indicateTitle: state.indication ? 'Change the indication' : 'Give the indication',
    currentIndication: state.indication?.value ?? '',
    indications: INDICATIONS,
    reasonMaxLength: REASON_MAX_LENGTH,
    recorded: state.recorded !== undefined,
    canReceiveReferral: awaitsReferral(call.kind, state),
    canRecordAllocation: canRecordAllocation(call.kind, state),
    allocationButton: state.allocation
      ? 'Change the allocations meeting’s outcome'
      : 'Record the allocations meeting’s outcome',
    currentAllocation: state.allocation?.value ?? '',
    allocations: ALLOCATION_OUTCOMES.map((o) => ({ value: o.value, title: o.title })),
    referralTitle: referral?.title ?? '',
    referralFooter: referral?.footer ?? '',
    referralBlocks: (referral?.blocks ?? [])
      .filter((b) => !ALREADY_IN_SUMMARY.has(b.heading))
      .map((b) => blockData(b, keep)),
  });
}

export interface AlertCardOptions {
  readonly profile: ServiceProfile;
  readonly stamp: string;
  /** Why the leads are told: from the alert's delivery, else the service's rules applied again. */
  readonly reasons: readonly string[];
  readonly notice?: CardNotice | undefined;
  /** An escalation re-posts the alert in its thread, mentioning the on-call lead if one is configured. */
  readonly escalation?:
    | {
        readonly round: number;
        readonly afterMinutes?: number | undefined;
        readonly lead?: { readonly id: string; readonly name: string } | undefined;
      }
    | undefined;
  /**
   * An alert raised while the call is in progress (no record yet): says so, and its Acknowledge carries
   * the alert's own id, which is what the acknowledgement is recorded against until the call is submitted.
   */
  readonly inProgress?: { readonly alertId: string } | undefined;
}

/**
 * Typed "<at>…</at>" is plain text unless the card carries a mention entity with that exact text, which an
 * escalation does (for the on-call lead): a zero-width space keeps a referrer's text from matching it.
 */
function notAMention(s: string): string {
  return s.replace(/<(\/?)at>/gi, '<$1\u200Bat>');
}

const RECORD_ON = {
  infant: 'The infant’s record',
  mother: 'The mother’s record (antenatal referral)',
  none: 'Advice only: no individual record identified',
} as const;

/**
 * The safeguarding alert: only what a lead needs to act on it (why, the risk and the actions the policy
 * requires, the record to look at, who referred), where the full summary is, and Acknowledge.
 */
export function alertCard(input: CallCardInput, o: AlertCardOptions): Record<string, unknown> {
  const { call, state } = input;
  const a = call.answers;
  const role = referrerRole(a);
  const facts = (list: Fact[]) =>
    list
      .filter((f) => f.value !== '')
      .map((f) => ({ label: f.label, value: escapeMarkdown(notAMention(f.value)) }));
  // the identifiers to find the record with; the rest of the family's details are in the duty channel
  const identifiers = call.kind === 'full' ? infantFacts(call).slice(0, 4) : [];
  const esc = o.escalation;
  const lead = esc?.lead;
  const after = esc?.afterMinutes ? ` ${esc.afterMinutes} minutes after it was posted` : '';
  const inProgress = o.inProgress;
  const card = bindCard('alert', {
    title: esc
      ? `Not yet acknowledged: safeguarding alert ${call.reference}`
      : inProgress
        ? `Safeguarding alert (call in progress): ${call.reference}`
        : `Safeguarding alert: ${call.reference}`,
    subtitle: `${o.profile.serviceName} · ${call.kind === 'advice' ? 'advice call' : 'duty call'} on ${formatUkDate(call.callDate)} · reference ${call.reference}`,
    mention: esc
      ? `${lead ? `<at>${lead.name}</at>: ` : ''}nobody has acknowledged this alert${after} (reminder ${esc.round}).`
      : '',
    notice: o.notice?.text ?? '',
    noticeColor: o.notice?.color ?? 'Default',
    reasons: (o.reasons.length ? o.reasons : ['See the summary in the IMH duty channel.']).map(
      escapeMarkdown,
    ),
    riskHeading: `Suggested risk level: ${call.risk.levelText}. ${WHO_ACTS.service}:`,
    actions: call.risk.actions.map(escapeMarkdown),
    recordFacts: facts([{ label: 'Record on', value: RECORD_ON[call.recordTarget] }, ...identifiers]),
    referrerFacts: facts([
      { label: 'Name', value: text(a, 'referrer', 'name') },
      { label: 'Role', value: role },
      { label: 'Organisation', value: text(a, 'referrer', 'organisation') },
      { label: 'Telephone', value: text(a, 'referrer', 'phone') },
    ]),
    whereSummary: inProgress
      ? `Raised while the referrer is still on the duty call, when they answered the risk questions: this is what is known so far. The call is not yet submitted; when it is, it follows in this thread and the full summary goes to the IMH duty channel (reference ${call.reference}).`
      : `The full summary is in the IMH duty channel: reference ${call.reference}.`,
    acknowledged: state.acknowledged !== undefined,
    ackText: state.acknowledged
      ? `Acknowledged by ${byWhom(state.acknowledged, o.profile)}`
      : 'Not yet acknowledged',
    ackColor: state.acknowledged ? 'Good' : 'Attention',
    escalated:
      state.escalations > 0 && state.lastEscalatedAt
        ? `Reminded ${state.escalations} time${state.escalations === 1 ? '' : 's'}, last ${formatWhen(state.lastEscalatedAt, o.profile.timeZone)}.`
        : '',
    stamp: o.stamp,
    recordId: call.id,
    version: state.version,
  });
  if (inProgress) {
    for (const a of (card.actions ?? []) as { verb?: string; data?: Record<string, unknown> }[]) {
      if (a.verb === 'alert.ack') a.data = { ...a.data, alertId: inProgress.alertId };
    }
  }
  if (esc && lead) {
    // Teams turns <at>name</at> in the card into a mention (and a notification) through this entity
    card.msteams = {
      width: 'Full',
      entities: [
        { type: 'mention', text: `<at>${lead.name}</at>`, mentioned: { id: lead.id, name: lead.name } },
      ],
    };
  }
  return card;
}
