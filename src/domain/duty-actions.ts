import {
  type AllocationOutcome,
  type CallEventBody,
  type CallState,
  canRecordAllocation,
  type Indication,
} from './call-state';

/**
 * What each button of the duty and safeguarding cards requires before it is recorded on a call, and the
 * event it records. Who may press it (the channel, membership) is the bot's to check; this is the rule
 * about the call itself.
 */
export type DutyAction =
  | { readonly verb: 'duty.indicate'; readonly indication: Indication; readonly reason: string }
  | { readonly verb: 'duty.recorded' }
  | { readonly verb: 'duty.referral-received' }
  | { readonly verb: 'duty.allocation'; readonly allocation: AllocationOutcome; readonly note: string }
  /** `alertRaised`: the call raised a safeguarding alert (there is something to acknowledge). */
  | { readonly verb: 'alert.ack'; readonly alertRaised: boolean };

export type DutyActionVerdict =
  | { readonly ok: true; readonly body: CallEventBody }
  | {
      readonly ok: false;
      readonly reason: 'reason-required' | 'not-applicable';
      /** What the person who pressed is told. */
      readonly text: string;
      /** What the audit keeps of the choice refused. */
      readonly detail?: Record<string, string>;
    };

export function dutyActionEvent(
  action: DutyAction,
  call: { readonly kind: 'full' | 'advice' },
  state: CallState,
): DutyActionVerdict {
  switch (action.verb) {
    case 'duty.indicate':
      if (action.indication === 'not-eligible' && action.reason === '') {
        return {
          ok: false,
          reason: 'reason-required',
          text: 'Not saved: please give a reason when the indication is not eligible.',
          detail: { indication: action.indication },
        };
      }
      return {
        ok: true,
        body: { type: 'indication-given', indication: action.indication, reason: action.reason },
      };
    case 'duty.recorded':
      return { ok: true, body: { type: 'recorded-on-record' } };
    case 'duty.referral-received':
      if (call.kind !== 'full') {
        return {
          ok: false,
          reason: 'not-applicable',
          text: 'An advice-only call has no formal referral to receive.',
        };
      }
      return { ok: true, body: { type: 'referral-received' } };
    case 'duty.allocation':
      // seed 001: the allocations meeting discusses the formal referral, so it must have been received
      if (!canRecordAllocation(call.kind, state)) {
        return {
          ok: false,
          reason: 'not-applicable',
          text: 'The allocations meeting’s outcome can be recorded once the formal referral is marked received. Nothing was changed.',
          detail: { allocation: action.allocation },
        };
      }
      if (action.allocation === 'not-accepted' && action.note === '') {
        return {
          ok: false,
          reason: 'reason-required',
          text: 'Not saved: please give a note for the referrer when the referral is not accepted.',
          detail: { allocation: action.allocation },
        };
      }
      return {
        ok: true,
        body: { type: 'allocation-decided', outcome: action.allocation, note: action.note },
      };
    case 'alert.ack':
      if (!action.alertRaised) {
        return {
          ok: false,
          reason: 'not-applicable',
          text: 'This duty call raised no safeguarding alert, so there is nothing to acknowledge.',
        };
      }
      return { ok: true, body: { type: 'alert-acknowledged' } };
  }
}
