import type { ServiceProfile } from '../domain/checklist';

export const FOOTER = 'This bot suggests; the IMH duty practitioner decides.';

export function footer(profile: ServiceProfile): string {
  return `${FOOTER} Advice line: ${profile.adviceLineNumber}.`;
}

export interface Button {
  readonly title: string;
  readonly style: 'default' | 'positive' | 'destructive';
  readonly data: Record<string, unknown>;
}

export const buttons = {
  start: { title: 'Start a duty call', style: 'positive', data: { verb: 'call.start', kind: 'full' } },
  advice: { title: 'Advice only', style: 'default', data: { verb: 'call.start', kind: 'advice' } },
  resume: { title: 'Resume', style: 'positive', data: { verb: 'call.resume' } },
  status: { title: 'Status', style: 'default', data: { verb: 'call.status' } },
  cancel: { title: 'Cancel the draft', style: 'destructive', data: { verb: 'call.cancel' } },
  help: { title: 'Help', style: 'default', data: { verb: 'call.help' } },
} as const satisfies Record<string, Button>;

/** The first `n` UTF-16 code units of `s`, one fewer if the cut would split a surrogate pair (an emoji). */
export function cut(s: string, n: number): string {
  const at = Math.max(0, Math.min(n, s.length));
  const code = s.charCodeAt(at - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? at - 1 : at);
}

/** At most `max` characters: a longer text is cut (never inside an emoji) and ends with "…". */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${cut(s, max - 1).trimEnd()}…`;
}
