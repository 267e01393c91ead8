import { z } from 'zod';
import { type CallState, EMPTY_STATE } from '../domain/call-state';
import type { ServiceProfile } from '../domain/checklist';
import { type DraftAlert, snapshotCall } from '../records/draft-alerts';
import { escapeMarkdown } from './cards';
import { type AlertCardOptions, alertCard, type CardNotice, formatWhen } from './duty-view';
import { noticeCard } from './notice-view';

/** "at 10:42 on 23 November 2026", on the service's clock. */
export function atTime(iso: string, timeZone: string): string {
  const [date, time] = formatWhen(iso, timeZone).split(', ');
  return `at ${time} on ${date}`;
}

/** An alert raised while its call is in progress, as the leads see it: drawn from what was known then. */
export function inProgressAlertCard(
  alert: DraftAlert,
  profile: ServiceProfile,
  stamp: string,
  notice?: CardNotice,
  escalation?: AlertCardOptions['escalation'],
): Record<string, unknown> {
  return alertCard(
    { call: snapshotCall(alert), state: inProgressState(alert) },
    {
      profile,
      stamp,
      reasons: alert.snapshot.reasons,
      notice,
      inProgress: { alertId: alert.id },
      // once acknowledged an escalation is redrawn as the alert it repeats: no mention left calling anyone
      escalation: alert.acknowledged ? undefined : escalation,
    },
  );
}

/** What the alert card shows of an in-progress alert: acknowledged, and the reminders made. */
export function inProgressState(alert: DraftAlert): CallState {
  return {
    ...EMPTY_STATE,
    ...(alert.acknowledged ? { acknowledged: alert.acknowledged } : {}),
    escalations: alert.escalations,
    ...(alert.lastEscalatedAt ? { lastEscalatedAt: alert.lastEscalatedAt } : {}),
  };
}

const NotePayload = z
  .object({
    note: z.enum(['submitted', 'risk-withdrawn', 'risk-flagged-again', 'discarded', 'unsubmitted']),
    at: z.string().max(40).optional(),
    minutes: z.number().int().optional(),
    reasons: z.array(z.string().max(2000)).max(50).optional(),
  })
  .loose();

/**
 * A note in an in-progress alert's thread (all but 'submitted', which re-posts the alert as submitted):
 * what changed, and that the alert stands. Ids and fixed texts only, like the alert itself.
 */
export function alertNoteCard(
  payload: unknown,
  reference: string,
  profile: ServiceProfile,
  stamp: string,
): Record<string, unknown> {
  const p = NotePayload.safeParse(payload);
  const note = p.success ? p.data : undefined;
  const when = note?.at ? ` ${atTime(note.at, profile.timeZone)}` : '';
  const stands = 'The alert stands: what to do about it is for the safeguarding leads to decide.';
  const contact = 'What was known is in the alert above, with the referrer’s contact details.';
  switch (note?.note) {
    case 'risk-withdrawn':
      return noticeCard({
        title: `Safeguarding alert ${reference}: the referrer changed their answers`,
        lines: [
          `The referrer${when} changed their answers to the risk questions: possible harm to the baby and to a parent are now both answered “no”. The call is still in progress.`,
          stands,
        ],
        color: 'Warning',
        footer: stamp,
      });
    case 'risk-flagged-again':
      return noticeCard({
        title: `Safeguarding alert ${reference}: possible harm answered again`,
        lines: [
          `The referrer${when} answered the risk questions again with possible harm. The call is still in progress.`,
          ...(note.reasons ?? []).map((r) => `• ${escapeMarkdown(r)}`),
        ],
        color: 'Attention',
        footer: stamp,
      });
    case 'discarded':
      return noticeCard({
        title: `Safeguarding alert ${reference}: the referrer discarded the draft`,
        lines: [
          `The referrer discarded the draft of this call${when}, without submitting it: no summary will follow.`,
          contact,
          stands,
        ],
        color: 'Attention',
        footer: stamp,
      });
    case 'unsubmitted':
      return noticeCard({
        title: `Safeguarding alert ${reference}: the call has not been submitted`,
        lines: [
          `The call has not been submitted ${note.minutes ?? 'some'} minutes after this alert was raised. The referrer may have stopped or been interrupted.`,
          contact,
        ],
        color: 'Attention',
        footer: stamp,
      });
    default:
      return noticeCard({
        title: `Safeguarding alert ${reference}`,
        lines: [contact],
        color: 'Attention',
        footer: stamp,
      });
  }
}

const NoticePayload = z
  .object({
    notice: z.enum(['alerted', 'acknowledged']),
    by: z.string().max(200).optional(),
    at: z.string().max(40).optional(),
  })
  .loose();

/**
 * To the referrer: when the safeguarding leads' channel received their alert, and when and by whom it
 * was acknowledged. `alertedAt` is when the alert was delivered.
 */
export function referrerNoticeCard(
  payload: unknown,
  reference: string,
  alertedAt: string | undefined,
  profile: ServiceProfile,
  stamp: string,
): Record<string, unknown> {
  const p = NoticePayload.safeParse(payload);
  if (p.success && p.data.notice === 'acknowledged') {
    const by = p.data.by ? escapeMarkdown(p.data.by) : 'a safeguarding lead';
    return noticeCard({
      title: `Your safeguarding alert ${reference} was acknowledged`,
      lines: [
        `${by} acknowledged it${p.data.at ? ` ${atTime(p.data.at, profile.timeZone)}` : ''}, for the safeguarding leads.`,
        'The leads decide what happens next and may contact you.',
      ],
      color: 'Good',
      footer: stamp,
    });
  }
  return noticeCard({
    title: `The safeguarding leads were alerted: ${reference}`,
    lines: [
      `The safeguarding leads were alerted${alertedAt ? ` ${atTime(alertedAt, profile.timeZone)}` : ''} (reference ${reference}). I will tell you here when one of them acknowledges it.`,
      'This does not replace what you should do now: follow your organisation’s safeguarding procedure, and in an emergency call 999.',
    ],
    color: 'Warning',
    footer: stamp,
  });
}
