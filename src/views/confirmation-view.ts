import type { ServiceProfile } from '../domain/checklist';
import { type Doc, toPlainText, wrapPlainText } from '../domain/document';
import { isHarmLevel, WHO_ACTS } from '../domain/risk';
import { frontDoorText } from '../domain/safeguarding';
import type { SubmittedCall } from '../domain/submitted-call';
import { bindCard, cardBytes, MAX_CARD_BYTES } from './cards';
import { buttons, footer } from './common';
import { documentElements, fitCard, longestFreeText, plainTextChunks } from './document-view';

/** Lines of the text for the clinical record: short enough for a code block on a phone or a narrow chat. */
export const RECORD_LINE_CHARS = 64;

export interface ConfirmationInput {
  readonly call: SubmittedCall;
  readonly profile: ServiceProfile;
  readonly summary: Doc;
  /** Null for an advice-only call. */
  readonly referral: Doc | null;
  /** Whether a duty channel is set up: if not, the summary waits and the duty team cannot see it. */
  readonly dutyChannel: boolean;
  /** The call's safeguarding alert, if it has one: raised at submit, or earlier while the call was in progress. */
  readonly alert: { readonly raisedDuringCall: boolean; readonly channel: boolean } | undefined;
  /** REFERRAL_REMINDER_DAYS: when the referrer is reminded of a formal referral not yet received. */
  readonly referralReminderDays: number;
}

export interface Confirmation {
  readonly card: Record<string, unknown>;
  /** The text for the clinical record when the card cannot hold it: one message each, in a code block. */
  readonly followUp: string[];
}

/**
 * The one card a referrer gets after Submit (issue 9): the reference, what happens next and when, who
 * was told, the summary and the draft referral behind Show, and the text for the clinical record to
 * copy. The record text is in the card when it fits, else it follows as code blocks (which Teams gives a
 * Copy button); if even then the card is too big the documents on it are shortened, then left out.
 */
export function confirmationCard(input: ConfirmationInput): Confirmation {
  const record = wrapPlainText(
    [toPlainText(input.summary), ...(input.referral ? [toPlainText(input.referral)] : [])].join('\n\n'),
    RECORD_LINE_CHARS,
  );
  const inCard = bind(input, {
    text: record,
    keep: Number.POSITIVE_INFINITY,
    docs: ['summary', 'referral'],
  });
  if (cardBytes(inCard) <= MAX_CARD_BYTES) return { card: inCard, followUp: [] };

  const followUp = plainTextChunks(record);
  const messages = followUp.length;
  // both documents, else the summary alone, each whole or with every free text cut to the longest
  // length that fits; else neither (the follow-up messages have them in full)
  const shown: readonly ('summary' | 'referral')[][] = input.referral
    ? [['summary', 'referral'], ['summary']]
    : [['summary']];
  for (const docs of shown) {
    const longest = Math.max(
      longestFreeText(input.summary),
      input.referral && docs.includes('referral') ? longestFreeText(input.referral) : 0,
    );
    const card = largestThatFits((keep) => bind(input, { messages, keep, docs }), longest);
    if (card) return { card, followUp };
  }
  return { card: bind(input, { messages, keep: 0, docs: [] }), followUp };
}

function largestThatFits(
  bindWith: (keep: number) => Record<string, unknown>,
  longest: number,
): Record<string, unknown> | undefined {
  try {
    return fitCard(bindWith, longest, 'confirmation card');
  } catch {
    return undefined;
  }
}

type Shown = 'summary' | 'referral';

/**
 * `text`: the record text on the card, or else how many `messages` follow with it; `keep`: how long the
 * documents' free texts may be on the card; `docs`: which documents are on the card.
 */
type RecordPlace =
  | { text: string; keep: number; docs: readonly Shown[] }
  | { messages: number; keep: number; docs: readonly Shown[] };

