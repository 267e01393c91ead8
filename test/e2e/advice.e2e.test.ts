import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { type E2E, startE2E } from './harness';
import { startMeasure } from './measure';
import { fillSection, LOCAL_ADVICE_CALL } from './ui-answers';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('advice');
});
afterAll(async () => {
  await e2e?.close();
});

/** Before issue 9 the advice call took 4 cards, 24 inputs (21 required) and 21 clicks: no longer now. */
const ADVICE_BEFORE = { cards: 4, inputs: 24, clicks: 21 };

test('an advice-only call in the playground: four cards, no referral drafted, no longer than before', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  const m = startMeasure(e2e, 'advice call');
  await e2e.say('advice');
  for (const [i, page] of ['referrer', 'advice', 'risk', 'pickUpThePhone'].entries()) {
    const text = await e2e.cardText();
    expect(text).toContain(`Step ${i + 1} of 4`);
    if (page === 'pickUpThePhone') expect(text).toContain('No information-sharing prompt applies');
    await m.card(page);
    await fillSection(e2e, 'advice', page, LOCAL_ADVICE_CALL);
    await e2e.press(page === 'pickUpThePhone' ? 'Save and review' : 'Next');
  }
  expect(await e2e.cardText()).toContain('Check your advice call');
  await m.review();

  // one confirmation card, the summary behind Show; no draft referral
  await e2e.press('Submit the advice call');
  const report = m.report();
  expect(report.totals.cardsBeforeReview).toBeLessThanOrEqual(ADVICE_BEFORE.cards);
  expect(report.totals.inputsShown).toBeLessThanOrEqual(ADVICE_BEFORE.inputs);
  expect(report.totals.clicks).toBeLessThanOrEqual(ADVICE_BEFORE.clicks);
  const confirmation = await e2e.cardText();
  expect(confirmation).toMatch(/IMH-[A-Z2-9]{6}/);
  expect(confirmation).not.toContain('Show draft referral');
  await e2e.pressExpectingNoReply('Show summary');
  await expect.poll(() => e2e.cardText()).toContain('advice call (advice only)');
  const summary = await e2e.cardText();
  expect(summary).toContain(LOCAL_ADVICE_CALL.advice!.question!);
  expect(summary).not.toContain('Eligibility indication');
  expect(summary).not.toContain('Draft referral to');
  await e2e.shot('summary');
});
