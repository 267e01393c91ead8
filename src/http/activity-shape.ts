import { z } from 'zod';

/**
 * The inbound activity as far as the front door relies on it: what authentication (channelId,
 * serviceUrl), the tenant check and botbuilder's turn set-up read. Deliberately loose elsewhere:
 * fields Teams adds later pass through, and card payloads (`value`) are checked by the bot itself.
 * Scalars may be null (some Bot Framework clients serialise absent fields so); objects may not, as
 * botbuilder reads into them.
 */
const text = z.string().nullish();
const account = z.looseObject({ id: z.string(), aadObjectId: text, name: text });
const serviceUrl = z.string().refine((s) => {
  try {
    const url = new URL(s);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
});

export const inboundActivity = z.looseObject({
  type: z.string().min(1),
  id: text,
  channelId: text,
  // Required although the schema makes it optional: Teams always sends it, botbuilder builds the reply
  // client from it (without one, a reply hangs in its retries), and only when it is present does
  // botbuilder check it against the token's serviceurl claim
  serviceUrl,
  conversation: z.looseObject({ id: z.string(), tenantId: text, conversationType: text }),
  from: account.optional(),
  recipient: account.optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: text }).optional() }).optional(),
  text,
  name: text,
  locale: text,
  deliveryMode: text,
  replyToId: text,
  timestamp: text,
  localTimestamp: text,
  entities: z.array(z.unknown()).nullish(),
  attachments: z.array(z.unknown()).nullish(),
  membersAdded: z.array(account).nullish(),
  membersRemoved: z.array(account).nullish(),
});

export type InboundActivity = z.infer<typeof inboundActivity>;
