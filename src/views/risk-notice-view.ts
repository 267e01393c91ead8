import type { Answers } from '../domain/answers';
import type { ServiceProfile } from '../domain/checklist';
import { possibleHarmFlagged, referrerActionsNow, WHO_ACTS } from '../domain/risk';
import { atTime } from './alert-notices';
import { footer } from './common';
import { noticeCard } from './notice-view';

export interface RiskNoticeOptions {
  /**
   * Whether the safeguarding leads were alerted by this save (issue 8 item 1: the alert queued in the same
   * transaction as the risk save). Until then it is false, and the referrer is told not to wait for them.
   */
  readonly leadsAlerted: boolean;
  /**
   * Where the call's alert is (src/records/draft-alerts.ts): queued with this save and being posted, or
   * already posted / acknowledged when the risk section is saved again. Its reference too.
   */
  readonly alert?:
    | {
        readonly status: 'being-alerted' | 'alerted' | 'acknowledged';
        readonly reference: string;
        readonly deliveredAt?: string | undefined;
      }
    | undefined;
}

function leadsLine(o: RiskNoticeOptions, profile: ServiceProfile): string {
  const a = o.alert;
  if (!a) {
    return o.leadsAlerted
      ? 'The IMH service’s safeguarding leads have been alerted. That does not replace your own safeguarding procedure.'
      : 'The IMH service’s safeguarding leads have not been alerted yet: act now, do not wait for them or for the end of this call.';
  }
  const when = a.deliveredAt ? ` ${atTime(a.deliveredAt, profile.timeZone)}` : '';
  const status =
    a.status === 'being-alerted'
      ? 'are being alerted now; I will tell you here when they have been, and when one of them acknowledges it'
      : a.status === 'alerted'
        ? `were alerted${when}; I will tell you here when one of them acknowledges it`
        : `were alerted${when}, and a lead has acknowledged it`;
  return `The IMH service’s safeguarding leads ${status} (reference ${a.reference}). That does not replace your own safeguarding procedure.`;
}

/**
 * The card shown in the same reply as a risk save that answers possible harm to the baby or a parent "yes"
 * or "not known" (HAZ-02): what the referrer should do now, short and first, before the call goes on.
 * Undefined when no harm is possible or unknown.
 */
export function riskNoticeCard(
  answers: Answers,
  profile: ServiceProfile,
  o: RiskNoticeOptions,
): Record<string, unknown> | undefined {
  if (!possibleHarmFlagged(answers)) return undefined;
  const [danger, ...rest] = referrerActionsNow(answers, profile);
  return noticeCard({
    title: `Possible harm: ${WHO_ACTS.referrer.toLowerCase()}`,
    color: 'Attention',
    lines: [
      `**${WHO_ACTS.referrer}**`,
      `**${danger}**`,
      ...rest,
      leadsLine(o, profile),
      'Your answers are saved. Carry on with the call when you have acted.',
    ],
    footer: footer(profile),
  });
}
