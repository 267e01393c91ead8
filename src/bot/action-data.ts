import { z } from 'zod';
import { ALLOCATION_OUTCOMES, INDICATIONS } from '../domain/call-state';
import { REASON_MAX_LENGTH } from '../views/duty-view';

/** Our cards' action data is a few ids and one reason: anything much bigger did not come from them. */
export const MAX_ACTION_DATA_BYTES = 8 * 1024;

/** What every duty and alert button carries: the record and the version the card was drawn from. */
export const CardRef = z.object({
  recordId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/),
  // Teams sends the card's data back as it was: a JSON number, never digits in a string
  version: z.number().int().min(0).max(1_000_000),
});
export type CardRef = z.infer<typeof CardRef>;

/** An in-progress alert's Acknowledge also carries the alert's own id (src/records/draft-alerts.ts). */
export const InProgressRef = CardRef.extend({
  alertId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/),
});

export const IndicateData = CardRef.extend({
  indication: z
    .enum(INDICATIONS.map((i) => i.value) as [string, ...string[]])
    .transform((v) => v as (typeof INDICATIONS)[number]['value']),
  // an empty input may arrive as '' or not at all
  reason: z
    .string()
    .max(REASON_MAX_LENGTH)
    .optional()
    .transform((s) => (s ?? '').trim()),
});
export type IndicateData = z.infer<typeof IndicateData>;

/** The allocations meeting's outcome and its note for the referrer (input ids distinct from the indication's). */
export const AllocationData = CardRef.extend({
  allocation: z
    .enum(ALLOCATION_OUTCOMES.map((o) => o.value) as [string, ...string[]])
    .transform((v) => v as (typeof ALLOCATION_OUTCOMES)[number]['value']),
  allocationNote: z
    .string()
    .max(REASON_MAX_LENGTH)
    .optional()
    .transform((s) => (s ?? '').trim()),
});
export type AllocationData = z.infer<typeof AllocationData>;

export type Parsed<T> = { ok: true; data: T } | { ok: false };

/** Checks an Action.Execute data payload: the right shape and types, and not too large. */
export function parseActionData<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false };
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  } catch {
    return { ok: false };
  }
  if (size > MAX_ACTION_DATA_BYTES) return { ok: false };
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, data: r.data } : { ok: false };
}
