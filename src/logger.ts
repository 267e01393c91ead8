import pino, { type Logger } from 'pino';

/**
 * Structured logs. Call sites log ids and outcomes only; the redaction below is the safety net
 * for patient data that slips into an object (names, NHS numbers, free text, card values).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'imh-duty-bot' },
      redact: {
        paths: [
          'text',
          'value',
          'answers',
          'name',
          'nhsNumber',
          'email',
          '*.text',
          '*.value',
          '*.answers',
          '*.name',
          '*.nhsNumber',
          '*.email',
          'activity.from',
          'activity.recipient',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
      serializers: { err: safeError },
      hooks: {
        // pino uses an error's message as the log message when none is given; messages can quote user input
        logMethod(args, method) {
          const [first] = args;
          if (args.length === 1 && typeof first === 'object' && first !== null) {
            const event = (first as { event?: unknown }).event;
            return method.apply(this, [first, typeof event === 'string' ? event : 'log'] as never);
          }
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
}

/** Errors keep their type and stack frames, not their message: messages can quote user input. */
function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === 'string' ? { code } : {}),
    stack: frames.slice(0, 8).join('\n'),
  };
}

/** Activity types Bot Framework defines; anything else is the caller's text and is logged as 'other'. */
const ACTIVITY_TYPES = new Set([
  'message',
  'contactRelationUpdate',
  'conversationUpdate',
  'typing',
  'endOfConversation',
  'event',
  'invoke',
  'invokeResponse',
  'deleteUserData',
  'messageUpdate',
  'messageDelete',
  'installationUpdate',
  'messageReaction',
  'suggestion',
  'trace',
  'handoff',
  'command',
  'commandResult',
]);

/** An activity's type as it may be logged: a caller can put any text there. */
export function activityTypeForLog(type: unknown): string {
  return typeof type === 'string' && ACTIVITY_TYPES.has(type) ? type : 'other';
}

export type { Logger };
