/**
 * The referrer's one card after Submit (issue 9): it always fits, and its record text, in the card or in
 * the code blocks after it, is complete with no line longer than 64 characters.
 */
import { describe, expect, test } from 'vitest';
import { toPlainText, wrapPlainText } from '../../src/domain/document';
import { referralDoc } from '../../src/domain/referral';
import { summaryDoc } from '../../src/domain/summary';
import { MAX_CARD_BYTES } from '../../src/views/cards';
import {
  type ConfirmationInput,
  confirmationCard,
  RECORD_LINE_CHARS,
} from '../../src/views/confirmation-view';
import {
  buildDraft,
  FILL_NAMES,
  FILLS,
  FIXTURE_ANSWERS,
  submitted,
  TEST_PROFILE,
  WORST_PROFILE,
  worstAnswers,
} from '../fixtures/card-scenarios';
import { type Card, cardJsonBytes, cardProblems, elements } from './card-lint';

function input(kind: 'full' | 'advice', worst?: string): ConfirmationInput {
  const profile = worst ? WORST_PROFILE : TEST_PROFILE;
  const call = submitted(
    buildDraft(kind, worst ? worstAnswers(worst) : FIXTURE_ANSWERS[kind], profile),
    profile,
  );
  return {
    call,
    profile,
    summary: summaryDoc(call, profile),
    referral: referralDoc(call, profile),
    dutyChannel: true,
    alert: undefined,
    referralReminderDays: 7,
  };
}

const recordBox = (card: Card) =>
  elements(card).find((e) => e.id === 'recordText')?.value as string | undefined;

describe('wrapPlainText', () => {
  test.each([
    ['short lines stay as they are', 'one\ntwo', 10, 'one\ntwo'],
    ['lines break between words', 'the quick brown fox jumps', 10, 'the quick\nbrown fox\njumps'],
    ['a longer word breaks where the line ends', 'abcdefghijklmnop', 5, 'abcde\nfghij\nklmno\np'],
    ['a list item goes on indented', '- the quick brown fox', 10, '- the\n  quick\n  brown\n  fox'],
    ['never inside an emoji', '😀😀😀', 3, '😀\n😀\n😀'],
  ])('%s', (_what, text, width, wrapped) => {
    expect(wrapPlainText(text, width)).toBe(wrapped);
  });

  test('keeps every word, in order', () => {
    const text = 'Reason for referral: '.repeat(40);
    const wrapped = wrapPlainText(text, 64);
    expect(wrapped.split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
    for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(64);
  });
});

describe('the fixture calls’ confirmation', () => {
  test.each(['full', 'advice'] as const)(
    '%s: one card with the record text in it, all lines short',
    (kind) => {
      const i = input(kind);
      const { card, followUp } = confirmationCard(i);
      expect(cardProblems(card)).toEqual([]);
      expect(followUp).toEqual([]);
      const box = recordBox(card)!;
      expect(box).toBe(
        wrapPlainText(
          [toPlainText(i.summary), ...(i.referral ? [toPlainText(i.referral)] : [])].join('\n\n'),
          RECORD_LINE_CHARS,
        ),
      );
      for (const line of box.split('\n')) expect(line.length).toBeLessThanOrEqual(RECORD_LINE_CHARS);
    },
  );
});

describe.each(FILL_NAMES)('a worst-case full call’s confirmation in %s text', (fill) => {
  const i = input('full', FILLS[fill]);
  const { card, followUp } = confirmationCard(i);

  test('fits and passes every check', () => {
    expect(cardJsonBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardProblems(card)).toEqual([]);
  });

  test('the record text follows in code-block messages, complete, with no line over 64 characters', () => {
    expect(recordBox(card)).toBeUndefined();
    expect(followUp.length).toBeGreaterThan(0);
    const all = followUp.join('\n');
    const whole = [toPlainText(i.summary), toPlainText(i.referral!)].join('\n\n');
    expect(all.replace(/\s+/g, '')).toBe(whole.replace(/\s+/g, ''));
    for (const line of all.split('\n')) expect(line.length).toBeLessThanOrEqual(RECORD_LINE_CHARS);
    for (const chunk of followUp) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThan(25_000);
  });
});
