import type { Activity } from 'botbuilder';
import { attachment } from '../bot/cards';
import { documentCard } from '../bot/views/document-view';
import { noticeCard } from '../bot/views/notice-view';
import type { ServiceProfile } from '../domain/checklist';
import { summaryDoc } from '../domain/summary';
import type { SubmittedCall } from '../domain/submitted-call';
import type { DutyCallRecords } from '../storage/duty-call-records';
import type { Delivery } from './outbox';

export interface RenderContext {
  readonly profile: ServiceProfile;
  readonly records: DutyCallRecords;
}

/**
 * The message a delivery posts, drawn from the record as it is now. Every message names the record
 * and the delivery, so a duplicate after a crash is recognisable.
 */
export function renderDelivery(d: Delivery, ctx: RenderContext): Partial<Activity> {
  const call = d.recordId ? (ctx.records.get(d.recordId)?.record as SubmittedCall | undefined) : undefined;
  const stamp = `Record ${call?.reference ?? d.recordId ?? '-'} · delivery ${d.id}`;
  const card = (() => {
    switch (d.kind) {
      case 'duty-summary':
        if (!call) throw new Error('duty summary without a record');
        return documentCard({ ...summaryDoc(call, ctx.profile), footer: stamp });
      case 'safeguarding-alert':
        return noticeCard({
          title: `Safeguarding alert: ${call?.reference ?? ''}`,
          lines: [...((d.payload.reasons as string[] | undefined) ?? [])],
          color: 'Attention',
          footer: stamp,
        });
      default:
        return noticeCard({ title: d.kind, lines: [`Reference ${call?.reference ?? '-'}`], footer: stamp });
    }
  })();
  return { type: 'message', attachments: [attachment(card)] } as Partial<Activity>;
}
