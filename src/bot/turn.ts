import { type Activity, TeamsInfo, type TurnContext } from 'botbuilder';
import { todayInTimeZone } from '../domain/age';
import type { SectionAnswers } from '../domain/answers';
import type { ServiceProfile } from '../domain/checklist';
import { attachment } from '../views/cards';
import { DraftStore } from './draft-store';

export interface Referrer {
  readonly tenantId: string;
  readonly userId: string;
  readonly key: string;
  readonly personal: boolean;
}

export function referrerOf(context: TurnContext): Referrer {
  const a = context.activity;
  const tenantId = a.channelData?.tenant?.id ?? a.conversation?.tenantId ?? 'unknown';
  // the Entra object id survives a new chat or a reinstall; the channel account id does not
  const userId = a.from?.aadObjectId ?? a.from?.id ?? 'unknown';
  const type = a.conversation?.conversationType;
  return {
    tenantId,
    userId,
    key: DraftStore.key(tenantId, userId),
    personal: type === undefined || type === 'personal',
  };
}

/** Where the bot can later write to this referrer, proactively (an alert's outcome, the team's reply). */
export function replyContact(context: TurnContext): {
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly userId: string;
} {
  const a = context.activity;
  return { serviceUrl: a.serviceUrl, conversationId: a.conversation.id, userId: a.from.id };
}

export async function sendCard(context: TurnContext, card: Record<string, unknown>): Promise<void> {
  await context.sendActivity({ type: 'message', attachments: [attachment(card)] } as Partial<Activity>);
}

export function today(now: Date, profile: ServiceProfile): string {
  return todayInTimeZone(now, profile.timeZone);
}

/** The referrer's name and email from Teams, to save typing; never required, so failures are ignored. */
export async function teamsProfile(context: TurnContext): Promise<SectionAnswers> {
  const from = context.activity.from;
  const fallback: Record<string, string> = from?.name ? { name: from.name.slice(0, 100) } : {};
  try {
    const member = await Promise.race([
      TeamsInfo.getMember(context, from.id),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000).unref()),
    ]);
    if (!member) return fallback;
    const email = member.email ?? member.userPrincipalName ?? '';
    return {
      ...fallback,
      ...(member.name ? { name: member.name.slice(0, 100) } : {}),
      ...(/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? { email: email.slice(0, 254) } : {}),
    };
  } catch {
    return fallback;
  }
}
