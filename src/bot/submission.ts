import { z } from 'zod';

/** Card submissions bigger than this are not from our cards: the longest answers fit in a fraction of it. */
export const MAX_SUBMISSION_BYTES = 64 * 1024;

export const VERBS = [
  'call.start',
  'call.resume',
  'call.status',
  'call.help',
  'call.cancel',
  'call.cancel.confirm',
  'call.save',
  'call.back',
  'call.edit',
  'call.submit',
] as const;

export type Verb = (typeof VERBS)[number];

/** The fields our cards put beside the inputs; everything else in a submission is an answer. */
export const Envelope = z.object({
  verb: z.enum(VERBS),
  kind: z.enum(['full', 'advice']).optional(),
  draftId: z.string().max(64).optional(),
  // a number, or digits as a string; not whatever Number() would make of true, [] or [7]
  step: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,7}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(0).max(1_000_000))
    .optional(),
  section: z.string().max(40).optional(),
  move: z.enum(['next', 'stay']).optional(),
});

export type Envelope = z.infer<typeof Envelope>;

export type Parsed =
  | { ok: true; envelope: Envelope; inputs: Record<string, unknown> }
  | { ok: false; reason: 'too-large' | 'malformed' | 'unknown-action' };

export function parseSubmission(value: unknown): Parsed {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'malformed' };
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (size > MAX_SUBMISSION_BYTES) return { ok: false, reason: 'too-large' };
  const raw = value as Record<string, unknown>;
  if (typeof raw.verb !== 'string' || !(VERBS as readonly string[]).includes(raw.verb)) {
    return { ok: false, reason: 'unknown-action' };
  }
  const parsed = Envelope.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  return { ok: true, envelope: parsed.data, inputs: raw };
}
