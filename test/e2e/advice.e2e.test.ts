import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { type E2E, startE2E } from './harness';
import { fillSection, LOCAL_ADVICE_CALL } from './ui-answers';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E('advice');
});
afterAll(async () => {
  await e2e?.close();
});

test('an advice-only call in the playground: four sections, no referral drafted', async () => {
  onTestFailed(() => e2e.shot('failed').then(() => undefined));
  await e2e.say('advice');
  for (const [i, section] of ['referrer', 'advice', 'risk', 'pickUpThePhone'].entries()) {
    const text = await e2e.cardText();
    expect(text).toContain(`Section ${i + 1} of 4`);
    if (section === 'pickUpThePhone') expect(text).toContain('No information-sharing prompt applies');
    await fillSection(e2e, 'advice', section, LOCAL_ADVICE_CALL);
    await e2e.shot(section);
    await e2e.press(section === 'pickUpThePhone' ? 'Save and review' : 'Next');
  }
  expect(await e2e.cardText()).toContain('Check your advice call');
  await e2e.shot('review');

  // confirmation and summary; no draft referral
  await e2e.press('Submit the advice call', 2);
  const cards = e2e.newCards();
  await expect.poll(() => cards.count()).toBe(2);
  const [confirmation, summary] = await cards.allInnerTexts();
  expect(confirmation).toMatch(/IMH-[A-Z2-9]{6}/);
  expect(summary).toContain('advice call (advice only)');
  expect(summary).toContain(LOCAL_ADVICE_CALL.advice!.question!);
  expect(summary).not.toContain('Eligibility indication');
  expect(summary).not.toContain('Draft referral');
  await e2e.shot('summary', cards.nth(1));
});