function bind(input: ConfirmationInput, place: RecordPlace): Record<string, unknown> {
  const { call, profile } = input;
  const advice = call.kind === 'advice';
  const harm = isHarmLevel(call.risk.level);
  const { keep } = place;
  const summary = place.docs.includes('summary');
  const referral = input.referral && place.docs.includes('referral') ? input.referral : null;
  return bindCard('confirmation', {
    serviceName: profile.serviceName,
    title: advice ? 'Advice call submitted' : 'Duty call submitted',
    reference: `Reference: ${call.reference}`,
    referenceNote: `Give this reference if you phone the IMH advice line on ${profile.adviceLineNumber}.`,
    // what the referrer should do now comes first when harm is possible or not known (HAZ-02)
    now: { headline: WHO_ACTS.referrer, items: harm ? (call.risk.referrerActions ?? []) : [] },
    next: nextSteps(input),
    told: told(input),
    toggles: [
      ...(summary ? [{ title: 'Show summary', target: 'summary' }] : []),
      ...(referral ? [{ title: 'Show draft referral', target: 'referral' }] : []),
    ],
    summary: summary ? documentElements(input.summary, harm ? 'attention' : 'accent', keep) : null,
    referral: referral ? documentElements(referral, 'default', keep) : null,
    record:
      'text' in place
        ? {
            note: 'The summary and the draft referral as plain text, to copy onto the record: select all the text in the box and copy it.',
            label: 'Summary and draft referral (plain text)',
            text: place.text,
          }
        : {
            note: `${
              place.docs.length === (input.referral ? 2 : 1)
                ? ''
                : `${place.docs.length ? 'The draft referral is' : input.referral ? 'The summary and the draft referral are' : 'The summary is'} too long to show on this card. `
            }The summary${input.referral ? ' and the draft referral' : ''} as plain text, to copy onto the record: ${
              place.messages === 1
                ? 'the next message has it, with a Copy button'
                : `the next ${place.messages} messages have it, each with a Copy button`
            }.`,
            text: null,
          },
    footer: footer(profile),
    buttons: [buttons.start, buttons.advice],
  });
}

function nextSteps(input: ConfirmationInput): string[] {
  const { call, profile } = input;
  const waiting = input.dutyChannel ? '' : ' once they can see your summary';
  if (call.kind === 'advice') {
    return [
      `This was an advice-only call: no referral has been drafted. The IMH duty practitioner will phone you to talk it through${waiting}; if you have not heard, phone the IMH advice line on ${profile.adviceLineNumber}.`,
    ];
  }
  return [
    `The IMH duty practitioner reads your summary${input.dutyChannel ? '' : ' once they can see it'}, records it on ${recordOn(call)} and gives the eligibility indication. I will tell you here when they do.`,
    `Now: send your formal written referral, in your own words (the service needs it in writing). Your draft is below: Show draft referral. If the duty team have not marked it received ${input.referralReminderDays} days after the call, I will remind you here.`,
    'Your referral is discussed at the team’s weekly allocations meeting: the referral is accepted, more information is asked of the professionals involved, the family are contacted first, or it is not accepted. I will tell you the outcome here.',
  ];
}

function recordOn(call: SubmittedCall): string {
  return call.recordTarget === 'mother' ? 'the mother’s record (antenatal)' : 'the infant’s record';
}

function told(input: ConfirmationInput): { who: string; what: string }[] {
  const { profile, alert } = input;
  const advice = `If it is urgent, phone the IMH advice line on ${profile.adviceLineNumber}.`;
  return [
    {
      who: 'The IMH duty team',
      // honest about where the summary is: with no duty channel set it waits, unseen, until one is
      what: input.dutyChannel
        ? 'Your summary is being posted to their Teams channel now. I will tell you here when it has reached them.'
        : `Your summary is kept and is waiting for the IMH duty channel to be set up: the duty team cannot see it yet. ${advice}`,
    },
    ...(alert
      ? [
          {
            who: 'The safeguarding leads',
            what: alert.channel
              ? `${alert.raisedDuringCall ? 'They were alerted about this call while you were on it, and now have it as submitted' : 'They are being alerted about this call now'}. I will tell you here when they have it, and when one of them acknowledges it. That does not replace your own safeguarding procedure.`
              : `An alert about this call is waiting for the safeguarding channel to be set up: the leads cannot see it yet. Phone ${frontDoorText(profile)} now, and the IMH advice line on ${profile.adviceLineNumber}.`,
          },
        ]
      : isHarmLevel(input.call.risk.level)
        ? [
            {
              who: 'The safeguarding leads',
              what: `Not alerted by this bot. Follow your organisation’s safeguarding procedure now, and phone ${frontDoorText(profile)}.`,
            },
          ]
        : []),
  ];
}
