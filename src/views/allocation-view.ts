import { ALLOCATION_OUTCOMES, type CallEvent } from '../domain/call-state';
import type { ServiceProfile } from '../domain/checklist';
import type { CallView } from '../records/call-view';
import { escapeMarkdown } from './cards';
import { allocationTitle, formatWhen } from './duty-view';
import { noticeCard } from './notice-view';

/**
 * The referrer's message when the duty team record the allocations meeting's outcome (HAZ-15): the
 * outcome of the event this delivery was queued with, in plain words, and the team's note as typed.
 */
export function allocationNoticeCard(
  view: CallView | undefined,
  seq: number | undefined,
  profile: ServiceProfile,
  reference: string,
  stamp: string,
): Record<string, unknown> {
  const event = view?.events.find(
    (e): e is Extract<CallEvent, { type: 'allocation-decided' }> =>
      e.seq === seq && e.type === 'allocation-decided',
  );
  const given = event
    ? { value: event.outcome, note: event.note, by: event.actor, at: event.at }
    : view?.state.allocation;
  if (!given) {
    return noticeCard({
      title: `The IMH team have discussed your referral ${reference}`,
      lines: ['The IMH team will be in touch.'],
      footer: stamp,
    });
  }
  const outcome = ALLOCATION_OUTCOMES.find((o) => o.value === given.value);
  return noticeCard({
    title: `The allocations meeting’s outcome for your referral ${reference}`,
    lines: [
      `**${allocationTitle(given.value)}**: recorded by ${escapeMarkdown(given.by.name)} on ${formatWhen(given.at, profile.timeZone)}.`,
      outcome?.referrer ?? '',
      ...(given.note ? [`From the team: ${escapeMarkdown(given.note)}`] : []),
      `To talk about it, call the IMH advice line on ${profile.adviceLineNumber}.`,
    ].filter(Boolean),
    color: given.value === 'not-accepted' ? 'Warning' : 'Good',
    footer: stamp,
  });
}
