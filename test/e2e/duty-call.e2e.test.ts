import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { phonePrompts } from '../../src/domain/pick-up-the-phone';
import { type E2E, startE2E } from './harness';
import { overTargets, startMeasure, TARGETS } from './measure';
import { asAnswers, LOCAL_FULL_CALL as CALL, fillSection, LOCAL_PROFILE } from './ui-answers';

/** The cards of a full call (issue 9: at most 8 before the review). */
const CARDS = ['referrer', 'family', 'relationship', 'services', 'risk', 'pickUpThePhone', 'referral'];

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('duty-call');
});
afterAll(async () => {
  await e2e?.close();
});

test('a referrer completes a full duty call in the playground within issue 9’s targets, and gets one confirmation', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  // the risk answers raise exactly one "pick up the phone" prompt (parental mental health)
  expect(phonePrompts(asAnswers('full', CALL)).map((p) => p.id)).toEqual(['mental-health']);

  const m = startMeasure(e2e, 'full call');
  await e2e.say('start');
  // the referrer's name comes from their Teams profile (the playground's current user): one line to confirm
  expect(await e2e.cardText()).toContain('Hannah Visitor');
  expect(await e2e.inputLabels()).not.toContain('Your name');

  for (const [i, page] of CARDS.entries()) {
    const text = await e2e.cardText();
    expect(text).toContain(`Step ${i + 1} of ${CARDS.length}`);
    if (page === 'pickUpThePhone') {
      expect(text.match(/: what happened\?/g)).toHaveLength(1);
      expect(text).toContain('Parental mental health');
    }
    if (page === 'relationship')
      expect(text).toMatch(/Date of birth \d{1,2} \w+ \d{4}: \d+ months old today/);
    await m.card(page);
    await fillSection(e2e, 'full', page, CALL);
    await e2e.press(page === 'referral' ? 'Save and review' : 'Next');
  }

  const review = await e2e.cardText();
  expect(review).toContain('Check your duty call');
  // the referrer sees what the referral needs and what the practitioner will consider, not a verdict
  expect(review).not.toMatch(/Likely (not )?eligible/);
  expect(review).toContain('What the referral still needs');
  await m.review();

  // one confirmation card: the summary and the draft referral behind Show
  await e2e.press('Submit the duty call');
  const confirmation = await e2e.cardText();
  expect(confirmation).toMatch(/Reference: IMH-[A-Z2-9]{6}/);
  const report = m.report();
  expect(report.totals.cardsBeforeReview).toBe(CARDS.length);
  expect(overTargets(report)).toEqual([]);
  expect(report.totals.inputsShown).toBeLessThanOrEqual(TARGETS.inputsShown);

  await e2e.pressExpectingNoReply('Show summary');
  await expect.poll(() => e2e.cardText()).toContain('duty call summary');
  const summary = await e2e.cardText();
  expect(summary).toContain('The infant’s record');
  expect(summary).toContain('943 476 5919');
  expect(summary).not.toMatch(/Likely (not )?eligible/);
  expect(summary).toContain('What the IMH practitioner will consider');
  expect(summary).toMatch(/Parental mental health[\s:]+Phoned/);
  await e2e.pressExpectingNoReply('Show draft referral');
  await expect.poll(() => e2e.cardText()).toContain(`Draft referral to ${LOCAL_PROFILE.serviceName}`);
  expect(await e2e.cardText()).toContain(CALL.referral!.reason!);
  await e2e.shot('confirmation');

  await e2e.say('status');
  expect(await e2e.cardText()).toContain('no duty call in progress');
  await e2e.shot('status');
});
