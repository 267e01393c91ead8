import { formatUkDate } from '../domain/age';
import type { ServiceProfile } from '../domain/checklist';
import type { ClosedDraft, Draft, Progress } from '../domain/draft';
import type { GlossaryEntry } from '../domain/glossary';
import { GLOSSARY_SOURCE, listTerms } from '../domain/glossary';
import { bindCard } from './cards';
import { type Button, buttons, FOOTER, footer } from './common';

interface Notice {
  title: string;
  lines: string[];
  buttons?: Button[];
  color?: 'Default' | 'Attention' | 'Good' | 'Warning';
  footer?: string;
}

/** A short card of our own sentences; any user text must be escaped before it gets here. */
export function noticeCard(n: Notice): Record<string, unknown> {
  return bindCard('notice', {
    title: n.title,
    lines: n.lines,
    buttons: n.buttons ?? [],
    color: n.color ?? 'Default',
    footer: n.footer ?? '',
  });
}

export function welcomeCard(profile: ServiceProfile, hasDraft: boolean): Record<string, unknown> {
  return noticeCard({
    title: `Welcome to the ${profile.serviceName} duty line`,
    lines: [
      `I walk you through the ${profile.callMinutes}-minute IMH duty call: the family and your details, consent, the six key points, a brief risk screening, the "pick up the phone" prompts and what the referral still needs. The duty practitioner gives the eligibility indication.`,
      'At the end you get a summary for the duty team and a draft of your written referral, in your own words. You can also use the call for advice only.',
      'Your progress is saved after every step: stop at any time and type **resume** to carry on.',
    ],
    buttons: hasDraft
      ? [buttons.resume, buttons.status, buttons.help]
      : [buttons.start, buttons.advice, buttons.help],
    footer: footer(profile),
  });
}

export function helpCard(profile: ServiceProfile, hasDraft: boolean): Record<string, unknown> {
  return noticeCard({
    title: 'What you can type',
    lines: [
      '**start**: begin a duty call (a referral, with a draft referral at the end)',
      '**advice**: an advice-only call (shorter; no referral is drafted)',
      '**resume**: carry on with the call you started',
      '**status**: where you are in the call',
      '**cancel**: discard the call you started (I ask first)',
      '**help**: this list',
      '**forget me**: delete the details I remember from your last call (a call in progress is kept)',
      `**what is attunement?**: the meaning of a key term (${listTerms().length} terms from the ${GLOSSARY_SOURCE})`,
      `To speak to the duty team, call the advice line on ${profile.adviceLineNumber}.`,
    ],
    buttons: hasDraft ? [buttons.resume, buttons.status] : [buttons.start, buttons.advice],
    footer: FOOTER,
  });
}

export function statusCard(
  draft: Draft | null,
  p: Progress | null,
  last: ClosedDraft | undefined,
): Record<string, unknown> {
  const lines: string[] = [];
  if (draft && p) {
    lines.push(
      `${draft.kind === 'advice' ? 'Advice-only call' : 'Duty call'} started ${formatUkDate(draft.callDate)}.`,
      p.text,
    );
  } else lines.push('You have no duty call in progress.');
  if (last?.status === 'submitted' && last.reference)
    lines.push(`Your last submitted call: ${last.reference}.`);
  return noticeCard({
    title: 'Status',
    lines,
    buttons: draft ? [buttons.resume, buttons.cancel] : [buttons.start, buttons.advice],
  });
}

/**
 * `risk`: the draft has possible harm flagged (and an alert raised, with its reference): discarding it
 * does not withdraw the alert, and the leads are told.
 */
export function confirmCancelCard(
  draft: Draft,
  p: Progress,
  risk?: { readonly reference?: string | undefined },
): Record<string, unknown> {
  return noticeCard({
    title: risk
      ? 'Discard this draft? You told me a baby or parent may be at risk of harm'
      : 'Discard this draft?',
    lines: [
      `${p.text}.`,
      ...(risk
        ? [
            `**The safeguarding leads have been alerted about this call${risk.reference ? ` (reference ${risk.reference})` : ''}: discarding the draft does not withdraw that alert, and I will tell them you discarded it.** Without the rest of the call they have only what you entered up to the risk questions.`,
            'If anyone is in immediate danger, call 999. Follow your organisation’s safeguarding procedure whether or not you keep this draft.',
          ]
        : []),
      'Everything you have entered for this call will be deleted. This cannot be undone.',
    ],
    color: risk ? 'Attention' : 'Warning',
    buttons: [
      {
        title: 'Discard the draft',
        style: 'destructive',
        data: { verb: 'call.cancel.confirm', draftId: draft.id },
      },
      { title: 'Keep it and resume', style: 'positive', data: { verb: 'call.resume' } },
    ],
  });
}

export function glossaryCard(entry: GlossaryEntry): Record<string, unknown> {
  return noticeCard({
    title: entry.term,
    lines: entry.definition.split('\n').filter(Boolean),
    footer: `From the ${entry.source ?? GLOSSARY_SOURCE}.`,
  });
}

export function problemCard(title: string, lines: string[], extra: Button[] = []): Record<string, unknown> {
  return noticeCard({ title, lines, color: 'Attention', buttons: extra });
}
