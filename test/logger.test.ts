import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../src/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('trace', stream), text: () => lines.join('') };
}

test('an error is logged with its type and stack frames, never its message', () => {
  const { logger, text } = capture();
  logger.error({ event: 'turn-failed', err: new TypeError('Maria Example, NHS 9434765919') });
  logger.error({ err: new Error('lives at 1 Example Street') });
  expect(text()).toContain('"type":"TypeError"');
  expect(text()).toContain('"msg":"turn-failed"');
  expect(text()).not.toContain('Maria');
  expect(text()).not.toContain('9434765919');
  expect(text()).not.toContain('Example Street');
});

test('patient fields that slip into a log object are redacted', () => {
  const { logger, text } = capture();
  logger.info({
    event: 'oops',
    text: 'free text',
    value: { reason: 'verbatim words' },
    answers: { family: { caregiverName: 'Maria' } },
    name: 'Hannah',
    nhsNumber: '9434765919',
    activity: { from: { name: 'Hannah' } },
  });
  for (const secret of ['free text', 'verbatim words', 'Maria', 'Hannah', '9434765919']) {
    expect(text()).not.toContain(secret);
  }
  expect(text()).toContain('[redacted]');
});
